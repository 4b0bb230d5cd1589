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

// exprVariables is expr.Variables(): the references of expr, in the
// order HCL gives them, without the names a for expression declares.
// For native syntax it walks the expression without hclsyntax.Walk's
// closure per node; other syntax (JSON), or a node it does not know,
// goes to expr.Variables().
func exprVariables(expr hcl.Expression) []hcl.Traversal {
	e, ok := expr.(hclsyntax.Expression)
	if !ok {
		return expr.Variables()
	}
	var w varWalk
	if !w.walk(e) {
		return expr.Variables()
	}
	return w.trs
}

type varWalk struct {
	trs    []hcl.Traversal
	locals []string // names declared by the for expressions around
}

func (w *varWalk) walk(n hclsyntax.Expression) bool {
	switch e := n.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		name := e.Traversal.RootName()
		for _, l := range w.locals {
			if l == name {
				return true
			}
		}
		w.trs = append(w.trs, e.Traversal)
		return true
	case *hclsyntax.LiteralValueExpr, *hclsyntax.AnonSymbolExpr, *hclsyntax.ExprSyntaxError:
		return true
	case *hclsyntax.RelativeTraversalExpr:
		return w.walk(e.Source)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range e.Args {
			if !w.walk(a) {
				return false
			}
		}
		return true
	case *hclsyntax.ConditionalExpr:
		return w.walk(e.Condition) && w.walk(e.TrueResult) && w.walk(e.FalseResult)
	case *hclsyntax.IndexExpr:
		return w.walk(e.Collection) && w.walk(e.Key)
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			if !w.walk(x) {
				return false
			}
		}
		return true
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			if !w.walk(it.KeyExpr) || !w.walk(it.ValueExpr) {
				return false
			}
		}
		return true
	case *hclsyntax.ObjectConsKeyExpr:
		if hcl.ExprAsKeyword(e.Wrapped) != "" {
			return true
		}
		return w.walk(e.Wrapped)
	case *hclsyntax.ForExpr:
		if !w.walk(e.CollExpr) {
			return false
		}
		n := len(w.locals)
		if e.KeyVar != "" {
			w.locals = append(w.locals, e.KeyVar)
		}
		if e.ValVar != "" {
			w.locals = append(w.locals, e.ValVar)
		}
		ok := (e.KeyExpr == nil || w.walk(e.KeyExpr)) && w.walk(e.ValExpr) && (e.CondExpr == nil || w.walk(e.CondExpr))
		w.locals = w.locals[:n]
		return ok
	case *hclsyntax.SplatExpr:
		return w.walk(e.Source) && w.walk(e.Each)
	case *hclsyntax.BinaryOpExpr:
		return w.walk(e.LHS) && w.walk(e.RHS)
	case *hclsyntax.UnaryOpExpr:
		return w.walk(e.Val)
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			if !w.walk(p) {
				return false
			}
		}
		return true
	case *hclsyntax.TemplateJoinExpr:
		return w.walk(e.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		return w.walk(e.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		return w.walk(e.Expression)
	}
	return false
}
