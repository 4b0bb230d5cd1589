package template

import "testing"

func TestGetAtt(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "short form", expr: "!GetAtt Bucket.Arn", want: "${Bucket.Arn}"},
		{name: "long form", expr: "{Fn::GetAtt: [Bucket, RegionalDomainName]}", want: "${Bucket.RegionalDomainName}"},
		{name: "dotted attribute", expr: "!GetAtt Bucket.Outputs.Name", want: "${Bucket.Outputs.Name}"},
		{name: "attribute from a Ref", expr: "{Fn::GetAtt: [Bucket, !Ref Name]}", want: "${Bucket.site}"},
		{name: "no attribute", expr: "!GetAtt Bucket", err: "needs a logical ID and an attribute"},
		{name: "unknown resource", expr: "!GetAtt Buckett.Arn", err: "Fn::GetAtt to Buckett"},
		{name: "parameter", expr: "!GetAtt Name.Arn", err: "is a parameter, not a resource"},
		{name: "wrong shape", expr: "{Fn::GetAtt: [Bucket]}", err: "takes a logical ID and an attribute"},
	})
}
