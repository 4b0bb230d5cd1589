package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// policy builds the policy an attribute holds. The document keeps the
// positions of what the user wrote: each statement and element of a
// jsonencode({...}) argument, each statement block of an
// aws_iam_policy_document, each line of a heredoc or file.
func (b *builder) policy(in *instance, a *evAttr, kind iam.Kind) model.Policy {
	src := in.at(a)
	if !isSet(a) {
		return model.Policy{Value: model.Unknown[*iam.Policy](src, in.addr+" sets no policy")}
	}
	// Written as a jsonencode object, or as text (JSON, a heredoc, a
	// file, the json of an aws_iam_policy_document).
	node, err, known := b.l.objectPolicy(a), error(nil), true
	form, writtenIn := model.FormObject, ""
	if node == nil {
		node, err, known = b.l.textPolicy(a)
		form, writtenIn = b.l.textForm(a)
	}
	if err != nil {
		return model.Policy{Value: model.Known[*iam.Policy](nil, src), Err: err, Form: form, WrittenIn: writtenIn}
	}
	if !known {
		return model.Policy{Value: model.Unknown[*iam.Policy](src, b.missing(in, a)), Form: form, WrittenIn: writtenIn}
	}
	p, err := iam.FromNode(node, kind, in.addr)
	if err != nil {
		return model.Policy{Value: model.Known[*iam.Policy](nil, src), Err: err, Form: form, WrittenIn: writtenIn}
	}
	return model.Policy{Value: model.Known(p, src), Form: form, WrittenIn: writtenIn}
}

// settlePolicy takes from a policy attribute's syntax what the policy
// builders need (the tree of a jsonencode object, where a template
// starts) and keeps that instead of the syntax and the jsonencode
// argument: kept until the builders ran, the policies' syntax was a large
// part of the loader's peak memory.
func (l *loader) settlePolicy(a *evAttr, expr hcl.Expression, sc *scope, jsonArg cty.Value) {
	r := expr.Range()
	syn := &evSyntax{rng: &r}
	if n := l.objectNode(expr, sc, jsonArg); n != nil {
		syn.objNode = n
	} else if t, ok := unwrapExpr(expr).(*hclsyntax.TemplateExpr); ok && len(t.Parts) > 0 {
		p := posOf(t.Parts[0].Range())
		syn.tplStart = &p
	}
	a.syn = syn
}

// objectNode is the tree of a policy written as a jsonencode object
// (directly or through a local value), or nil.
func (l *loader) objectNode(expr hcl.Expression, sc *scope, jsonArg cty.Value) *source.Node {
	if jsonArg != cty.NilVal {
		if call, ok := unwrapExpr(expr).(*hclsyntax.FunctionCallExpr); ok {
			return l.valueNode(call.Args[0], sc, jsonArg, 0, source.Pos{})
		}
	}
	if expr != nil && sc != nil {
		return l.jsonencodeNode(expr, sc, 0)
	}
	return nil
}

// objectPolicy is the tree of the policy in attribute a when it is
// written as a jsonencode object (directly or through a local value), or
// nil.
func (l *loader) objectPolicy(a *evAttr) *source.Node {
	x := a.x()
	if x.objNode != nil {
		return x.objNode
	}
	return l.objectNode(x.expr, x.sc, x.jsonArg)
}

// textForm says how a policy written as text is written: the statement
// blocks of an aws_iam_policy_document (named in writtenIn), or JSON text
// (a heredoc, a file, a string).
func (l *loader) textForm(a *evAttr) (form model.PolicyForm, writtenIn string) {
	if s, ok := strVal(a.val); ok {
		if addr, ok := l.policyDocAddrs[s]; ok {
			return model.FormBlocks, addr
		}
	}
	return model.FormJSON, ""
}

// textPolicy finds the positioned tree of a policy written as text in
// attribute a.
func (l *loader) textPolicy(a *evAttr) (*source.Node, error, bool) {
	s, ok := strVal(a.val)
	if !ok {
		return nil, nil, false
	}
	if _, isSym := ident.IsSymbol(s); isSym {
		// The whole document is an unresolved input (a data source's
		// rendered template, an unset variable).
		return nil, nil, false
	}
	n, err, known := l.parsePolicyText(s, a)
	if err != nil && !ident.Concrete(s) {
		// Text that is JSON only once an unresolved input is known.
		return nil, nil, false
	}
	return n, err, known
}

func (l *loader) parsePolicyText(s string, a *evAttr) (*source.Node, error, bool) {
	if n, ok := l.policyNodes[s]; ok {
		return n, nil, true
	}
	if f, ok := l.fileOrigins[s]; ok {
		n, err := source.ParseJSONAt(source.Pos{File: f, Line: 1, Col: 1}, []byte(s))
		return n, err, true
	}
	if x := a.x(); x.expr != nil {
		e := unwrapExpr(x.expr)
		if t, ok := e.(*hclsyntax.TemplateExpr); ok && len(t.Parts) > 0 {
			start := posOf(t.Parts[0].Range())
			n, err := source.ParseJSONAt(start, []byte(s))
			return n, err, true
		}
	} else if x.tplStart != nil {
		n, err := source.ParseJSONAt(*x.tplStart, []byte(s))
		return n, err, true
	}
	n, err := source.ParseJSONAt(a.pos, []byte(s))
	if err != nil {
		if se, ok := err.(*source.Error); ok {
			se.Pos = source.Pos{File: a.pos.File, Line: a.pos.Line, Col: a.pos.Col, Pointer: se.Pos.Pointer}
		}
		return nil, err, true
	}
	flatten(n, a.pos)
	return n, nil, true
}

// flatten gives every node of a document parsed from a string that came
// from elsewhere the position of the attribute that holds it; JSON
// pointers stay.
func flatten(n *source.Node, at source.Pos) {
	if n == nil {
		return
	}
	n.Pos = source.Pos{File: at.File, Line: at.Line, Col: at.Col, Pointer: n.Pos.Pointer}
	for _, e := range n.Elems {
		flatten(e, at)
	}
	for i := range n.Fields {
		n.Fields[i].KeyPos = source.Pos{File: at.File, Line: at.Line, Col: at.Col, Pointer: n.Fields[i].KeyPos.Pointer}
		flatten(n.Fields[i].Value, at)
	}
}

func unwrapExpr(e hcl.Expression) hcl.Expression {
	for {
		switch x := e.(type) {
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		default:
			return e
		}
	}
}

// jsonencodeNode returns the tree of a jsonencode({...}) call, following
// references to locals; nil when expr is not one.
func (l *loader) jsonencodeNode(expr hcl.Expression, sc *scope, depth int) *source.Node {
	if depth > 16 {
		return nil
	}
	switch e := unwrapExpr(expr).(type) {
	case *hclsyntax.FunctionCallExpr:
		if e.Name != "jsonencode" || len(e.Args) != 1 || e.ExpandFinal {
			return nil
		}
		v := sc.eval(e.Args[0])
		return l.valueNode(e.Args[0], sc, v, 0, source.Pos{})
	case *hclsyntax.ScopeTraversalExpr:
		if len(e.Traversal) == 2 && e.Traversal.RootName() == "local" {
			name, _ := attrStep(e.Traversal, 1)
			if la, ok := sc.mi.cfg.locals[name]; ok {
				return l.jsonencodeNode(la.Expr, &scope{mi: sc.mi}, depth+1)
			}
		}
	}
	return nil
}

// valueNode converts the value of expr to a positioned tree, walking the
// expression alongside the value so that each object member and tuple
// element gets the position where it is written. An unknown leaf becomes
// an ident.Any symbol named after its expression.
func (l *loader) valueNode(expr hcl.Expression, sc *scope, v cty.Value, depth int, fallback source.Pos) *source.Node {
	pos := fallback
	if expr != nil {
		pos = posOf(expr.Range())
		expr = unwrapExpr(expr)
	}
	if depth > source.MaxDepth {
		return &source.Node{Kind: source.Null, Pos: pos}
	}
	if v == cty.NilVal {
		v = cty.NullVal(cty.DynamicPseudoType)
	}
	v = unmarked(v)
	// Follow a reference to a local value, for its positions.
	if st, ok := expr.(*hclsyntax.ScopeTraversalExpr); ok && sc != nil && len(st.Traversal) == 2 && st.Traversal.RootName() == "local" {
		if name, ok := attrStep(st.Traversal, 1); ok {
			if la, ok := sc.mi.cfg.locals[name]; ok && depth < 64 {
				return l.valueNode(la.Expr, &scope{mi: sc.mi}, v, depth+1, pos)
			}
		}
	}
	if !v.IsKnown() {
		name := "value"
		if expr != nil {
			name = l.exprText(expr)
		}
		return &source.Node{Kind: source.String, Pos: pos, Text: ident.New(ident.Any, name)}
	}
	if v.IsNull() {
		return &source.Node{Kind: source.Null, Pos: pos}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return &source.Node{Kind: source.String, Pos: pos, Text: v.AsString()}
	case ty == cty.Number:
		return &source.Node{Kind: source.Number, Pos: pos, Text: v.AsBigFloat().Text('f', -1)}
	case ty == cty.Bool:
		t := "false"
		if v.True() {
			t = "true"
		}
		return &source.Node{Kind: source.Bool, Pos: pos, Text: t}
	case ty.IsObjectType() || ty.IsMapType():
		items := map[string]hclsyntax.ObjectConsItem{}
		if oc, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range oc.Items {
				if k, ok := l.keyString(it.KeyExpr, sc); ok {
					items[k] = it
				}
			}
		}
		n := &source.Node{Kind: source.Object, Pos: pos}
		var keys []string
		for it := v.ElementIterator(); it.Next(); {
			k, _ := it.Element()
			keys = append(keys, k.AsString())
		}
		sort.Strings(keys)
		for _, k := range keys {
			var x cty.Value
			if ty.IsObjectType() {
				x = v.GetAttr(k)
			} else {
				x = v.Index(cty.StringVal(k))
			}
			if it, ok := items[k]; ok {
				n.Fields = append(n.Fields, source.Field{Key: k, KeyPos: posOf(it.KeyExpr.Range()), Value: l.valueNode(it.ValueExpr, sc, x, depth+1, pos)})
			} else {
				n.Fields = append(n.Fields, source.Field{Key: k, KeyPos: pos, Value: l.valueNode(nil, sc, x, depth+1, pos)})
			}
		}
		return n
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		var elems []hcl.Expression
		if tc, ok := expr.(*hclsyntax.TupleConsExpr); ok && len(tc.Exprs) == v.LengthInt() && !ty.IsSetType() {
			elems = toExprs(tc.Exprs)
		}
		n := &source.Node{Kind: source.Array, Pos: pos}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, x := it.Element()
			if elems != nil {
				n.Elems = append(n.Elems, l.valueNode(elems[i], sc, x, depth+1, pos))
			} else {
				n.Elems = append(n.Elems, l.valueNode(nil, sc, x, depth+1, pos))
			}
		}
		return n
	}
	return &source.Node{Kind: source.Null, Pos: pos}
}

// keyString evaluates an object constructor key (a bare name is a string).
func (l *loader) keyString(e hcl.Expression, sc *scope) (string, bool) {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k, true
	}
	if kc, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if kc.ForceNonLiteral {
			e = kc.Wrapped
		} else if k := hcl.ExprAsKeyword(kc.Wrapped); k != "" {
			return k, true
		} else {
			e = kc.Wrapped
		}
	}
	if sc == nil {
		return "", false
	}
	v := sc.eval(e)
	s, ok := strVal(v)
	return s, ok
}

func toExprs(in []hclsyntax.Expression) []hcl.Expression {
	out := make([]hcl.Expression, len(in))
	for i, e := range in {
		out[i] = e
	}
	return out
}
