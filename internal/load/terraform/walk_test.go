package terraform

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// visited lists the nodes a walk passes, as type and range, sorted (the
// order of a body's attributes is unspecified).
func visited(walk func(hclsyntax.Node, func(hclsyntax.Node)), n hclsyntax.Node) []string {
	var out []string
	walk(n, func(x hclsyntax.Node) {
		switch x.(type) {
		case hclsyntax.Attributes, hclsyntax.Blocks, hclsyntax.ChildScope:
			return
		}
		out = append(out, fmt.Sprintf("%T %s", x, x.Range()))
	})
	sort.Strings(out)
	return out
}

func visitAll(n hclsyntax.Node, f func(hclsyntax.Node)) {
	hclsyntax.VisitAll(n, func(x hclsyntax.Node) hcl.Diagnostics { f(x); return nil })
}

// TestWalkSyntaxAgrees checks that walkSyntax visits the nodes
// hclsyntax.VisitAll visits, on every construct of the language and on
// every Terraform file of the repository's test data.
func TestWalkSyntaxAgrees(t *testing.T) {
	srcs := map[string]string{
		"constructs.tf": `
locals {
  a = [for k, v in var.m : upper(v) if k != "x"]
  b = { for k, v in var.m : k => v... }
  c = var.list[*].name
  d = aws_s3_bucket.x[0].arn
  e = (1 + 2) * -3 > 4 ? "${var.x}-%{ for s in var.l }${s}%{ endfor }" : null
  f = { bare = 1, "quoted" = 2, (var.k) = 3, null = 4, true = 5 }
  g = <<-EOT
    heredoc ${local.a[0]} %{ if var.b }yes%{ else }no%{ endif }
  EOT
  h = try(var.missing.attr, tolist(data.aws_subnets.x.ids))
  i = !var.flag && (var.n % 2 == 0 || var.s == "a")
  j = var.obj.list[0].deep["key"]
  k = [for x in var.l : x.a[*].b]
  l = provider::aws::arn_parse("arn:aws:s3:::b")
  m = var.f(1)...
  n = [for k, v in { for x in var.l : x => [for y in x : y if y != k] } : "${k}${v[0]}${local.z}" if v != local.a]
  o = { for i, v in var.l : v => i }
  p = var.l[*].x[0]
  q = [for v in var.l : v][0].k
  r = "%{ for i, x in var.l }${i}${x}${var.sep}%{ endfor }"
}
resource "aws_s3_bucket" "x" {
  count  = length(var.l)
  bucket = "b-${count.index}"
  dynamic "lifecycle_rule" {
    for_each = var.rules
    content {
      id = lifecycle_rule.value.id
    }
  }
}
`,
	}
	root := filepath.Join("..", "..", "..")
	_ = filepath.WalkDir(filepath.Join(root, "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			if data, err := os.ReadFile(p); err == nil {
				srcs[p] = string(data)
			}
		}
		return nil
	})
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tpl")) {
			if data, err := os.ReadFile(p); err == nil {
				srcs[p] = string(data)
			}
		}
		return nil
	})
	if len(srcs) < 50 {
		t.Fatalf("only %d files to compare", len(srcs))
	}
	for name, src := range srcs {
		var n hclsyntax.Node
		if strings.HasSuffix(name, ".tpl") {
			e, diags := hclsyntax.ParseTemplate([]byte(src), name, hcl.InitialPos)
			if diags.HasErrors() {
				continue
			}
			n = e
		} else {
			f, _ := hclsyntax.ParseConfig([]byte(src), name, hcl.InitialPos)
			if f == nil {
				continue
			}
			n = f.Body.(*hclsyntax.Body)
		}
		got, want := visited(walkSyntax, n), visited(visitAll, n)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: walkSyntax visits %d nodes, VisitAll %d", name, len(got), len(want))
		}
		// Every expression's references, in order.
		exprs := 0
		walkSyntax(n, func(x hclsyntax.Node) {
			e, ok := x.(hclsyntax.Expression)
			if !ok {
				return
			}
			exprs++
			if got, want := traversals(exprVariables(e)), traversals(e.Variables()); got != want {
				t.Errorf("%s: %s: exprVariables\n%s\nVariables\n%s", name, e.Range(), got, want)
			}
		})
		if exprs == 0 && !strings.HasSuffix(name, ".tpl") {
			t.Errorf("%s: no expressions", name)
		}
	}
}

func traversals(trs []hcl.Traversal) string {
	var b strings.Builder
	for _, tr := range trs {
		fmt.Fprintf(&b, "%s %d %p\n", tr.SourceRange(), len(tr), &tr[0])
	}
	return b.String()
}
