package terraform

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// TestFunctionContexts checks that expressions reach the pure functions
// (through the shared parent context), the loader's own file functions,
// and templates every function but templatefile and templatestring, and
// that expressions without references (sharing one context) still
// evaluate.
func TestFunctionContexts(t *testing.T) {
	tests := []struct {
		name   string
		bucket string // the bucket argument
		want   string // bucket name, or "" when unresolved
		why    string // substring of an unresolved note's What or Why when want is ""
	}{
		{"literal", `"lit"`, "lit", ""},
		{"pure function without references", `upper("up")`, "UP", ""},
		{"for expression without outside references", `join("", [for s in ["a", "b"] : upper(s)])`, "AB", ""},
		{"pure function of a local", `lower(local.n)`, "local", ""},
		{"file function", `trimspace(file("${path.module}/name.txt"))`, "from-file", ""},
		{"template calls pure and file functions", `templatefile("t.tpl", { v = local.n })`, "local-x-from-file", ""},
		{"templatestring", `templatestring(local.tpl, { v = "s" })`, "S", ""},
		{"template cannot call templatefile", `templatefile("nested.tpl", {})`, "", "templatefile"},
		{"unknown function", `rsadecrypt("x", "y")`, "", "function rsadecrypt()"},
		{"namespaced function", `provider::aws::arn_parse("x")`, "", "function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{
				"main.tf": "locals {\n  n = \"LOCAL\"\n  tpl = \"$${upper(v)}\"\n}\n" +
					"resource \"aws_s3_bucket\" \"x\" { bucket = " + tt.bucket + " }\n",
				"name.txt":   "from-file\n",
				"t.tpl":      "${lower(v)}-x-${trimspace(file(\"name.txt\"))}",
				"nested.tpl": "${templatefile(\"t.tpl\", {v = \"a\"})}",
			}
			cfg := mustLoad(t, files, Options{})
			got := strings.Join(bucketNames(cfg), ",")
			if tt.want != "" {
				if got != "aws_s3_bucket.x="+tt.want {
					t.Errorf("buckets %q, want %q (unresolved: %+v)", got, tt.want, cfg.Unresolved)
				}
				return
			}
			for _, u := range cfg.Unresolved {
				if strings.Contains(u.What+" "+u.Why, tt.why) {
					return
				}
			}
			t.Errorf("no unresolved note naming %q; buckets %q, unresolved %+v", tt.why, got, cfg.Unresolved)
		})
	}
}

// TestFunctionTables checks that the loader's own functions and the pure
// ones do not overlap (an own function would hide a pure one of the same
// name in the parent context) and that functions() is their union.
func TestFunctionTables(t *testing.T) {
	l := newLoader(context.Background(), fstest.MapFS{}, ".", Options{})
	pure := pureFuncs()
	own := l.ownFuncs()
	if len(own) != len(ownFuncNames) {
		t.Errorf("%d own functions, %d names", len(own), len(ownFuncNames))
	}
	for name := range own {
		if !ownFuncNames[name] {
			t.Errorf("%s is not in ownFuncNames", name)
		}
		if _, dup := pure[name]; dup {
			t.Errorf("%s is both a pure and a loader function", name)
		}
	}
	all := l.functions()
	if len(all) != len(pure)+len(own) {
		t.Errorf("functions(): %d, want %d pure + %d own", len(all), len(pure), len(own))
	}
	tmpl := l.templateFuncs()
	for _, name := range []string{"templatefile", "templatestring"} {
		if _, ok := tmpl[name]; ok {
			t.Errorf("templates may call %s", name)
		}
	}
	if _, ok := tmpl["file"]; !ok {
		t.Errorf("templates cannot call file")
	}
	if pureCtx() != pureCtx() {
		t.Errorf("pureCtx is not built once")
	}
}

// TestJSONEncodeAgrees checks jsonEncode against Terraform's jsonencode
// function on the shapes configurations hold.
func TestJSONEncodeAgrees(t *testing.T) {
	tests := []struct {
		name string
		v    cty.Value
	}{
		{"null", cty.NullVal(cty.DynamicPseudoType)},
		{"string with HTML and controls", cty.StringVal("<a href=\"x\">&</a>\n\t\u2028é")},
		{"numbers", cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.NumberFloatVal(1.5), cty.NumberIntVal(-20000000000)})},
		{"bool", cty.True},
		{"empty object", cty.EmptyObjectVal},
		{"policy", cty.ObjectVal(map[string]cty.Value{
			"Version": cty.StringVal("2012-10-17"),
			"Statement": cty.TupleVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{
				"Sid":       cty.StringVal("A"),
				"Effect":    cty.StringVal("Allow"),
				"Principal": cty.ObjectVal(map[string]cty.Value{"AWS": cty.StringVal("arn:aws:iam::123456789012:root")}),
				"Action":    cty.ListVal([]cty.Value{cty.StringVal("s3:GetObject"), cty.StringVal("s3:ListBucket")}),
				"Condition": cty.NullVal(cty.DynamicPseudoType),
				"Extra":     cty.NullVal(cty.String),
			})}),
		})},
		{"map and set", cty.ObjectVal(map[string]cty.Value{
			"m": cty.MapVal(map[string]cty.Value{"z": cty.StringVal("1"), "a": cty.StringVal("2")}),
			"s": cty.SetVal([]cty.Value{cty.StringVal("b"), cty.StringVal("a")}),
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, werr := stdlib.JSONEncode(tt.v)
			got, gerr := jsonEncode(tt.v)
			if (werr != nil) != (gerr != nil) {
				t.Fatalf("error %v, jsonencode gives %v", gerr, werr)
			}
			if werr == nil && !got.RawEquals(want) {
				t.Errorf("got %#v, jsonencode gives %#v", got, want)
			}
		})
	}
}

// TestSchemaTable checks that the schemas are built once and that the
// block names of a type are as before.
func TestSchemaTable(t *testing.T) {
	tests := []struct {
		mode   resMode
		typ    string
		blocks string // blockNames, comma-separated; "-" for no schema
	}{
		{managed, "aws_cloudfront_distribution", "custom_error_response,default_cache_behavior,logging_config,ordered_cache_behavior,origin,origin_group,restrictions,viewer_certificate"},
		{managed, "aws_s3_bucket_server_side_encryption_configuration", "rule"},
		{dataMode, "aws_iam_policy_document", "statement"},
		{managed, "aws_iam_policy_document", "-"},
		{dataMode, "aws_s3_bucket", "-"},
		{managed, "aws_instance", "-"},
	}
	for _, tt := range tests {
		s := schemaFor(tt.mode, tt.typ)
		got := "-"
		if s != nil {
			got = strings.Join(s.blockNames(), ",")
			if schemaFor(tt.mode, tt.typ) != s {
				t.Errorf("%s: schema built twice", tt.typ)
			}
		}
		if got != tt.blocks {
			t.Errorf("%d %s: %s, want %s", tt.mode, tt.typ, got, tt.blocks)
		}
	}
	if got := strings.Join(schemaFor(managed, "aws_cloudfront_distribution").child("default_cache_behavior").blockNames(), ","); got != "forwarded_values,function_association,grpc_config,lambda_function_association" {
		t.Errorf("cache behaviour blocks: %s", got)
	}
}

// TestValidIdent checks the fast path against HCL's scanner.
func TestValidIdent(t *testing.T) {
	for _, s := range []string{"", "a", "_", "site", "aws_s3_bucket", "my-bucket", "a1", "A_b-C9", "1a", "-a", "a.b", "a b", "a\n", "é", "aé", "a\x00",
		"true", "for", "null", "a--", "_1", "x-", "a/b", "ñame", "a\u00a0", "日本", "a$", "a\"", "${a}"} {
		if got, want := validIdent(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validIdent(%q) = %v, HCL says %v", s, got, want)
		}
	}
}

func FuzzValidIdent(f *testing.F) {
	for _, s := range []string{"a", "my-bucket", "1a", "é", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validIdent(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validIdent(%q) = %v, HCL says %v", s, got, want)
		}
	})
}

// TestOwnFunctionsWherever checks that the loader's own functions, which
// expressions see only once a module parsed may call them, are there
// wherever they are called from: a child module, a module argument, a
// JSON file, an override file, inside try or can.
func TestOwnFunctionsWherever(t *testing.T) {
	const bucket = `resource "aws_s3_bucket" "x" { bucket = local.name }` + "\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"root local", map[string]string{"main.tf": bucket + `locals { name = trimspace(file("n.txt")) }`}, "from-file"},
		{"inside can", map[string]string{"main.tf": bucket + `locals { name = can(file("n.txt")) ? "can" : "cannot" }`}, "can"},
		{"inside try", map[string]string{"main.tf": bucket + `locals { name = try(trimspace(file("n.txt")), "tried") }`}, "from-file"},
		{"child module only", map[string]string{
			"main.tf":     `module "m" { source = "./m" }` + "\n",
			"m/main.tf":   `resource "aws_s3_bucket" "x" { bucket = trimspace(file("${path.module}/n.txt")) }`,
			"m/n.txt":     "child-file\n",
			"m/other.txt": "",
		}, "child-file"},
		{"module argument", map[string]string{
			"main.tf":   `module "m" {` + "\n" + `  source = "./m"` + "\n" + `  name = trimspace(filebase64("n.txt"))` + "\n}\n",
			"m/main.tf": `variable "name" {}` + "\n" + `resource "aws_s3_bucket" "x" { bucket = var.name }`,
		}, "ZnJvbS1maWxlCg=="},
		{"JSON configuration", map[string]string{
			"main.tf":        bucket,
			"locals.tf.json": `{"locals": {"name": "${trimspace(file(\"n.txt\"))}"}}`,
		}, "from-file"},
		{"override file", map[string]string{
			"main.tf":     bucket + `locals { name = "plain" }`,
			"override.tf": `locals { name = trimspace(file("n.txt")) }`,
		}, "from-file"},
		{"template only", map[string]string{"main.tf": bucket + `locals { name = templatestring("$${x}", { x = "t" }) }`}, "t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"n.txt": "from-file\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			cfg := mustLoad(t, files, Options{})
			var names []string
			for _, b := range cfg.Buckets {
				names = append(names, b.Name.V)
			}
			if got := strings.Join(names, ","); got != tt.want {
				t.Errorf("bucket %q, want %q (unresolved: %+v)", got, tt.want, cfg.Unresolved)
			}
		})
	}
}

// TestReferenceAgrees checks that the references scope.reference
// evaluates without a context give what evaluating them in a context
// gives, and that it leaves the others to the context.
func TestReferenceAgrees(t *testing.T) {
	fsys := mapFS(map[string]string{"main.tf": `
variable "env" { default = "prod" }
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
variable "unset" {}
variable "obj" { default = { a = "x" } }
locals {
  prefix = "acme-${var.env}"
  list   = ["a", "b"]
  cyc1   = local.cyc2
  cyc2   = local.cyc1
}
data "aws_caller_identity" "current" {}
data "aws_acm_certificate" "c" { domain = "example.com" }
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
resource "aws_s3_bucket" "b" { bucket = "${local.prefix}-b" }
resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "c${count.index}"
}
resource "aws_s3_bucket" "each" {
  for_each = toset(["x"])
  bucket   = each.key
}
resource "aws_cloudfront_distribution" "d" {
  enabled = true
  origin {
    origin_id   = "o"
    domain_name = aws_s3_bucket.b.bucket_regional_domain_name
  }
}
resource "aws_instance" "i" { ami = "ami-1" }
`})
	newScope := func() (*loader, *scope) {
		l := newLoader(context.Background(), fsys, ".", Options{})
		root := l.rootModule(".")
		if root == nil {
			t.Fatal(l.errors())
		}
		var insts []*resInst
		var mods []*modInst
		l.walk(root, &insts, &mods)
		return l, &scope{mi: root}
	}
	l, sc := newScope()
	tests := []struct {
		expr     string
		shortcut bool // evaluated without a context
	}{
		{"var.env", true},
		{"var.secret", true},
		{"var.unset", true},
		{"var.obj", true},
		{"var.obj.a", false},
		{`var["env"]`, false},
		{"local.prefix", true},
		{"local.list", true},
		{"local.cyc1", true},
		{"aws_s3_bucket.b.bucket", true},
		{"aws_s3_bucket.b.arn", true},
		{"aws_s3_bucket.b.id", true},
		{"aws_s3_bucket.b.bucket_regional_domain_name", true},
		{"aws_s3_bucket.b", false},
		{"aws_s3_bucket.b.arn.x", false},
		{"aws_s3_bucket.counted.arn", false},
		{"aws_s3_bucket.counted[0].arn", false},
		{"aws_s3_bucket.each.arn", false},
		{"aws_cloudfront_distribution.d.origin", true},
		{"aws_cloudfront_distribution.d.arn", true},
		{"aws_cloudfront_distribution.d.enabled", true},
		{"aws_instance.i.ami", true},
		{"aws_instance.i.private_ip", false},
		{"data.aws_caller_identity.current.account_id", true},
		{"data.aws_iam_policy_document.p.json", true},
		{"data.aws_acm_certificate.c.arn", false},
		{"data.aws_caller_identity.current", false},
		{"count.index", false},
		{"path.module", false},
	}
	for _, tt := range tests {
		expr, diags := hclsyntax.ParseExpression([]byte(tt.expr), "test.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", tt.expr, diags.Error())
		}
		st, isRef := expr.(*hclsyntax.ScopeTraversalExpr)
		if !isRef {
			t.Fatalf("%s is not a reference", tt.expr)
		}
		nErrs, nUnres := len(l.errs), len(l.unres)
		want := sc.evalInContext(expr)
		wErrs, wUnres := len(l.errs)-nErrs, len(l.unres)-nUnres
		got, ok := sc.reference(st.Traversal)
		if ok != tt.shortcut {
			t.Errorf("%s: without a context %v, want %v", tt.expr, ok, tt.shortcut)
		}
		if ok && !got.RawEquals(want) {
			t.Errorf("%s: %#v without a context, %#v in one", tt.expr, got, want)
		}
		if len(l.errs) != nErrs+wErrs || len(l.unres) != nUnres+wUnres {
			t.Errorf("%s: the shortcut added messages", tt.expr)
		}
		if got := sc.eval(expr); !got.RawEquals(want) {
			t.Errorf("%s: eval gives %#v, in a context %#v", tt.expr, got, want)
		}
	}
	// Templates of literals and such references are joined without a
	// context; any other part leaves them to one.
	for _, src := range []string{
		`"${local.prefix}-site"`, `"${aws_s3_bucket.b.arn}/*"`, `"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"`,
		`"${var.env}${var.env}"`, `"${var.secret}-x"`, `"${var.unset}-x"`, `"${var.obj}-x"`, `"${local.list}-x"`, `"${local.cyc1}-x"`,
		`"${aws_s3_bucket.counted[0].arn}-x"`, `"${aws_instance.i.private_ip}-x"`, `"${upper(var.env)}-x"`, `"${count.index}-x"`,
		`"a-${var.env}-%{ if true }b%{ endif }"`, "<<EOT\n${var.env}\nEOT\n", `"${aws_cloudfront_distribution.d.enabled}-x"`,
	} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "test.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags.Error())
		}
		l1, sc1 := newScope()
		want := sc1.evalInContext(expr)
		l2, sc2 := newScope()
		got := sc2.eval(expr)
		if !got.RawEquals(want) {
			t.Errorf("%s: eval gives %#v, in a context %#v", src, got, want)
		}
		if fmt.Sprint(l1.errs, l1.unres) != fmt.Sprint(l2.errs, l2.unres) {
			t.Errorf("%s: eval gave other messages than evaluation in a context:\n%v %v\n%v %v", src, l2.errs, l2.unres, l1.errs, l1.unres)
		}
	}
	// A dynamic block's iterator hides a variable of the same name.
	it := sc.withIter("var", cty.ObjectVal(map[string]cty.Value{"env": cty.StringVal("iter")}))
	expr, _ := hclsyntax.ParseExpression([]byte("var.env"), "test.tf", hcl.InitialPos)
	if got := it.eval(expr); !got.RawEquals(cty.StringVal("iter")) {
		t.Errorf("iterator var: %#v", got)
	}
}

// TestLiteralAgrees checks that literals and quoted strings without
// interpolation, which scope.eval returns without evaluating, have the
// value evaluation gives.
func TestLiteralAgrees(t *testing.T) {
	l := newLoader(context.Background(), fstest.MapFS{}, ".", Options{})
	mi := l.newModInst(&modCfg{variables: map[string]*varCfg{}, locals: map[string]*hcl.Attribute{}}, "", nil, nil, instKey{}, cty0)
	sc := &scope{mi: mi}
	for _, src := range []string{
		`"index.html"`, `""`, `"caf\u00e9"`, "\"cafe\u0301\"", `"a\nb\t\"q\""`, `"$${not} %%{not}"`, `"日本語"`,
		`true`, `false`, `null`, `0`, `-1`, `1.5e3`, `12345678901234567890`,
		"<<EOT\nheredoc\nEOT\n", "<<-EOT\n    indented\n  EOT\n", `"%{ if true }x%{ endif }"`, `"${"nested"}"`,
	} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "test.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags.Error())
		}
		if got, want := sc.eval(expr), sc.evalInContext(expr); !got.RawEquals(want) {
			t.Errorf("%s: %#v, evaluation gives %#v", src, got, want)
		}
	}
}
