package emulate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/s3front/s3front/internal/emulate"
)

// BenchmarkCreateAndList500 creates 500 distributions through the Go SDK
// and lists them (pages of 100), the shape of the live reader's scale
// test. S3FRONT_BENCH_CF_ENDPOINT points it at another CloudFront
// endpoint (moto_server) for comparison; see BENCHMARKS.md.
func BenchmarkCreateAndList500(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchCreateAndList(b, false) })
	b.Run("state-file", func(b *testing.B) { benchCreateAndList(b, true) })
}

func benchCreateAndList(b *testing.B, stateFile bool) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		endpoint := os.Getenv("S3FRONT_BENCH_CF_ENDPOINT")
		cancel := func() {}
		var run *emulate.Running
		if endpoint == "" {
			opts := emulate.Options{}
			if stateFile {
				opts.StatePath = filepath.Join(b.TempDir(), "state.json")
			}
			srv, err := emulate.NewServer(opts)
			if err != nil {
				b.Fatal(err)
			}
			var sctx context.Context
			sctx, cancel = context.WithCancel(ctx)
			run, err = srv.Start(sctx, "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			endpoint = run.URL
		}
		c := cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		b.StartTimer()
		for j := range 500 {
			ref := fmt.Sprintf("bench-%d-%d", i, j)
			if _, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig(ref, s3Origin("o", "bucket"))}); err != nil {
				b.Fatal(err)
			}
		}
		n := 0
		p := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(100)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.DistributionList.Items)
		}
		if n < 500 {
			b.Fatalf("listed %d distributions", n)
		}
		b.StopTimer()
		cancel()
		if run != nil {
			run.Wait()
		}
		b.StartTimer()
	}
}
