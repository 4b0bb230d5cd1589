package s3front_test

import (
	"context"
	"os"
	"testing"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

// BenchmarkCheckTerraformDir measures files to findings on a generated
// Terraform root module (see BENCHMARKS.md for how to generate one):
//
//	S3FRONT_GEN_DIR=/tmp/sites1000 S3FRONT_GEN_SITES=1000 go test ./internal/load/terraform -run TestGenerateSites
//	S3FRONT_BENCH_DIR=/tmp/sites1000 go test -run '^$' -bench CheckTerraformDir .
func BenchmarkCheckTerraformDir(b *testing.B) {
	dir := os.Getenv("S3FRONT_BENCH_DIR")
	if dir == "" {
		b.Skip("set S3FRONT_BENCH_DIR to a generated Terraform directory")
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		cfg, err := s3front.Load(ctx, []string{dir}, s3front.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: fixedNow})
		if err != nil {
			b.Fatal(err)
		}
		if err := report.WriteJSON(discard{}, rep); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkRunRoots measures files to findings on a generated repository
// of root modules, as `s3front check --format json` runs it (see
// BENCHMARKS.md):
//
//	go run ./internal/load/terraform/cmd/tfgen -roots 1000 /tmp/roots1000
//	S3FRONT_BENCH_ROOTS=/tmp/roots1000 go test -run '^$' -bench RunRoots .
func BenchmarkRunRoots(b *testing.B) {
	dir := os.Getenv("S3FRONT_BENCH_ROOTS")
	if dir == "" {
		b.Skip("set S3FRONT_BENCH_ROOTS to a generated repository")
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		js := report.NewJSONStream(discard{})
		var total report.Summary
		err := s3front.Run(ctx, []string{dir}, s3front.RunOptions{Check: s3front.CheckOptions{Now: fixedNow}}, func(r s3front.RootResult) error {
			if r.Err != nil {
				return r.Err
			}
			total.Add(r.Report.Summary)
			return js.Add(r.Report)
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := js.Close(total); err != nil {
			b.Fatal(err)
		}
	}
}
