package template

import "testing"

func TestSplit(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal", expr: `!Split [",", "a,b,,c"]`, want: "[a, b, , c]"},
		{name: "symbols that cannot hold the delimiter", expr: `!Split ["/", !Sub "${AWS::AccountId}/${AWS::Region}"]`,
			want: "[${test:AWS::AccountId}, ${test:AWS::Region}]"},
		{name: "symbol that may hold the delimiter", expr: `!Split ["-", !Ref AWS::Region]`, want: "${Fn::Split of ${test:AWS::Region}}"},
		{name: "unknown", expr: `!Split [",", !Ref Unset]`, want: "${Fn::Split of ${parameter Unset}}"},
		{name: "empty delimiter", expr: `!Split ["", "abc"]`, err: "must not be empty"},
	})
}
