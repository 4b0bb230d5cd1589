package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// policyDocument evaluates data "aws_iam_policy_document" the way the AWS
// provider does: statements from the statement blocks, merged with
// source_policy_documents (and source_json) before them and
// override_policy_documents (and override_json) after them, a statement
// with the Sid of an earlier one replacing it. It returns the JSON text
// and remembers the positioned tree under that text, so that wherever
// .json flows (a bucket policy, a module output, a local) the policy keeps
// the positions of the statement blocks.
func (l *loader) policyDocument(addr string, body *evBlock) string {
	version := "2012-10-17"
	versionPos := body.pos
	var id *source.Node
	if a := body.attr("version"); a != nil {
		if s, ok := strVal(a.val); ok && s != "" {
			version, versionPos = s, a.pos
		}
	}
	if a := body.attr("policy_id"); a != nil {
		if s, ok := strVal(a.val); ok && s != "" {
			id = &source.Node{Kind: source.String, Text: s, Pos: a.pos}
		}
	}
	doc := &policyDoc{version: &source.Node{Kind: source.String, Text: version, Pos: versionPos}, id: id}
	for _, name := range []string{"source_json", "source_policy_documents"} {
		for _, d := range l.docList(body.attr(name)) {
			doc.merge(d)
		}
	}
	own := &policyDoc{}
	for _, st := range body.sub("statement") {
		own.statements = append(own.statements, l.statementNode(addr, st))
	}
	doc.merge(own)
	for _, name := range []string{"override_json", "override_policy_documents"} {
		for _, d := range l.docList(body.attr(name)) {
			doc.merge(d)
		}
	}
	n := doc.node(body.pos)
	js := n.JSON()
	l.policyNodes[js] = n
	l.policyDocAddrs[js] = addr
	return js
}

// policyDoc is a document being merged.
type policyDoc struct {
	version    *source.Node
	id         *source.Node
	statements []*source.Node
}

func (d *policyDoc) merge(o *policyDoc) {
	if o.id != nil {
		d.id = o.id
	}
	if o.version != nil && (d.version == nil || o.version.Text > d.version.Text) {
		d.version = o.version
	}
	for _, st := range o.statements {
		sid := ""
		if s := st.Get("Sid"); s != nil && s.Kind == source.String {
			sid = s.Text
		}
		replaced := false
		if sid != "" {
			for i, prev := range d.statements {
				if p := prev.Get("Sid"); p != nil && p.Kind == source.String && p.Text == sid {
					d.statements[i] = st
					replaced = true
					break
				}
			}
		}
		if !replaced {
			d.statements = append(d.statements, st)
		}
	}
}

func (d *policyDoc) node(pos source.Pos) *source.Node {
	n := &source.Node{Kind: source.Object, Pos: pos}
	if d.version != nil {
		n.Fields = append(n.Fields, source.Field{Key: "Version", KeyPos: d.version.Pos, Value: d.version})
	}
	if d.id != nil {
		n.Fields = append(n.Fields, source.Field{Key: "Id", KeyPos: d.id.Pos, Value: d.id})
	}
	stmts := &source.Node{Kind: source.Array, Pos: pos, Elems: d.statements}
	if stmts.Elems == nil {
		stmts.Elems = []*source.Node{}
	}
	n.Fields = append(n.Fields, source.Field{Key: "Statement", KeyPos: pos, Value: stmts})
	return n
}

// docList reads a list of policy JSON documents (or one, for the
// deprecated source_json and override_json).
func (l *loader) docList(a *evAttr) []*policyDoc {
	if a == nil || (a.val.IsKnown() && a.val.IsNull()) {
		return nil
	}
	var texts []string
	var elems []hcl.Expression
	if a.val.Type() == cty.String {
		if s, ok := strVal(a.val); ok {
			texts = []string{s}
		}
	} else {
		texts = stringList(a.val)
		if tc, ok := unwrapExpr(exprOrNil(a)).(*hclsyntax.TupleConsExpr); ok && len(tc.Exprs) == len(texts) {
			elems = toExprs(tc.Exprs)
		}
	}
	if texts == nil {
		l.unresolvedAt(a.pos, a.name, "the policy documents to merge are not known from the input, so the merged policy leaves them out")
		return nil
	}
	var out []*policyDoc
	for i, t := range texts {
		ea := &evAttr{name: a.name, val: cty.StringVal(t), pos: a.pos, syn: &evSyntax{sc: a.x().sc}}
		if elems != nil {
			ea.syn.expr = elems[i]
			ea.pos = posOf(elems[i].Range())
		}
		n, err, _ := l.parsePolicyText(t, ea)
		if err != nil || n == nil || n.Kind != source.Object {
			l.unresolvedAt(ea.pos, a.name, "a document to merge is not a valid policy JSON object, so the merged policy leaves it out")
			continue
		}
		d := &policyDoc{}
		if v := n.Get("Version"); v != nil {
			d.version = v
		}
		if v := n.Get("Id"); v != nil {
			d.id = v
		}
		switch st := n.Get("Statement"); {
		case st == nil:
		case st.Kind == source.Array:
			d.statements = append(d.statements, st.Elems...)
		case st.Kind == source.Object:
			d.statements = append(d.statements, st)
		}
		out = append(out, d)
	}
	return out
}

func exprOrNil(a *evAttr) hcl.Expression {
	if e := a.x().expr; e != nil {
		return e
	}
	return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType)}
}

// statementNode builds one statement as the provider writes it: Sid,
// Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal,
// Condition; a single value is a string, several an array.
func (l *loader) statementNode(addr string, st *evBlock) *source.Node {
	n := &source.Node{Kind: source.Object, Pos: st.pos}
	add := func(k string, pos source.Pos, v *source.Node) {
		n.Fields = append(n.Fields, source.Field{Key: k, KeyPos: pos, Value: v})
	}
	if a := st.attr("sid"); a != nil {
		if s, ok := strVal(a.val); ok && s != "" {
			add("Sid", a.pos, &source.Node{Kind: source.String, Text: s, Pos: a.pos})
		}
	}
	effect := &source.Node{Kind: source.String, Text: "Allow", Pos: st.pos}
	if a := st.attr("effect"); a != nil {
		if s, ok := strVal(a.val); ok && s != "" {
			effect = &source.Node{Kind: source.String, Text: s, Pos: a.pos}
		}
	}
	add("Effect", effect.Pos, effect)
	for _, e := range [][2]string{{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}} {
		if a := st.attr(e[0]); a != nil && !(a.val.IsKnown() && a.val.IsNull()) {
			if v := l.stringsNode(addr, a); v != nil {
				add(e[1], a.pos, v)
			}
		}
	}
	for _, e := range [][2]string{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		blocks := st.sub(e[0])
		if len(blocks) == 0 {
			continue
		}
		add(e[1], blocks[0].pos, l.principalsNode(addr, blocks))
	}
	if conds := st.sub("condition"); len(conds) > 0 {
		add("Condition", conds[0].pos, l.conditionNode(addr, conds))
	}
	return n
}

// stringsNode renders a list attribute: one string, or an array with the
// position of each element.
func (l *loader) stringsNode(addr string, a *evAttr) *source.Node {
	items, poss := l.listItems(addr, a)
	if items == nil {
		return nil
	}
	return stringsValue(items, poss, a.pos)
}

func stringsValue(items []string, poss []source.Pos, at source.Pos) *source.Node {
	if len(items) == 1 {
		return &source.Node{Kind: source.String, Text: items[0], Pos: poss[0]}
	}
	n := &source.Node{Kind: source.Array, Pos: at, Elems: []*source.Node{}}
	for i, s := range items {
		n.Elems = append(n.Elems, &source.Node{Kind: source.String, Text: s, Pos: poss[i]})
	}
	return n
}

// listItems returns the distinct strings of a list attribute with their
// positions; unknown elements become symbols named after their
// expressions.
func (l *loader) listItems(addr string, a *evAttr) ([]string, []source.Pos) {
	v := a.val
	var exprs []hcl.Expression
	expr := a.x().expr
	if expr != nil {
		if tc, ok := unwrapExpr(expr).(*hclsyntax.TupleConsExpr); ok {
			exprs = toExprs(tc.Exprs)
		}
	}
	unknownItem := func(i int) string {
		if exprs != nil && i >= 0 && i < len(exprs) {
			return ident.New(ident.Any, l.exprText(exprs[i]))
		}
		if expr != nil {
			return ident.New(ident.Any, l.exprText(expr))
		}
		return ident.New(ident.Any, addr+"."+a.name)
	}
	var items []string
	var poss []source.Pos
	seen := map[string]bool{}
	push := func(s string, p source.Pos) {
		if seen[s] {
			return
		}
		seen[s] = true
		items = append(items, s)
		poss = append(poss, p)
	}
	if !v.IsKnown() {
		push(unknownItem(-1), a.pos)
		return items, poss
	}
	if v.IsNull() {
		return nil, nil
	}
	if v.Type().IsPrimitiveType() {
		if s, ok := strVal(v); ok {
			push(s, a.pos)
		}
		return items, poss
	}
	if !v.CanIterateElements() {
		return nil, nil
	}
	useExprs := exprs != nil && len(exprs) == v.LengthInt() && !v.Type().IsSetType()
	i := 0
	for it := v.ElementIterator(); it.Next(); i++ {
		_, x := it.Element()
		p := a.pos
		if useExprs {
			p = posOf(exprs[i].Range())
		}
		if s, ok := strVal(x); ok {
			push(s, p)
		} else if !x.IsKnown() {
			push(unknownItem(i), p)
		}
	}
	if items == nil {
		items, poss = []string{}, []source.Pos{}
	}
	return items, poss
}

func (l *loader) principalsNode(addr string, blocks []*evBlock) *source.Node {
	type group struct {
		items []string
		poss  []source.Pos
		at    source.Pos
	}
	groups := map[string]*group{}
	var types []string
	for _, pb := range blocks {
		t, _ := strVal(attrVal(pb.attr("type")))
		ia := pb.attr("identifiers")
		if ia == nil {
			continue
		}
		items, poss := l.listItems(addr, ia)
		g := groups[t]
		if g == nil {
			g = &group{at: pb.pos}
			groups[t] = g
			types = append(types, t)
		}
		g.items = append(g.items, items...)
		g.poss = append(g.poss, poss...)
	}
	pos := blocks[0].pos
	if g, ok := groups["*"]; ok && len(types) == 1 && len(g.items) == 1 && g.items[0] == "*" {
		return &source.Node{Kind: source.String, Text: "*", Pos: g.poss[0]}
	}
	sort.Strings(types)
	n := &source.Node{Kind: source.Object, Pos: pos}
	for _, t := range types {
		g := groups[t]
		if len(g.items) == 0 {
			continue
		}
		n.Fields = append(n.Fields, source.Field{Key: t, KeyPos: g.at, Value: stringsValue(g.items, g.poss, g.at)})
	}
	return n
}

func (l *loader) conditionNode(addr string, blocks []*evBlock) *source.Node {
	type entry struct {
		items []string
		poss  []source.Pos
		at    source.Pos
	}
	byTest := map[string]map[string]*entry{}
	var tests []string
	testPos := map[string]source.Pos{}
	for _, cb := range blocks {
		test, _ := strVal(attrVal(cb.attr("test")))
		variable, _ := strVal(attrVal(cb.attr("variable")))
		m := byTest[test]
		if m == nil {
			m = map[string]*entry{}
			byTest[test] = m
			tests = append(tests, test)
			testPos[test] = cb.pos
		}
		e := m[variable]
		if e == nil {
			e = &entry{at: cb.pos}
			m[variable] = e
		}
		if va := cb.attr("values"); va != nil {
			items, poss := l.listItems(addr, va)
			e.items = append(e.items, items...)
			e.poss = append(e.poss, poss...)
		}
	}
	sort.Strings(tests)
	n := &source.Node{Kind: source.Object, Pos: blocks[0].pos}
	for _, t := range tests {
		m := byTest[t]
		vars := make([]string, 0, len(m))
		for v := range m {
			vars = append(vars, v)
		}
		sort.Strings(vars)
		tn := &source.Node{Kind: source.Object, Pos: testPos[t]}
		for _, v := range vars {
			e := m[v]
			var val *source.Node
			if len(e.items) == 0 {
				val = &source.Node{Kind: source.Array, Pos: e.at, Elems: []*source.Node{}}
			} else {
				val = stringsValue(e.items, e.poss, e.at)
			}
			tn.Fields = append(tn.Fields, source.Field{Key: v, KeyPos: e.at, Value: val})
		}
		n.Fields = append(n.Fields, source.Field{Key: t, KeyPos: testPos[t], Value: tn})
	}
	return n
}
