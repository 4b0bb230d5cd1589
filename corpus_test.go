package s3front_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/corpus"
	"github.com/s3front/s3front/report"
)

var fixedNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// TestCorpus runs check on every corpus case — the shared scenarios
// (testdata/scenarios, kept byte-identical with ../shared/scenarios), our
// own Terraform and CloudFormation cases (testdata/corpus) and the snapshot
// versions (testdata/snapshots) — and holds each to its expect.json.
func TestCorpus(t *testing.T) {
	cases, err := corpus.Cases("testdata/scenarios", "testdata/corpus", "testdata/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("found only %d corpus cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			exp, err := corpus.ReadExpect(c.Expect)
			if err != nil {
				t.Fatal(err)
			}
			if exp.Error != "" {
				_, err := s3front.Load(context.Background(), []string{c.Input}, s3front.LoadOptions{})
				if err == nil || !strings.Contains(err.Error(), exp.Error) {
					t.Fatalf("want a load error containing %q, got %v", exp.Error, err)
				}
				return
			}
			rep := checkPath(t, c.Input)
			for _, p := range corpus.Verify(exp, rep) {
				t.Error(p)
			}
			for _, f := range rep.Findings {
				if f.Resource == "" || f.Location.File == "" || (f.Location.Line == 0 && f.Location.Pointer == "") {
					t.Errorf("finding %s has no resource or location: %+v", f.Rule, f.Location)
				}
			}
		})
	}
}

func checkPath(t testing.TB, path string) *report.Report {
	t.Helper()
	ctx := context.Background()
	cfg, err := s3front.Load(ctx, []string{path}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestScenariosInSync keeps testdata/scenarios identical to the shared
// scenarios when the shared folder is next to the repository.
func TestScenariosInSync(t *testing.T) {
	shared := filepath.Join("..", "shared", "scenarios")
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/scenarios is not present")
	}
	err := filepath.WalkDir(shared, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join("testdata", "scenarios", rel))
		if err != nil {
			t.Errorf("%s is not copied into testdata/scenarios", rel)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/scenarios/%s differs from the shared scenario", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDeterministic checks that the same input gives the same bytes.
func TestDeterministic(t *testing.T) {
	for _, in := range []string{"testdata/scenarios/13-four-apps-module-for-each", "testdata/scenarios/15-cfn-oac-correct/template.json", "testdata/snapshots/04-source-arn-other-distribution/snapshot.json"} {
		var first []byte
		for i := 0; i < 3; i++ {
			var b bytes.Buffer
			if err := report.WriteJSON(&b, checkPath(t, in)); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b.Bytes()
			} else if !bytes.Equal(first, b.Bytes()) {
				t.Fatalf("%s: run %d gave different output", in, i+1)
			}
		}
	}
}

// TestSeveralTemplates checks that templates in one folder are separate
// roots, each checked on its own (the same template twice gives the same
// result twice, without collisions), and that CDK nested templates are
// loaded once, through their parent.
func TestSeveralTemplates(t *testing.T) {
	dir := t.TempDir()
	tmpl, err := os.ReadFile("testdata/scenarios/15-cfn-oac-correct/template.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"blue.json", "green.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), tmpl, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reps := runPaths(t, dir)
	if len(reps) != 2 {
		t.Fatalf("want two roots, got %d", len(reps))
	}
	for _, rr := range reps {
		seen := map[string]string{}
		for _, p := range rr.Report.Paths {
			if p.Scenario == "viewer-get-new" {
				seen[p.Distribution] = p.Outcome
			}
			if p.Root != rr.Root.Path {
				t.Errorf("path of %s has root %q", rr.Root.Path, p.Root)
			}
		}
		if len(seen) != 1 || seen["DocsDistribution"] != "allow" {
			t.Errorf("%s: want one working DocsDistribution, got %v", rr.Root.Path, seen)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Child.nested.template.json"), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	if d, _ := s3front.Discover(context.Background(), []string{dir}, s3front.LoadOptions{}); len(d.Roots) != 2 {
		t.Errorf("a CDK nested template must not be checked on its own: %v", d.Roots)
	}
}

// runPaths checks paths root by root.
func runPaths(t testing.TB, paths ...string) []s3front.RootResult {
	t.Helper()
	var out []s3front.RootResult
	err := s3front.Run(context.Background(), paths, s3front.RunOptions{Check: s3front.CheckOptions{Now: fixedNow}}, func(r s3front.RootResult) error {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Root.Path, r.Err)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMixedFolder checks that `s3front check .` on a folder holding both
// Terraform and a CloudFormation template (whatever its name) checks both,
// each as its own root.
func TestMixedFolder(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("testdata/scenarios/01-oai-kms-latent-outage/main.tf", "main.tf")
	copyFile("testdata/scenarios/14-cfn-oai-kms/template.yaml", "marketing-site.yml")
	copyFile("go.mod", "not-infrastructure.json") // ignored: neither a plan, a template nor a snapshot
	d, err := s3front.Discover(context.Background(), []string{dir}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[s3front.Kind]int{}
	for _, r := range d.Roots {
		kinds[r.Kind]++
	}
	if kinds[s3front.KindTerraform] != 1 || kinds[s3front.KindCloudFormation] != 1 || len(d.Roots) != 2 {
		t.Fatalf("Discover = %v", d.Roots)
	}
	found := map[string]string{}
	for _, rr := range runPaths(t, dir) {
		for _, f := range rr.Report.Findings {
			if f.Rule == "oai-sse-kms" {
				found[f.Resource] = f.Root
			}
		}
	}
	if found["aws_cloudfront_distribution.webapp"] == "" || found["SiteDistribution"] == "" || found["SiteDistribution"] == found["aws_cloudfront_distribution.webapp"] {
		t.Errorf("want the OAI + SSE-KMS outage in both the Terraform and the template, each in its root, got %v", found)
	}
}

// TestNoSymbolMarkers checks that identity symbols (private-use
// characters U+E000 and U+E001, see package ident) never reach a user:
// the text (verbose, every path), JSON, SARIF, Markdown, HTML and JUnit
// output of every corpus case are free of them.
func TestNoSymbolMarkers(t *testing.T) {
	cases, err := corpus.Cases("testdata/scenarios", "testdata/corpus", "testdata/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			exp, err := corpus.ReadExpect(c.Expect)
			if err != nil {
				t.Fatal(err)
			}
			if exp.Error != "" {
				return
			}
			rep := checkPath(t, c.Input)
			outs := map[string]*bytes.Buffer{}
			for name, write := range map[string]func(w *bytes.Buffer) error{
				"text": func(w *bytes.Buffer) error {
					return report.WriteText(w, rep, report.TextOptions{Verbose: true, All: true})
				},
				"JSON":     func(w *bytes.Buffer) error { return report.WriteJSON(w, rep) },
				"SARIF":    func(w *bytes.Buffer) error { return report.WriteSARIF(w, rep, report.SARIFOptions{}) },
				"Markdown": func(w *bytes.Buffer) error { return report.WriteMarkdown(w, rep, report.MarkdownOptions{}) },
				"HTML":     func(w *bytes.Buffer) error { return report.WriteHTML(w, rep, report.HTMLOptions{}) },
				"JUnit":    func(w *bytes.Buffer) error { return report.WriteJUnit(w, rep) },
			} {
				outs[name] = &bytes.Buffer{}
				if err := write(outs[name]); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			for name, buf := range outs {
				out := buf.String()
				for i, line := range strings.Split(out, "\n") {
					if strings.ContainsAny(line, "\uE000\uE001") || strings.Contains(line, `\ue000`) || strings.Contains(line, `\ue001`) {
						t.Errorf("%s output line %d holds a symbol marker: %s", name, i+1, strings.NewReplacer("\uE000", "<U+E000>", "\uE001", "<U+E001>").Replace(line))
					}
				}
			}
		})
	}
}
