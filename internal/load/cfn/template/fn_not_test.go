package template

import "testing"

func TestNot(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "true", expr: `!Not [!Condition NotSite]`, want: "true"},
		{name: "unknown", expr: `!Not [!Condition IsProd]`, want: "${Fn::Not at 45:12}"},
		{name: "arity", expr: `!Not [!Condition IsSite, !Condition IsSite]`, err: "Fn::Not takes a list of 1"},
	})
}
