package template

import "testing"

func TestFindInMap(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal", expr: `!FindInMap [Regions, eu-west-1, Bucket]`, want: "west"},
		{name: "from parameter", expr: `!FindInMap [Envs, !Ref Env, Size]`, params: map[string]string{"Env": "prod"}, want: "3"},
		{name: "region symbol, same everywhere", expr: `!FindInMap [Regions, !Ref AWS::Region, Same]`, want: "x"},
		{name: "region symbol, values differ", expr: `!FindInMap [Regions, !Ref AWS::Region, Bucket]`,
			want: "${Fn::FindInMap Regions of ${test:AWS::Region}/Bucket}"},
		{name: "default value", expr: `!FindInMap [Envs, dev, Size, {DefaultValue: "1"}]`, want: "1"},
		{name: "missing key", expr: `!FindInMap [Envs, dev, Size]`, want: "${invalid value at t.yaml:45:30}"},
		{name: "missing map", expr: `!FindInMap [Env, prod, Size]`, want: "${invalid value at t.yaml:45:24}"},
		{name: "bad default", expr: `!FindInMap [Envs, dev, Size, {Default: "1"}]`, err: "must be {DefaultValue: ...}"},
	})
}
