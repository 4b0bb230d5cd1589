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

// copyDir copies a scenario into a temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// check loads and checks the one root at path.
func check(t *testing.T, path string) *report.Report {
	t.Helper()
	ctx := context.Background()
	cfg, err := s3front.Load(ctx, []string{path}, s3front.LoadOptions{})
	if err != nil {
		t.Fatalf("load after edit: %v", err)
	}
	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func plan(t *testing.T, path string) *edit.Plan {
	t.Helper()
	ctx := context.Background()
	cfg, err := s3front.Load(ctx, []string{path}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Simulate(ctx, cfg, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := edit.PlanOAIToOAC(cfg, res, os.ReadFile, edit.MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func outcomes(rep *report.Report) map[string]string {
	m := map[string]string{}
	for _, p := range rep.Paths {
		m[p.ID] = p.Outcome
	}
	return m
}

// TestMigrateStepByStep applies the plan's steps one at a time to the
// shared scenarios with an OAI: at every step no path that worked breaks,
// and at the end check reports nothing at warning or above.
func TestMigrateStepByStep(t *testing.T) {
	for _, sc := range []struct{ dir, root string }{
		{"01-oai-kms-latent-outage", ""},
		{"13-four-apps-module-for-each", ""},
		{"14-cfn-oai-kms", "template.yaml"},
	} {
		t.Run(sc.dir, func(t *testing.T) {
			src := filepath.Join("..", "..", "testdata", "scenarios", sc.dir)
			if _, err := os.Stat(src); err != nil {
				t.Skip(err)
			}
			dir := copyDir(t, src)
			root := filepath.Join(dir, sc.root)
			prev := outcomes(check(t, root))
			var changed []string
			for round := 0; ; round++ {
				if round > 10 {
					t.Fatal("the plan does not converge")
				}
				p := plan(t, root)
				var next *edit.Step
				for _, s := range p.Pending() {
					if len(s.Files) > 0 || len(s.Manual) > 0 {
						next = s
						break
					}
				}
				if next == nil {
					break
				}
				if len(next.Manual) > 0 {
					t.Fatalf("step %q needs manual work: %s", next.Title, strings.Join(next.Manual, "; "))
				}
				t.Logf("step %q:\n%s", next.Title, next.Diff())
				var names []string
				for _, f := range next.Files {
					if err := os.WriteFile(f.Name, f.After, 0o644); err != nil {
						t.Fatal(err)
					}
					names = append(names, f.Name)
				}
				fmtCheck(t, names)
				changed = append(changed, names...)
				rep := check(t, root)
				now := outcomes(rep)
				for id, o := range prev {
					if o == "allow" && now[id] != "allow" {
						t.Errorf("after step %q, path %s is %s (was allowed)", next.Title, id, now[id])
					}
				}
				prev = now
			}
			cfnLint(t, dedupeNames(changed))
			rep := check(t, root)
			for _, f := range rep.Findings {
				if f.Severity == report.Error || f.Severity == report.Warning {
					t.Errorf("after the migration: %s %s %s: %s", f.Severity, f.Rule, f.Resource, f.Message)
				}
			}
		})
	}
}

func dedupeNames(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
