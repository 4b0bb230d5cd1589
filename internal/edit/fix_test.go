package edit_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/edit"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/report"
)

// TestFixScenarios fixes every shared scenario that has a finding at
// error or warning: after writing the fix, check reports no error, and no
// finding that had an edit is left.
func TestFixScenarios(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("..", "..", "testdata", "scenarios"))
	if err != nil {
		t.Skip(err)
	}
	for _, de := range dirs {
		if !de.IsDir() {
			continue
		}
		t.Run(de.Name(), func(t *testing.T) {
			dir := copyDir(t, filepath.Join("..", "..", "testdata", "scenarios", de.Name()))
			root := dir
			for _, n := range []string{"template.yaml", "template.json"} {
				if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
					root = filepath.Join(dir, n)
				}
			}
			ctx := context.Background()
			cfg, err := s3front.Load(ctx, []string{root}, s3front.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := sim.Simulate(ctx, cfg, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want []report.Finding
			for _, f := range rep.Findings {
				if f.Severity != report.Note {
					want = append(want, f)
				}
			}
			if len(want) == 0 {
				return
			}
			fr := edit.Fix(cfg, res, want, os.ReadFile)
			for _, x := range fr.Findings {
				f := want[x.Finding]
				if len(x.Edits) == 0 {
					t.Logf("not fixed: %s %s: %s", f.Rule, f.Resource, x.Why)
				}
			}
			t.Logf("diff:\n%s", fr.Set.Diff())
			names, err := fr.Set.Write(func(name string, data []byte, created bool) error {
				return os.WriteFile(name, data, 0o644)
			})
			if err != nil {
				t.Fatal(err)
			}
			fmtCheck(t, names)
			cfnLint(t, names)
			after := check(t, root)
			for _, f := range after.Findings {
				if f.Severity == report.Error {
					t.Errorf("after fix: %s %s: %s", f.Rule, f.Resource, firstLine(f.Message))
				}
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
