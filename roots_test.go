package s3front_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/s3front/s3front"
)

// monorepo writes the monorepo of the check_monorepo testscript into a
// temporary directory and changes into it.
func monorepo(t *testing.T) string {
	t.Helper()
	ar, err := txtar.ParseFile("cmd/s3front/testdata/script/check_monorepo.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// TestRootsIndependent: each root gives the same report whatever the other
// paths of the run, their order or their overlap.
func TestRootsIndependent(t *testing.T) {
	monorepo(t)
	runs := [][]string{
		{"envs/prod"}, {"envs/staging"}, {"envs/dev"},
		{"envs/prod", "envs/staging"}, {"envs/staging", "envs/dev", "envs/prod"},
		{"."}, {"envs", "envs/prod", "."}, {"envs/prod/main.tf", "envs/staging/"},
	}
	seen := map[string]string{} // root → its report as JSON
	for _, paths := range runs {
		var order []string
		err := s3front.Run(context.Background(), paths, s3front.RunOptions{Check: s3front.CheckOptions{Now: fixedNow}}, func(r s3front.RootResult) error {
			if r.Err != nil {
				t.Fatalf("%v: %s: %v", paths, r.Root.Path, r.Err)
			}
			order = append(order, r.Root.Path)
			for _, f := range r.Report.Findings {
				if f.Root != r.Root.Path {
					t.Errorf("%v: finding %s of %s has root %q", paths, f.Rule, r.Root.Path, f.Root)
				}
			}
			b, err := json.Marshal(r.Report)
			if err != nil {
				t.Fatal(err)
			}
			if prev, ok := seen[r.Root.Path]; ok && prev != string(b) {
				t.Errorf("%v: the report of %s differs from another run's", paths, r.Root.Path)
			}
			seen[r.Root.Path] = string(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !sortedUnique(order) {
			t.Errorf("%v: roots not in order, or repeated: %v", paths, order)
		}
	}
	var roots []string
	for r := range seen {
		roots = append(roots, r)
	}
	if want := []string{"envs/dev", "envs/prod", "envs/staging"}; !sameSet(roots, want) {
		t.Errorf("roots %v, want %v", roots, want)
	}
	if !strings.Contains(seen["envs/prod"], `"rule":"oai-sse-kms"`) || strings.Contains(seen["envs/staging"], `"severity":"error"`) {
		t.Error("envs/prod must have the OAI + SSE-KMS error and envs/staging no error")
	}
}

func sortedUnique(xs []string) bool {
	for i := 1; i < len(xs); i++ {
		if xs[i-1] >= xs[i] {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	n := map[string]bool{}
	for _, x := range b {
		n[x] = true
	}
	return reflect.DeepEqual(m, n)
}
