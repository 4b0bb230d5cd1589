package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func load(t *testing.T, files map[string]string, opts Options) (*model.Config, error) {
	t.Helper()
	return LoadDir(context.Background(), mapFS(files), ".", opts)
}

func mustLoad(t *testing.T, files map[string]string, opts Options) *model.Config {
	t.Helper()
	cfg, err := load(t, files, opts)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	return cfg
}

func bucketNames(cfg *model.Config) []string {
	var out []string
	for _, b := range cfg.Buckets {
		out = append(out, b.Ref+"="+ident.Render(b.Name.V))
	}
	return out
}

// TestEvaluation checks evaluation features through the bucket names they
// produce.
func TestEvaluation(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string // Ref=name of every bucket, sorted by Ref
	}{
		{"literal", map[string]string{"main.tf": `resource "aws_s3_bucket" "a" { bucket = "x" }`}, Options{}, []string{"aws_s3_bucket.a=x"}},
		{"variable default and local", map[string]string{"main.tf": `
variable "env" { default = "prod" }
locals { name = "${var.env}-site" }
resource "aws_s3_bucket" "a" { bucket = local.name }`}, Options{}, []string{"aws_s3_bucket.a=prod-site"}},
		{"tfvars then auto.tfvars then var-file then var", map[string]string{
			"main.tf":          `variable "a" {}` + "\n" + `variable "b" {}` + "\n" + `variable "c" {}` + "\n" + `variable "d" {}` + "\n" + `resource "aws_s3_bucket" "x" { bucket = "${var.a}-${var.b}-${var.c}-${var.d}" }`,
			"terraform.tfvars": "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
			"x.auto.tfvars":    "b = \"auto\"\nc = \"auto\"\nd = \"auto\"\n",
		}, Options{
			VarFiles: []string{"extra.tfvars"},
			Vars:     []string{"d=cli"},
			ReadFile: func(string) ([]byte, error) { return []byte("c = \"file\"\nd = \"file\"\n"), nil },
			Env:      []string{"TF_VAR_a=env", "PATH=/bin"},
		}, []string{"aws_s3_bucket.x=tfvars-auto-file-cli"}},
		{"TF_VAR only", map[string]string{"main.tf": `variable "n" { type = string }` + "\n" + `resource "aws_s3_bucket" "x" { bucket = var.n }`},
			Options{Env: []string{"TF_VAR_n=from-env"}}, []string{"aws_s3_bucket.x=from-env"}},
		{"complex --var parsed as HCL", map[string]string{"main.tf": `variable "names" { type = list(string) }` + "\n" + `resource "aws_s3_bucket" "x" { bucket = join("+", var.names) }`},
			Options{Vars: []string{`names=["a","b"]`}}, []string{"aws_s3_bucket.x=a+b"}},
		{"unset variable is a symbol", map[string]string{"main.tf": `variable "n" {}` + "\n" + `resource "aws_s3_bucket" "x" { bucket = "${var.n}-logs" }`},
			Options{}, []string{"aws_s3_bucket.x=${var.n}-logs"}},
		{"count", map[string]string{"main.tf": `resource "aws_s3_bucket" "x" {
  count  = 2
  bucket = "b-${count.index}"
}`}, Options{}, []string{"aws_s3_bucket.x[0]=b-0", "aws_s3_bucket.x[1]=b-1"}},
		{"for_each set and map", map[string]string{"main.tf": `
resource "aws_s3_bucket" "s" {
  for_each = toset(["a", "b"])
  bucket   = "set-${each.key}"
}
resource "aws_s3_bucket" "m" {
  for_each = { one = "1" }
  bucket   = "map-${each.key}-${each.value}"
}`}, Options{}, []string{`aws_s3_bucket.m["one"]=map-one-1`, `aws_s3_bucket.s["a"]=set-a`, `aws_s3_bucket.s["b"]=set-b`}},
		{"references between instances", map[string]string{"main.tf": `
resource "aws_s3_bucket" "a" {
  count  = 2
  bucket = "a${count.index}"
}
resource "aws_s3_bucket" "b" { bucket = "${aws_s3_bucket.a[1].id}-copy" }
resource "aws_s3_bucket" "c" { bucket = join(",", aws_s3_bucket.a[*].bucket) }
resource "aws_s3_bucket" "d" { bucket = join(",", [for b in aws_s3_bucket.a : b.arn]) }`}, Options{},
			[]string{"aws_s3_bucket.a[0]=a0", "aws_s3_bucket.a[1]=a1", "aws_s3_bucket.b=a1-copy", "aws_s3_bucket.c=a0,a1", "aws_s3_bucket.d=arn:aws:s3:::a0,arn:aws:s3:::a1"}},
		{"functions", map[string]string{"main.tf": `
locals {
  m = merge({ a = "1" }, { b = "2" })
  parts = [format("%s-%03d", "f", 7), lookup(local.m, "b", "z"), try(local.m.c, "tried"), coalesce("", "co"),
    element(["e0", "e1"], 3), upper("u"), replace("a.b.c", "/[.]/", "_"), tostring(length(flatten([[1], [2, 3]]))),
    trimprefix("pre-x", "pre-"), substr("abcdef", 1, 2), can(regex("^a", "abc")) ? "can" : "cannot", join("", distinct(["d", "d"])),
    startswith("abc", "ab") ? "sw" : "no", jsondecode("{\"k\":\"json\"}").k, split(",", "s1,s2")[1], title("t"), lower("L")]
}
resource "aws_s3_bucket" "x" { bucket = join(".", local.parts) }`}, Options{},
			[]string{"aws_s3_bucket.x=f-007.2.tried.co.e1.U.a_b_c.3.x.bc.can.d.sw.json.s2.T.l"}},
		{"file and templatefile", map[string]string{
			"main.tf":  `resource "aws_s3_bucket" "x" { bucket = "${trimspace(file("name.txt"))}-${templatefile("${path.module}/t.tpl", { v = "tv" })}" }`,
			"name.txt": "from-file\n",
			"t.tpl":    "tpl-${v}",
		}, Options{}, []string{"aws_s3_bucket.x=from-file-tpl-tv"}},
		{"module with count and nested module", map[string]string{
			"main.tf": `
module "site" {
  source = "./modules/site"
  count  = 2
  name   = "s${count.index}"
}
resource "aws_s3_bucket" "out" { bucket = "${module.site[1].bucket}-out" }`,
			"modules/site/main.tf": `
variable "name" {}
module "inner" {
  source = "../inner"
  prefix = var.name
}
output "bucket" { value = module.inner.bucket }`,
			"modules/inner/main.tf": `
variable "prefix" {}
resource "aws_s3_bucket" "b" { bucket = "${var.prefix}-inner" }
output "bucket" { value = aws_s3_bucket.b.bucket }`,
		}, Options{}, []string{"aws_s3_bucket.out=s1-inner-out", "module.site[0].module.inner.aws_s3_bucket.b=s0-inner", "module.site[1].module.inner.aws_s3_bucket.b=s1-inner"}},
		{"module for_each with object variable and optional default", map[string]string{
			"main.tf": `
module "app" {
  source   = "./m"
  for_each = { web = { tier = "front" }, api = {} }
  cfg      = each.value
  name     = each.key
}`,
			"m/main.tf": `
variable "name" { type = string }
variable "cfg" {
  type = object({ tier = optional(string, "back") })
}
resource "aws_s3_bucket" "b" { bucket = "${var.name}-${var.cfg.tier}" }`,
		}, Options{}, []string{`module.app["api"].aws_s3_bucket.b=api-back`, `module.app["web"].aws_s3_bucket.b=web-front`}},
		{"installed remote module", map[string]string{
			"main.tf": `module "cdn" {
  source  = "acme/cdn/aws"
  version = "1.0.0"
  name    = "remote"
}`,
			".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"cdn","Source":"registry.terraform.io/acme/cdn/aws","Version":"1.0.0","Dir":".terraform/modules/cdn"}]}`,
			".terraform/modules/cdn/main.tf":  `variable "name" {}` + "\n" + `resource "aws_s3_bucket" "b" { bucket = "${var.name}-bucket" }`,
		}, Options{}, []string{"module.cdn.aws_s3_bucket.b=remote-bucket"}},
		{"tf.json and tofu files", map[string]string{
			"main.tf.json": `{"resource": {"aws_s3_bucket": {"j": {"bucket": "json-${var.v}"}}}, "variable": {"v": {"default": "x"}}}`,
			"b.tofu":       `resource "aws_s3_bucket" "t" { bucket = "tofu" }`,
		}, Options{}, []string{"aws_s3_bucket.j=json-x", "aws_s3_bucket.t=tofu"}},
		{"tofu file hides tf file of the same name", map[string]string{
			"a.tf":   `resource "aws_s3_bucket" "x" { bucket = "from-tf" }`,
			"a.tofu": `resource "aws_s3_bucket" "x" { bucket = "from-tofu" }`,
		}, Options{}, []string{"aws_s3_bucket.x=from-tofu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, tt.files, tt.opts)
			got := bucketNames(cfg)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("buckets:\n%s\nwant:\n%s\nunresolved: %+v", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), cfg.Unresolved)
			}
		})
	}
}

// TestUnresolved checks what cannot be known offline is named.
func TestUnresolved(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		what  string // substring of an Unresolved.What
		why   string // substring of its Why
	}{
		{"unset variable", map[string]string{"main.tf": `variable "role_arn" {}`}, `variable "role_arn"`, "--var role_arn="},
		{"remote module not installed", map[string]string{"main.tf": `module "cdn" {
  source = "git::https://example.com/cdn.git"
}`}, `module "cdn"`, "terraform init"},
		{"unknown function", map[string]string{"main.tf": `resource "aws_s3_bucket" "x" { bucket = rsadecrypt("x", "y") }`}, "function rsadecrypt()", "does not evaluate"},
		{"for_each on unknown", map[string]string{"main.tf": `
variable "names" { type = set(string) }
resource "aws_s3_bucket" "x" {
  for_each = var.names
  bucket   = each.key
}`}, "aws_s3_bucket.x for_each", "left out"},
		{"data source not read from the files", map[string]string{"main.tf": `
data "aws_acm_certificate" "c" { domain = "example.com" }
resource "aws_s3_bucket" "x" { bucket = data.aws_acm_certificate.c.arn }`}, "data.aws_acm_certificate.c", "read by Terraform at plan time, not from the files"},
		{"module directory missing", map[string]string{"main.tf": `module "m" { source = "./nowhere" }`}, `module "m"`, "no Terraform files"},
		{"managed policy name AWS does not know", map[string]string{"main.tf": `
data "aws_cloudfront_cache_policy" "c" { name = "Managed-UseOriginCacheControlHeaders" }`}, "data.aws_cloudfront_cache_policy.c", `AWS names it "UseOriginCacheControlHeaders"`},
		{"bucket of a split resource not declared", map[string]string{"main.tf": `
resource "aws_s3_bucket_policy" "p" {
  bucket = "elsewhere"
  policy = "{}"
}`}, "aws_s3_bucket_policy.p", "not declared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, tt.files, Options{})
			for _, u := range cfg.Unresolved {
				if strings.Contains(u.What, tt.what) && strings.Contains(u.Why, tt.why) {
					if u.Src.Pos.IsZero() || u.Src.Line == 0 {
						t.Errorf("unresolved %q has no position", u.What)
					}
					return
				}
			}
			t.Errorf("no unresolved %q (%q) in %+v", tt.what, tt.why, cfg.Unresolved)
		})
	}
}

// TestErrors checks that bad input gives positioned errors.
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		pos   string // file:line of the first error
		msg   string
	}{
		{"syntax error", map[string]string{"main.tf": "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n"}, "main.tf:2", ""},
		{"cycle between locals", map[string]string{"main.tf": "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_s3_bucket\" \"x\" { bucket = local.a }\n"}, "main.tf:", "reference cycle"},
		{"undeclared resource", map[string]string{"main.tf": "resource \"aws_s3_bucket\" \"x\" {\n  bucket = aws_s3_bucket.nope.id\n}\n"}, "main.tf:2", "undeclared resource aws_s3_bucket.nope"},
		{"undeclared variable", map[string]string{"main.tf": "resource \"aws_s3_bucket\" \"x\" {\n  bucket = var.nope\n}\n"}, "main.tf:2", "undeclared input variable"},
		{"duplicate resource", map[string]string{"main.tf": "resource \"aws_s3_bucket\" \"x\" {}\nresource \"aws_s3_bucket\" \"x\" {}\n"}, "main.tf:2", "duplicate resource"},
		{"invalid variable value", map[string]string{"main.tf": "variable \"n\" { type = number }\n", "terraform.tfvars": "n = \"abc\"\n"}, "terraform.tfvars:1", "invalid value for variable"},
		{"no files", map[string]string{"README.md": "x"}, ".", "no Terraform files"},
		{"module output missing", map[string]string{
			"main.tf":   "module \"m\" { source = \"./m\" }\nresource \"aws_s3_bucket\" \"x\" {\n  bucket = module.m.nope\n}\n",
			"m/main.tf": "output \"yes\" { value = 1 }\n",
		}, "main.tf:3", "has no output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.files, Options{})
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("want Errors, got %v", err)
			}
			first := errs[0]
			if !strings.HasPrefix(first.Pos.String(), tt.pos) {
				t.Errorf("position %s, want %s...; error: %v", first.Pos, tt.pos, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Errorf("errors.As(*source.Error) failed")
			}
		})
	}
}

func TestProvidersDecideRegionAndAccount(t *testing.T) {
	cfg := mustLoad(t, map[string]string{
		"main.tf": `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
}
provider "aws" {
  alias  = "use1"
  region = "us-east-1"
  assume_role { role_arn = "arn:aws:iam::222222222222:role/deploy" }
}
provider "aws" {
  alias  = "other"
  region = "ap-southeast-2"
}
resource "aws_kms_key" "k" { provider = aws.use1 }
resource "aws_s3_bucket" "b" { bucket = "b" }
module "m" {
  source    = "./m"
  providers = { aws = aws.other }
}
module "inherit" { source = "./m" }`,
		"m/main.tf": `data "aws_caller_identity" "me" {}
resource "aws_s3_bucket" "mb" { bucket = "mb-${data.aws_caller_identity.me.account_id}" }`,
	}, Options{})
	type ra struct{ region, account string }
	got := map[string]ra{}
	for _, b := range cfg.Buckets {
		got[b.Ref] = ra{ident.Render(b.Region.V), ident.Render(b.Account.V)}
	}
	for _, k := range cfg.Keys {
		got[k.Ref] = ra{ident.Render(k.Region.V), ident.Render(k.Account.V)}
	}
	want := map[string]ra{
		"aws_s3_bucket.b":                 {"eu-west-1", "111111111111"},
		"aws_kms_key.k":                   {"us-east-1", "222222222222"},
		"module.m.aws_s3_bucket.mb":       {"ap-southeast-2", "${account of provider.aws.other}"},
		"module.inherit.aws_s3_bucket.mb": {"eu-west-1", "111111111111"},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	for _, b := range cfg.Buckets {
		if b.Ref == "module.m.aws_s3_bucket.mb" && ident.Render(b.Name.V) != "mb-${account of provider.aws.other}" {
			t.Errorf("caller identity under the passed provider: %s", ident.Render(b.Name.V))
		}
	}
}

func TestDynamicBlocks(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.tf": `
locals {
  origins = {
    a = "a.s3.us-east-1.amazonaws.com"
    b = "b.s3.us-east-1.amazonaws.com"
  }
}
resource "aws_cloudfront_distribution" "d" {
  enabled = true
  dynamic "origin" {
    for_each = local.origins
    iterator = o
    content {
      origin_id   = o.key
      domain_name = o.value
    }
  }
  default_cache_behavior {
    target_origin_id       = "a"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    dynamic "function_association" {
      for_each = ["viewer-request"]
      content {
        event_type   = function_association.value
        function_arn = "arn:aws:cloudfront::111111111111:function/f"
      }
    }
  }
}`}, Options{})
	d := cfg.Distributions[0]
	if len(d.Origins) != 2 || d.Origins[0].ID.V != "a" || d.Origins[1].DomainName.V != "b.s3.us-east-1.amazonaws.com" {
		t.Fatalf("origins: %+v", d.Origins)
	}
	if len(d.DefaultBehavior.EdgeFunctions) != 1 || d.DefaultBehavior.EdgeFunctions[0].EventType.V != "viewer-request" {
		t.Errorf("edge functions: %+v", d.DefaultBehavior.EdgeFunctions)
	}
}

func TestSuppressions(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.tf": `
# s3front:ignore:oai-legacy migrating in Q3
// s3front:ignore:viewer-http-allowed:exp:2026-12-31 legacy clients
# an ordinary comment
resource "aws_s3_bucket" "a" {
  count  = 2
  bucket = "a${count.index}"
}

# s3front:ignore:BAD_ID not a valid rule id
# s3front:ignore:bucket-not-kms:exp:2026-13-01 invalid date
resource "aws_s3_bucket" "b" { bucket = "b" }

# s3front:ignore:oai-sse-kms

resource "aws_s3_bucket" "c" { bucket = "c" }

# s3front:ignore:bpa-incomplete shared module
module "m" { source = "./m" }
`, "m/main.tf": `resource "aws_s3_bucket" "x" { bucket = "x" }`}, Options{})
	var got []string
	for _, s := range cfg.Suppressions {
		line := s.Resource + " " + s.Rule + " " + s.Expires + " " + s.Reason + " @" + s.Src.Pos.String()
		if s.Invalid != "" {
			line += " invalid: " + s.Invalid
		}
		got = append(got, line)
	}
	want := []string{
		"aws_s3_bucket.a[0] oai-legacy  migrating in Q3 @main.tf:2:1",
		"aws_s3_bucket.a[0] viewer-http-allowed 2026-12-31 legacy clients @main.tf:3:1",
		"aws_s3_bucket.a[1] oai-legacy  migrating in Q3 @main.tf:2:1",
		"aws_s3_bucket.a[1] viewer-http-allowed 2026-12-31 legacy clients @main.tf:3:1",
		`aws_s3_bucket.b BAD_ID   @main.tf:10:1 invalid: "BAD_ID" is not a rule ID (lower-case words joined by hyphens, then :exp:YYYY-MM-DD and the reason after a space)`,
		`aws_s3_bucket.b bucket-not-kms   @main.tf:11:1 invalid: the expiry date "2026-13-01" is not a date (YYYY-MM-DD)`,
		"module.m bpa-incomplete  shared module @main.tf:18:1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("suppressions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseSuppression(t *testing.T) {
	tests := []struct {
		line         string
		ok           bool
		rule, exp, r string
		invalid      bool // looks like a suppression but is not one: warned about, silences nothing
	}{
		{"# s3front:ignore:oai-legacy reason here", true, "oai-legacy", "", "reason here", false},
		{"  // s3front:ignore:a-b-1:exp:2030-01-31", true, "a-b-1", "2030-01-31", "", false},
		{"#s3front:ignore:x\treason", true, "x", "", "reason", false},
		{"# s3front:ignore:", true, "", "", "", true},
		{"# s3front:ignore:Upper", true, "Upper", "", "", true},
		{"# s3front:ignore:x:exp:2030-02-30", true, "x", "", "", true},
		{"# s3front:ignore:x:exp:", true, "x", "", "", true},
		{"# s3front:ignorex", false, "", "", "", false},
		{"resource x", false, "", "", "", false},
	}
	for _, tt := range tests {
		s, _, ok := parseSuppression(tt.line)
		if ok != tt.ok || s.rule != tt.rule || s.expires != tt.exp || s.reason != tt.r || (s.invalid != "") != tt.invalid {
			t.Errorf("%q: got %+v %v", tt.line, s, ok)
		}
	}
}

func TestConfigAddr(t *testing.T) {
	for in, want := range map[string]string{
		`module.a["x.y]"].aws_s3_bucket.b[0]`: "module.a.aws_s3_bucket.b",
		"aws_s3_bucket.b":                     "aws_s3_bucket.b",
		`module.a[1].module.b["k"].data.x.y`:  "module.a.module.b.data.x.y",
	} {
		if got := configAddr(in); got != want {
			t.Errorf("configAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestRelDir(t *testing.T) {
	for _, tt := range [][3]string{{".", "modules/x", "modules/x"}, {"infra", "infra", "."}, {"infra/prod", "infra/prod/m", "m"}, {"infra/prod", "infra/modules/x", "../modules/x"}} {
		if got := relDir(tt[0], tt[1]); got != tt[2] {
			t.Errorf("relDir(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

// TestVarFileFromDisk reads a --var-file with the default reader.
func TestVarFileFromDisk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "prod.tfvars")
	if err := os.WriteFile(p, []byte(`n = "disk"`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, map[string]string{"main.tf": `variable "n" {}` + "\n" + `resource "aws_s3_bucket" "x" { bucket = var.n }`}, Options{VarFiles: []string{p}})
	if got := bucketNames(cfg); len(got) != 1 || got[0] != "aws_s3_bucket.x=disk" {
		t.Errorf("got %v", got)
	}
	if !contains(cfg.Files, p) {
		t.Errorf("files %v lack %s", cfg.Files, p)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestUntypedUnsetVariable: an unset variable without a type used as a
// string is a string symbol; used as a collection it is unknown, never a
// wrong guess.
func TestUntypedUnsetVariable(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.tf": `
variable "names" {}
variable "name" {}
resource "aws_s3_bucket" "c" {
  count  = length(var.names)
  bucket = "c${count.index}"
}
resource "aws_s3_bucket" "f" {
  for_each = var.names
  bucket   = each.key
}
resource "aws_s3_bucket" "named" { bucket = var.name }`}, Options{})
	if got := bucketNames(cfg); len(got) != 1 || got[0] != "aws_s3_bucket.named=${var.name}" {
		t.Errorf("buckets %v", got)
	}
	var whats []string
	for _, u := range cfg.Unresolved {
		whats = append(whats, u.What)
	}
	for _, w := range []string{`variable "names"`, "aws_s3_bucket.c count", "aws_s3_bucket.f for_each"} {
		if !contains(whats, w) {
			t.Errorf("no unresolved %q in %v", w, whats)
		}
	}
}

// TestOverrideFiles: override files merge into the other files' blocks as
// Terraform merges them.
func TestOverrideFiles(t *testing.T) {
	cfg := mustLoad(t, map[string]string{
		"main.tf": `
locals {
  env  = "dev"
  name = "site"
}
variable "suffix" {
  type    = string
  default = "a"
}
resource "aws_s3_bucket" "b" {
  bucket = "${local.name}-${local.env}-${var.suffix}"
  tags   = { keep = "yes" }
}
resource "aws_cloudfront_distribution" "d" {
  enabled = true
  origin {
    origin_id   = "one"
    domain_name = "one.s3.eu-west-1.amazonaws.com"
  }
  dynamic "origin" {
    for_each = ["two", "three"]
    content {
      origin_id   = origin.value
      domain_name = "${origin.value}.s3.eu-west-1.amazonaws.com"
    }
  }
  default_cache_behavior {
    target_origin_id = "one"
  }
}`,
		"a_override.tf": `
locals {
  env = "prod"
}
variable "suffix" {
  default = "b"
}`,
		"override.tf": `
resource "aws_s3_bucket" "b" {
  bucket = "${local.name}-${local.env}-${var.suffix}-x"
}
resource "aws_cloudfront_distribution" "d" {
  origin {
    origin_id   = "only"
    domain_name = "only.s3.eu-west-1.amazonaws.com"
  }
}`,
	}, Options{})
	if got := bucketNames(cfg); len(got) != 1 || got[0] != "aws_s3_bucket.b=site-prod-b-x" {
		t.Errorf("buckets %v", got)
	}
	if len(cfg.Distributions) != 1 {
		t.Fatalf("distributions: %d", len(cfg.Distributions))
	}
	d := cfg.Distributions[0]
	var ids []string
	for _, o := range d.Origins {
		ids = append(ids, o.ID.V)
	}
	if len(ids) != 1 || ids[0] != "only" {
		t.Errorf("origins after the override: %v (the override's origin replaces every origin, dynamic ones too)", ids)
	}
	if d.DefaultBehavior == nil || d.DefaultBehavior.TargetOrigin.V != "one" {
		t.Errorf("default behavior not kept from the original")
	}
	for _, u := range cfg.Unresolved {
		if strings.Contains(u.What, "override") {
			t.Errorf("unresolved %+v", u)
		}
	}

	_, err := load(t, map[string]string{
		"main.tf":     `resource "aws_s3_bucket" "b" { bucket = "x" }`,
		"override.tf": `resource "aws_s3_bucket" "c" { bucket = "y" }`,
	}, Options{})
	if err == nil || !strings.Contains(err.Error(), "override.tf:1:1: missing base resource aws_s3_bucket.c to override") {
		t.Errorf("override without an original: %v", err)
	}
}

// TestYAMLDecodeBounded: a document whose aliases expand exponentially
// ("billion laughs") is refused, not expanded.
func TestYAMLDecodeBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	if _, err := yamlDecode(b.String()); err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Errorf("got %v", err)
	}
	if v, err := yamlDecode("a: &x [1, 2]\nb: *x\n"); err != nil || v.GetAttr("b").LengthInt() != 2 {
		t.Errorf("aliases: %v %v", v, err)
	}
}

// TestCollectionFunctionOfUnknownAttribute: an attribute of a data source
// s3front does not read, passed to a function that takes a collection, is
// an unknown collection: no function error, only the data source named.
func TestCollectionFunctionOfUnknownAttribute(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.tf": `
data "aws_subnets" "private" {}
variable "subnets" {}
locals {
  first = slice(tolist(data.aws_subnets.private.ids), 0, 1)
  n     = length(var.subnets)
}
resource "aws_s3_bucket" "x" {
  bucket = "b-${length(local.first)}-${local.n}"
}`}, Options{})
	named := false
	for _, u := range cfg.Unresolved {
		if strings.Contains(u.Why, "invalid function argument") || strings.Contains(u.Why, "cannot convert") {
			t.Errorf("function error for an unknown collection: %s: %s", u.What, u.Why)
		}
		if strings.Contains(u.What, "data.aws_subnets.private") {
			named = true
		}
	}
	if !named {
		t.Errorf("the data source is not named: %+v", cfg.Unresolved)
	}
}
