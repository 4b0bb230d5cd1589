package template

import "testing"

func TestBase64(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal", expr: `!Base64 hello`, want: "aGVsbG8="},
		{name: "sub", expr: `!Base64 {"Fn::Sub": "${Name}"}`, want: "c2l0ZQ=="},
		{name: "symbolic", expr: `!Base64 {"Fn::Sub": "${AWS::Region}"}`, want: "${Fn::Base64 of ${test:AWS::Region}}"},
		{name: "list", expr: `!Base64 [a]`, err: "must be a string"},
	})
}
