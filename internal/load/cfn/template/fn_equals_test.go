package template

import "testing"

func TestEquals(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "strings", expr: `!Equals [!Ref Name, site]`, want: "true"},
		{name: "different", expr: `!Equals [!Ref Name, docs]`, want: "false"},
		{name: "number and string", expr: `!Equals ["3", 3]`, want: "true"},
		{name: "lists", expr: `!Equals [!Ref Subnets, [a, b, c]]`, want: "true"},
		{name: "lists differ", expr: `!Equals [!Ref Subnets, [a, b]]`, want: "false"},
		{name: "arity", expr: `!Equals [a]`, err: "Fn::Equals takes a list of 2"},
	})
}
