package template

import "testing"

func TestLength(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "list", expr: `!Length [a, b]`, want: "2"},
		{name: "parameter", expr: `{"Fn::Length": !Ref Subnets}`, want: "3"},
		{name: "unknown", expr: `{"Fn::Length": !Ref Zones}`, want: "${Fn::Length of ${parameter Zones}}"},
		{name: "not a list", expr: `!Length abc`, err: "must be a list"},
	})
}
