package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// walkSyntax calls f for n and every node below it, depth first, like
// hclsyntax.VisitAll without its closure and diagnostics per node (a
// tenth of the loader's time beyond parsing went there). The containers
// VisitAll also passes (hclsyntax.Attributes, hclsyntax.Blocks, the
// ChildScope of a for expression) are not passed: they are no syntax of
// their own. The order of a body's attributes is unspecified, as in
// VisitAll. Nodes of a type it does not know are walked by VisitAll.
func walkSyntax(n hclsyntax.Node, f func(hclsyntax.Node)) {
	if n == nil {
		return
	}
	f(n)
	switch e := n.(type) {
	case *hclsyntax.Body:
		for _, a := range e.Attributes {
			walkSyntax(a, f)
		}
		for _, b := range e.Blocks {
			walkSyntax(b, f)
		}
	case *hclsyntax.Block:
		if e.Body != nil {
			walkSyntax(e.Body, f)
		}
	case *hclsyntax.Attribute:
		walkSyntax(e.Expr, f)
	case *hclsyntax.LiteralValueExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.AnonSymbolExpr, *hclsyntax.ExprSyntaxError:
	case *hclsyntax.RelativeTraversalExpr:
		walkSyntax(e.Source, f)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range e.Args {
			walkSyntax(a, f)
		}
	case *hclsyntax.ConditionalExpr:
		walkSyntax(e.Condition, f)
		walkSyntax(e.TrueResult, f)
		walkSyntax(e.FalseResult, f)
	case *hclsyntax.IndexExpr:
		walkSyntax(e.Collection, f)
		walkSyntax(e.Key, f)
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			walkSyntax(x, f)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			walkSyntax(it.KeyExpr, f)
			walkSyntax(it.ValueExpr, f)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		// As VisitAll: a key written as a bare name is no expression.
		if hcl.ExprAsKeyword(e.Wrapped) == "" {
			walkSyntax(e.Wrapped, f)
		}
	case *hclsyntax.ForExpr:
		walkSyntax(e.CollExpr, f)
		if e.KeyExpr != nil {
			walkSyntax(e.KeyExpr, f)
		}
		walkSyntax(e.ValExpr, f)
		if e.CondExpr != nil {
			walkSyntax(e.CondExpr, f)
		}
	case *hclsyntax.SplatExpr:
		walkSyntax(e.Source, f)
		walkSyntax(e.Each, f)
	case *hclsyntax.BinaryOpExpr:
		walkSyntax(e.LHS, f)
		walkSyntax(e.RHS, f)
	case *hclsyntax.UnaryOpExpr:
		walkSyntax(e.Val, f)
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			walkSyntax(p, f)
		}
	case *hclsyntax.TemplateJoinExpr:
		walkSyntax(e.Tuple, f)
	case *hclsyntax.TemplateWrapExpr:
		walkSyntax(e.Wrapped, f)
	case *hclsyntax.ParenthesesExpr:
		walkSyntax(e.Expression, f)
	default:
		self := true
		hclsyntax.VisitAll(n, func(x hclsyntax.Node) hcl.Diagnostics {
			if self {
				self = false
				return nil
			}
			switch x.(type) {
			case hclsyntax.Attributes, hclsyntax.Blocks, hclsyntax.ChildScope:
				return nil
			}
			f(x)
			return nil
		})
	}
}
