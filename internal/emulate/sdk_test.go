package emulate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cf "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/internal/emulate"
)

// start runs an emulator on a free 127.0.0.1 port for the test and returns
// a Go SDK client for it (the SDK's own buildable HTTP client: a custom
// one would trip over AWS_CA_BUNDLE).
func start(t *testing.T, opts emulate.Options) (*cloudfront.Client, *emulate.Running) {
	t.Helper()
	srv, err := emulate.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run, err := srv.Start(ctx, "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := run.Wait(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	client := cloudfront.New(cloudfront.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(run.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
	return client, run
}

// code is the AWS error code of err ("" when none).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Fatalf("error code %q (%v), want %q", got, err, want)
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func s3Origin(id, bucket string) cf.Origin {
	return cf.Origin{
		Id:             aws.String(id),
		DomainName:     aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
		S3OriginConfig: &cf.S3OriginConfig{OriginAccessIdentity: aws.String("")},
	}
}

func distConfig(ref string, origins ...cf.Origin) *cf.DistributionConfig {
	return &cf.DistributionConfig{
		CallerReference: aws.String(ref),
		Comment:         aws.String("test " + ref),
		Enabled:         aws.Bool(true),
		Origins:         &cf.Origins{Quantity: aws.Int32(int32(len(origins))), Items: origins},
		DefaultCacheBehavior: &cf.DefaultCacheBehavior{
			TargetOriginId:        origins[0].Id,
			ViewerProtocolPolicy:  cf.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId:         aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"),
			OriginRequestPolicyId: aws.String("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"),
		},
	}
}

// TestSDKDistributionLifecycle drives the emulator through the Go SDK:
// the OAI and OAC references moto drops survive a round trip, ETags and
// If-Match behave as AWS's, and AWS's errors come back with their codes.
func TestSDKDistributionLifecycle(t *testing.T) {
	ctx := context.Background()
	c, _ := start(t, emulate.Options{Account: "111122223333"})

	oai := must[*cloudfront.CreateCloudFrontOriginAccessIdentityOutput](t)(c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{
		CloudFrontOriginAccessIdentityConfig: &cf.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String("oai-1"), Comment: aws.String("legacy")},
	}))
	oaiID := aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)
	if len(aws.ToString(oai.CloudFrontOriginAccessIdentity.S3CanonicalUserId)) != 64 {
		t.Errorf("S3CanonicalUserId %q", aws.ToString(oai.CloudFrontOriginAccessIdentity.S3CanonicalUserId))
	}
	oac := must[*cloudfront.CreateOriginAccessControlOutput](t)(c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &cf.OriginAccessControlConfig{
			Name: aws.String("site"), SigningBehavior: cf.OriginAccessControlSigningBehaviorsAlways,
			SigningProtocol: cf.OriginAccessControlSigningProtocolsSigv4, OriginAccessControlOriginType: cf.OriginAccessControlOriginTypesS3,
		},
	}))
	oacID := aws.ToString(oac.OriginAccessControl.Id)

	legacy := s3Origin("legacy", "old-bucket")
	legacy.S3OriginConfig.OriginAccessIdentity = aws.String("origin-access-identity/cloudfront/" + oaiID)
	modern := s3Origin("modern", "new-bucket")
	modern.OriginAccessControlId = aws.String(oacID)
	created := must[*cloudfront.CreateDistributionOutput](t)(c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{
		DistributionConfig: distConfig("dist-1", modern, legacy),
	}))
	d := created.Distribution
	id := aws.ToString(d.Id)
	if len(id) != 14 || id[0] != 'E' || strings.ToUpper(id) != id {
		t.Errorf("distribution ID %q is not shaped like AWS's", id)
	}
	if want := "arn:aws:cloudfront::111122223333:distribution/" + id; aws.ToString(d.ARN) != want {
		t.Errorf("ARN %q, want %q", aws.ToString(d.ARN), want)
	}
	if dn := aws.ToString(d.DomainName); !strings.HasPrefix(dn, "d") || !strings.HasSuffix(dn, ".cloudfront.net") || len(dn) != 29 {
		t.Errorf("domain name %q", dn)
	}
	if aws.ToString(d.Status) != "Deployed" {
		t.Errorf("status %q", aws.ToString(d.Status))
	}

	got := must[*cloudfront.GetDistributionConfigOutput](t)(c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)}))
	if aws.ToString(got.ETag) != aws.ToString(created.ETag) {
		t.Errorf("ETag %q after create %q", aws.ToString(got.ETag), aws.ToString(created.ETag))
	}
	origins := got.DistributionConfig.Origins.Items
	if len(origins) != 2 {
		t.Fatalf("%d origins", len(origins))
	}
	if v := aws.ToString(origins[0].OriginAccessControlId); v != oacID {
		t.Errorf("OriginAccessControlId %q, want %q", v, oacID)
	}
	if v := aws.ToString(origins[1].S3OriginConfig.OriginAccessIdentity); v != "origin-access-identity/cloudfront/"+oaiID {
		t.Errorf("OriginAccessIdentity %q", v)
	}
	// AWS's defaults are filled in.
	if aws.ToInt32(origins[0].ConnectionAttempts) != 3 || aws.ToInt32(origins[0].ConnectionTimeout) != 10 {
		t.Errorf("origin defaults: attempts %d timeout %d", aws.ToInt32(origins[0].ConnectionAttempts), aws.ToInt32(origins[0].ConnectionTimeout))
	}
	if am := got.DistributionConfig.DefaultCacheBehavior.AllowedMethods; am == nil || aws.ToInt32(am.Quantity) != 2 {
		t.Errorf("AllowedMethods default %+v", am)
	}
	if vc := got.DistributionConfig.ViewerCertificate; vc == nil || !aws.ToBool(vc.CloudFrontDefaultCertificate) || vc.MinimumProtocolVersion != cf.MinimumProtocolVersionTLSv1 {
		t.Errorf("ViewerCertificate default %+v", vc)
	}

	// If-Match.
	cfg := got.DistributionConfig
	cfg.Enabled = aws.Bool(false)
	_, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), DistributionConfig: cfg})
	wantCode(t, err, "InvalidIfMatchVersion")
	_, err = c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), DistributionConfig: cfg, IfMatch: aws.String("E0000000000000")})
	wantCode(t, err, "PreconditionFailed")

	// An enabled distribution cannot be deleted.
	_, err = c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id), IfMatch: got.ETag})
	wantCode(t, err, "DistributionNotDisabled")
	// The OAC and OAI are in use.
	_, err = c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(oacID), IfMatch: oac.ETag})
	wantCode(t, err, "OriginAccessControlInUse")
	_, err = c.DeleteCloudFrontOriginAccessIdentity(ctx, &cloudfront.DeleteCloudFrontOriginAccessIdentityInput{Id: aws.String(oaiID), IfMatch: oai.ETag})
	wantCode(t, err, "CloudFrontOriginAccessIdentityInUse")

	upd := must[*cloudfront.UpdateDistributionOutput](t)(c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), DistributionConfig: cfg, IfMatch: got.ETag}))
	if aws.ToString(upd.ETag) == aws.ToString(got.ETag) {
		t.Errorf("the ETag did not change on update")
	}
	_, err = c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id), IfMatch: got.ETag})
	wantCode(t, err, "PreconditionFailed")
	must[*cloudfront.DeleteDistributionOutput](t)(c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id), IfMatch: upd.ETag}))
	_, err = c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)})
	wantCode(t, err, "NoSuchDistribution")
	must[*cloudfront.DeleteOriginAccessControlOutput](t)(c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(oacID), IfMatch: oac.ETag}))
	_, err = c.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String(oacID)})
	wantCode(t, err, "NoSuchOriginAccessControl")
}

// TestSDKRejects holds the emulator to AWS's refusals.
func TestSDKRejects(t *testing.T) {
	ctx := context.Background()
	c, _ := start(t, emulate.Options{})
	oai := must[*cloudfront.CreateCloudFrontOriginAccessIdentityOutput](t)(c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{
		CloudFrontOriginAccessIdentityConfig: &cf.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String("r"), Comment: aws.String("")},
	}))
	oac := must[*cloudfront.CreateOriginAccessControlOutput](t)(c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &cf.OriginAccessControlConfig{Name: aws.String("a"), SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3"},
	}))
	both := s3Origin("both", "b")
	both.S3OriginConfig.OriginAccessIdentity = aws.String("origin-access-identity/cloudfront/" + aws.ToString(oai.CloudFrontOriginAccessIdentity.Id))
	both.OriginAccessControlId = oac.OriginAccessControl.Id

	tests := []struct {
		name string
		cfg  func() *cf.DistributionConfig
		want string
	}{
		{"oai and oac on one origin", func() *cf.DistributionConfig { return distConfig("r1", both) }, "IllegalOriginAccessConfiguration"},
		{"unknown oac", func() *cf.DistributionConfig {
			o := s3Origin("o", "b")
			o.OriginAccessControlId = aws.String("E000000000000X")
			return distConfig("r2", o)
		}, "InvalidOriginAccessControl"},
		{"unknown oai", func() *cf.DistributionConfig {
			o := s3Origin("o", "b")
			o.S3OriginConfig.OriginAccessIdentity = aws.String("origin-access-identity/cloudfront/E000000000000X")
			return distConfig("r3", o)
		}, "InvalidOriginAccessIdentity"},
		{"unknown cache policy", func() *cf.DistributionConfig {
			d := distConfig("r4", s3Origin("o", "b"))
			d.DefaultCacheBehavior.CachePolicyId = aws.String("00000000-0000-0000-0000-000000000000")
			return d
		}, "NoSuchCachePolicy"},
		{"unknown origin request policy", func() *cf.DistributionConfig {
			d := distConfig("r5", s3Origin("o", "b"))
			d.DefaultCacheBehavior.OriginRequestPolicyId = aws.String("00000000-0000-0000-0000-000000000000")
			return d
		}, "NoSuchOriginRequestPolicy"},
		{"behavior targets no origin", func() *cf.DistributionConfig {
			d := distConfig("r6", s3Origin("o", "b"))
			d.DefaultCacheBehavior.TargetOriginId = aws.String("nowhere")
			return d
		}, "NoSuchOrigin"},
		{"no cache policy nor forwarded values", func() *cf.DistributionConfig {
			d := distConfig("r7", s3Origin("o", "b"))
			d.DefaultCacheBehavior.CachePolicyId = nil
			return d
		}, "InvalidArgument"},
		{"enum outside the set", func() *cf.DistributionConfig {
			d := distConfig("r8", s3Origin("o", "b"))
			d.DefaultCacheBehavior.ViewerProtocolPolicy = "sometimes"
			return d
		}, "MalformedXML"},
		{"quantity does not match", func() *cf.DistributionConfig {
			d := distConfig("r9", s3Origin("o", "b"))
			d.Origins.Quantity = aws.Int32(2)
			return d
		}, "InconsistentQuantities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: tt.cfg()})
			wantCode(t, err, tt.want)
		})
	}

	// CNAMEs are unique across distributions; CallerReference too.
	withAlias := distConfig("a1", s3Origin("o", "b"))
	withAlias.Aliases = &cf.Aliases{Quantity: aws.Int32(1), Items: []string{"www.example.com"}}
	must[*cloudfront.CreateDistributionOutput](t)(c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: withAlias}))
	again := distConfig("a2", s3Origin("o", "b"))
	again.Aliases = &cf.Aliases{Quantity: aws.Int32(1), Items: []string{"WWW.example.com"}}
	_, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: again})
	wantCode(t, err, "CNAMEAlreadyExists")
	_, err = c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig("a1", s3Origin("o", "b"))})
	wantCode(t, err, "DistributionAlreadyExists")

	// OAC names are unique.
	_, err = c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &cf.OriginAccessControlConfig{Name: aws.String("a"), SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3"},
	})
	wantCode(t, err, "OriginAccessControlAlreadyExists")

	// Managed policies can be neither changed nor deleted.
	mp := must[*cloudfront.GetCachePolicyOutput](t)(c.GetCachePolicy(ctx, &cloudfront.GetCachePolicyInput{Id: aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")}))
	_, err = c.DeleteCachePolicy(ctx, &cloudfront.DeleteCachePolicyInput{Id: mp.CachePolicy.Id, IfMatch: mp.ETag})
	wantCode(t, err, "IllegalDelete")
	_, err = c.UpdateCachePolicy(ctx, &cloudfront.UpdateCachePolicyInput{Id: mp.CachePolicy.Id, IfMatch: mp.ETag, CachePolicyConfig: mp.CachePolicy.CachePolicyConfig})
	wantCode(t, err, "IllegalUpdate")
}

// TestSDKPoliciesInvalidationsTags covers the remaining resources and
// pagination through the SDK's paginators.
func TestSDKPoliciesInvalidationsTags(t *testing.T) {
	ctx := context.Background()
	c, _ := start(t, emulate.Options{})

	// Managed policies are preloaded with their real IDs.
	managed := map[string]string{}
	var marker *string
	for range 10 {
		out := must[*cloudfront.ListCachePoliciesOutput](t)(c.ListCachePolicies(ctx, &cloudfront.ListCachePoliciesInput{Type: cf.CachePolicyTypeManaged, MaxItems: aws.Int32(2), Marker: marker}))
		for _, s := range out.CachePolicyList.Items {
			managed[aws.ToString(s.CachePolicy.CachePolicyConfig.Name)] = aws.ToString(s.CachePolicy.Id)
			if s.Type != cf.CachePolicyTypeManaged {
				t.Errorf("%s: type %q", aws.ToString(s.CachePolicy.Id), s.Type)
			}
		}
		if out.CachePolicyList.NextMarker == nil {
			break
		}
		marker = out.CachePolicyList.NextMarker
	}
	if managed["Managed-CachingOptimized"] != "658327ea-f89d-4fab-a63d-7e88639e58f6" || managed["Managed-CachingDisabled"] != "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" {
		t.Errorf("managed cache policies: %v", managed)
	}
	orp := must[*cloudfront.GetOriginRequestPolicyOutput](t)(c.GetOriginRequestPolicy(ctx, &cloudfront.GetOriginRequestPolicyInput{Id: aws.String("216adef6-5c7f-47e4-b989-5492eafa07d3")}))
	if hb := orp.OriginRequestPolicy.OriginRequestPolicyConfig.HeadersConfig.HeaderBehavior; hb != cf.OriginRequestPolicyHeaderBehaviorAllViewer {
		t.Errorf("AllViewer header behavior %q", hb)
	}

	// A custom cache policy: defaults, use, in-use refusal, deletion.
	cp := must[*cloudfront.CreateCachePolicyOutput](t)(c.CreateCachePolicy(ctx, &cloudfront.CreateCachePolicyInput{CachePolicyConfig: &cf.CachePolicyConfig{
		Name: aws.String("mine"), MinTTL: aws.Int64(5),
		ParametersInCacheKeyAndForwardedToOrigin: &cf.ParametersInCacheKeyAndForwardedToOrigin{
			EnableAcceptEncodingGzip: aws.Bool(true),
			HeadersConfig:            &cf.CachePolicyHeadersConfig{HeaderBehavior: cf.CachePolicyHeaderBehaviorNone},
			CookiesConfig:            &cf.CachePolicyCookiesConfig{CookieBehavior: cf.CachePolicyCookieBehaviorNone},
			QueryStringsConfig:       &cf.CachePolicyQueryStringsConfig{QueryStringBehavior: cf.CachePolicyQueryStringBehaviorNone},
		},
	}}))
	if v := aws.ToInt64(cp.CachePolicy.CachePolicyConfig.DefaultTTL); v != 86400 {
		t.Errorf("DefaultTTL default %d", v)
	}
	d := distConfig("tags-1", s3Origin("o", "b"))
	d.DefaultCacheBehavior.CachePolicyId = cp.CachePolicy.Id
	dist := must[*cloudfront.CreateDistributionWithTagsOutput](t)(c.CreateDistributionWithTags(ctx, &cloudfront.CreateDistributionWithTagsInput{
		DistributionConfigWithTags: &cf.DistributionConfigWithTags{DistributionConfig: d, Tags: &cf.Tags{Items: []cf.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}},
	}))
	_, err := c.DeleteCachePolicy(ctx, &cloudfront.DeleteCachePolicyInput{Id: cp.CachePolicy.Id, IfMatch: cp.ETag})
	wantCode(t, err, "CachePolicyInUse")
	by := must[*cloudfront.ListDistributionsByCachePolicyIdOutput](t)(c.ListDistributionsByCachePolicyId(ctx, &cloudfront.ListDistributionsByCachePolicyIdInput{CachePolicyId: cp.CachePolicy.Id}))
	if ids := by.DistributionIdList.Items; len(ids) != 1 || ids[0] != aws.ToString(dist.Distribution.Id) {
		t.Errorf("distributions by cache policy: %v", ids)
	}

	// Tags.
	arn := dist.Distribution.ARN
	must[*cloudfront.TagResourceOutput](t)(c.TagResource(ctx, &cloudfront.TagResourceInput{Resource: arn, Tags: &cf.Tags{Items: []cf.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}}))
	must[*cloudfront.UntagResourceOutput](t)(c.UntagResource(ctx, &cloudfront.UntagResourceInput{Resource: arn, TagKeys: &cf.TagKeys{Items: []string{"team"}}}))
	tags := must[*cloudfront.ListTagsForResourceOutput](t)(c.ListTagsForResource(ctx, &cloudfront.ListTagsForResourceInput{Resource: arn}))
	if items := tags.Tags.Items; len(items) != 1 || aws.ToString(items[0].Key) != "env" || aws.ToString(items[0].Value) != "prod" {
		t.Errorf("tags %+v", items)
	}

	// Invalidations.
	inv := must[*cloudfront.CreateInvalidationOutput](t)(c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId:    dist.Distribution.Id,
		InvalidationBatch: &cf.InvalidationBatch{CallerReference: aws.String("i1"), Paths: &cf.Paths{Quantity: aws.Int32(2), Items: []string{"/index.html", "/app/*"}}},
	}))
	if aws.ToString(inv.Invalidation.Status) != "Completed" || !strings.HasPrefix(aws.ToString(inv.Location), "http://") {
		t.Errorf("invalidation %+v location %q", inv.Invalidation, aws.ToString(inv.Location))
	}
	gi := must[*cloudfront.GetInvalidationOutput](t)(c.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: dist.Distribution.Id, Id: inv.Invalidation.Id}))
	if p := gi.Invalidation.InvalidationBatch.Paths.Items; len(p) != 2 || p[1] != "/app/*" {
		t.Errorf("paths %v", p)
	}
	li := must[*cloudfront.ListInvalidationsOutput](t)(c.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: dist.Distribution.Id}))
	if aws.ToInt32(li.InvalidationList.Quantity) != 1 {
		t.Errorf("invalidations %d", aws.ToInt32(li.InvalidationList.Quantity))
	}
	_, err = c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId:    dist.Distribution.Id,
		InvalidationBatch: &cf.InvalidationBatch{CallerReference: aws.String("i2"), Paths: &cf.Paths{Quantity: aws.Int32(1), Items: []string{"index.html"}}},
	})
	wantCode(t, err, "InvalidArgument")
}

// TestSDKPagination lists 7 OACs, OAIs and distributions two at a time
// with the SDK's paginators.
func TestSDKPagination(t *testing.T) {
	ctx := context.Background()
	c, _ := start(t, emulate.Options{})
	for i := range 7 {
		must[*cloudfront.CreateOriginAccessControlOutput](t)(c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
			OriginAccessControlConfig: &cf.OriginAccessControlConfig{Name: aws.String(fmt.Sprint("oac-", i)), SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3"},
		}))
		must[*cloudfront.CreateCloudFrontOriginAccessIdentityOutput](t)(c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{
			CloudFrontOriginAccessIdentityConfig: &cf.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String(fmt.Sprint("oai-", i)), Comment: aws.String("")},
		}))
		must[*cloudfront.CreateDistributionOutput](t)(c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig(fmt.Sprint("d-", i), s3Origin("o", "b"))}))
	}
	seen := map[string]bool{}
	dp := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(2)})
	pagesN := 0
	for dp.HasMorePages() {
		out := must[*cloudfront.ListDistributionsOutput](t)(dp.NextPage(ctx))
		pagesN++
		for _, s := range out.DistributionList.Items {
			seen[aws.ToString(s.Id)] = true
			if aws.ToString(s.ETag) == "" || len(s.Origins.Items) != 1 {
				t.Errorf("summary %s incomplete", aws.ToString(s.Id))
			}
		}
	}
	if len(seen) != 7 || pagesN != 4 {
		t.Errorf("%d distributions in %d pages", len(seen), pagesN)
	}
	n := 0
	op := cloudfront.NewListOriginAccessControlsPaginator(c, &cloudfront.ListOriginAccessControlsInput{MaxItems: aws.Int32(3)})
	for op.HasMorePages() {
		n += len(must[*cloudfront.ListOriginAccessControlsOutput](t)(op.NextPage(ctx)).OriginAccessControlList.Items)
	}
	if n != 7 {
		t.Errorf("%d OACs listed", n)
	}
	n = 0
	ip := cloudfront.NewListCloudFrontOriginAccessIdentitiesPaginator(c, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{MaxItems: aws.Int32(5)})
	for ip.HasMorePages() {
		n += len(must[*cloudfront.ListCloudFrontOriginAccessIdentitiesOutput](t)(ip.NextPage(ctx)).CloudFrontOriginAccessIdentityList.Items)
	}
	if n != 7 {
		t.Errorf("%d OAIs listed", n)
	}
}

// TestSDKDeployDelay: with a delay, a new distribution is InProgress and
// cannot be deleted even when disabled, then Deployed.
func TestSDKDeployDelay(t *testing.T) {
	ctx := context.Background()
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	c, _ := start(t, emulate.Options{DeployDelay: time.Minute, Now: clock})
	cfg := distConfig("dd", s3Origin("o", "b"))
	cfg.Enabled = aws.Bool(false)
	out := must[*cloudfront.CreateDistributionOutput](t)(c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg}))
	if s := aws.ToString(out.Distribution.Status); s != "InProgress" {
		t.Fatalf("status %q", s)
	}
	_, err := c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: out.Distribution.Id, IfMatch: out.ETag})
	wantCode(t, err, "DistributionNotDisabled")
	now.Add(120)
	g := must[*cloudfront.GetDistributionOutput](t)(c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: out.Distribution.Id}))
	if s := aws.ToString(g.Distribution.Status); s != "Deployed" {
		t.Fatalf("status %q after the delay", s)
	}
}

// TestSDKConcurrent: clients in parallel (run with -race) see every
// resource they created, and no two get the same ID.
func TestSDKConcurrent(t *testing.T) {
	ctx := context.Background()
	c, _ := start(t, emulate.Options{})
	const workers, each = 6, 8
	errs := make(chan error, workers*each)
	ids := make(chan string, workers*each)
	for w := range workers {
		go func() {
			for i := range each {
				out, err := c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
					OriginAccessControlConfig: &cf.OriginAccessControlConfig{Name: aws.String(fmt.Sprintf("w%d-%d", w, i)), SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3"},
				})
				if err == nil {
					ids <- aws.ToString(out.OriginAccessControl.Id)
				}
				errs <- err
			}
		}()
	}
	seen := map[string]bool{}
	for range workers * each {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	for id := range ids {
		if seen[id] {
			t.Errorf("ID %s handed out twice", id)
		}
		seen[id] = true
	}
	out := must[*cloudfront.ListOriginAccessControlsOutput](t)(c.ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{MaxItems: aws.Int32(1000)}))
	if n := len(out.OriginAccessControlList.Items); n != workers*each {
		t.Errorf("%d OACs listed, want %d", n, workers*each)
	}
}
