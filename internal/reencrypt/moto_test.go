package reencrypt_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/internal/s3test"
)

// env is one moto behind the fault proxy, with clients through the proxy
// (for the engine) and straight to moto (for setting up and checking).
type env struct {
	srv    *s3test.Server
	s3     *s3.Client // through the proxy
	direct *s3.Client // straight to moto
	kms    *kms.Client
}

func newEnv(t testing.TB) *env {
	t.Helper()
	srv := s3test.Start(t)
	e := &env{srv: srv}
	e.s3 = s3.NewFromConfig(s3test.Config(t, srv.URL), func(o *s3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
	dcfg := s3test.Config(t, srv.Moto)
	e.direct = s3.NewFromConfig(dcfg, func(o *s3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
	e.kms = kms.NewFromConfig(dcfg)
	return e
}

func (e *env) key(t testing.TB) string {
	t.Helper()
	out, err := e.kms.CreateKey(context.Background(), &kms.CreateKeyInput{Description: aws.String("site")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

func (e *env) bucket(t testing.TB, name string, versioned bool, ownership types.ObjectOwnership) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.direct.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if versioned {
		if _, err := e.direct.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatal(err)
		}
	}
	if ownership != "" {
		if _, err := e.direct.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(name),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: ownership}}}}); err != nil {
			t.Fatal(err)
		}
	}
}

// snap is everything about an object that re-encryption must keep.
type snap struct {
	Sum, ContentType, CacheControl, ContentEncoding, ContentDisposition, ContentLanguage, Expires string
	Redirect, StorageClass, Meta, Tags, ACL                                                       string
	Size                                                                                          int64
	// Encryption is compared apart: it is what must change.
	SSE, KMSKey string
}

func (e *env) snapshot(t testing.TB, bucket, key string, acl bool) snap {
	t.Helper()
	ctx := context.Background()
	g, err := e.direct.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	body, err := io.ReadAll(g.Body)
	g.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	s := snap{
		Sum: hex.EncodeToString(sum[:]), Size: int64(len(body)),
		ContentType: aws.ToString(g.ContentType), CacheControl: aws.ToString(g.CacheControl), ContentEncoding: aws.ToString(g.ContentEncoding),
		ContentDisposition: aws.ToString(g.ContentDisposition), ContentLanguage: aws.ToString(g.ContentLanguage), Expires: aws.ToString(g.ExpiresString),
		Redirect: aws.ToString(g.WebsiteRedirectLocation), StorageClass: string(g.StorageClass),
		SSE: string(g.ServerSideEncryption), KMSKey: aws.ToString(g.SSEKMSKeyId),
	}
	var meta []string
	for k, v := range g.Metadata {
		meta = append(meta, k+"="+v)
	}
	sort.Strings(meta)
	s.Meta = strings.Join(meta, ",")
	tg, err := e.direct.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, x := range tg.TagSet {
		tags = append(tags, aws.ToString(x.Key)+"="+aws.ToString(x.Value))
	}
	sort.Strings(tags)
	s.Tags = strings.Join(tags, "&")
	if acl {
		a, err := e.direct.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		var gs []string
		for _, g := range a.Grants {
			gs = append(gs, fmt.Sprintf("%s:%s%s", g.Permission, aws.ToString(g.Grantee.ID), aws.ToString(g.Grantee.URI)))
		}
		sort.Strings(gs)
		s.ACL = strings.Join(gs, ",")
	}
	return s
}

// kept fails unless everything but the encryption is unchanged.
func kept(t testing.TB, key string, before, after snap) {
	t.Helper()
	b, a := before, after
	b.SSE, b.KMSKey, a.SSE, a.KMSKey = "", "", "", ""
	if a != b {
		t.Errorf("%s changed beyond its encryption:\nbefore %+v\nafter  %+v", key, b, a)
	}
}

func put(t testing.TB, c *s3.Client, in *s3.PutObjectInput) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), in); err != nil {
		t.Fatalf("PutObject %s: %v", aws.ToString(in.Key), err)
	}
}

func opts(bucket, key string) reencrypt.Options {
	return reencrypt.Options{Bucket: bucket, KeyARN: key, BucketKey: true, Concurrency: 8, BackoffBase: time.Millisecond, BackoffMax: 20 * time.Millisecond, Seed: 1}
}

// TestKeepsEverythingButEncryption copies objects with every setting a
// copy could lose, skips the one under the key, and keeps ACLs on a
// bucket that has them.
func TestKeepsEverythingButEncryption(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	other := e.key(t)
	e.bucket(t, "site-acls", false, types.ObjectOwnershipBucketOwnerPreferred)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("site-acls"), Key: aws.String("index.html"), Body: strings.NewReader("<h1>hi</h1>"),
		ContentType: aws.String("text/html; charset=utf-8"), CacheControl: aws.String("max-age=60"), ContentEncoding: aws.String("identity"),
		ContentDisposition: aws.String("inline"), ContentLanguage: aws.String("en"), Expires: &exp,
		Metadata: map[string]string{"build": "42", "team": "web"}, Tagging: aws.String("env=prod&owner=web"),
		StorageClass: types.StorageClassStandardIa, WebsiteRedirectLocation: aws.String("/new.html"), ACL: types.ObjectCannedACLPublicRead})
	put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("site-acls"), Key: aws.String("dir/a b+c.css"), Body: strings.NewReader("body{}"),
		ContentType: aws.String("text/css"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("site-acls"), Key: aws.String("other-key.js"), Body: strings.NewReader("1"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(other)})
	put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("site-acls"), Key: aws.String("done.js"), Body: strings.NewReader("2"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(key)})
	keys := []string{"dir/a b+c.css", "done.js", "index.html", "other-key.js"}
	before := map[string]snap{}
	for _, k := range keys {
		before[k] = e.snapshot(t, "site-acls", k, true)
	}

	// Dry run: counts, writes nothing.
	e.srv.ResetCounts()
	res, err := reencrypt.Run(ctx, e.s3, opts("site-acls", key))
	if err != nil {
		t.Fatal(err)
	}
	if res.Would != 3 || res.UnderKey != 1 || res.Copied != 0 || res.Bytes != int64(len("<h1>hi</h1>")+len("body{}")+1) {
		t.Errorf("dry run: %+v", res.Counts)
	}
	for op, n := range e.srv.Calls() {
		if op == "CopyObject" || op == "PutObjectAcl" || op == "PutObject" || op == "DeleteObject" {
			t.Errorf("dry run wrote: %s ×%d", op, n)
		}
	}
	if !res.ACLs {
		t.Error("bucket with BucketOwnerPreferred: ACLs should count as enabled")
	}

	o := opts("site-acls", key)
	o.Apply = true
	e.srv.ResetCounts()
	res, err = reencrypt.Run(ctx, e.s3, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 3 || res.UnderKey != 1 || res.Failed != 0 || res.ACLsKept != 1 {
		t.Errorf("apply: %+v (ACLs kept %d)", res.Counts, res.ACLsKept)
	}
	if n := e.srv.Calls()["CopyObject"]; n != 3 {
		t.Errorf("CopyObject calls = %d, want 3 (done.js is under the key)", n)
	}
	for _, k := range keys {
		after := e.snapshot(t, "site-acls", k, true)
		kept(t, k, before[k], after)
		if after.SSE != "aws:kms" || !reencrypt.SameKey(after.KMSKey, key) {
			t.Errorf("%s: encryption %s %s, want aws:kms %s", k, after.SSE, after.KMSKey, key)
		}
	}

	// A second run finds everything under the key and sends no copy: S3
	// would reject a copy that changes nothing (the proxy does as S3).
	e.srv.ResetCounts()
	res, err = reencrypt.Run(ctx, e.s3, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.UnderKey != 4 || res.Copied != 0 {
		t.Errorf("second run: %+v", res.Counts)
	}
	if n := e.srv.Calls()["CopyObject"]; n != 0 {
		t.Errorf("second run sent %d copies", n)
	}
	if n := e.srv.Fired()["NoChangeRejected"]; n != 0 {
		t.Errorf("%d copies were rejected as changing nothing", n)
	}
}

// TestProxyRejectsUnchangedSelfCopy holds the fault proxy to S3's rule, so
// that the tests above can fail: moto alone accepts such a copy.
func TestProxyRejectsUnchangedSelfCopy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	e.bucket(t, "b-nochange", false, "")
	put(t, e.direct, &s3.PutObjectInput{Bucket: aws.String("b-nochange"), Key: aws.String("k"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(key), BucketKeyEnabled: aws.Bool(true)})
	_, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("b-nochange"), Key: aws.String("k"), CopySource: aws.String("b-nochange/k"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(key), BucketKeyEnabled: aws.Bool(true)})
	if err == nil || !strings.Contains(err.Error(), "InvalidRequest") {
		t.Fatalf("unchanged self-copy: err = %v, want InvalidRequest", err)
	}
	if _, err := e.direct.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("b-nochange"), Key: aws.String("k"), CopySource: aws.String("b-nochange/k"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(key), BucketKeyEnabled: aws.Bool(true)}); err != nil {
		t.Logf("moto itself now rejects it too: %v", err)
	}
	// A change of storage class is a change.
	if _, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("b-nochange"), Key: aws.String("k"), CopySource: aws.String("b-nochange/k"),
		StorageClass: types.StorageClassStandardIa}); err != nil {
		t.Fatalf("storage class change rejected: %v", err)
	}
}

var _ = bytes.NewReader
var _ = url.Values{}
