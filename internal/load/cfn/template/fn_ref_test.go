package template

import "testing"

func TestRef(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "parameter default", expr: "!Ref Name", want: "site"},
		{name: "parameter given", expr: "!Ref Name", params: map[string]string{"Name": "docs"}, want: "docs"},
		{name: "parameter without value", expr: "!Ref Unset", want: "${parameter Unset}"},
		{name: "ssm parameter", expr: "!Ref Version", want: "${parameter Version}"},
		{name: "list parameter", expr: "!Ref Subnets", want: "[a, b, c]"},
		{name: "list parameter given", expr: "!Ref Subnets", params: map[string]string{"Subnets": "x,y"}, want: "[x, y]"},
		{name: "account", expr: "!Ref AWS::AccountId", want: "${test:AWS::AccountId}"},
		{name: "region", expr: "!Ref AWS::Region", want: "${test:AWS::Region}"},
		{name: "partition", expr: "!Ref AWS::Partition", want: "aws"},
		{name: "url suffix", expr: "!Ref AWS::URLSuffix", want: "amazonaws.com"},
		{name: "stack name", expr: "!Ref AWS::StackName", want: "test-stack"},
		{name: "no value", expr: "!Ref AWS::NoValue", want: "AWS::NoValue"},
		{name: "notification arns", expr: "!Ref AWS::NotificationARNs", want: "${AWS::NotificationARNs}"},
		{name: "resource", expr: "!Ref Bucket", want: "${Bucket.ref}"},
		{name: "long form", expr: "{Ref: Bucket}", want: "${Bucket.ref}"},
		{name: "unknown target", expr: "!Ref Buckt", err: "Ref to Buckt, which is neither a parameter nor a resource"},
		{name: "suggestion", expr: "!Ref Buckt", err: `did you mean "Bucket"?`},
		{name: "unknown pseudo", expr: "!Ref AWS::Regio", err: "unknown pseudo parameter AWS::Regio"},
		{name: "resource ruled out", expr: "!Ref Gone", err: "not created because its condition NotSite is false"},
		{name: "resource maybe", expr: "!Ref Maybe", want: "${Maybe.ref}"},
		{name: "not a name", expr: "{Ref: [a]}", err: "Ref takes a name"},
		{name: "name from a function", expr: "{Ref: !Join [\"\", [Buck, et]]}", want: "${Bucket.ref}"},
		{name: "name from nothing", expr: "{Ref: !Ref AWS::NoValue}", want: "${invalid value at t.yaml:45:12}"},
		{name: "bad allowed value", expr: "!Ref Env", params: map[string]string{"Env": "test"}, err: "not one of its AllowedValues"},
		{name: "undeclared parameter", expr: "!Ref Env", params: map[string]string{"Envv": "prod"}, err: `did you mean "Env"?`},
	})
}
