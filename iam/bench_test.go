package iam_test

import (
	"sort"
	"testing"
	"time"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/iam/iamtest"
)

func corpusInputs(b *testing.B) []*iam.Input {
	cases, err := iamtest.Load(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]*iam.Input, 0, len(cases))
	for _, c := range cases {
		if c.Error != "" {
			continue // refused inputs have no decision to time
		}
		in, err := iam.DecodeInput(c.File, c.Input)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, in)
	}
	return out
}

// BenchmarkCorpus evaluates every corpus case in turn. Besides ns/op (one
// decision per op) it reports the median over the cases of each case's
// mean latency, which is the figure BENCHMARKS.md compares.
func BenchmarkCorpus(b *testing.B) {
	inputs := corpusInputs(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		iam.Evaluate(inputs[i%len(inputs)])
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N), "ns/decision")
	per := make([]float64, len(inputs))
	const rounds = 200
	for i, in := range inputs {
		t0 := time.Now()
		for range rounds {
			iam.Evaluate(in)
		}
		per[i] = float64(time.Since(t0).Nanoseconds()) / rounds
	}
	sort.Float64s(per)
	b.ReportMetric(per[len(per)/2], "median-ns/decision")
	b.ReportMetric(per[len(per)*99/100], "p99-ns/decision")
}

const oacBucketPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "AllowCloudFrontServicePrincipalReadOnly",
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
    "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL"}}
  }, {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}`

const oacKeyPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*"
  }, {
    "Sid": "AllowCloudFrontServicePrincipalSSE-KMS",
    "Effect": "Allow",
    "Principal": {"Service": ["cloudfront.amazonaws.com"]},
    "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
    "Resource": "*",
    "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL"}}
  }]
}`

func oacInput(b *testing.B, policy, action, resource string, key bool) *iam.Input {
	p, err := iam.Parse("policy.json", []byte(policy), iam.Resource)
	if err != nil {
		b.Fatal(err)
	}
	ctx := iam.Context{}
	ctx.Set("AWS:SourceArn", "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL")
	ctx.Set("aws:SecureTransport", "true")
	return &iam.Input{
		Request: iam.Request{
			Principal: iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"},
			Action:    action, Resource: resource, ResourceAccount: "111122223333", Context: ctx,
		},
		ResourcePolicy: p,
		KeyPolicy:      key,
	}
}

// BenchmarkOACBucketPolicy is S3 deciding a CloudFront OAC GET against the
// canonical bucket policy plus a TLS-only deny.
func BenchmarkOACBucketPolicy(b *testing.B) {
	in := oacInput(b, oacBucketPolicy, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/index.html", false)
	if d := iam.Evaluate(in).Decision; d != iam.Allowed {
		b.Fatalf("decision %s", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		iam.Evaluate(in)
	}
}

// BenchmarkOACKeyPolicy is KMS deciding the Decrypt that S3 makes for an
// OAC GET of an SSE-KMS object.
func BenchmarkOACKeyPolicy(b *testing.B) {
	in := oacInput(b, oacKeyPolicy, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)
	if d := iam.Evaluate(in).Decision; d != iam.Allowed {
		b.Fatalf("decision %s", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		iam.Evaluate(in)
	}
}

// BenchmarkParse measures compiling the canonical OAC key policy.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iam.Parse("policy.json", []byte(oacKeyPolicy), iam.Resource); err != nil {
			b.Fatal(err)
		}
	}
}
