package template

import "testing"

func TestImportValue(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "name", expr: `!ImportValue shared-key-arn`, want: "${Fn::ImportValue shared-key-arn}"},
		{name: "sub", expr: `!ImportValue {"Fn::Sub": "${Name}-key"}`, want: "${Fn::ImportValue site-key}"},
		{name: "list", expr: `!ImportValue [a]`, err: "must be a string"},
	})
}
