package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front/report"
)

func TestMatchPath(t *testing.T) {
	for _, tt := range []struct {
		pat, path string
		want      bool
	}{
		{"infra/**", "infra/main.tf", true},
		{"infra/**", "infra/modules/x/main.tf", true},
		{"infra/**", "other/main.tf", false},
		{"legacy", "legacy/site/main.tf", true},
		{"legacy/", "legacy/main.tf", true},
		{"legacy", "a/legacy/main.tf", true}, // no slash: any depth
		{"a/legacy", "b/a/legacy/main.tf", false},
		{"*.tf", "x/y/main.tf", true},
		{"**/modules/*/main.tf", "infra/modules/cdn/main.tf", true},
		{"**/modules/*/main.tf", "infra/modules/cdn/sub/main.tf", false},
		{"infra/*.tf", "infra/sub/main.tf", false},
		{"./infra/main.tf", "infra/main.tf", true},
	} {
		if got := MatchPath(tt.pat, tt.path); got != tt.want {
			t.Errorf("MatchPath(%q, %q) = %v", tt.pat, tt.path, got)
		}
	}
}

func TestMatchName(t *testing.T) {
	for _, tt := range []struct {
		pat, name string
		want      bool
	}{
		{"aws_cloudfront_distribution.*", "aws_cloudfront_distribution.site", true},
		{`module.app["*"].*`, `module.app["portal"].aws_s3_bucket.this`, true},
		{"module.app*", "module.other.aws_s3_bucket.x", false},
		{"*", "anything", true},
		{"aws_s3_bucket.?ite", "aws_s3_bucket.site", true},
		{"aws_s3_bucket.site", "aws_s3_bucket.site2", false},
		{"arn:aws:s3:::*-logs", "arn:aws:s3:::acme-logs", true},
	} {
		if got := MatchName(tt.pat, tt.name); got != tt.want {
			t.Errorf("MatchName(%q, %q) = %v", tt.pat, tt.name, got)
		}
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindStopsAtRepositoryRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName), "fail-on: never\n") // outside the repository
	repo := filepath.Join(dir, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(repo, "infra", "main.tf"), "")
	got, err := Find(filepath.Join(repo, "infra", "main.tf"), FileName)
	if err != nil || got != "" {
		t.Errorf("Find crossed the repository root: %q, %v", got, err)
	}
	write(t, filepath.Join(repo, FileName), "fail-on: note\n")
	got, err = Find(filepath.Join(repo, "infra"), FileName)
	if err != nil || got != filepath.Join(repo, FileName) {
		t.Errorf("Find = %q, %v", got, err)
	}
	// A directory named like the file is refused, not read.
	if err := os.Mkdir(filepath.Join(repo, "infra", IgnoreName), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Find(filepath.Join(repo, "infra"), IgnoreName); err == nil {
		t.Error("Find accepted a directory")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	write(t, p, `fail-on: warning
rules:
  enable: [oai-sse-kms, nope]
  severity: {oai-legacy: error}
  colour: red
exclude: [legacy/**]
var-files: [prod.tfvars]
vars: {env: prod}
parameters: {Stage: prod}
accounts: ["111122223333"]
format: [{format: sarif, output: out.sarif}, text]
extra: 1
`)
	c, warns, err := Load(p, []string{"oai-sse-kms", "oai-legacy"})
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "warning" || len(c.Enable) != 1 || c.Severity["oai-legacy"] != report.Error || c.Exclude[0] != "legacy/**" ||
		!strings.HasSuffix(c.VarFiles[0], "prod.tfvars") || c.Vars[0] != "env=prod" || c.Parameters[0] != "Stage=prod" || c.Accounts[0] != "111122223333" ||
		len(c.Outputs) != 2 || !strings.HasSuffix(c.Outputs[0][1], "out.sarif") || c.Outputs[1][0] != "text" {
		t.Errorf("config: %+v", c)
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`:3:25: unknown rule "nope"`, `:5:3: unknown key "colour" in rules`, `:12:1: unknown key "extra"`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	for _, bad := range []string{"fail-on: [1]\n", "accounts: [123]\n", "rules: {severity: {x: critical}}\n", "- a\n", "vars: {a: [1]}\n", "fail-on: [\n"} {
		write(t, p, bad)
		if _, _, err := Load(p, nil); err == nil {
			t.Errorf("Load accepted %q", bad)
		}
	}
}

func TestIgnoreApply(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, IgnoreName, `- rule: oai-legacy
  resource: aws_cloudfront_distribution.*
  reason: later
  expires: 2027-01-31
- rule: "*"
  path: legacy/**
  reason: old
- rule: bucket-public
  resource: aws_s3_bucket.none
  reason: stale
`)
	ig, warns, err := LoadIgnore(IgnoreName, []string{"oai-legacy", "bucket-public", "bpa-incomplete"})
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	mk := func() *report.Report {
		return &report.Report{Findings: []report.Finding{
			{Rule: "oai-legacy", Severity: report.Warning, Resource: "aws_cloudfront_distribution.site", Location: report.Location{File: "main.tf", Line: 3}},
			{Rule: "bpa-incomplete", Severity: report.Warning, Resource: "aws_s3_bucket.old", Location: report.Location{File: "legacy/main.tf", Line: 3}},
			{Rule: "bpa-incomplete", Severity: report.Warning, Resource: "aws_s3_bucket.new", Location: report.Location{File: "main.tf", Line: 9}},
		}}
	}
	r := mk()
	warns = ig.Apply(r, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if r.Summary.Suppressed != 2 || r.Summary.Warnings != 1 {
		t.Errorf("summary %+v", r.Summary)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].String(), ".s3frontignore:8:3: stale entry") {
		t.Errorf("warnings %v", warns)
	}
	// After the expiry date the entry no longer applies, and says so.
	r = mk()
	warns = ig.Apply(r, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC))
	if r.Summary.Suppressed != 1 || len(warns) != 2 || !strings.Contains(warns[0].String(), "expired on 2027-01-31") {
		t.Errorf("after expiry: %+v %v", r.Summary, warns)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("fail-on: warning\nrules: {disable: [a]}\n"))
	f.Add([]byte("- rule: a\n  path: x/**\n  reason: r\n  expires: 2027-01-01\n"))
	f.Add([]byte("format: [{format: sarif, output: a}]\nexclude: ['[']\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if c, _, err := Load(p, []string{"a"}); err == nil && c == nil {
			t.Error("nil config without error")
		}
		if ig, _, err := LoadIgnore(p, []string{"a"}); err == nil {
			ig.Apply(&report.Report{Findings: []report.Finding{{Rule: "a", Resource: "r", Location: report.Location{File: "x/y"}}}}, time.Now())
		}
	})
}

func TestLoadDeploy(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	write(t, p, `deploy:
  cache-control:
    - match: "*.html"
      value: no-cache
    - match: assets/**
      value: public, max-age=31536000, immutable
      when: always
  content-types:
    wasm: application/wasm
    .Map: application/json
  exclude: ["*.map", .DS_Store]
  upload: fast
`)
	c, warns, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := c.Deploy
	if len(d.CacheControl) != 2 || d.CacheControl[0].Match != "*.html" || d.CacheControl[1].Value != "public, max-age=31536000, immutable" ||
		d.CacheControl[1].Pos.Line != 5 || d.ContentTypes[".wasm"] != "application/wasm" || d.ContentTypes[".map"] != "application/json" || len(d.Exclude) != 2 {
		t.Errorf("deploy: %+v", d)
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`:7:7: unknown key "when" in deploy.cache-control`, `:12:3: unknown key "upload" in deploy`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	for _, bad := range []string{"deploy: [1]\n", "deploy: {cache-control: {a: b}}\n", "deploy: {cache-control: [{match: '*.html'}]}\n", "deploy: {cache-control: [{match: '[', value: x}]}\n"} {
		write(t, p, bad)
		if _, _, err := Load(p, nil); err == nil {
			t.Errorf("Load accepted %q", bad)
		}
	}
}

func TestDiscoveryExcludes(t *testing.T) {
	c := &Config{Dir: "/repo", Exclude: []string{"legacy", "envs/*/old/", "/top/x", "!keep/this", "*.bak"}}
	for _, tc := range []struct {
		wd   string
		want []string
	}{
		{"/repo", []string{"legacy", "envs/*/old/", "/top/x", "!keep/this", "*.bak"}},
		{"/repo/infra", []string{"legacy", "../envs/*/old/", "../top/x", "!../keep/this", "*.bak"}},
		{"/", []string{"legacy", "repo/envs/*/old/", "repo/top/x", "!repo/keep/this", "*.bak"}},
	} {
		got := c.DiscoveryExcludes(tc.wd)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("from %s: %q, want %q", tc.wd, got, tc.want)
		}
	}
	if (*Config)(nil).DiscoveryExcludes("/") != nil {
		t.Error("a nil configuration excludes something")
	}
}
