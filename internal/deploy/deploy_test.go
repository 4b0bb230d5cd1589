package deploy_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3front/s3front/internal/deploy"
	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/emulate/edgetest"
)

// TestRunSync: through the local edge, without the live reader: a large
// file goes up in multipart parts with the bucket's encryption sent
// explicitly, a second run skips everything by checksum, --delete
// removes what is gone, and under a bucket policy denying uploads without
// the encryption header (which also denies UploadPart) a large file goes
// up in one request.
func TestRunSync(t *testing.T) {
	e := edgetest.Start(t, emulate.Options{})
	site := e.SeedOutage(t, "sync-site")
	e.MigrateToOAC(t, site)
	cfg := e.Config(t, edgetest.Admin)
	cl := deploy.Clients{S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), CloudFront: cloudfront.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg)}
	dir := t.TempDir()
	big := make([]byte, 11<<20)
	rand.Read(big)
	for name, body := range map[string][]byte{"big.bin": big, "index.html": []byte("<h1>new</h1>"), "css/site.css": []byte("body{}")} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := deploy.Options{Dir: dir, Bucket: site.Bucket, Clients: cl, PartSize: 5 << 20, HTTP: edgeClient(e), Wait: true, Poll: 100e6}
	ctx := context.Background()
	res, err := deploy.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 3 || res.Failed() {
		t.Fatalf("uploaded %d, probes %+v", res.Uploaded, res.Probes)
	}
	h, err := cl.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(h.ETag), "-3") || string(h.ServerSideEncryption) != "aws:kms" {
		t.Errorf("big.bin: ETag %s, encryption %s; want 3 parts under aws:kms", aws.ToString(h.ETag), h.ServerSideEncryption)
	}
	if len(res.Invalidations) != 1 || res.Invalidations[0].Status != "Completed" || len(res.Invalidations[0].Paths) != 4 {
		t.Errorf("invalidations %+v: want one completed batch of /big.bin, /css/site.css, /index.html and /", res.Invalidations)
	}
	if res.Preflight.Skipped == "" {
		t.Error("without a live reader the pre-flight must say it was skipped")
	}

	os.Remove(filepath.Join(dir, "css/site.css"))
	res, err = deploy.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		removed := f.Key == "css/site.css" || f.Key == "old.js" // old.js: the seed's own object
		if removed && f.Action != deploy.ActKeep || !removed && f.Action != deploy.ActSkip {
			t.Errorf("%s: %s (%s); want unchanged files skipped and the removed one kept", f.Key, f.Action, f.Why)
		}
	}
	opts.Delete = true
	e.PutBucketPolicy(t, site.Bucket, edgetest.OACPolicy(site.Bucket, site.DistARN,
		`{"Sid":"DenyUnEncryptedObjectUploads","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::`+site.Bucket+`/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`))
	big[0]++
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = deploy.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 2 || res.Uploaded != 1 || res.Failed() {
		t.Errorf("deleted %d, uploaded %d, probes %+v; want 2, 1, all served", res.Deleted, res.Uploaded, res.Probes)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "big.bin: multipart parts were refused") {
		t.Errorf("notes %q: want the one-request fallback", res.Notes)
	}
	if _, err := cl.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String("css/site.css")}); err == nil {
		t.Error("css/site.css is still there after --delete")
	}
}
