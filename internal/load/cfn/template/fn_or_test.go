package template

import "testing"

func TestOr(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "one true", expr: `!Or [!Condition NotSite, !Condition IsSite]`, want: "true"},
		{name: "all false", expr: `!Or [!Condition NotSite, !Equals [a, b]]`, want: "false"},
		{name: "unknown and true", expr: `!Or [!Condition IsProd, !Condition IsSite]`, want: "true"},
		{name: "arity", expr: `!Or [!Condition IsSite]`, err: "Fn::Or takes a list of 2 to 10"},
	})
}
