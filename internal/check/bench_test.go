package check

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/s3front/s3front/model"
)

// genSnapshot builds a snapshot with n distributions, n buckets and n/5
// keys (each key encrypts five buckets and its policy names their five
// distributions). One site in ten is the seed outage (OAI + SSE-KMS), one
// in ten reads an SSE-S3 bucket, one in ten has a bucket policy naming the
// wrong distribution; the rest are correct OAC + SSE-KMS sites.
func genSnapshot(n int) []byte {
	const acct = "111122223333"
	region := "eu-west-1"
	var dists, oacs, oais, buckets, keys []map[string]any
	darn := func(i int) string { return fmt.Sprintf("arn:aws:cloudfront::%s:distribution/E%012d", acct, i) }
	nkeys := (n + 4) / 5
	for k := 0; k < nkeys; k++ {
		var arns []string
		for i := k * 5; i < k*5+5 && i < n; i++ {
			arns = append(arns, darn(i))
		}
		keys = append(keys, map[string]any{
			"ref": fmt.Sprintf("aws_kms_key.k%d", k), "account": acct, "region": region, "id": fmt.Sprintf("%08d-0000-0000-0000-000000000000", k), "rotation": true,
			"policy": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Sid": "Admin", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"}, "Action": "kms:*", "Resource": "*"},
				map[string]any{"Sid": "CloudFront", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*",
					"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": arns}}},
			}},
		})
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("site-%05d-assets", i)
		origin := map[string]any{"id": "s3", "domain_name": name + ".s3." + region + ".amazonaws.com"}
		src := darn(i)
		if i%10 == 3 {
			src = darn(i + 1) // wrong distribution
		}
		stmt := map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::" + name + "/*", "Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": src}}}
		enc := map[string]any{"algorithm": "aws:kms", "key_id": fmt.Sprintf("arn:aws:kms:%s:%s:key/%08d-0000-0000-0000-000000000000", region, acct, i/5), "bucket_key": true}
		switch i % 10 {
		case 1: // the seed outage
			oid := fmt.Sprintf("EOAI%09d", i)
			origin["oai"] = oid
			oais = append(oais, map[string]any{"ref": fmt.Sprintf("aws_cloudfront_origin_access_identity.o%d", i), "account": acct, "id": oid})
			stmt = map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity " + oid}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + name + "/*"}
		case 2:
			enc = map[string]any{"algorithm": "AES256", "key_id": "", "bucket_key": false}
			fallthrough
		default:
			oid := fmt.Sprintf("EOAC%09d", i)
			origin["oac"] = oid
			oacs = append(oacs, map[string]any{"ref": fmt.Sprintf("aws_cloudfront_origin_access_control.c%d", i), "account": acct, "id": oid, "origin_type": "s3", "signing_behavior": "always", "signing_protocol": "sigv4"})
		}
		dists = append(dists, map[string]any{
			"ref": fmt.Sprintf("aws_cloudfront_distribution.d%d", i), "account": acct, "id": fmt.Sprintf("E%012d", i), "default_root_object": "index.html",
			"origins":          []any{origin},
			"default_behavior": map[string]any{"target_origin": "s3", "viewer_protocol_policy": "redirect-to-https", "cache_policy": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
		})
		buckets = append(buckets, map[string]any{
			"ref": fmt.Sprintf("aws_s3_bucket.b%d", i), "account": acct, "region": region, "name": name,
			"policy": map[string]any{"Version": "2012-10-17", "Statement": []any{stmt}}, "encryption": enc,
		})
	}
	out, _ := json.Marshal(map[string]any{"s3front_snapshot": 1, "config": map[string]any{
		"distributions": dists, "origin_access_controls": oacs, "origin_access_identities": oais, "buckets": buckets, "keys": keys,
	}})
	return out
}

// BenchmarkCheck measures simulation plus rules (not snapshot parsing) for
// growing inputs. Metrics: ns/op for the whole model, ns/distribution and
// the live heap after the run.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100, 1000, 3000, 10000} {
		data := genSnapshot(n)
		b.Run(fmt.Sprintf("distributions=%d", n), func(b *testing.B) {
			cfg, err := model.ReadSnapshot("gen.json", data)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var rep int
			for i := 0; i < b.N; i++ {
				r, err := Run(context.Background(), cfg, Options{Now: time.Unix(0, 0)})
				if err != nil {
					b.Fatal(err)
				}
				rep = len(r.Paths)
			}
			b.StopTimer()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/distribution")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
			b.ReportMetric(float64(rep), "paths")
		})
	}
}

// BenchmarkReadSnapshot measures loading the generated snapshot.
func BenchmarkReadSnapshot(b *testing.B) {
	data := genSnapshot(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := model.ReadSnapshot("gen.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGeneratedSnapshotVerdicts checks the generator produces what it says:
// the seed outage and the wrong-distribution sites fail, the others work.
func TestGeneratedSnapshotVerdicts(t *testing.T) {
	cfg, err := model.ReadSnapshot("gen.json", genSnapshot(20))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"aws_cloudfront_distribution.d0": "allow", "aws_cloudfront_distribution.d1": "oai-sse-kms", "aws_cloudfront_distribution.d2": "allow", "aws_cloudfront_distribution.d3": "source-arn-mismatch"}
	for _, p := range rep.Paths {
		w, ok := want[p.Distribution]
		if !ok || p.Scenario != "viewer-get-new" {
			continue
		}
		got := p.Outcome
		if p.Cause != "" {
			got = p.Cause
		}
		if got != w {
			t.Errorf("%s: got %s, want %s", p.Distribution, got, w)
		}
	}
}

var (
	genOut = flag.String("gen", "", "write a generated snapshot to this file (see BENCHMARKS.md)")
	genN   = flag.Int("gen-n", 1000, "distributions in the generated snapshot")
)

// TestWriteGenerated writes the benchmark's snapshot for command-line
// measurements: go test ./internal/check -run TestWriteGenerated -gen /tmp/gen.json -gen-n 1000
func TestWriteGenerated(t *testing.T) {
	if *genOut == "" {
		t.Skip("no -gen file given")
	}
	if err := os.WriteFile(*genOut, genSnapshot(*genN), 0o644); err != nil {
		t.Fatal(err)
	}
}
