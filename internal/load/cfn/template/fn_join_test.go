package template

import "testing"

func TestJoin(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "strings", expr: `!Join ["", [!GetAtt Bucket.Arn, "/*"]]`, want: "${Bucket.Arn}/*"},
		{name: "list parameter", expr: `!Join [",", !Ref Subnets]`, want: "a,b,c"},
		{name: "no value dropped", expr: `!Join ["-", [a, !Ref AWS::NoValue, b]]`, want: "a-b"},
		{name: "numbers", expr: `!Join [":", [1, true]]`, want: "1:true"},
		{name: "unknown list", expr: `!Join [",", !Ref Zones]`, want: "${Fn::Join of ${parameter Zones}}"},
		{name: "nested list", expr: `!Join [",", [[a]]]`, want: "${invalid value at t.yaml:45:25}"},
		{name: "bad arity", expr: `!Join [","]`, err: "Fn::Join takes a list of 2"},
		{name: "not a list", expr: `!Join [",", abc]`, err: "must be a list"},
	})
}
