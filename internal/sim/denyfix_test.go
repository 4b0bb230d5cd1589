package sim

import (
	"testing"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/model"
)

// TestRequireKMSStatements holds the generated policy to what it promises,
// with the IAM evaluator: uploads that name no encryption (default
// encryption, CloudFront) and uploads under the key pass; every other
// encryption request is denied.
func TestRequireKMSStatements(t *testing.T) {
	b := &model.Bucket{Meta: model.Meta{Ref: "arn:aws:s3:::site-assets"}, Name: model.Known("site-assets", model.Src{})}
	const key = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777"
	doc := `{"Version":"2012-10-17","Statement":[
{"Sid":"Deployer","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/deploy"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::site-assets/*"},
{"Sid":"CloudFront","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::site-assets/*"},
` + RequireKMSStatements(b, key, "") + `]}`
	pol, err := iam.Parse("policy.json", []byte(doc), iam.Resource)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	for _, tc := range []struct {
		name      string
		principal string
		ctx       map[string]string
		allow     bool
	}{
		{"no header: default encryption applies", "arn:aws:iam::111122223333:role/deploy", nil, true},
		{"through CloudFront (no header)", "cloudfront.amazonaws.com", nil, true},
		{"SSE-KMS under the key", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": key}, true},
		{"the key named without the algorithm", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption-aws-kms-key-id": key}, true},
		{"SSE-S3 asked", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption": "AES256"}, false},
		{"another key", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/other"}, false},
		{"aws:kms without a key: aws/s3", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption": "aws:kms"}, false},
		{"DSSE-KMS asked", "arn:aws:iam::111122223333:role/deploy", map[string]string{"s3:x-amz-server-side-encryption": "aws:kms:dsse", "s3:x-amz-server-side-encryption-aws-kms-key-id": key}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := iam.ParsePrincipal(tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			c := iam.Context{}
			for k, v := range tc.ctx {
				c.Set(k, v)
			}
			if tc.principal == "cloudfront.amazonaws.com" {
				c.Set("aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/E1")
			}
			in := &iam.Input{Request: iam.Request{Principal: p, Action: "s3:PutObject", Resource: "arn:aws:s3:::site-assets/a.txt", Context: c}, ResourcePolicy: pol}
			res := iam.Evaluate(in)
			if got := res.Decision == iam.Allowed; got != tc.allow {
				t.Errorf("decision %v, want allow=%v: %+v", res.Decision, tc.allow, res.Reasons)
			}
		})
	}
}
