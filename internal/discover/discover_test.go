package discover

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
`

// tree writes files (name → content) under a new repository.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files[".git/HEAD"] = "ref: refs/heads/main\n"
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func find(t *testing.T, dir string, paths []string, opts Options) (*Result, []string) {
	t.Helper()
	opts.WorkDir = dir
	for i, p := range paths {
		paths[i] = filepath.Join(dir, p)
	}
	res, err := Find(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Roots {
		got = append(got, string(r.Kind)+" "+r.Path)
	}
	return res, got
}

func TestFind(t *testing.T) {
	dir := tree(t, map[string]string{
		".gitignore":                        "build/\n*.log\ncdk.out/\n!keep/\n",
		"main.tf":                           `variable "x" {}`,
		"envs/prod/main.tf":                 "module \"site\" {\n  source = \"../../modules/site\"\n}\n",
		"envs/dev/main.tf.json":             `{"module": {"site": {"source": "../../modules/site"}}}`,
		"modules/site/main.tf":              "module \"policy\" {\n  source = \"../policy\"\n}\n",
		"modules/policy/main.tf":            `resource "aws_s3_bucket" "p" {}`,
		"modules/unused/main.tf":            `resource "aws_s3_bucket" "u" {}`,
		"examples/complete/main.tf":         "module \"this\" {\n  source = \"../..\"\n}\n",
		"build/main.tf":                     `resource "aws_s3_bucket" "b" {}`,
		"node_modules/x/main.tf":            `resource "aws_s3_bucket" "n" {}`,
		".terraform/modules/m/main.tf":      `resource "aws_s3_bucket" "t" {}`,
		".hidden/main.tf":                   `resource "aws_s3_bucket" "h" {}`,
		"cdk.out/Site.template.json":        `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
		"cdk.out/Site.nested.template.json": `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
		"cdk.out/asset.123/main.tf":         `resource "aws_s3_bucket" "a" {}`,
		"cdk.out/manifest.json":             `{"version": "36.0.0", "artifacts": {}}`,
		"stacks/parent.yaml":                template + "  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n",
		"stacks/child.yaml":                 template,
		"stacks/not-a-template.yaml":        "name: ci\non: push\n",
		"plans/plan.json":                   `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}`,
		"snap/infra.json":                   `{"s3front_snapshot": 1, "config": {}}`,
		"data/random.json":                  `[1, 2, 3]`,
		"keep/main.tf":                      `resource "aws_s3_bucket" "k" {}`,
	})
	_, got := find(t, dir, []string{"."}, Options{})
	want := []string{
		"terraform-plan plans/plan.json",
		"cloudformation cdk.out/Site.template.json",
		"terraform envs/dev",
		"terraform envs/prod",
		"terraform examples/complete",
		"terraform keep",
		"terraform modules/unused",
		"snapshot snap/infra.json",
		"cloudformation stacks/parent.yaml",
	}
	if !sameSet(got, want) {
		t.Errorf("roots:\n got %v\nwant %v", got, want)
	}

	// Named on the command line, a module is a root; the top is a root
	// when nothing found calls it.
	_, got = find(t, dir, []string{"modules/site", "envs/prod"}, Options{})
	if !sameSet(got, []string{"terraform modules/site", "terraform envs/prod"}) {
		t.Errorf("named: %v", got)
	}
	_, got = find(t, dir, []string{"main.tf"}, Options{})
	if !sameSet(got, []string{"terraform ."}) {
		t.Errorf("a file: %v", got)
	}
	_, got = find(t, dir, []string{"stacks/child.yaml"}, Options{})
	if !sameSet(got, []string{"cloudformation stacks/child.yaml"}) {
		t.Errorf("a nested template named: %v", got)
	}
	// --root and --exclude.
	_, got = find(t, dir, []string{"envs", "modules"}, Options{Roots: []string{filepath.Join(dir, "modules/site")}, Exclude: []string{"unused", "envs/dev/"}})
	if !sameSet(got, []string{"terraform envs/prod", "terraform modules/site"}) {
		t.Errorf("--root and --exclude: %v", got)
	}
	// Overlapping paths: each root once, in order.
	_, got = find(t, dir, []string{"envs", ".", "envs/prod"}, Options{})
	if len(got) != len(want) {
		t.Errorf("overlapping paths: %v", got)
	}
}

func TestFindErrors(t *testing.T) {
	dir := tree(t, map[string]string{"empty/README": "nothing", "site/main.tf": "", "ci.yaml": "on: push\n"})
	for _, c := range []struct {
		path, want string
	}{
		{"missing", "no such file or directory"},
		{"empty", "no Terraform configuration"},
		{"ci.yaml", "no Terraform configuration"},
	} {
		_, err := Find(context.Background(), []string{filepath.Join(dir, c.path)}, Options{WorkDir: dir})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
	if _, err := Find(context.Background(), []string{filepath.Join(dir, "empty")}, Options{WorkDir: dir}); !errors.Is(err, ErrNoInput) {
		t.Errorf("want ErrNoInput, got %v", err)
	}
	if _, err := Find(context.Background(), []string{dir}, Options{WorkDir: dir, Roots: []string{filepath.Join(dir, "empty")}}); err == nil || !strings.Contains(err.Error(), "no Terraform files") {
		t.Errorf("--root without Terraform: %v", err)
	}
	outside := t.TempDir()
	if _, err := Find(context.Background(), []string{outside}, Options{WorkDir: dir, RepoRoot: dir}); err == nil || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("--repo-root: %v", err)
	}
}

// TestFindSkipsUnreadable: a FIFO or a link out of the repository is a
// warning, and the search goes on.
func TestFindSkipsUnreadable(t *testing.T) {
	dir := tree(t, map[string]string{"site/main.tf": ""})
	if err := syscall.Mkfifo(filepath.Join(dir, "site", "x.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "site", "y.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "site", "loop")); err != nil {
		t.Fatal(err)
	}
	res, got := find(t, dir, []string{"."}, Options{})
	if !sameSet(got, []string{"terraform site"}) {
		t.Errorf("roots %v", got)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "site/x.yaml: skipped: a named pipe (FIFO), not a regular file") || !strings.Contains(w, "site/y.json: skipped: a symbolic link to /etc/hostname") {
		t.Errorf("warnings:\n%s", w)
	}
}

func TestPatterns(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		dir, want     bool
	}{
		{"build/", "build", true, true},
		{"build/", "build", false, false},
		{"build/", "a/build/x.tf", false, true},
		{"*.log", "a/b/c.log", false, true},
		{"/top", "top", true, true},
		{"/top", "a/top", true, false},
		{"envs/dev", "envs/dev", true, true},
		{"envs/dev", "x/envs/dev", true, false},
		{"**/tmp", "a/b/tmp", true, true},
		{"docs/**", "docs/a/b.json", false, true},
		{"a/**/b", "a/x/y/b", true, true},
		{"a/**/b", "a/b", true, true},
		{"[ab].json", "b.json", false, true},
		{"?.json", "ab.json", false, false},
	} {
		p, ok := compile(c.pattern, "")
		if !ok {
			t.Fatalf("%q does not compile", c.pattern)
		}
		if got := p.match(c.name, c.dir); got != c.want {
			t.Errorf("%q on %q (dir %v) = %v", c.pattern, c.name, c.dir, got)
		}
	}
	set := parseGitignore([]byte("# comment\n*.json\n!keep.json\n\n"), "sub")
	if !set.ignored("sub/a.json", false) || set.ignored("sub/keep.json", false) || set.ignored("other/a.json", false) {
		t.Error("gitignore with negation and base")
	}
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head  string
		kind  Kind
		maybe bool
	}{
		{`{"format_version":"1.2","terraform_version":"1.9.0","variables":{"x":{"value":` + strings.Repeat("1", 100), Plan, false},
		{`{"format_version":"1.0","terraform_version":"1.5.0","values":{}}`, Plan, false},
		{`{"format_version":"1.0"}`, "", false},
		{"{\n  \"s3front_snapshot\": 1,\n  \"config\": {", Snapshot, false},
		{`AWSTemplateFormatVersion: "2010-09-09"`, "", true},
		{`{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {`, "", true},
		{"Transform: AWS::Serverless-2016-10-31\n", "", true},
		{"name: ci\non: push\n", "", false},
		{"\x00\x00\x00\x00", "", false},
	} {
		k, maybe := sniff([]byte(c.head))
		if k != c.kind || maybe != c.maybe {
			t.Errorf("sniff(%.40q) = %q, %v", c.head, k, maybe)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
