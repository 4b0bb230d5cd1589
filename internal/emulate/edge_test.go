package emulate_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/emulate/edgetest"
)

// get sends a GET to the edge with a Host header; it returns the status,
// the error code of an XML error body (or the body) and the headers.
func get(t *testing.T, e *edgetest.Env, host, path string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	s := string(body)
	if i := strings.Index(s, "<Code>"); i >= 0 {
		s = s[i+6 : i+6+strings.Index(s[i+6:], "<")]
	}
	return resp.StatusCode, s, resp.Header
}

func wantGet(t *testing.T, e *edgetest.Env, host, path string, status int, body, rule string) http.Header {
	t.Helper()
	st, b, h := get(t, e, host, path)
	if st != status || b != body || h.Get("x-s3front-rule") != rule {
		t.Fatalf("GET %s%s = %d %q (rule %q, reason %q), want %d %q (rule %q)", host, path, st, b, h.Get("x-s3front-rule"), h.Get("x-s3front-reason"), status, body, rule)
	}
	return h
}

// TestEdgeSeedOutage reproduces the first field report on the local edge:
// an OAI keeps serving old SSE-S3 objects after the default encryption
// became SSE-KMS, and fails on the first new upload with
// KMS.UnrecognizedClientException; after migrating to OAC the key policy
// decides (403 until it lets CloudFront decrypt); the bucket's own URL
// refuses anonymous readers throughout.
func TestEdgeSeedOutage(t *testing.T) {
	e := edgetest.Start(t, emulate.Options{})
	site := e.SeedOutage(t, "webapp-assets")
	ctx := context.Background()
	s3c := s3.NewFromConfig(e.Config(t, edgetest.Admin), func(o *s3.Options) { o.UsePathStyle = true })
	_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("app.js"), Body: strings.NewReader("new")})
	if err != nil {
		t.Fatal(err)
	}
	h := wantGet(t, e, site.Domain, "/", 200, "old index.html", "")
	if h.Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("X-Cache %q", h.Get("X-Cache"))
	}
	wantGet(t, e, "", "/_edge/"+site.DistID+"/old.js", 200, "old old.js", "")
	wantGet(t, e, site.Domain, "/app.js", 400, "KMS.UnrecognizedClientException", "oai-sse-kms")
	wantGet(t, e, site.Bucket+".s3.us-east-1.amazonaws.com", "/index.html", 403, "AccessDenied", "")

	// OAC, but the key policy does not let CloudFront decrypt yet.
	e.MigrateToOAC(t, site)
	kc := kms.NewFromConfig(e.Config(t, edgetest.Admin))
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(site.KeyARN), PolicyName: aws.String("default"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + site.Account + `:root"},"Action":"kms:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	wantGet(t, e, site.Domain, "/app.js", 403, "AccessDenied", "oac-key-policy-missing")
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(site.KeyARN), PolicyName: aws.String("default"), Policy: aws.String(edgetest.KeyPolicy(site.Account, site.DistARN))})
	if err != nil {
		t.Fatal(err)
	}
	wantGet(t, e, site.Domain, "/app.js", 200, "new", "")
	// index.html was cached by the OAI request; a fresh path goes to S3.
	wantGet(t, e, site.Domain, "/missing.html", 403, "AccessDenied", "missing-object-403")
	wantGet(t, e, site.Bucket+".s3.us-east-1.amazonaws.com", "/app.js", 403, "AccessDenied", "")
	wantGet(t, e, "", "/"+site.Bucket+"/app.js", 403, "AccessDenied", "")
}

// TestEdgeCacheAndInvalidation: a cached object stays served after it
// changes until an invalidation of its path.
func TestEdgeCacheAndInvalidation(t *testing.T) {
	e := edgetest.Start(t, emulate.Options{})
	site := e.SeedOutage(t, "cached-site")
	e.MigrateToOAC(t, site)
	ctx := context.Background()
	s3c := s3.NewFromConfig(e.Config(t, edgetest.Admin), func(o *s3.Options) { o.UsePathStyle = true })
	wantGet(t, e, site.Domain, "/old.js", 200, "old old.js", "")
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("old.js"), Body: strings.NewReader("v2")}); err != nil {
		t.Fatal(err)
	}
	h := wantGet(t, e, site.Domain, "/old.js", 200, "old old.js", "")
	if !strings.HasPrefix(h.Get("X-Cache"), "Hit") {
		t.Errorf("X-Cache %q, want a hit", h.Get("X-Cache"))
	}
	e.Invalidate(t, site.DistID, "/old*")
	wantGet(t, e, site.Domain, "/old.js", 200, "v2", "")
}

// TestEdgeObjectWriterCrossAccount: an object another account uploads
// into an ObjectWriter bucket is its own; the bucket policy's grant to
// the distribution does not reach it (403, foreign-object-owner), even
// with bucket-owner-full-control.
func TestEdgeObjectWriterCrossAccount(t *testing.T) {
	const ci = "arn:aws:iam::222222222222:role/ci"
	allowAll, err := iam.Parse("ci.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.Identity)
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, emulate.Options{Identities: []emulate.Identity{{AccessKeyID: "ci", ARN: ci, Policies: []*iam.Policy{allowAll}}}})
	site := e.SeedOutage(t, "shared-uploads")
	e.MigrateToOAC(t, site)
	ctx := context.Background()
	admin := s3.NewFromConfig(e.Config(t, edgetest.Admin), func(o *s3.Options) { o.UsePathStyle = true })
	_, err = admin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(site.Bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.PutBucketPolicy(t, site.Bucket, edgetest.OACPolicy(site.Bucket, site.DistARN,
		`{"Sid":"CI","Effect":"Allow","Principal":{"AWS":"`+ci+`"},"Action":["s3:PutObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::`+site.Bucket+`/*"}`))
	ciS3 := s3.NewFromConfig(e.Config(t, "ci"), func(o *s3.Options) { o.UsePathStyle = true })
	// The key's policy admits only the bucket account: the CI role's
	// upload under it is refused, and an SSE-S3 upload works.
	_, err = ciS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("ci.js"), Body: strings.NewReader("ci")})
	if code(err) != "AccessDenied" {
		t.Fatalf("CI upload under the bucket's key: %v, want AccessDenied", err)
	}
	_, err = ciS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("ci.js"), Body: strings.NewReader("ci"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256, ACL: s3types.ObjectCannedACLBucketOwnerFullControl})
	if err != nil {
		t.Fatal(err)
	}
	wantGet(t, e, site.Domain, "/ci.js", 403, "AccessDenied", "foreign-object-owner")
	acl, err := admin.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(site.Bucket), Key: aws.String("ci.js")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(acl.Owner.ID), emulate.CanonicalUserID("222222222222"); got != want {
		t.Errorf("object owner %s, want the CI account's %s", got, want)
	}
	// With ACLs disabled again the same upload is the bucket owner's.
	_, err = admin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(site.Bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ciS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("ci2.js"), Body: strings.NewReader("ci2"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256, ACL: s3types.ObjectCannedACLPublicRead})
	if code(err) != "AccessControlListNotSupported" {
		t.Fatalf("public-read on an ACL-disabled bucket: %v, want AccessControlListNotSupported", err)
	}
	_, err = ciS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("ci2.js"), Body: strings.NewReader("ci2"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatal(err)
	}
	wantGet(t, e, site.Domain, "/ci2.js", 200, "ci2", "")
}
