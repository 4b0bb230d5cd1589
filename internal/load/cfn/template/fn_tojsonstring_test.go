package template

import "testing"

func TestToJSONString(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "object", expr: "!ToJsonString {b: 1, a: [x, !Ref Name], c: !Ref AWS::NoValue}", want: `{"b":1,"a":["x","site"]}`},
		{name: "unknown", expr: "{Fn::ToJsonString: !Ref Unset}", want: "${Fn::ToJsonString of ${parameter Unset}}"},
	})
}
