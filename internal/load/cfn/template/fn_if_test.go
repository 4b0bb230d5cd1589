package template

import (
	"strings"
	"testing"
)

func TestIf(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "true", expr: `!If [IsSite, yes, no]`, want: "yes"},
		{name: "false", expr: `!If [NotSite, yes, no]`, want: "no"},
		{name: "given parameter", expr: `!If [IsProd, big, small]`, params: map[string]string{"Env": "prod"}, want: "big"},
		{name: "no value", expr: `!If [IsSite, !Ref AWS::NoValue, x]`, want: "AWS::NoValue"},
		{name: "unknown, same branches", expr: `!If [IsProd, same, same]`, want: "same"},
		{name: "unknown", expr: `!If [IsProd, big, small]`, want: "${condition IsProd (Fn::If at 45:12)}"},
		{name: "branch not taken is not evaluated", expr: `!If [IsSite, ok, !Ref Gone]`, want: "ok"},
		{name: "undefined condition", expr: `!If [IsProdd, a, b]`, err: `did you mean "IsProd"?`},
		{name: "not a name", expr: `!If [[a], a, b]`, err: "Fn::If takes a condition name"},
	})
}

func TestIfNotesUnknownCondition(t *testing.T) {
	_, notes, err := evalExpr(t, `!If [IsProd, big, small]`, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range notes {
		if n.What == "condition IsProd" && n.Root {
			found = true
			if !strings.Contains(n.Why, "parameter Env has no Default") {
				t.Errorf("why = %q, want it to name parameter Env", n.Why)
			}
		}
	}
	if !found {
		t.Errorf("no note for condition IsProd: %+v", notes)
	}
}
