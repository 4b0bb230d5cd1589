package iam_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3front/s3front/iam"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		kind iam.Kind
		doc  string
		want string // "line:col: message prefix"
	}{
		{"missing comma", iam.Resource, "{\"Statement\": [{\"Effect\": \"Allow\"\n \"Principal\": \"*\"}]}", "2:2: Syntax errors in policy: missing ','"},
		{"not an object", iam.Identity, `[]`, "1:1: Syntax errors in policy: a policy document must be a JSON object"},
		{"unknown top-level field", iam.Identity, `{"Version": "2012-10-17", "Statment": []}`, "1:27: Unknown field Statment"},
		{"missing Statement", iam.Identity, `{"Version": "2012-10-17"}`, "1:1: Missing required field Statement"},
		{"empty Statement", iam.Identity, `{"Statement": []}`, "1:15: Missing required field Statement"},
		{"bad Version", iam.Identity, `{"Version": "2024-01-01", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`, `1:13: Invalid Version string "2024-01-01"`},
		{"effect case", iam.Identity, `{"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}`, "1:26: Invalid effect: allow"},
		{"missing effect", iam.Identity, `{"Statement": {"Action": "*", "Resource": "*"}}`, "1:15: Missing required field Effect"},
		{"unknown statement field", iam.Identity, `{"Statement": {"Effect": "Allow", "Actions": "*", "Resource": "*"}}`, "1:35: Unknown field Actions"},
		{"principal in identity policy", iam.Identity, `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}`, "1:35: Has prohibited field Principal"},
		{"missing principal in bucket policy", iam.Resource, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`, "1:15: Missing required field Principal"},
		{"invalid principal string", iam.Resource, `{"Statement": {"Effect": "Allow", "Principal": "alice", "Action": "*", "Resource": "*"}}`, "1:48: Invalid principal in policy"},
		{"wildcard in principal ARN", iam.Resource, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}, "Action": "*", "Resource": "*"}}`, "1:56: Invalid principal in policy"},
		{"principal type case", iam.Resource, `{"Statement": {"Effect": "Allow", "Principal": {"aws": "*"}, "Action": "*", "Resource": "*"}}`, "1:49: Invalid principal in policy: unknown principal type"},
		{"NotPrincipal with Allow", iam.Resource, `{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "*", "Resource": "*"}}`, "1:35: Invalid NotPrincipal"},
		{"both Action and NotAction", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}}`, "1:50: Syntax errors in policy: a statement can't have both Action and NotAction"},
		{"no action", iam.Identity, `{"Statement": {"Effect": "Allow", "Resource": "*"}}`, "1:15: Policy statement must contain actions."},
		{"no resource", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*"}}`, "1:15: Policy statement must contain resources."},
		{"action without vendor", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}}`, "1:45: Actions/Conditions must be prefaced by a vendor"},
		{"action with two colons", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*"}}`, "1:45: Actions/Condition can contain only one colon."},
		{"resource not an ARN (IAM)", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "bucket/*"}}`, `1:62: Resource bucket/* must be in ARN format or "*".`},
		{"resource not an ARN (S3)", iam.Resource, `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "arn:aws:s3:bucket"}}`, "1:80: Policy has invalid resource"},
		{"unknown operator", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualsX": {"k:k": "v"}}}}`, "1:81: Invalid Condition type : StringEqualsX"},
		{"Null with IfExists", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NullIfExists": {"k:k": "true"}}}}`, "1:81: Invalid Condition type : NullIfExists"},
		{"bad set prefix", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForSomeValues:StringEquals": {"k:k": "v"}}}}`, "1:81: Invalid Condition type : ForSomeValues:StringEquals"},
		{"numeric value not a number", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}}`, `1:116: Invalid Condition value: "ten" is not a number`},
		{"date value not a date", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "soon"}}}}`, `1:117: Invalid Condition value: "soon" is not a date`},
		{"bad CIDR", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}}}}`, `1:111: Invalid Condition value: "300.1.1.1/8" is not an IP address`},
		{"duplicate Sid in IAM policy", iam.Identity, `{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}]}`, "1:81: Statement IDs (SID) in a single policy must be unique"},
		{"non-alphanumeric Sid in IAM policy", iam.Identity, `{"Statement": {"Sid": "a-b", "Effect": "Allow", "Action": "*", "Resource": "*"}}`, "1:23: Statement IDs (SID) must be alpha-numeric"},
		{"duplicate key", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Action": "s3:*", "Resource": "*"}}`, "1:50: Syntax errors in policy: duplicate field Action"},
		{"RCP with an Allow", iam.RCP, `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}`, "1:15: Invalid Effect: resource control policies support only Deny statements"},
		{"action naming no operation", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:", "Resource": "*"}}`, `1:45: Syntax errors in policy: action "s3:" names no operation`},
		{"action naming white space", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "s3:   "], "Resource": "*"}}`, `1:62: Syntax errors in policy: action "s3:   " names no operation`},
		{"trust policy with a Resource", iam.Trust, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", "Resource": "*"}}`, "1:101: Has prohibited field Resource"},
		{"trust policy with a NotResource", iam.Trust, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", "NotResource": "*"}}`, "1:101: Has prohibited field NotResource"},
		{"trust policy without a Principal", iam.Trust, `{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}`, "1:15: Missing required field Principal"},
		{"SCP with a principal", iam.SCP, `{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}}`, "1:34: Has prohibited field Principal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := iam.Parse("p.json", []byte(tt.doc), tt.kind)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var e *iam.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *iam.Error: %v", err, err)
			}
			if !strings.Contains(err.Error(), "p.json:"+tt.want) {
				t.Errorf("error\n%v\nwant it to contain\np.json:%s", err, tt.want)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		kind iam.Kind
		doc  string
	}{
		{"single statement object", iam.Identity, `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`},
		{"trust policy without Resource", iam.Trust, `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}`},
		{"action name with a space (matches nothing)", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "s3:Get Object", "Resource": "*"}}`},
		{"2008 version", iam.Resource, `{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}`},
		{"no version", iam.Identity, `{"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "arn:aws:iam::*:role/x"}]}`},
		{"duplicate Sid in bucket policy", iam.Resource, `{"Statement": [{"Sid": "x", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}, {"Sid": "x", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}`},
		{"Sid with spaces in key policy", iam.Resource, `{"Statement": {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}}`},
		{"all principal types", iam.Resource, `{"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*", "arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E15MNIMTCFKK4C", "AROAEXAMPLEID1234567"], "Service": "cloudfront.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "s3:GetObject", "Resource": "*"}}`},
		{"every operator", iam.Identity, `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
			"StringEquals": {"a:a": "x"}, "StringNotEquals": {"a:a": "x"}, "StringEqualsIgnoreCase": {"a:a": "x"}, "StringNotEqualsIgnoreCase": {"a:a": "x"},
			"StringLike": {"a:a": "x*"}, "StringNotLike": {"a:a": "x*"}, "NumericEquals": {"a:a": 1}, "NumericNotEquals": {"a:a": "1"},
			"NumericLessThan": {"a:a": "1"}, "NumericLessThanEquals": {"a:a": "1"}, "NumericGreaterThan": {"a:a": "1"}, "NumericGreaterThanEquals": {"a:a": "1.5"},
			"DateEquals": {"a:a": "2020-01-01T00:00:00Z"}, "DateNotEquals": {"a:a": "2020-01-01"}, "DateLessThan": {"a:a": "1577836800"},
			"DateLessThanEquals": {"a:a": "2020-01-01T00:00Z"}, "DateGreaterThan": {"a:a": "2020-01-01T00:00:00.123+01:00"}, "DateGreaterThanEquals": {"a:a": "2020-01-01"},
			"Bool": {"a:a": true}, "BinaryEquals": {"a:a": "QUJD"}, "IpAddress": {"a:a": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]}, "NotIpAddress": {"a:a": "::1"},
			"ArnEquals": {"a:a": "arn:aws:s3:::b"}, "ArnLike": {"a:a": "arn:aws:s3:::*"}, "ArnNotEquals": {"a:a": "arn:aws:s3:::b"}, "ArnNotLike": {"a:a": "arn:*:s3:::b"},
			"Null": {"a:a": "true"}, "ForAllValues:StringLike": {"a:a": ["x"]}, "ForAnyValue:StringEqualsIfExists": {"a:a": []}, "ArnLikeIfExists": {"a:a": "arn:aws:s3:::*"}}}}`},
		{"RCPFullAWSAccess", iam.RCP, `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := iam.Parse("p.json", []byte(tt.doc), tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Statements) == 0 || p.Statements[0].Pos.Line != 1 {
				t.Errorf("statements not positioned: %+v", p.Statements)
			}
		})
	}
}

func TestParseCollectsEveryError(t *testing.T) {
	doc := `{"Statment": [], "Statement": [{"Effect": "Permit", "Action": "GetObject", "Resource": "x"}]}`
	_, err := iam.Parse("p.json", []byte(doc), iam.Identity)
	var es iam.Errors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("want 4 errors, got %v", err)
	}
}

func TestParsePrincipal(t *testing.T) {
	tests := []struct {
		in      string
		typ     iam.PrincipalType
		account string
		err     bool
	}{
		{"anonymous", iam.Anonymous, "", false},
		{"*", iam.Anonymous, "", false},
		{"cloudfront.amazonaws.com", iam.Service, "", false},
		{"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E15MNIMTCFKK4C", iam.OAI, "", false},
		{"arn:aws:iam::111122223333:user/path/alice", iam.IAM, "111122223333", false},
		{"arn:aws:iam::111122223333:role/r", iam.IAM, "111122223333", false},
		{"arn:aws:sts::111122223333:assumed-role/r/session", iam.IAM, "111122223333", false},
		{"arn:aws:sts::111122223333:federated-user/bob", iam.IAM, "111122223333", false},
		{"arn:aws:iam::111122223333:root", iam.IAM, "111122223333", false},
		{"111122223333", iam.IAM, "111122223333", false},
		{"arn:aws:s3:::bucket", 0, "", true},
		{"alice", 0, "", true},
		{"", 0, "", true},
	}
	for _, tt := range tests {
		p, err := iam.ParsePrincipal(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParsePrincipal(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && (p.Type != tt.typ || p.Account != tt.account) {
			t.Errorf("ParsePrincipal(%q) = %+v, want type %s account %q", tt.in, p, tt.typ, tt.account)
		}
	}
}

func TestCheckRequestAction(t *testing.T) {
	tests := []struct {
		action string
		want   string // "" for valid
	}{
		{"s3:GetObject", ""},
		{"sts:GetCallerIdentity", ""},
		{"s3:*", ""},
		{"s3:", "names no operation"},
		{"s3:   ", "names no operation"},
		{"s3:\t", "names no operation"},
		{"GetObject", "must be service:Operation"},
		{":GetObject", "must be service:Operation"},
		{" :GetObject", "must be service:Operation"},
		{"s3:Get:Object", "must be service:Operation"},
	}
	for _, tt := range tests {
		err := iam.CheckRequestAction(tt.action)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckRequestAction(%q) = %v, want nil", tt.action, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckRequestAction(%q) = %v, want an error containing %q", tt.action, err, tt.want)
		}
	}
}

func TestGoverned(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	keyTests := []struct {
		resource string
		want     bool
	}{
		{key, true},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", true},
		{"arn:aws:kms:us-east-1:111122223333:alias/app", false},
		{"*", false},
		{"arn:aws:kms:us-east-1:111122223333:key/", false},
		{"arn:aws:s3:::bucket/key/1", false},
	}
	for _, tt := range keyTests {
		if got := iam.GovernedByKeyPolicy(tt.resource); got != tt.want {
			t.Errorf("GovernedByKeyPolicy(%q) = %v, want %v", tt.resource, got, tt.want)
		}
	}
	trustTests := []struct {
		action, resource string
		want             bool
	}{
		{"sts:AssumeRole", "arn:aws:iam::111122223333:role/deployer", true},
		{"STS:assumerole", "arn:aws:iam::111122223333:role/path/deployer", true},
		{"sts:TagSession", "arn:aws:iam::111122223333:role/deployer", true},
		{"iam:PassRole", "arn:aws:iam::111122223333:role/deployer", false},
		{"sts:AssumeRole", "arn:aws:iam::111122223333:user/alice", false},
		{"sts:AssumeRole", "*", false},
		{"sts:GetCallerIdentity", "*", false},
	}
	for _, tt := range trustTests {
		if got := iam.GovernedByTrustPolicy(tt.action, tt.resource); got != tt.want {
			t.Errorf("GovernedByTrustPolicy(%q, %q) = %v, want %v", tt.action, tt.resource, got, tt.want)
		}
	}
}
