package reencrypt_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/reencrypt"
)

// TestThroughputAgainstAWSCLI re-encrypts the same objects twice, in two
// buckets of one moto_server: with `aws s3 cp --recursive` copying the
// bucket onto itself, and with the engine; it prints both wall times and
// what each copy kept. It is a measurement, not a test: it runs only with
// S3FRONT_BENCH=1 (BENCHMARKS.md records the figures and the command);
// S3FRONT_BENCH_OBJECTS sets the number of objects (default 2,000).
func TestThroughputAgainstAWSCLI(t *testing.T) {
	if os.Getenv("S3FRONT_BENCH") != "1" {
		t.Skip("a measurement: run with S3FRONT_BENCH=1")
	}
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("no aws CLI")
	}
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("S3FRONT_BENCH_OBJECTS")); err == nil && v > 0 {
		n = v
	}
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	var total int64
	for _, b := range []string{"bench-cli", "bench-s3front"} {
		e.bucket(t, b, false, types.ObjectOwnershipBucketOwnerEnforced)
	}
	var puts []*s3.PutObjectInput
	for i := range n {
		body := make([]byte, 1024+rnd.IntN(63*1024))
		for j := range body {
			body[j] = byte(rnd.IntN(256))
		}
		total += int64(len(body))
		for _, b := range []string{"bench-cli", "bench-s3front"} {
			in := &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(fmt.Sprintf("assets/%04d.bin", i)), Body: bytes.NewReader(body),
				ContentType: aws.String("application/octet-stream"), Tagging: aws.String("n=" + fmt.Sprint(i))}
			if i%7 == 0 {
				in.StorageClass = types.StorageClassStandardIa
			}
			puts = append(puts, in)
		}
	}
	parallel(t, len(puts), 16, func(i int) { put(t, e.direct, puts[i]) })

	cmd := exec.Command(awsCLI, "--endpoint-url", e.srv.Moto, "s3", "cp", "--recursive", "--only-show-errors",
		"s3://bench-cli/", "s3://bench-cli/", "--sse", "aws:kms", "--sse-kms-key-id", key)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws s3 cp: %v\n%s", err, out)
	}
	cli := time.Since(t0)

	direct := e.direct // the engine against moto itself, as the CLI
	o := opts("bench-s3front", key)
	o.Apply, o.Concurrency, o.Retries = true, 10, 3
	t0 = time.Now()
	res, err := reencrypt.Run(ctx, direct, o)
	if err != nil {
		t.Fatal(err)
	}
	eng := time.Since(t0)
	if res.Copied != int64(n) {
		t.Fatalf("engine copied %d of %d", res.Copied, n)
	}
	kept := func(b string) (ia, tagged, kms int) {
		for i := 0; i < n; i += 7 {
			k := fmt.Sprintf("assets/%04d.bin", i)
			h, err := e.direct.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String(k)})
			if err != nil {
				t.Fatal(err)
			}
			if h.StorageClass == types.StorageClassStandardIa {
				ia++
			}
			if aws.ToInt32(h.TagCount) > 0 {
				tagged++
			}
			if h.ServerSideEncryption == types.ServerSideEncryptionAwsKms {
				kms++
			}
		}
		return
	}
	ci, ct, ck := kept("bench-cli")
	si, st, sk := kept("bench-s3front")
	sample := (n + 6) / 7
	t.Logf("%d objects, %s, 10 requests in flight each", n, reencrypt.Bytes(total))
	t.Logf("aws s3 cp --recursive: %s (%.0f objects/s); of %d STANDARD_IA objects sampled: %d still STANDARD_IA, %d tagged, %d SSE-KMS", cli.Round(time.Millisecond), float64(n)/cli.Seconds(), sample, ci, ct, ck)
	t.Logf("s3front reencrypt:     %s (%.0f objects/s); of %d STANDARD_IA objects sampled: %d still STANDARD_IA, %d tagged, %d SSE-KMS", eng.Round(time.Millisecond), float64(n)/eng.Seconds(), sample, si, st, sk)
	t.Logf("ratio s3front/aws: %.2f", eng.Seconds()/cli.Seconds())
}
