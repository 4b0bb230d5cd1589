package template

import "testing"

func TestGetAZs(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "current region", expr: `!GetAZs ""`, want: "${Fn::GetAZs ${test:AWS::Region}}"},
		{name: "named region", expr: `!GetAZs eu-west-1`, want: "${Fn::GetAZs eu-west-1}"},
		{name: "select", expr: `!Select [0, !GetAZs ""]`, want: "${Fn::Select 0 of ${Fn::GetAZs ${test:AWS::Region}}}"},
	})
}
