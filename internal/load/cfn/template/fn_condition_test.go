package template

import (
	"strings"
	"testing"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

func condOf(t *testing.T, conds string, name string, params map[string]string) (ident.Tri, error) {
	t.Helper()
	src := "Parameters:\n  Env: {Type: String}\n  Name: {Type: String, Default: site}\nConditions:\n" + conds + "Resources:\n  B: {Type: AWS::S3::Bucket}\n"
	tm, err := Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	e, err := New(tm, Config{Pseudo: testPseudo, Params: params, Resolver: fakeResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	return e.Condition(name, source.Pos{File: "c.yaml", Line: 1})
}

func TestCondition(t *testing.T) {
	tests := []struct {
		name, conds, cond string
		params            map[string]string
		want              ident.Tri
		err               string
	}{
		{name: "reference", conds: "  A: !Equals [!Ref Name, site]\n  B: !Condition A\n", cond: "B", want: ident.True},
		{name: "long form", conds: "  A: {Fn::Equals: [x, x]}\n  B: {Fn::Not: [{Condition: A}]}\n", cond: "B", want: ident.False},
		{name: "unknown parameter", conds: "  A: !Equals [!Ref Env, prod]\n", cond: "A", want: ident.Unknown},
		{name: "given parameter", conds: "  A: !Equals [!Ref Env, prod]\n", cond: "A", params: map[string]string{"Env": "prod"}, want: ident.True},
		{name: "region symbol", conds: "  A: !Equals [!Ref AWS::Region, us-east-1]\n", cond: "A", want: ident.Unknown},
		{name: "region symbol never equals a non-region", conds: "  A: !Equals [!Ref AWS::Region, \"Not A Region\"]\n", cond: "A", want: ident.False},
		{name: "unknown or true", conds: "  A: !Equals [!Ref Env, prod]\n  B: !Or [!Condition A, !Equals [a, a]]\n", cond: "B", want: ident.True},
		{name: "unknown and false", conds: "  A: !Equals [!Ref Env, prod]\n  B: !And [!Condition A, !Equals [a, b]]\n", cond: "B", want: ident.False},
		{name: "cycle", conds: "  A: !Condition B\n  B: !Condition A\n", cond: "A", err: "refers to itself"},
		{name: "not a condition function", conds: "  A: !Ref Env\n", cond: "A", err: "expected a condition function, found Ref"},
		{name: "and arity", conds: "  A: !And [!Equals [a, a]]\n", cond: "A", err: "Fn::And takes a list of 2 to 10"},
		{name: "undefined", conds: "  A: !Condition C\n", cond: "A", err: "condition C is not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := condOf(t, tt.conds, tt.cond, tt.params)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConditionFunctionsAsValues(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "equals", expr: `!Equals [a, a]`, want: "true"},
		{name: "not", expr: `!Not [!Equals [a, a]]`, want: "false"},
		{name: "and", expr: `!And [!Condition IsSite, !Condition IsSite]`, want: "true"},
		{name: "or unknown", expr: `!Or [!Condition IsProd, !Condition NotSite]`, want: "${Fn::Or at 45:12}"},
	})
}
