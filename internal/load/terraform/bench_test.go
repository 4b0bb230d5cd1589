package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/internal/load/terraform/tfgen"
	"github.com/s3front/s3front/model"
)

// genSites generates a root module with n sites (see package tfgen).
func genSites(n int) map[string]string { return tfgen.Sites(n) }

func BenchmarkLoadDir(b *testing.B) {
	for _, n := range []int{100, 1000, 3000} {
		files := genSites(n)
		size := 0
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
			size += len(text)
		}
		b.Run("sites="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cfg, err := LoadDir(context.Background(), fsys, ".", Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(cfg.Distributions) != n {
					b.Fatalf("%d distributions", len(cfg.Distributions))
				}
			}
		})
	}
}

// TestGenerateSites writes the benchmark's root module to disk, for
// measuring a whole run (peak memory, s3front check):
//
//	S3FRONT_GEN_DIR=/tmp/sites1000 S3FRONT_GEN_SITES=1000 go test ./internal/load/terraform -run TestGenerateSites
func TestGenerateSites(t *testing.T) {
	dir := os.Getenv("S3FRONT_GEN_DIR")
	if dir == "" {
		t.Skip("set S3FRONT_GEN_DIR (and S3FRONT_GEN_SITES) to generate")
	}
	n, _ := strconv.Atoi(os.Getenv("S3FRONT_GEN_SITES"))
	if n <= 0 {
		n = 1000
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range genSites(n) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGeneratedSitesLoad(t *testing.T) {
	cfg := mustLoad(t, genSites(3), Options{})
	if len(cfg.Distributions) != 3 || len(cfg.Keys) != 3 || len(cfg.Buckets) != 3 {
		t.Fatalf("model: %d distributions, %d keys, %d buckets", len(cfg.Distributions), len(cfg.Keys), len(cfg.Buckets))
	}
	for _, bk := range cfg.Buckets {
		if !bk.Policy.HasDoc() || bk.Policy.V.Statements[0].Pos.Line == 0 {
			t.Errorf("%s: policy %+v", bk.Ref, bk.Policy)
		}
	}
	for _, k := range cfg.Keys {
		if !k.Policy.HasDoc() || k.Policy.Src.Resource != "aws_kms_key_policy."+strings.TrimPrefix(k.Ref, "aws_kms_key.") {
			t.Errorf("%s: policy src %+v", k.Ref, k.Policy.Src)
		}
	}
	if u := definiteUnresolved(cfg); len(u) != 0 {
		t.Errorf("unresolved: %+v", u)
	}
}

// definiteUnresolved leaves out the inputs reported only if a path
// depends on them (an account nothing fixes).
func definiteUnresolved(cfg *model.Config) []model.Unresolved {
	var out []model.Unresolved
	for _, u := range cfg.Unresolved {
		if !u.IfUsed {
			out = append(out, u)
		}
	}
	return out
}
