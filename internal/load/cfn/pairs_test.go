package cfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// pairSpec is a pair's pair.json: Terraform distribution addresses to
// CloudFormation logical IDs.
type pairSpec struct {
	Distributions map[string]string `json:"distributions"`
}

// TestPairs loads the Terraform and the CloudFormation version of each
// setup of testdata/pairs: both must give the same paths (per distribution
// and origin: scenario, outcome, status, error code, when, cause) and the
// same rule IDs.
func TestPairs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "testdata/pairs/*"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			pairs = append(pairs, d)
		}
	}
	if len(pairs) < 4 {
		t.Fatalf("found %d pairs, want at least 4", len(pairs))
	}
	for _, dir := range pairs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(dir, "pair.json"))
			if err != nil {
				t.Fatal(err)
			}
			var spec pairSpec
			if err := json.Unmarshal(data, &spec); err != nil {
				t.Fatal(err)
			}
			tf := check(t, dir, s3front.KindTerraform)
			cf := check(t, filepath.Join(dir, "template.yaml"), s3front.KindCloudFormation)
			rename := func(name string) string {
				if n, ok := spec.Distributions[name]; ok {
					return n
				}
				return name
			}
			tfPaths, cfPaths := pathKeys(tf, rename), pathKeys(cf, func(s string) string { return s })
			if len(tfPaths) == 0 {
				t.Fatal("no paths")
			}
			if !slices.Equal(tfPaths, cfPaths) {
				t.Errorf("paths differ\nterraform:\n  %s\ncloudformation:\n  %s", strings.Join(tfPaths, "\n  "), strings.Join(cfPaths, "\n  "))
			}
			if a, b := ruleIDs(tf), ruleIDs(cf); !slices.Equal(a, b) {
				t.Errorf("rules differ: terraform %v, cloudformation %v", a, b)
			}
		})
	}
}

// check checks the root of the given kind at path.
func check(t *testing.T, path string, kind s3front.Kind) *report.Report {
	t.Helper()
	ctx := context.Background()
	d, err := s3front.Discover(ctx, []string{path}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var cfg *model.Config
	for _, r := range d.Roots {
		if r.Kind == kind {
			if cfg, err = s3front.LoadRoot(ctx, r, s3front.LoadOptions{}); err != nil {
				t.Fatalf("%s: %v", r.Path, err)
			}
		}
	}
	if cfg == nil {
		t.Fatalf("%s: no %s root in %v", path, kind, d.Roots)
	}
	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func pathKeys(rep *report.Report, rename func(string) string) []string {
	var out []string
	for _, p := range rep.Paths {
		out = append(out, fmt.Sprintf("%s origin=%s %s uploader=%q -> %s %d %s when=%s cause=%s",
			rename(p.Distribution), p.Origin, p.Scenario, p.Uploader, p.Outcome, p.Status, p.ErrorCode, p.When, p.Cause))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func ruleIDs(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Rule)
	}
	sort.Strings(out)
	return slices.Compact(out)
}
