package cfn_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/corpus"
)

// repoRoot is the module root, relative to this package.
const repoRoot = "../../.."

// cfnCases lists the CloudFormation cases of the shared scenarios and of
// the project corpus.
func cfnCases(t *testing.T) []corpus.Case {
	t.Helper()
	all, err := corpus.Cases(filepath.Join(repoRoot, "testdata/scenarios"), filepath.Join(repoRoot, "testdata/corpus"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpus.Case
	for _, c := range all {
		base := filepath.Base(c.Input)
		if strings.HasPrefix(base, "template.") {
			out = append(out, c)
		}
	}
	return out
}

// TestCorpus holds every CloudFormation case to its expect.json through
// the public facade: the loader, the simulator and the rules together.
func TestCorpus(t *testing.T) {
	cases := cfnCases(t)
	if len(cases) < 17 {
		t.Fatalf("found %d CloudFormation cases, want scenarios 14 and 15 and at least 15 of our own", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			exp, err := corpus.ReadExpect(c.Expect)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := s3front.Load(ctx, []string{c.Input}, s3front.LoadOptions{})
			if exp.Error != "" {
				if err == nil || !strings.Contains(err.Error(), exp.Error) {
					t.Fatalf("want a load error containing %q, got %v", exp.Error, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range corpus.Verify(exp, rep) {
				t.Error(p)
			}
			for _, f := range rep.Findings {
				if f.Location.File == "" || f.Location.Line == 0 {
					t.Errorf("finding %s at %s has no file position", f.Rule, f.Resource)
				}
			}
		})
	}
}

// TestScenariosInSync checks that the copies of the shared CloudFormation
// scenarios are byte-identical to ../shared/scenarios.
func TestScenariosInSync(t *testing.T) {
	shared := filepath.Join(repoRoot, "../shared/scenarios")
	if _, err := os.Stat(shared); err != nil {
		t.Skip("the shared scenarios are not next to the repository")
	}
	for _, name := range []string{"14-cfn-oai-kms", "15-cfn-oac-correct"} {
		entries, err := os.ReadDir(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			want, err := os.ReadFile(filepath.Join(shared, name, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(repoRoot, "testdata/scenarios", name, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("testdata/scenarios/%s/%s differs from the shared copy", name, e.Name())
			}
		}
	}
}
