package template

import "testing"

func TestTransform(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "include", expr: "{Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/x.yaml}}}", want: "${Fn::Transform AWS::Include}"},
		{name: "anonymous", expr: "{Fn::Transform: x}", want: "${Fn::Transform a macro}"},
	})
}
