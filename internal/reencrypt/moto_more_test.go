package reencrypt_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/internal/s3test"
)

// TestMultipartSwitchPoint lowers the threshold: an object of exactly the
// threshold is copied with CopyObject, one byte more with UploadPartCopy,
// and both keep their metadata and tags.
func TestMultipartSwitchPoint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	e.bucket(t, "media", false, types.ObjectOwnershipBucketOwnerEnforced)
	const threshold = 6 << 20
	for name, size := range map[string]int{"at.bin": threshold, "above.bin": threshold + 1} {
		body := bytes.Repeat([]byte(name[:2]), size/2+1)[:size]
		put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("media"), Key: aws.String(name), Body: bytes.NewReader(body),
			ContentType: aws.String("application/octet-stream"), CacheControl: aws.String("no-cache"), ContentEncoding: aws.String("identity"),
			Metadata: map[string]string{"size": name}, Tagging: aws.String("class=media&keep=yes"), StorageClass: types.StorageClassStandardIa})
	}
	before := map[string]snap{"at.bin": e.snapshot(t, "media", "at.bin", false), "above.bin": e.snapshot(t, "media", "above.bin", false)}
	o := opts("media", key)
	o.Apply = true
	o.MultipartThreshold = threshold
	o.PartSize = 5 << 20
	e.srv.ResetCounts()
	res, err := reencrypt.Run(ctx, e.s3, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 2 || res.Multipart != 1 || res.Failed != 0 {
		t.Fatalf("result: %+v multipart %d, problems %v", res.Counts, res.Multipart, res.Problems)
	}
	calls := e.srv.Calls()
	if calls["CopyObject"] != 1 || calls["UploadPartCopy"] != 2 || calls["CreateMultipartUpload"] != 1 || calls["CompleteMultipartUpload"] != 1 {
		t.Errorf("calls: %v", calls)
	}
	for k, b := range before {
		a := e.snapshot(t, "media", k, false)
		kept(t, k, b, a)
		if a.SSE != "aws:kms" || !reencrypt.SameKey(a.KMSKey, key) {
			t.Errorf("%s: %s %s", k, a.SSE, a.KMSKey)
		}
	}
}

func versions(t testing.TB, c *s3.Client, bucket, key string) []types.ObjectVersion {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var vs []types.ObjectVersion
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == key {
			vs = append(vs, v)
		}
	}
	return vs
}

// TestVersionedBucket: a copy is a new version; the old one stays unless
// DeleteOldVersions, and then only the version copied from goes, also
// when the copy's answer was lost (connection reset after S3 executed it).
func TestVersionedBucket(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	e.bucket(t, "ver", true, "")
	for _, k := range []string{"a", "b", "lost"} {
		put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String(k), Body: strings.NewReader("v1 " + k)})
		put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String(k), Body: strings.NewReader("v2 " + k), Metadata: map[string]string{"k": k}})
	}
	o := opts("ver", key)
	o.Apply = true
	o.Prefix = "a"
	res, err := reencrypt.Run(ctx, e.s3, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 1 || res.VersionsDeleted != 0 || res.Versioning != "Enabled" {
		t.Fatalf("kept old versions: %+v", res)
	}
	if vs := versions(t, e.direct, "ver", "a"); len(vs) != 3 {
		t.Errorf("a: %d versions, want 3 (two old, the copy)", len(vs))
	}

	o.Prefix = ""
	o.DeleteOldVersions = true
	// The copy of "lost" happens, but its answer never arrives.
	e.srv.Inject(s3test.Fault{Kind: s3test.ResetAfter, Times: 1, Match: func(op, k string) bool { return op == "CopyObject" && k == "lost" }})
	beforeLost := e.snapshot(t, "ver", "lost", false)
	res, err = reencrypt.Run(ctx, e.s3, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 2 || res.UnderKey != 1 || res.VersionsDeleted != 2 || res.Rechecked < 1 {
		t.Fatalf("result: %+v deleted %d rechecked %d problems %v", res.Counts, res.VersionsDeleted, res.Rechecked, res.Problems)
	}
	if f := e.srv.Fired()[s3test.ResetAfter]; f != 1 {
		t.Errorf("reset-after fired %d times", f)
	}
	for k, want := range map[string]int{"a": 3, "b": 2, "lost": 2} {
		vs := versions(t, e.direct, "ver", k)
		if len(vs) != want {
			t.Errorf("%s: %d versions, want %d", k, len(vs), want)
		}
	}
	kept(t, "lost", beforeLost, e.snapshot(t, "ver", "lost", false))
	// The v1 versions are untouched: only the versions copied from go.
	for _, k := range []string{"b", "lost"} {
		vs := versions(t, e.direct, "ver", k)
		g, err := e.direct.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String(k), VersionId: vs[len(vs)-1].VersionId})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(g.Body)
		g.Body.Close()
		if buf.String() != "v1 "+k {
			t.Errorf("%s: oldest version holds %q", k, buf.String())
		}
	}
}
