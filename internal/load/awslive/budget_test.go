package awslive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
)

// TestBudget500 reads a generated account of 500 buckets behind 500
// distributions (one OAC origin each, every bucket SSE-KMS with one key,
// one object each) and holds the reader to its call budget: the
// CloudFront listing only (no call per distribution), at most BucketCalls
// per bucket plus its sample, at most KeyCalls per key. S3 answers from
// memory (awstest.S3Buckets), the rest from moto.
func TestBudget500(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 500 buckets from moto")
	}
	const n = 500
	dists := make([]awstest.Dist, n)
	for i := range dists {
		dists[i] = awstest.Dist{ID: fmt.Sprintf("E%012d", i), Bucket: fmt.Sprintf("site-%03d", i), OAC: fmt.Sprintf("O%012d", i)}
	}
	env := awstest.Start(t, awstest.CloudFront(dists))
	env.Env(t)
	ctx := context.Background()
	cfg := env.Config(t)
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	// S3 is served from memory: moto takes about 10 ms a call, which
	// would make this test about the emulator, not the reader.
	buckets := make([]awstest.Bucket, n)
	for i, d := range dists {
		buckets[i] = awstest.Bucket{Name: d.Bucket, KeyARN: keyARN, Objects: []string{"index.html"}}
	}
	env.Route("s3", awstest.S3Buckets(buckets))
	before := env.Calls()
	o := opts()
	o.Concurrency = 32
	// The test counts calls, not seconds: on a loaded CI machine a moto
	// call behind 32 concurrent ones has been seen to pass the default 30s.
	o.CallTimeout = 3 * time.Minute
	live, res, err := awslive.Load(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	t.Logf("500 buckets behind 500 distributions: %s, %d calls %v; per bucket at most %d (+%d for its sample), per key %d",
		st.Wall, st.Total(), st.ByService(), st.MaxBucketCalls, st.MaxSampleCalls, st.MaxKeyCalls)
	if len(live.Distributions) != n || len(live.Buckets) != n || len(live.Keys) != 1 || len(live.Unresolved) != 0 {
		t.Fatalf("read %d distributions, %d buckets, %d keys, unresolved %v", len(live.Distributions), len(live.Buckets), len(live.Keys), live.Unresolved)
	}
	// Every call the reader counted reached the proxy, and no other.
	after := env.Calls()
	seen := 0
	for k, v := range after {
		seen += v - before[k]
	}
	if seen != st.Total() {
		t.Errorf("the reader counted %d calls, the proxy saw %d", st.Total(), seen)
	}
	byOp := st.Calls
	if got := byOp["cloudfront:ListDistributions"]; got != n/100 {
		t.Errorf("ListDistributions: %d calls, want %d pages", got, n/100)
	}
	cf := 0
	for k, v := range byOp {
		if strings.HasPrefix(k, "cloudfront:") {
			cf += v
		}
	}
	if cf != n/100+4 {
		t.Errorf("%d CloudFront calls for %d distributions, want the listings only (%d)", cf, n, n/100+4)
	}
	sample := byOp["s3:ListObjectsV2"] + byOp["s3:HeadObject"] + byOp["s3:GetObjectAcl"]
	bucketCalls := 0
	for k, v := range byOp {
		if strings.HasPrefix(k, "s3:") && k != "s3:ListBuckets" {
			bucketCalls += v
		}
	}
	bucketCalls -= sample
	if bucketCalls > n*awslive.BucketCalls || st.MaxBucketCalls > awslive.BucketCalls {
		t.Errorf("%d bucket calls (at most %d on one bucket) for %d buckets, budget %d each", bucketCalls, st.MaxBucketCalls, n, awslive.BucketCalls)
	}
	if sample > n*(1+2*1) {
		t.Errorf("%d sample calls for one object per bucket", sample)
	}
	if kc := byOp["kms:DescribeKey"] + byOp["kms:GetKeyPolicy"] + byOp["kms:GetKeyRotationStatus"]; kc > awslive.KeyCalls || st.MaxKeyCalls > awslive.KeyCalls {
		t.Errorf("%d KMS calls for one key, budget %d", kc, awslive.KeyCalls)
	}
}
