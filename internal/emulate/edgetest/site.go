package edgetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/iam"
)

// Site is a bucket served by a distribution, built through the edge.
type Site struct {
	Bucket  string
	KeyARN  string
	DistID  string
	DistARN string
	Domain  string
	OAIID   string
	OACID   string
	Account string
}

// Admin is the access key of the edge account's root user in tests.
const Admin = "admin"

// CachingOptimized is the managed cache policy's ID.
const CachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// SeedOutage builds the first field report's estate: a distribution
// reading bucket through an origin access identity, the bucket's policy
// granting the OAI, old objects (index.html, old.js) uploaded under
// SSE-S3, then the bucket's default encryption switched to SSE-KMS with a
// customer key and a Bucket Key. Existing objects keep being served; the
// next upload is not.
func (e *Env) SeedOutage(t testing.TB, bucket string) *Site {
	t.Helper()
	ctx := context.Background()
	cfg := e.Config(t, Admin)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	cfc := cloudfront.NewFromConfig(cfg)
	kc := kms.NewFromConfig(cfg)
	site := &Site{Bucket: bucket, Account: e.Server.Account()}
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	must(t, err)
	oai, err := cfc.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{
		CloudFrontOriginAccessIdentityConfig: &cf.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String("oai-" + bucket), Comment: aws.String(bucket)}})
	must(t, err)
	site.OAIID = aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)
	e.PutBucketPolicy(t, bucket, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"OAI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity %s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, site.OAIID, bucket))
	d, err := cfc.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cf.DistributionConfig{
		CallerReference:   aws.String("dist-" + bucket),
		Comment:           aws.String(bucket),
		Enabled:           aws.Bool(true),
		DefaultRootObject: aws.String("index.html"),
		Origins: &cf.Origins{Quantity: aws.Int32(1), Items: []cf.Origin{{
			Id:             aws.String("s3"),
			DomainName:     aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
			S3OriginConfig: &cf.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/" + site.OAIID)},
		}}},
		DefaultCacheBehavior: &cf.DefaultCacheBehavior{
			TargetOriginId:       aws.String("s3"),
			ViewerProtocolPolicy: cf.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId:        aws.String(CachingOptimized),
			AllowedMethods: &cf.AllowedMethods{Quantity: aws.Int32(2), Items: []cf.Method{cf.MethodGet, cf.MethodHead},
				CachedMethods: &cf.CachedMethods{Quantity: aws.Int32(2), Items: []cf.Method{cf.MethodGet, cf.MethodHead}}},
		},
	}})
	must(t, err)
	site.DistID = aws.ToString(d.Distribution.Id)
	site.DistARN = aws.ToString(d.Distribution.ARN)
	site.Domain = aws.ToString(d.Distribution.DomainName)
	for _, k := range []string{"index.html", "old.js"} {
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("old " + k), ContentType: aws.String("text/plain")})
		must(t, err)
	}
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("web application buckets")})
	must(t, err)
	site.KeyARN = aws.ToString(key.KeyMetadata.Arn)
	_, err = s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(site.KeyARN)}, BucketKeyEnabled: aws.Bool(true)}}}})
	must(t, err)
	return site
}

// PutBucketPolicy sets a bucket policy as the edge account's root.
func (e *Env) PutBucketPolicy(t testing.TB, bucket, policy string) {
	t.Helper()
	s3c := s3.NewFromConfig(e.Config(t, Admin), func(o *s3.Options) { o.UsePathStyle = true })
	_, err := s3c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
	must(t, err)
}

// OACPolicy is the canonical bucket policy statement list for OAC reads
// of bucket by the distribution (SEMANTICS §2.1), with extra statements.
func OACPolicy(bucket, distARN string, extra ...string) string {
	st := fmt.Sprintf(`{"Sid":"AllowCloudFrontServicePrincipalReadOnly","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*","Condition":{"StringEquals":{"AWS:SourceArn":"%s"}}}`, bucket, distARN)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(append([]string{st}, extra...), ",") + `]}`
}

// MigrateToOAC moves the site to origin access control: an OAC attached
// to the distribution's origin in place of the OAI, the bucket policy
// granting the distribution, and the key policy letting CloudFront
// decrypt for it (SEMANTICS §2.3).
func (e *Env) MigrateToOAC(t testing.TB, site *Site) {
	t.Helper()
	ctx := context.Background()
	cfg := e.Config(t, Admin)
	cfc := cloudfront.NewFromConfig(cfg)
	oac, err := cfc.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cf.OriginAccessControlConfig{
		Name: aws.String("oac-" + site.Bucket), OriginAccessControlOriginType: cf.OriginAccessControlOriginTypesS3,
		SigningBehavior: cf.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: cf.OriginAccessControlSigningProtocolsSigv4}})
	must(t, err)
	site.OACID = aws.ToString(oac.OriginAccessControl.Id)
	cur, err := cfc.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(site.DistID)})
	must(t, err)
	dc := cur.DistributionConfig
	for i := range dc.Origins.Items {
		dc.Origins.Items[i].S3OriginConfig = &cf.S3OriginConfig{OriginAccessIdentity: aws.String("")}
		dc.Origins.Items[i].OriginAccessControlId = aws.String(site.OACID)
	}
	_, err = cfc.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(site.DistID), IfMatch: cur.ETag, DistributionConfig: dc})
	must(t, err)
	e.PutBucketPolicy(t, site.Bucket, OACPolicy(site.Bucket, site.DistARN))
	kc := kms.NewFromConfig(cfg)
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(site.KeyARN), PolicyName: aws.String("default"), Policy: aws.String(KeyPolicy(site.Account, site.DistARN))})
	must(t, err)
}

// KeyPolicy is a key policy delegating to the account and letting
// CloudFront decrypt for the distribution (SEMANTICS §2.3).
func KeyPolicy(account, distARN string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"AllowCloudFrontServicePrincipalSSE-KMS","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":"%s"}}}]}`,
		account, distARN)
}

// Invalidate creates an invalidation of paths on a distribution.
func (e *Env) Invalidate(t testing.TB, distID string, paths ...string) {
	t.Helper()
	cfc := cloudfront.NewFromConfig(e.Config(t, Admin))
	_, err := cfc.CreateInvalidation(context.Background(), &cloudfront.CreateInvalidationInput{DistributionId: aws.String(distID),
		InvalidationBatch: &cf.InvalidationBatch{CallerReference: aws.String(fmt.Sprint(paths)), Paths: &cf.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths}}})
	must(t, err)
}

// AllowAll is an identity policy allowing everything (an administrator).
func AllowAll(t testing.TB) []*iam.Policy {
	p, err := iam.Parse("allow-all.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.Identity)
	must(t, err)
	return []*iam.Policy{p}
}
