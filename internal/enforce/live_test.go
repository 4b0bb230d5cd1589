package enforce_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/enforce"
	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/model"
)

const bucket = "example-webapp-assets"

// seed is scenario 01 before its outage, live: a distribution that reads
// the bucket through an origin access identity, the bucket still SSE-S3,
// and a customer key whose policy is KMS's default.
type seed struct {
	env    *awstest.Env
	s3     *s3.Client
	kms    *kms.Client
	cf     *cloudfront.Client
	keyARN string
	distID string
	oaiID  string
}

func newSeed(t *testing.T) *seed {
	t.Helper()
	em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
	if err != nil {
		t.Fatal(err)
	}
	env := awstest.Start(t, em)
	env.Env(t)
	cfg := env.Config(t)
	s := &seed{env: env, s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), kms: kms.NewFromConfig(cfg), cf: cloudfront.NewFromConfig(cfg)}
	ctx := context.Background()
	key, err := s.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("web application buckets")})
	if err != nil {
		t.Fatal(err)
	}
	s.keyARN = aws.ToString(key.KeyMetadata.Arn)
	if _, err := s.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("index.html"), Body: strings.NewReader("<h1>hi</h1>"), ServerSideEncryption: s3types.ServerSideEncryptionAes256}); err != nil {
		t.Fatal(err)
	}
	oai, err := s.cf.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &cftypes.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String("seed"), Comment: aws.String("web app origin access identity")}})
	if err != nil {
		t.Fatal(err)
	}
	s.oaiID = aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity %s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, s.oaiID, bucket)
	if _, err := s.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	origin := bucket + ".s3.us-east-1.amazonaws.com"
	d, err := s.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String("seed"), Comment: aws.String("webapp"), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String(origin), DomainName: aws.String(origin),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/" + s.oaiID)}}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String(origin), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"),
			AllowedMethods: &cftypes.AllowedMethods{Quantity: aws.Int32(2), Items: []cftypes.Method{cftypes.MethodGet, cftypes.MethodHead},
				CachedMethods: &cftypes.CachedMethods{Quantity: aws.Int32(2), Items: []cftypes.Method{cftypes.MethodGet, cftypes.MethodHead}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.distID = aws.ToString(d.Distribution.Id)
	return s
}

func (s *seed) api() enforce.LiveAPI {
	return enforce.LiveAPI{S3: s.s3, KMS: s.kms, CloudFront: s.cf, Estate: func(ctx context.Context, keys []string) (*model.Config, error) {
		cfg, _, err := awslive.Load(ctx, awslive.Options{DialContext: awstest.Dial, CallTimeout: 10 * time.Second, MaxAttempts: 2, Sample: -1, Keys: keys})
		return cfg, err
	}}
}

func (s *seed) encryption(t *testing.T) (alg, key string, bk bool) {
	t.Helper()
	out, err := s.s3.GetBucketEncryption(context.Background(), &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	r := out.ServerSideEncryptionConfiguration.Rules[0]
	return string(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm), aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID), aws.ToBool(r.BucketKeyEnabled)
}

func run(t *testing.T, s *seed, o enforce.EncryptionOptions) *enforce.BucketPlan {
	t.Helper()
	o.Key, o.BucketKey, o.Buckets = "alias/web", true, []string{bucket}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	plan, err := enforce.EncryptionLive(ctx, s.api(), s.kms, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Buckets) != 1 {
		t.Fatalf("%d buckets planned", len(plan.Buckets))
	}
	return plan.Buckets[0]
}

// TestSeedOutageInterlockLive: the interlock refuses to switch the seed
// outage's bucket while its distribution reads it through an origin
// access identity, still refuses once the distribution is on origin
// access control but the key does not grant it, and switches it once the
// key does.
func TestSeedOutageInterlockLive(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	if _, err := s.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/web"), TargetKeyId: aws.String(s.keyARN)}); err != nil {
		t.Fatal(err)
	}

	bp := run(t, s, enforce.EncryptionOptions{Apply: true})
	if bp.Compliant || bp.Safe || bp.Status != interlock.Unsafe || len(bp.Breaks) == 0 || bp.Breaks[0].Rule != "oai-sse-kms" || bp.First[0].Rule != "oai-sse-kms" {
		t.Fatalf("behind an OAI: %+v", bp.Verdict)
	}
	if alg, _, _ := s.encryption(t); alg != "AES256" {
		t.Fatalf("switched an unsafe bucket: %s", alg)
	}

	// The distribution moves to origin access control (by hand here).
	oac, err := s.cf.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
		Name: aws.String("webapp"), OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
		SigningBehavior: cftypes.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: cftypes.OriginAccessControlSigningProtocolsSigv4}})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := s.cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(s.distID)})
	if err != nil {
		t.Fatal(err)
	}
	dc.DistributionConfig.Origins.Items[0].OriginAccessControlId = oac.OriginAccessControl.Id
	dc.DistributionConfig.Origins.Items[0].S3OriginConfig.OriginAccessIdentity = aws.String("")
	if _, err := s.cf.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(s.distID), IfMatch: dc.ETag, DistributionConfig: dc.DistributionConfig}); err != nil {
		t.Fatal(err)
	}
	distARN := "arn:aws:cloudfront::" + awstest.Account + ":distribution/" + s.distID
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudFrontServicePrincipal","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*","Condition":{"StringEquals":{"AWS:SourceArn":%q}}}]}`, bucket, distARN)
	if _, err := s.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	bp = run(t, s, enforce.EncryptionOptions{Apply: true})
	if bp.Safe || len(bp.First) == 0 || bp.First[0].Rule != "oac-key-policy-missing" {
		t.Fatalf("on OAC, key without CloudFront: %+v", bp.Verdict)
	}
	if alg, _, _ := s.encryption(t); alg != "AES256" {
		t.Fatalf("switched while the key does not grant CloudFront: %s", alg)
	}

	// The key grants the distribution: now it switches.
	kp, err := s.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(s.keyARN), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	grant := fmt.Sprintf(`{"Sid":"AllowCloudFrontServicePrincipalSSE-KMS","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":%q}}}`, distARN)
	doc := aws.ToString(kp.Policy)
	i := strings.LastIndex(doc, "]")
	doc = doc[:i] + "," + grant + doc[i:]
	if _, err := s.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(s.keyARN), PolicyName: aws.String("default"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	bp = run(t, s, enforce.EncryptionOptions{Apply: true})
	if !bp.Compliant || !bp.Safe || len(bp.Applied) != 1 {
		t.Fatalf("granted: %+v applied %v note %q", bp.Verdict, bp.Applied, bp.Note)
	}
	if alg, key, bk := s.encryption(t); alg != "aws:kms" || key != s.keyARN || !bk {
		t.Fatalf("bucket encryption after the switch: %s %s %v", alg, key, bk)
	}
}

// TestSeedOutageFixFirstLive: --fix-first migrates the distribution to
// origin access control, grants it the key, re-simulating after each
// step, then switches the bucket.
func TestSeedOutageFixFirstLive(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	if _, err := s.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/web"), TargetKeyId: aws.String(s.keyARN)}); err != nil {
		t.Fatal(err)
	}
	bp := run(t, s, enforce.EncryptionOptions{Apply: true, FixFirst: true})
	t.Logf("applied:\n  %s", strings.Join(bp.Applied, "\n  "))
	if !bp.Compliant || !bp.Safe || bp.Note != "" {
		t.Fatalf("after --fix-first: %+v note %q", bp.Verdict, bp.Note)
	}
	joined := strings.Join(bp.Applied, "\n")
	for _, want := range []string{"created origin access control", "bucket policy of " + bucket, "instead of its origin access identity", "key policy of " + s.keyARN, "PutBucketEncryption"} {
		if !strings.Contains(joined, want) {
			t.Errorf("applied steps lack %q", want)
		}
	}
	if strings.Index(joined, "origin access control") > strings.Index(joined, "key policy of") {
		t.Error("the key was granted before the distribution moved to OAC")
	}
	if alg, key, bk := s.encryption(t); alg != "aws:kms" || key != s.keyARN || !bk {
		t.Fatalf("bucket encryption: %s %s %v", alg, key, bk)
	}
	dc, err := s.cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(s.distID)})
	if err != nil {
		t.Fatal(err)
	}
	o := dc.DistributionConfig.Origins.Items[0]
	if aws.ToString(o.OriginAccessControlId) == "" || aws.ToString(o.S3OriginConfig.OriginAccessIdentity) != "" {
		t.Errorf("origin after the migration: OAC %q OAI %q", aws.ToString(o.OriginAccessControlId), aws.ToString(o.S3OriginConfig.OriginAccessIdentity))
	}
	kp, err := s.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(s.keyARN), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(kp.Policy), "distribution/"+s.distID) {
		t.Errorf("key policy does not grant the distribution: %s", aws.ToString(kp.Policy))
	}
	// Run again: nothing left to do.
	bp = run(t, s, enforce.EncryptionOptions{Apply: true, FixFirst: true})
	if !bp.Compliant || len(bp.Applied) != 0 {
		t.Errorf("second run: %+v applied %v", bp.Verdict, bp.Applied)
	}
}
