package terraform

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/s3front/s3front/model"
)

// fakeFetcher serves module packages from memory, keyed by source.
type fakeFetcher struct {
	pkgs  map[string]*FetchedModule
	calls []ModuleRequest
}

func (f *fakeFetcher) FetchModule(_ context.Context, req ModuleRequest) (*FetchedModule, error) {
	f.calls = append(f.calls, req)
	if m, ok := f.pkgs[req.Source]; ok {
		return m, nil
	}
	return nil, errors.New("no such module in the test registry")
}

// TestRepositoryModules: the loader reads a root module inside a larger
// file system, and local sources resolve against the calling module, as
// far as the file system goes.
func TestRepositoryModules(t *testing.T) {
	files := map[string]string{
		"envs/prod/main.tf": `
module "site" {
  source = "../../modules/site"
  name   = "prod-site"
}
module "gone" { source = "../../../outside" }`,
		"modules/site/main.tf": `
variable "name" {}
module "policy" { source = "../policy" }
resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = { doc = file("${path.module}/doc.txt") }
}`,
		"modules/site/doc.txt":   "hello",
		"modules/policy/main.tf": `resource "aws_s3_bucket" "p" { bucket = "policy-${path.module}" }`,
	}
	disp := func(name string) string { return "../../" + name }
	cfg, err := LoadDir(context.Background(), mapFS(files), "envs/prod", Options{Display: disp})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(bucketNames(cfg), " ")
	want := "module.site.aws_s3_bucket.this=prod-site module.site.module.policy.aws_s3_bucket.p=policy-../../modules/policy"
	if got != want {
		t.Errorf("buckets:\n got %s\nwant %s", got, want)
	}
	for _, b := range cfg.Buckets {
		if !strings.HasPrefix(b.Src.File, "../../modules/") {
			t.Errorf("%s at %s: want a display name", b.Ref, b.Src.File)
		}
	}
	unres := definiteUnresolved(cfg)
	if len(unres) != 1 || !strings.Contains(unres[0].What, `module "gone"`) ||
		unres[0].Incomplete != model.IncompleteModule || !strings.Contains(unres[0].Why, "outside the repository") {
		t.Errorf("unresolved: %+v", cfg.Unresolved)
	}
	if f := unres[0].Src.File; f != "../../envs/prod/main.tf" {
		t.Errorf("unresolved at %s", f)
	}
}

// TestFetchedModules: remote calls go to the fetcher; the package is
// mounted where terraform init would put it, its files are named after
// the package, local sources inside it stay inside it, and whatever is
// not fetched is an incomplete entry.
func TestFetchedModules(t *testing.T) {
	cdn := mapFS(map[string]string{
		"main.tf": `
variable "bucket" {}
module "inner" {
  source = "./modules/bucket"
  bucket = var.bucket
}
module "escape" { source = "../../elsewhere" }
module "nested" {
  source  = "acme/kms/aws"
  version = "~> 2.0"
}
resource "aws_s3_bucket" "logs" { bucket = "${var.bucket}-logs" }`,
		"modules/bucket/main.tf": `
variable "bucket" {}
resource "aws_s3_bucket" "this" { bucket = "${var.bucket}:${path.module}" }
resource "aws_s3_bucket" "doc" { bucket = file("${path.module}/doc.txt") }`,
		"modules/bucket/doc.txt": "from-the-package",
	})
	kms := mapFS(map[string]string{
		"kms/main.tf": `resource "aws_s3_bucket" "k" { bucket = "kms" }`,
	})
	f := &fakeFetcher{pkgs: map[string]*FetchedModule{
		"acme/cdn/aws": {FS: cdn, Dir: ".", Display: "registry.terraform.io/acme/cdn/aws@1.2.0", Version: "1.2.0"},
		"acme/kms/aws": {FS: kms, Dir: "kms", Display: "registry.terraform.io/acme/kms/aws@2.1.0", Version: "2.1.0"},
	}}
	files := map[string]string{"main.tf": `
module "cdn" {
  source  = "acme/cdn/aws"
  version = "1.2.0"
  bucket  = "site"
}
module "broken" { source = "acme/missing/aws" }`}
	cfg, err := LoadDir(context.Background(), mapFS(files), ".", Options{Modules: f})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(bucketNames(cfg), " ")
	want := "module.cdn.aws_s3_bucket.logs=site-logs module.cdn.module.inner.aws_s3_bucket.doc=from-the-package module.cdn.module.inner.aws_s3_bucket.this=site:.terraform/modules/cdn/modules/bucket module.cdn.module.nested.aws_s3_bucket.k=kms"
	if got != want {
		t.Errorf("buckets:\n got %s\nwant %s", got, want)
	}
	srcs := map[string]string{}
	for _, b := range cfg.Buckets {
		srcs[b.Ref] = b.Src.File
	}
	for ref, file := range map[string]string{
		"module.cdn.aws_s3_bucket.logs":              "registry.terraform.io/acme/cdn/aws@1.2.0/main.tf",
		"module.cdn.module.inner.aws_s3_bucket.this": "registry.terraform.io/acme/cdn/aws@1.2.0/modules/bucket/main.tf",
		"module.cdn.module.nested.aws_s3_bucket.k":   "registry.terraform.io/acme/kms/aws@2.1.0/kms/main.tf",
	} {
		if srcs[ref] != file {
			t.Errorf("%s at %q, want %q", ref, srcs[ref], file)
		}
	}
	if len(f.calls) != 3 || f.calls[0] != (ModuleRequest{Source: "acme/cdn/aws", Version: "1.2.0"}) || f.calls[1] != (ModuleRequest{Source: "acme/kms/aws", Version: "~> 2.0"}) {
		t.Errorf("fetch calls: %+v", f.calls)
	}
	var inc []string
	for _, u := range cfg.Unresolved {
		if u.Incomplete == model.IncompleteModule {
			inc = append(inc, u.What+" @ "+u.Src.File+": "+u.Why)
		}
	}
	if len(inc) != 2 ||
		!strings.Contains(inc[0], `module "broken"`) || !strings.Contains(inc[0], "could not be downloaded: no such module in the test registry") ||
		!strings.Contains(inc[1], `module "escape"`) || !strings.Contains(inc[1], "inside its package (registry.terraform.io/acme/cdn/aws@1.2.0)") ||
		!strings.Contains(inc[1], "@ registry.terraform.io/acme/cdn/aws@1.2.0/main.tf") {
		t.Errorf("incomplete entries:\n%s", strings.Join(inc, "\n"))
	}

	// Without a fetcher: not evaluated, and said so.
	cfg, err = LoadDir(context.Background(), mapFS(files), ".", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Buckets) != 0 || len(cfg.Unresolved) != 2 || cfg.Unresolved[0].Incomplete != model.IncompleteModule ||
		!strings.Contains(cfg.Unresolved[0].Why, "downloading is off") {
		t.Errorf("no fetcher: %d buckets, %+v", len(cfg.Buckets), cfg.Unresolved)
	}
}

// TestBadFiles: a file that is not text is one error, and a file with
// many errors reports at most maxErrorsPerFile of them.
func TestBadFiles(t *testing.T) {
	_, err := load(t, map[string]string{"main.tf": "\x7fELF\x02\x01\x01\x00\x00\x00" + strings.Repeat("\x00\xff", 1000)}, Options{})
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "main.tf: cannot read main.tf: not a text file (binary data at byte 7)") {
		t.Errorf("binary main.tf: %v", err)
	}
	_, err = load(t, map[string]string{"main.tf": strings.Repeat("}}} {{{ \"\n", 500)}, Options{})
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != maxErrorsPerFile+1 || !strings.Contains(errs[maxErrorsPerFile].Msg, "more errors in this file not shown") {
		t.Errorf("errors: %d: %v", len(errs), err)
	}
}

// TestRootCalledAsModule: a module that calls the root directory gets its
// own copy of the configuration (the root's syntax is released once
// evaluated).
func TestRootCalledAsModule(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "depth" {
  default = 0
}
resource "aws_s3_bucket" "b" { bucket = "b-${var.depth}" }
module "again" {
  count  = var.depth < 1 ? 1 : 0
  source = "./"
  depth  = var.depth + 1
}`,
	}
	cfg, err := LoadDir(context.Background(), mapFS(files), ".", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(bucketNames(cfg), " "); got != "aws_s3_bucket.b=b-0 module.again[0].aws_s3_bucket.b=b-1" {
		t.Errorf("buckets: %s", got)
	}
}

// TestLeftOutIsIncomplete: a delivery-path resource or a module left out
// because its count or for_each is unknown makes the check incomplete;
// other resources do not.
func TestLeftOutIsIncomplete(t *testing.T) {
	cfg := mustLoad(t, map[string]string{
		"main.tf": `
variable "sites" {}
resource "aws_cloudfront_distribution" "d" { for_each = var.sites }
resource "aws_s3_bucket" "b" { count = length(var.sites) }
resource "aws_route53_record" "r" { for_each = var.sites }
module "m" {
  source   = "./m"
  for_each = var.sites
}`,
		"m/main.tf": `resource "aws_s3_bucket" "x" {}`,
	}, Options{})
	got := map[string]string{}
	for _, u := range cfg.Unresolved {
		got[u.What] = u.Incomplete
	}
	want := map[string]string{
		"aws_cloudfront_distribution.d for_each": model.IncompleteResource,
		"aws_s3_bucket.b count":                  model.IncompleteResource,
		"aws_route53_record.r for_each":          "",
		"module.m for_each":                      model.IncompleteModule,
	}
	for what, kind := range want {
		if k, ok := got[what]; !ok || k != kind {
			t.Errorf("%s: incomplete %q (recorded %v), want %q", what, k, ok, kind)
		}
	}
}
