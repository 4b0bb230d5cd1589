package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/rules"
	"github.com/s3front/s3front/report"
)

// The writers are tested on the shared scenarios (testdata/scenarios at
// the repository root): one golden file per scenario and format, written
// with go test ./report -update.

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func ruleInfos() []report.RuleInfo {
	var out []report.RuleInfo
	for _, r := range rules.All() {
		out = append(out, report.RuleInfo{ID: r.ID, Severity: r.Severity, Title: r.Title, Help: r.Doc, HelpURI: report.DocsURI + r.ID + ".md"})
	}
	return out
}

// scenarioReports checks every shared scenario from the repository root
// (so locations read testdata/scenarios/…/main.tf) at a fixed date.
func scenarioReports(t *testing.T) map[string]*report.Report {
	t.Helper()
	t.Chdir("..")
	if scenarioCache == nil {
		scenarioCache = loadScenarios(t)
	}
	return scenarioCache
}

// scenarioCache keeps the checked scenarios for the tests of this package
// (they run one after another: t.Chdir forbids parallel tests).
var scenarioCache map[string]*report.Report

// loadScenarios checks the scenarios from the repository root (the
// working directory).
func loadScenarios(t *testing.T) map[string]*report.Report {
	t.Helper()
	dirs, err := filepath.Glob("testdata/scenarios/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	out := map[string]*report.Report{}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		ctx := context.Background()
		cfg, err := s3front.Load(ctx, []string{d}, s3front.LoadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		out[filepath.Base(d)] = rep
	}
	return out
}

// goldenAt compares got with report/testdata/golden/name (the working
// directory is the repository root here).
func goldenAt(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("report", "testdata", "golden", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./report -update to accept); got:\n%s", path, got)
	}
}

func write(t *testing.T, format string, rep *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "sarif":
		err = report.WriteSARIF(&b, rep, report.SARIFOptions{Rules: ruleInfos(), Version: "test"})
	case "md":
		err = report.WriteMarkdown(&b, rep, report.MarkdownOptions{Rules: ruleInfos()})
	case "junit.xml":
		err = report.WriteJUnit(&b, rep)
	case "html":
		err = report.WriteHTML(&b, rep, report.HTMLOptions{Rules: ruleInfos()})
	default:
		t.Fatalf("format %s", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var formats = []string{"sarif", "md", "junit.xml", "html"}

func TestGoldenFormats(t *testing.T) {
	reps := scenarioReports(t)
	for name, rep := range reps {
		for _, f := range formats {
			goldenAt(t, name+"."+f, write(t, f, rep))
		}
	}
	// Deterministic: a second rendering is byte for byte the same.
	for name, rep := range reps {
		for _, f := range formats {
			if !bytes.Equal(write(t, f, rep), write(t, f, rep)) {
				t.Errorf("%s.%s: two renderings differ", name, f)
			}
		}
	}
}

// sarifSchema compiles the official SARIF 2.1.0 schema (OASIS,
// report/testdata/schema), with format assertions on.
func sarifSchema(t *testing.T, dir string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate against SARIF 2.1.0: %v", name, err)
	}
	checkGitHubLimits(t, name, data)
}

// checkGitHubLimits holds a log to GitHub code scanning's limits
// (docs.github.com, "SARIF results exceed limits"): 20 runs, 25,000
// results per run, 1,000 locations per result, 10,000 thread flow
// locations per result, 20 tags per rule; and URIs relative to the
// repository root.
func checkGitHubLimits(t *testing.T, name string, data []byte) {
	t.Helper()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string `json:"id"`
						HelpURI    string `json:"helpUri"`
						Properties struct {
							Tags []string `json:"tags"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []json.RawMessage `json:"locations"`
				RelatedLocations    []json.RawMessage `json:"relatedLocations"`
				CodeFlows           []struct {
					ThreadFlows []struct {
						Locations []json.RawMessage `json:"locations"`
					} `json:"threadFlows"`
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Errorf("%s: %d runs, want 1", name, len(log.Runs))
		return
	}
	run := log.Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if len(r.Properties.Tags) > 20 {
			t.Errorf("%s: rule %s has %d tags", name, r.ID, len(r.Properties.Tags))
		}
		if !strings.HasSuffix(r.HelpURI, "/docs/rules/"+r.ID+".md") {
			t.Errorf("%s: rule %s helpUri %s", name, r.ID, r.HelpURI)
		}
		if _, err := os.Stat(filepath.Join(repoRoot(t), "docs", "rules", r.ID+".md")); err != nil {
			t.Errorf("%s: rule %s: %v", name, r.ID, err)
		}
	}
	if len(run.Results) > 25000 {
		t.Errorf("%s: %d results", name, len(run.Results))
	}
	fps := map[string]bool{}
	for _, r := range run.Results {
		fp := r.PartialFingerprints["s3front/v1"]
		if fp == "" || fps[fp] {
			t.Errorf("%s: %s: missing or repeated fingerprint %q", name, r.RuleID, fp)
		}
		fps[fp] = true
		if n := len(r.Locations) + len(r.RelatedLocations); n > 1000 {
			t.Errorf("%s: %s: %d locations", name, r.RuleID, n)
		}
		n := 0
		for _, cf := range r.CodeFlows {
			for _, tf := range cf.ThreadFlows {
				n += len(tf.Locations)
			}
		}
		if n > 10000 {
			t.Errorf("%s: %s: %d thread flow locations", name, r.RuleID, n)
		}
	}
	if bytes.Contains(data, []byte(`"uri": "/`)) || bytes.Contains(data, []byte(`"uri": "file:`)) {
		t.Errorf("%s: an absolute URI", name)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	if _, err := os.Stat(filepath.Join(wd, "go.mod")); err == nil {
		return wd
	}
	return filepath.Dir(wd)
}

func TestSARIFValidates(t *testing.T) {
	s := sarifSchema(t, "testdata/schema")
	reps := scenarioReports(t) // now at the repository root
	for name, rep := range reps {
		validateSARIF(t, s, name, write(t, "sarif", rep))
	}
	// Every member the writer can produce: edits (fixes), suppressions of
	// both kinds, a live resource (ARN), a root, a base directory.
	rep := editedReport()
	var b bytes.Buffer
	if err := report.WriteSARIF(&b, rep, report.SARIFOptions{Rules: ruleInfos(), Version: "1.2.3", Base: "infra/prod", RootURI: "file:///src/repo"}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("edited report: %v", err)
	}
	out := b.String()
	for _, want := range []string{
		`"uri": "infra/prod/main.tf"`, `"uriBaseId": "SRCROOT"`, `"fixes"`, `"insertedContent"`,
		`"kind": "external"`, `"kind": "inSource"`, `"fullyQualifiedName": "arn:aws:s3:::live-bucket#/Policy/Statement/0"`,
		`"importance": "essential"`, `"uri": "file:///src/repo/"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}

// editedReport has a finding with edits, suppressed findings, a live
// resource and paths.
func editedReport() *report.Report {
	r := &report.Report{
		Findings: []report.Finding{
			{Rule: "oac-key-policy-missing", Root: "infra/prod", Severity: report.Error, Title: "the key policy does not let this distribution's OAC decrypt",
				Resource: "aws_kms_key.site", Location: report.Location{File: "main.tf", Line: 12, Col: 3}, Message: "the key policy lacks a grant",
				Related: []report.Related{{Resource: "aws_cloudfront_distribution.site", Location: report.Location{File: "cdn.tf", Line: 1, Col: 1}}},
				Fix:     "add a statement\nwith kms:Decrypt", Paths: []string{"p1"},
				Edits: []report.Edit{{File: "main.tf", Line: 14, Col: 5, EndLine: 14, EndCol: 5, Text: "statement {}\n"}, {File: "main.tf", Line: 20, Col: 1, EndLine: 21, EndCol: 1}}},
			{Rule: "oai-legacy", Severity: report.Warning, Resource: "aws_cloudfront_distribution.site", Location: report.Location{File: "cdn.tf", Line: 5},
				Message: "legacy", Related: []report.Related{}, Suppressed: &report.Suppression{Reason: "migrating", Expires: "2027-01-01", Location: report.Location{File: ".s3frontignore", Line: 3}, Kind: "ignore-file"}},
			{Rule: "bpa-incomplete", Severity: report.Warning, Resource: "aws_s3_bucket.site", Location: report.Location{File: "main.tf", Line: 2},
				Message: "bpa", Related: []report.Related{}, Suppressed: &report.Suppression{Reason: "account-level", Location: report.Location{File: "main.tf", Line: 1}}},
			{Rule: "bucket-public", Severity: report.Error, Resource: "arn:aws:s3:::live-bucket", Location: report.Location{File: "arn:aws:s3:::live-bucket", Pointer: "/Policy/Statement/0"},
				Message: "public", Related: []report.Related{}},
		},
		Paths: []report.Path{{ID: "p1", Root: "infra/prod", Distribution: "aws_cloudfront_distribution.site", Origin: "s3", Bucket: "aws_s3_bucket.site", Behavior: "*",
			Scenario: "viewer-get-new", URL: "/index.html", Key: "index.html", Outcome: "deny", Status: 403, ErrorCode: "AccessDenied", When: "now", Cause: "oac-key-policy-missing",
			Trace: []report.Hop{
				{Hop: "cloudfront", Result: "pass", Detail: "behavior * sends it to origin s3", Evidence: []report.Evidence{{What: "behavior", Resource: "aws_cloudfront_distribution.site", Location: report.Location{File: "cdn.tf", Line: 8, Col: 3}}}},
				{Hop: "s3", Result: "pass", Detail: "the bucket policy allows it"},
				{Hop: "kms", Result: "fail", Detail: "the key policy does not allow kms:Decrypt", Evidence: []report.Evidence{{What: "key policy", Resource: "aws_kms_key.site", Location: report.Location{File: "main.tf", Line: 12, Col: 3}}}},
			}}},
	}
	r.Sort()
	return r
}

func TestSARIFFingerprintsStable(t *testing.T) {
	a := editedReport()
	b := editedReport()
	// Lines move and messages change: fingerprints stay.
	for i := range b.Findings {
		b.Findings[i].Location.Line += 10
		b.Findings[i].Message += " (reworded)"
	}
	fa, fb := a.Fingerprints(), b.Fingerprints()
	for i := range fa {
		if fa[i] != fb[i] {
			t.Errorf("finding %d: fingerprint changed with its line or message", i)
		}
	}
	// Another resource: another fingerprint.
	b.Findings[0].Resource = "aws_kms_key.other"
	if b.Fingerprints()[0] == fa[0] {
		t.Error("fingerprint ignores the resource")
	}
}

func TestMarkdownLimit(t *testing.T) {
	// Many broken paths with long fixes: the comment summarises past the
	// limit and stays valid (every fence closed).
	r := &report.Report{}
	for i := 0; i < 400; i++ {
		id := "p" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i)
		r.Paths = append(r.Paths, report.Path{ID: id, Distribution: "aws_cloudfront_distribution.site", Origin: "s3", Bucket: "aws_s3_bucket.site", Behavior: "/app" + strings.Repeat("/x", i%5),
			Scenario: "viewer-get-new", URL: "/index.html", Outcome: "deny", Status: 403, ErrorCode: "AccessDenied", Cause: "oac-key-policy-missing",
			Trace: []report.Hop{{Hop: "cloudfront", Result: "pass", Detail: "ok"}, {Hop: "kms", Result: "fail", Detail: "no grant; #1 \"quoted\" <b>"}}})
		r.Findings = append(r.Findings, report.Finding{Rule: "oac-key-policy-missing", Severity: report.Error, Title: "t", Resource: "aws_kms_key.k", Location: report.Location{File: "main.tf", Line: i + 1},
			Message: strings.Repeat("m", 200), Fix: strings.Repeat("fix line\n", 30), Paths: []string{id}, Related: []report.Related{}})
	}
	r.Sort()
	for _, limit := range []int{0, 20000, 3000} {
		var b bytes.Buffer
		if err := report.WriteMarkdown(&b, r, report.MarkdownOptions{Limit: limit}); err != nil {
			t.Fatal(err)
		}
		want := limit
		if want == 0 {
			want = report.CommentLimit
		}
		out := b.String()
		if n := len([]rune(out)); n > want {
			t.Errorf("limit %d: %d characters", limit, n)
		}
		if !strings.Contains(out, "Summarised to stay under") {
			t.Errorf("limit %d: no summary note", limit)
		}
		if strings.Count(out, "```")%2 != 0 {
			t.Errorf("limit %d: an unclosed code fence", limit)
		}
		if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
			t.Errorf("limit %d: unbalanced <details>", limit)
		}
	}
}

func TestMermaidEscapes(t *testing.T) {
	p := report.Path{Distribution: `module.app["a;b"].aws_cloudfront_distribution.this`, Bucket: "b", Scenario: "viewer-get-new", URL: "/a#b", Outcome: "deny", Status: 403, ErrorCode: "AccessDenied",
		Trace: []report.Hop{{Hop: "cloudfront", Result: "pass", Detail: "x; y # z <script>"}, {Hop: "s3", Result: "fail", Detail: "deny {a} 100%"}}}
	m := report.Mermaid(p)
	entity := regexp.MustCompile(`#[a-z0-9]+;`)
	for _, bad := range []string{";", "<script>", `"a`, "{a}", "100%"} {
		for _, line := range strings.Split(m, "\n") {
			if strings.Contains(entity.ReplaceAllString(line, ""), bad) {
				t.Errorf("unescaped %q in %q", bad, line)
			}
		}
	}
	if !strings.Contains(m, "S3: ✗ FAILED HERE") && !strings.Contains(m, "FAILED HERE") {
		t.Errorf("no failing hop marked:\n%s", m)
	}
	if !strings.Contains(m, "CF-xS3") {
		t.Errorf("the failing hop is not a crossed arrow:\n%s", m)
	}
}

// TestJUnitShape checks the JUnit output against Jenkins' junit-10.xsd
// with xmllint (libxml2-utils; .ci/run installs it) and, always, its
// structure: one case per path, failures for broken ones, counts that add
// up.
func TestJUnitShape(t *testing.T) {
	reps := scenarioReports(t)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing (apt-get install libxml2-utils)")
		}
		t.Log("xmllint missing: schema validation skipped (CI=true makes this a failure)")
	}
	dir := t.TempDir()
	for name, rep := range reps {
		data := write(t, "junit.xml", rep)
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name     string `xml:"name,attr"`
				Tests    int    `xml:"tests,attr"`
				Failures int    `xml:"failures,attr"`
				Cases    []struct {
					Name    string    `xml:"name,attr"`
					Failure *struct{} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pathCases, failures, total := 0, 0, 0
		for _, s := range doc.Suites {
			if s.Tests != len(s.Cases) {
				t.Errorf("%s: suite %s says %d tests, has %d", name, s.Name, s.Tests, len(s.Cases))
			}
			n := 0
			for _, c := range s.Cases {
				if c.Failure != nil {
					n++
				}
			}
			if n != s.Failures {
				t.Errorf("%s: suite %s says %d failures, has %d", name, s.Name, s.Failures, n)
			}
			failures += n
			total += len(s.Cases)
			if s.Name != "findings" {
				pathCases += len(s.Cases)
			}
		}
		if pathCases != len(rep.Paths) || total != doc.Tests || failures != doc.Failures {
			t.Errorf("%s: %d path cases for %d paths; %d/%d tests, %d/%d failures", name, pathCases, len(rep.Paths), total, doc.Tests, failures, doc.Failures)
		}
		broken := 0
		for _, p := range rep.Paths {
			if p.Outcome != "unknown" && !report.Healthy(p) {
				broken++
			}
		}
		pathFailures := 0
		for _, s := range doc.Suites {
			if s.Name != "findings" {
				pathFailures += s.Failures
			}
		}
		if pathFailures != broken {
			t.Errorf("%s: %d failing path cases for %d broken paths", name, pathFailures, broken)
		}
		if xmllint != "" {
			f := filepath.Join(dir, name+".xml")
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--schema", "report/testdata/schema/junit-10.xsd", f).CombinedOutput()
			if err != nil {
				t.Errorf("%s: junit-10.xsd: %v\n%s", name, err, out)
			}
		}
	}
}
