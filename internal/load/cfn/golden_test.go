package cfn_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// validTemplates lists every template of the repository that is meant to
// load: the CloudFormation scenarios, corpus cases and pairs, and this
// package's own testdata/valid.
func validTemplates(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{
		filepath.Join(repoRoot, "testdata/scenarios/*/template.*"),
		filepath.Join(repoRoot, "testdata/corpus/cfn-*/template.*"),
		filepath.Join(repoRoot, "testdata/pairs/*/template.*"),
		"testdata/valid/*.yaml",
		"testdata/valid/*.json",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !corpusMustFail(filepath.Dir(f)) {
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// corpusMustFail reports whether a corpus folder's expect.json says its
// input must fail to load (an "error" member).
func corpusMustFail(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	return err == nil && strings.Contains(string(data), `"error":`)
}

// goldenName names the golden file of a template.
func goldenName(path string) string {
	rel := strings.TrimPrefix(filepath.ToSlash(path), repoRoot+"/")
	rel = strings.TrimPrefix(rel, "testdata/")
	return filepath.Join("testdata/golden", strings.NewReplacer("/", "__").Replace(rel)+".snapshot.json")
}

func loadFile(t testing.TB, path string, opts cfn.Options) (*model.Config, error) {
	t.Helper()
	return cfn.Load(context.Background(), os.DirFS(filepath.Dir(path)), filepath.Base(path), opts)
}

// TestGolden loads every valid template and compares the model, as a
// snapshot, with its golden file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files := validTemplates(t)
	if len(files) < 20 {
		t.Fatalf("found only %d templates", len(files))
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := goldenName(f)
		seen[filepath.Base(name)] = true
		t.Run(strings.TrimSuffix(filepath.Base(name), ".snapshot.json"), func(t *testing.T) {
			cfg, err := loadFile(t, f, cfn.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Sort()
			var buf bytes.Buffer
			if err := model.WriteSnapshot(&buf, cfg); err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("the model of %s differs from %s (run go test -update and review the diff)\n%s", f, name, firstDiff(buf.String(), string(want)))
			}
			// Loading is deterministic.
			again, err := loadFile(t, f, cfn.Options{})
			if err != nil {
				t.Fatal(err)
			}
			again.Sort()
			var buf2 bytes.Buffer
			_ = model.WriteSnapshot(&buf2, again)
			if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
				t.Errorf("two loads of %s differ", f)
			}
		})
	}
	if !*update {
		entries, _ := os.ReadDir("testdata/golden")
		for _, e := range entries {
			if !seen[e.Name()] {
				t.Errorf("testdata/golden/%s has no template any more; delete it", e.Name())
			}
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
