package template

import "testing"

func TestSplit(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "literal", expr: `!Split [",", "a,b,,c"]`, want: "[a, b, , c]"},
		{name: "symbols that cannot hold the delimiter", expr: `!Split ["/", !Sub "${AWS::AccountId}/${AWS::Region}"]`,
			want: "[${test:AWS::AccountId}, ${test:AWS::Region}]"},
		{name: "symbol that may hold the delimiter", expr: `!Split ["-", !Ref AWS::Region]`, want: "${Fn::Split of ${test:AWS::Region}}"},
		{name: "delimiter that can't overlap the symbol", expr: `!Split ["http://", !Sub "http://b.s3-website-${AWS::Region}.amazonaws.com"]`,
			want: "[, b.s3-website-${test:AWS::Region}.amazonaws.com]"},
		{name: "delimiter that may straddle the symbol", expr: `!Split ["st-1", !Sub "x-${AWS::Region}"]`, want: "${Fn::Split of x-${test:AWS::Region}}"},
		{name: "delimiter next to the symbol", expr: `!Split ["-", !Sub "a-${AWS::AccountId}-b"]`, want: "[a, ${test:AWS::AccountId}, b]"},
		{name: "unknown", expr: `!Split [",", !Ref Unset]`, want: "${Fn::Split of ${parameter Unset}}"},
		{name: "empty delimiter", expr: `!Split ["", "abc"]`, err: "must not be empty"},
	})
}
