package terraform

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/s3front/s3front/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// symbolRE matches an ident symbol as a snapshot writes it: \ue000,
// kind byte, name, \ue001.
var symbolRE = regexp.MustCompile(`\\ue000(.)(.*?)\\ue001`)

// renderSymbols shows symbols as ${kind:name} so golden files are
// readable and still record each symbol's kind.
func renderSymbols(b []byte) []byte {
	return symbolRE.ReplaceAll(b, []byte("$${$1:$2}"))
}

// goldenInputs lists the Terraform inputs whose model snapshots are
// pinned: the shared scenarios, the corpus cases and this package's
// fixtures.
func goldenInputs(t *testing.T) map[string]string {
	t.Helper()
	in := map[string]string{}
	add := func(pattern string) {
		ms, _ := filepath.Glob(pattern)
		for _, m := range ms {
			if exp, err := os.ReadFile(filepath.Join(m, "expect.json")); err == nil && strings.Contains(string(exp), `"error":`) {
				continue // a corpus case that must fail to load
			}
			in[filepath.Base(m)] = m
		}
	}
	add("../../../testdata/scenarios/[01][0-9]-*")
	add("../../../testdata/corpus/tf-*")
	add("testdata/fixtures/*")
	return in
}

func loadInput(t *testing.T, p string) (*model.Config, error) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.IsDir() {
		if plans, _ := filepath.Glob(filepath.Join(p, "*.json")); len(plans) > 0 {
			for _, pj := range plans {
				if filepath.Base(pj) == "expect.json" {
					continue
				}
				data, err := os.ReadFile(pj)
				if err != nil {
					t.Fatal(err)
				}
				if IsPlan(data) {
					return LoadPlan(context.Background(), filepath.Base(pj), data, Options{})
				}
			}
		}
		if tf, _ := filepath.Glob(filepath.Join(p, "*.tf")); len(tf) == 0 {
			if tfj, _ := filepath.Glob(filepath.Join(p, "*.tf.json")); len(tfj) == 0 {
				return nil, nil
			}
		}
		return LoadDir(context.Background(), os.DirFS(p), ".", Options{})
	}
	return nil, nil
}

func TestGolden(t *testing.T) {
	for name, p := range goldenInputs(t) {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadInput(t, p)
			if cfg == nil && err == nil {
				t.Skip("not a Terraform input")
			}
			var got bytes.Buffer
			if err != nil {
				got.WriteString("error:\n" + err.Error() + "\n")
			} else if err := model.WriteSnapshot(&got, cfg); err != nil {
				t.Fatal(err)
			}
			out := renderSymbols(got.Bytes())
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("snapshot of %s differs from %s (run go test -run TestGolden -update and review the diff):\n%s", p, golden, firstDiff(string(want), string(out)))
			}
		})
	}
}

// TestDeterministic loads the same input repeatedly: output must not
// depend on map iteration order.
func TestDeterministic(t *testing.T) {
	p := "../../../testdata/scenarios/13-four-apps-module-for-each"
	var first []byte
	for i := 0; i < 20; i++ {
		cfg, err := loadInput(t, p)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := model.WriteSnapshot(&b, cfg); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Fatalf("run %d differs:\n%s", i, firstDiff(string(first), b.String()))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(no line differs)"
}
