package template

import "testing"

func TestAnd(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "all true", expr: `!And [!Condition IsSite, !Equals [a, a]]`, want: "true"},
		{name: "one false", expr: `!And [!Condition IsSite, !Condition NotSite]`, want: "false"},
		{name: "unknown", expr: `!And [!Condition IsSite, !Condition IsProd]`, want: "${Fn::And at 45:12}"},
		{name: "given", expr: `!And [!Condition IsSite, !Condition IsProd]`, params: map[string]string{"Env": "prod"}, want: "true"},
		{name: "not a condition", expr: `!And [a, b]`, err: "expected a condition function"},
	})
}
