package template

import "testing"

func TestSelect(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal list", expr: `!Select [1, [a, b, c]]`, want: "b"},
		{name: "string index", expr: `!Select ["2", !Ref Subnets]`, want: "c"},
		{name: "from split", expr: `!Select [0, !Split ["/", "x/y"]]`, want: "x"},
		{name: "unknown list", expr: `!Select [0, !Ref Zones]`, want: "${Fn::Select 0 of ${parameter Zones}}"},
		{name: "unknown index, equal elements", expr: `!Select [!Ref Unset, [a, a]]`, want: "a"},
		{name: "unknown index", expr: `!Select [!Ref Unset, [a, b]]`, want: "${Fn::Select of ${parameter Unset}}"},
		{name: "out of range", expr: `!Select [3, [a, b, c]]`, err: "index 3 is out of range"},
		{name: "negative", expr: `!Select [-1, [a]]`, err: "non-negative integer"},
	})
}
