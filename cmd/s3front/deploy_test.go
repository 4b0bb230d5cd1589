package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/emulate/edgetest"
)

// edgeEnv points the SDK of in-process runs at the edge, signing with key.
func edgeEnv(t *testing.T, e *edgetest.Env, key string) {
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": e.URL, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
}

func runEdge(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runEnv(context.Background(), args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, awsDial: edgetest.Dial})
	return code, out.String(), errb.String()
}

func writeSite(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func wantIn(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// TestDeploySeedOutage is the seed outage end to end on the local edge: an
// OAI distribution in front of a bucket whose default encryption became
// SSE-KMS while its objects are SSE-S3. deploy refuses the new upload with
// the reason, uploading nothing; after the distribution moves to OAC
// (through the emulator's API) deploy uploads, invalidates, and proves
// the new objects served and the bucket's URL refused; verify agrees.
func TestDeploySeedOutage(t *testing.T) {
	e := edgetest.Start(t, emulate.Options{})
	site := e.SeedOutage(t, "example-webapp-assets")
	edgeEnv(t, e, edgetest.Admin)
	dir := writeSite(t, map[string]string{"index.html": "<h1>v2</h1>", "app.js": "console.log(2)", "old.js": "old old.js",
		".s3front.yaml": "deploy:\n  exclude: [.s3front.yaml]\n  cache-control:\n    - match: \"*.html\"\n      value: no-cache\n"})

	code, out, stderr := runEdge(t, "deploy", dir, "s3://"+site.Bucket, "--edge", e.URL, "--wait")
	if code != exitFindings {
		t.Fatalf("deploy before the migration: exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	wantIn(t, "the refusal", out, "plan: 2 to upload, 1 unchanged, 0 to delete", "Cache-Control: no-cache",
		"encryption aws:kms with "+site.KeyARN, "refused: these uploads will not be servable because",
		"oai-sse-kms: 400 KMS.UnrecognizedClientException", "/app.js via "+site.DistID, "nothing was uploaded")
	s3c := s3.NewFromConfig(e.Config(t, edgetest.Admin), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("app.js")}); err == nil {
		t.Fatal("app.js was uploaded by a refused deploy")
	}

	e.MigrateToOAC(t, site)
	code, out, stderr = runEdge(t, "deploy", dir, "s3://"+site.Bucket, "--edge", e.URL, "--wait")
	if code != exitOK {
		t.Fatalf("deploy after the migration: exit %d\n%s\n%s", code, out, stderr)
	}
	t.Log(out)
	wantIn(t, "the deploy", out, "uploaded 2 object(s)", "invalidated "+site.DistID, "Completed",
		"probe ok   served  https://"+site.Domain+"/app.js?s3front-probe=", "probe ok   refused https://"+site.Bucket+".s3.us-east-1.amazonaws.com/",
		"deployed and proven")

	code, out, stderr = runEdge(t, "verify", "--distribution", site.DistID, "--edge", e.URL)
	if code != exitOK {
		t.Fatalf("verify: exit %d\n%s\n%s", code, out, stderr)
	}
	wantIn(t, "verify", out, "https://"+site.Domain+"/app.js", "refused https://"+site.Bucket+".s3.us-east-1.amazonaws.com/", "verified:")
	code, out, _ = runEdge(t, "verify", "https://"+site.Domain+"/index.html", "https://"+site.Bucket+".s3.us-east-1.amazonaws.com/index.html", "--edge", e.URL)
	if code != exitOK {
		t.Fatalf("verify URLs: exit %d\n%s", code, out)
	}
	// A second deploy of the same directory changes nothing.
	code, out, stderr = runEdge(t, "deploy", dir, "s3://"+site.Bucket, "--edge", e.URL)
	if code != exitOK || !strings.Contains(out, "plan: 0 to upload, 3 unchanged") {
		t.Fatalf("redeploy: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestDeployCrossAccountObjectWriter: a CI role of another account
// deploys into an ObjectWriter bucket. Its objects are its own, so the
// bucket policy's grant to the distribution does not reach them: the
// pre-flight refuses (foreign-object-owner), and with --force the probe
// shows the 403 and its cause.
func TestDeployCrossAccountObjectWriter(t *testing.T) {
	const ci = "arn:aws:iam::222222222222:role/ci"
	e := edgetest.Start(t, emulate.Options{Identities: []emulate.Identity{{AccessKeyID: "ci", ARN: ci, Policies: edgetest.AllowAll(t)}}})
	site := e.SeedOutage(t, "partner-uploads")
	e.MigrateToOAC(t, site)
	ctx := context.Background()
	admin := s3.NewFromConfig(e.Config(t, edgetest.Admin), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := admin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(site.Bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(site.Bucket)}); err != nil {
		t.Fatal(err)
	}
	e.PutBucketPolicy(t, site.Bucket, edgetest.OACPolicy(site.Bucket, site.DistARN,
		`{"Sid":"CI","Effect":"Allow","Principal":{"AWS":"`+ci+`"},"Action":["s3:PutObject","s3:GetObject","s3:ListBucket","s3:GetBucket*","s3:GetEncryptionConfiguration"],"Resource":["arn:aws:s3:::`+site.Bucket+`","arn:aws:s3:::`+site.Bucket+`/*"]}`))
	edgeEnv(t, e, "ci")
	dir := writeSite(t, map[string]string{"partner.js": "partner()"})
	reader := "--read-role-arn=arn:aws:iam::" + site.Account + ":role/s3front-reader"

	code, out, stderr := runEdge(t, "deploy", dir, "s3://"+site.Bucket, "--edge", e.URL, reader)
	if code != exitFindings {
		t.Fatalf("cross-account deploy: exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	wantIn(t, "the refusal", out, "as "+ci, "ACL bucket-owner-full-control: Object Ownership is ObjectWriter",
		"foreign-object-owner: 403 AccessDenied", "/partner.js via "+site.DistID, "nothing was uploaded")

	code, out, stderr = runEdge(t, "deploy", dir, "s3://"+site.Bucket, "--edge", e.URL, reader, "--force", "--wait")
	if code != exitFindings {
		t.Fatalf("forced deploy: exit %d, want 1 (the probe fails)\n%s\n%s", code, out, stderr)
	}
	t.Log(out)
	wantIn(t, "the forced deploy", out, "uploaded 1 object(s)", "probe FAIL served  https://"+site.Domain+"/partner.js",
		"not served: 403 AccessDenied", "the object is owned by account 222222222222, not the bucket owner "+site.Account, "[foreign-object-owner]",
		"viewer-get-existing /partner.js", "cause foreign-object-owner", "deployed, but not proven")

	// verify of the same URL explains the failure the same way.
	code, out, stderr = runEdge(t, "verify", "https://"+site.Domain+"/partner.js", "--edge", e.URL, reader)
	if code != exitFindings {
		t.Fatalf("verify: exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	wantIn(t, "verify", out, "probe FAIL served  https://"+site.Domain+"/partner.js: not served: 403 AccessDenied", "[foreign-object-owner]",
		"6. ownership fail", "cause foreign-object-owner", "not verified: 1 of 1 probe(s) failed")
}
