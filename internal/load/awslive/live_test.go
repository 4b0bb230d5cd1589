package awslive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// opts are the reader's options against the test proxy: short timeouts
// and two attempts per call, so fault tests stay fast.
func opts() awslive.Options {
	return awslive.Options{DialContext: awstest.Dial, CallTimeout: 5 * time.Second, MaxAttempts: 2}
}

// site creates a bucket whose default encryption is SSE-KMS with a new
// customer key, with a bucket policy for the OAI, and uploads objects
// encrypted as objEnc says ("kms" or "AES256").
func site(t *testing.T, env *awstest.Env, bucket, oai string, objEnc map[string]string) string {
	t.Helper()
	ctx := context.Background()
	cfg := env.Config(t)
	k := kms.NewFromConfig(cfg)
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	s := s3.NewFromConfig(cfg)
	if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity %s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, oai, bucket)
	if _, err := s.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	for k, enc := range objEnc {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("<html></html>")}
		switch enc {
		case "kms":
			in.ServerSideEncryption = s3types.ServerSideEncryptionAwsKms
			in.SSEKMSKeyId = aws.String(keyARN)
		default:
			in.ServerSideEncryption = s3types.ServerSideEncryptionAes256
		}
		if _, err := s.PutObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// The scanner's advice was followed after the uploads: SSE-KMS from now
	// on, with the key named by its ID (objects report it by ARN).
	if _, err := s.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: key.KeyMetadata.KeyId}, BucketKeyEnabled: aws.Bool(true)}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	return keyARN
}

func load(t *testing.T, o awslive.Options) (*model.Config, *awslive.Result, *report.Report) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, res, err := awslive.Load(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(ctx, cfg, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read in %s: %d calls %v", res.Stats.Wall, res.Stats.Total(), res.Stats.ByService())
	for _, u := range cfg.Unresolved {
		t.Logf("unresolved: %s: %s", u.What, u.Why)
	}
	return cfg, res, rep
}

func paths(rep *report.Report, scenario string) []report.Path {
	var out []report.Path
	for _, p := range rep.Paths {
		if p.Scenario == scenario {
			out = append(out, p)
		}
	}
	return out
}

func hasRule(rep *report.Report, rule string) bool {
	for _, f := range rep.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestSeedOutageLive is the field report read live: an OAI in front of a
// bucket whose default encryption became SSE-KMS. When the existing
// objects are SSE-KMS already, viewers are denied now; when they are still
// SSE-S3, the site breaks at the next upload.
func TestSeedOutageLive(t *testing.T) {
	dists := []awstest.Dist{{ID: "E1SEEDNOW0001", Bucket: "seed-now", OAI: "E2OAINOW00001"}, {ID: "E1SEEDNEXT001", Bucket: "seed-next", OAI: "E2OAINEXT0001"}}
	env := awstest.Start(t, awstest.CloudFront(dists))
	env.Env(t)
	site(t, env, "seed-now", "E2OAINOW00001", map[string]string{"index.html": "kms", "app.js": "kms"})
	site(t, env, "seed-next", "E2OAINEXT0001", map[string]string{"index.html": "AES256", "app.js": "AES256"})
	_, res, rep := load(t, opts())
	if !hasRule(rep, "oai-sse-kms") {
		t.Fatalf("no oai-sse-kms finding: %+v", rep.Findings)
	}
	// Old SSE-S3 objects under a new SSE-KMS default are mixed; objects
	// under the default key named by ARN where the default names its ID
	// are not.
	var mixed []string
	for _, f := range rep.Findings {
		if f.Rule == "mixed-encryption" {
			mixed = append(mixed, f.Resource)
		}
	}
	if len(mixed) != 1 || !strings.HasPrefix(mixed[0], "arn:aws:s3:::seed-next/") {
		t.Errorf("mixed-encryption on %v, want arn:aws:s3:::seed-next only", mixed)
	}
	if res.Stats.MaxKeyCalls > awslive.KeyCalls || res.Stats.Calls["kms:DescribeKey"] != 2 {
		t.Errorf("%d calls on one key, %d DescribeKey for 2 keys", res.Stats.MaxKeyCalls, res.Stats.Calls["kms:DescribeKey"])
	}
	for _, c := range []struct {
		dist, existing, existingWhen, next, nextWhen string
	}{
		{"E1SEEDNOW0001", "deny", "now", "deny", "next-upload"},
		{"E1SEEDNEXT001", "allow", "", "deny", "next-upload"},
	} {
		arn := "arn:aws:cloudfront::" + awstest.Account + ":distribution/" + c.dist
		var existing, next []report.Path
		for _, p := range paths(rep, "viewer-get-existing") {
			if p.Distribution == arn {
				existing = append(existing, p)
			}
		}
		for _, p := range paths(rep, "viewer-get-new") {
			if p.Distribution == arn {
				next = append(next, p)
			}
		}
		if len(existing) != 2 {
			t.Fatalf("%s: %d viewer-get-existing paths, want one per sampled object (2)", c.dist, len(existing))
		}
		for _, p := range existing {
			if p.Outcome != c.existing || p.When != c.existingWhen {
				t.Errorf("%s %s: viewer-get-existing %s %s (%s), want %s %s", c.dist, p.Key, p.Outcome, p.When, p.ErrorCode, c.existing, c.existingWhen)
			}
			if c.existing == "deny" && (p.ErrorCode != "KMS.UnrecognizedClientException" || p.Cause != "oai-sse-kms") {
				t.Errorf("%s %s: %s caused by %s, want KMS.UnrecognizedClientException from oai-sse-kms", c.dist, p.Key, p.ErrorCode, p.Cause)
			}
		}
		if len(next) == 0 || next[0].Outcome != c.next || next[0].When != c.nextWhen || next[0].ErrorCode != "KMS.UnrecognizedClientException" {
			t.Errorf("%s: viewer-get-new %+v, want deny next-upload KMS.UnrecognizedClientException", c.dist, next)
		}
	}
}
