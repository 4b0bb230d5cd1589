package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() *Report {
	r := &Report{
		Findings: []Finding{
			{Rule: "missing-object-403", Severity: Note, Title: "missing objects answer 403", Resource: "aws_cloudfront_distribution.web",
				Location: Location{File: "main.tf", Line: 40, Col: 3}, Message: "it has no default root object, so GET / asks S3 for an empty key and answers 403", Related: []Related{}, Fix: "set a default root object"},
			{Rule: "oai-sse-kms", Severity: Error, Title: "an origin access identity serves SSE-KMS objects", Resource: "aws_cloudfront_distribution.web",
				Location: Location{File: "main.tf", Line: 30, Col: 3}, Message: "origin \"s3\" reads the bucket through an OAI",
				Related: []Related{{Resource: "aws_kms_key.web", Location: Location{File: "main.tf", Line: 5, Col: 1}}},
				Fix:     "migrate to origin access control:\n1. create it\n2. grant it", Paths: []string{"web s3 * viewer-get-new"}},
			{Rule: "oai-legacy", Severity: Warning, Title: "an origin uses a legacy origin access identity", Resource: "aws_cloudfront_distribution.web",
				Location: Location{File: "main.tf", Line: 31, Col: 5}, Message: "legacy", Related: []Related{}, Fix: "migrate",
				Suppressed: &Suppression{Reason: "migrating in Q1", Expires: "2027-03-31", Location: Location{File: "main.tf", Line: 29}}},
		},
		Paths: []Path{
			{ID: "web s3 * direct-anonymous-get", Distribution: "aws_cloudfront_distribution.web", Origin: "s3", Bucket: "aws_s3_bucket.web", Behavior: "*",
				Scenario: "direct-anonymous-get", URL: "/index.html", Key: "index.html", Outcome: "deny", Intended: true, Status: 403, ErrorCode: "AccessDenied", When: "now",
				Trace: []Hop{{Hop: "s3", Result: "fail", Detail: "S3 denies s3:GetObject for an anonymous request"}}},
			{ID: "web s3 * viewer-get-new", Distribution: "aws_cloudfront_distribution.web", Origin: "s3", Bucket: "aws_s3_bucket.web", Behavior: "*",
				Scenario: "viewer-get-new", URL: "/index.html", Key: "index.html", Outcome: "deny", Status: 400, ErrorCode: "KMS.UnrecognizedClientException",
				Expected: true, When: "next-upload", Cause: "oai-sse-kms",
				Trace: []Hop{{Hop: "kms", Result: "fail", Detail: "SSE-KMS object: S3 must call KMS for an OAI", Evidence: []Evidence{{What: "default encryption", Resource: "aws_s3_bucket.web", Location: Location{File: "main.tf", Line: 12, Col: 7}}}}}},
			{ID: "web s3 * viewer-get-existing index.html", Distribution: "aws_cloudfront_distribution.web", Origin: "s3", Bucket: "aws_s3_bucket.web", Behavior: "*",
				Scenario: "viewer-get-existing", URL: "/index.html", Key: "index.html", Outcome: "unknown", Missing: []string{"existing objects of aws_s3_bucket.web"}, Trace: []Hop{}},
		},
	}
	r.Sort()
	return r
}

func TestSortAndSummary(t *testing.T) {
	r := sample()
	if r.Findings[0].Rule != "oai-sse-kms" || r.Findings[len(r.Findings)-1].Severity != Note {
		t.Errorf("findings not by severity: %v %v", r.Findings[0].Rule, r.Findings[len(r.Findings)-1].Rule)
	}
	if r.Paths[0].Scenario != "viewer-get-existing" || r.Paths[2].Scenario != "direct-anonymous-get" {
		t.Errorf("paths not in scenario order: %v", r.Paths)
	}
	want := Summary{Errors: 1, Warnings: 0, Notes: 1, Suppressed: 1, Allowed: 0, Denied: 2, Unknown: 1, Broken: 1, Intended: 1, Incomplete: []Incomplete{}}
	if !reflect.DeepEqual(r.Summary, want) {
		t.Errorf("summary %+v, want %+v", r.Summary, want)
	}
}

func TestFails(t *testing.T) {
	r := sample()
	for _, tt := range []struct {
		threshold string
		want      bool
	}{{"error", true}, {"warning", true}, {"note", true}, {"never", false}} {
		sev, ok := ParseSeverity(tt.threshold)
		if !ok {
			t.Fatal(tt.threshold)
		}
		if got := r.Fails(sev); got != tt.want {
			t.Errorf("Fails(%s) = %v", tt.threshold, got)
		}
	}
	// The suppressed warning doesn't count: without the error and note,
	// nothing fails.
	r.Findings = r.Findings[1:2]
	if r.Findings[0].Suppressed == nil || r.Fails(Note) {
		t.Error("a suppressed finding must not fail the check")
	}
	if _, ok := ParseSeverity("sometimes"); ok {
		t.Error("ParseSeverity accepted nonsense")
	}
}

func TestHealthy(t *testing.T) {
	for _, tt := range []struct {
		p    Path
		want bool
	}{
		{Path{Scenario: "viewer-get-new", Outcome: "allow", Intended: true}, true},
		{Path{Scenario: "viewer-get-new", Outcome: "deny"}, false},
		{Path{Scenario: "direct-anonymous-get", Outcome: "deny", Intended: true}, true},
		{Path{Scenario: "direct-anonymous-get", Outcome: "allow"}, false},
		{Path{Scenario: "viewer-put", Outcome: "deny", Intended: true}, true},
		{Path{Scenario: "viewer-put", Outcome: "unknown"}, false},
		{Path{Scenario: "viewer-put", Outcome: "unknown", Intended: true}, false},
	} {
		if got := Healthy(tt.p); got != tt.want {
			t.Errorf("Healthy(%+v) = %v", tt.p, got)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
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
		t.Errorf("%s differs from the golden file (run go test ./report -update to accept):\n%s", path, got)
	}
}

func TestWriteText(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts TextOptions
	}{
		{"text.golden", TextOptions{}},
		{"text-verbose.golden", TextOptions{Verbose: true}},
		{"text-color.golden", TextOptions{Color: true}},
	} {
		var b bytes.Buffer
		if err := WriteText(&b, sample(), tt.opts); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, b.Bytes())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json.golden", b.Bytes())
	// The contract: these members are always present.
	var doc struct {
		Findings []map[string]any `json:"findings"`
		Paths    []map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		for _, k := range []string{"rule", "severity", "resource", "location", "message", "related", "fix"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding without %q: %v", k, f)
			}
		}
	}
	for _, p := range doc.Paths {
		for _, k := range []string{"distribution", "origin", "bucket", "scenario", "outcome", "status", "error_code", "when", "trace"} {
			if _, ok := p[k]; !ok {
				t.Errorf("path without %q: %v", k, p)
			}
		}
	}
}

// TestFindingRoots: where findings come from several roots (a module two
// roots call reports the same resource twice), Markdown and HTML name the
// root of each; a single root's report has no root column.
func TestFindingRoots(t *testing.T) {
	f := func(root string) Finding {
		return Finding{Rule: "oai-legacy", Severity: Warning, Root: root, Resource: "module.cdn.aws_cloudfront_distribution.d",
			Location: Location{File: "modules/cdn/main.tf", Line: 3}, Message: "legacy"}
	}
	two := &Report{Findings: []Finding{f("envs/prod"), f("envs/stage")}}
	one := &Report{Findings: []Finding{f("envs/prod")}}
	if !two.SeveralRoots() || one.SeveralRoots() {
		t.Fatalf("SeveralRoots: two %v, one %v", two.SeveralRoots(), one.SeveralRoots())
	}
	var md, md1, html bytes.Buffer
	if err := WriteMarkdown(&md, two, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md1, one, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, two, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| | rule | root | resource | where |", "| `envs/prod` | `module.cdn.aws_cloudfront_distribution.d` |", "| `envs/stage` |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md1.String(), "| root |") {
		t.Errorf("a single root's markdown has a root column:\n%s", md1.String())
	}
	if !strings.Contains(html.String(), `<code class="root">envs/stage</code>`) {
		t.Error("html does not name the second root")
	}
}
