package template

import (
	"reflect"
	"testing"
)

func TestParseSub(t *testing.T) {
	got := parseSub("a${X}b${!Lit}c${Y.Z}${unclosed")
	want := []subPart{{lit: "a"}, {name: "X", isVar: true}, {lit: "b${Lit}c"}, {name: "Y.Z", isVar: true}, {lit: "${unclosed"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSub = %#v\nwant %#v", got, want)
	}
}

func TestSub(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "pseudo and resource", expr: `!Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Bucket}"`,
			want: "arn:aws:cloudfront::${test:AWS::AccountId}:distribution/${Bucket.ref}"},
		{name: "attribute", expr: `!Sub "${Bucket.Arn}/*"`, want: "${Bucket.Arn}/*"},
		{name: "parameter", expr: `!Sub "${Name}-${AWS::Region}"`, want: "site-${test:AWS::Region}"},
		{name: "literal", expr: `!Sub "${!Literal} and $ {x}"`, want: "${Literal} and $ {x}"},
		{name: "variables", expr: "!Sub\n- \"${A}-${B}\"\n- A: !Ref Name\n  B: fixed", want: "site-fixed"},
		{name: "variable shadows resource", expr: "!Sub [\"${Bucket}\", {Bucket: mine}]", want: "mine"},
		{name: "unknown parameter", expr: `!Sub "${Unset}.example.com"`, want: "${parameter Unset}.example.com"},
		{name: "no value variable", expr: "!Sub [\"a${X}b\", {X: !Ref AWS::NoValue}]", want: "ab"},
		{name: "list variable", expr: `!Sub "${Subnets}"`, want: "${invalid value at t.yaml:45:12}"},
		{name: "unknown variable", expr: `!Sub "${Nope}"`, err: "Fn::Sub variable ${Nope} is neither a parameter nor a resource"},
		{name: "bad shape", expr: "{Fn::Sub: [a, b, c]}", err: "Fn::Sub takes a string, or a string and a map"},
		{name: "bad variables", expr: "{Fn::Sub: [a, [b]]}", err: "Fn::Sub variables must be a mapping"},
		{name: "spaces in name", expr: `!Sub "${ Name }"`, err: "is not a valid name"},
	})
}
