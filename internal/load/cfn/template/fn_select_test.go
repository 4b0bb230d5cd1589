package template

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal list", expr: `!Select [1, [a, b, c]]`, want: "b"},
		{name: "string index", expr: `!Select ["2", !Ref Subnets]`, want: "c"},
		{name: "from split", expr: `!Select [0, !Split ["/", "x/y"]]`, want: "x"},
		{name: "unknown list", expr: `!Select [0, !Ref Zones]`, want: "${Fn::Select 0 of ${parameter Zones}}"},
		{name: "unknown index, equal elements", expr: `!Select [!Ref Unset, [a, a]]`, want: "a"},
		{name: "unknown index", expr: `!Select [!Ref Unset, [a, b]]`, want: "${Fn::Select of ${parameter Unset}}"},
		{name: "out of range", expr: `!Select [3, [a, b, c]]`, want: "${invalid value at t.yaml:45:21}"},
		{name: "negative", expr: `!Select [-1, [a]]`, err: "non-negative integer"},
	})
}

// TestInvalidValuesAreNoted: values CloudFormation refuses only when the
// stack is created become unknown, with a note saying why.
func TestInvalidValuesAreNoted(t *testing.T) {
	for expr, want := range map[string]string{
		`!Select [3, [a, b, c]]`:       "Fn::Select index 3 is out of range; CloudFormation rejects the template",
		`!FindInMap [Envs, dev, Size]`: "mapping Envs has no entry [dev][Size]",
		`!Join [",", [[a]]]`:           "Fn::Join element is array",
		`!Sub "${Subnets}"`:            "Fn::Sub variable ${Subnets} is array",
	} {
		_, notes, err := evalExpr(t, expr, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || !notes[0].Root || !strings.Contains(notes[0].Why, want) || notes[0].Pos.Line != 45 {
			t.Errorf("%s: notes %+v, want one containing %q", expr, notes, want)
		}
	}
}
