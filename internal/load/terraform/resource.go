package terraform

import (
	"bytes"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// evBlock is an evaluated block: a resource body or one of its nested
// blocks, with every attribute's value and position. The plan loader
// builds the same structure from JSON, so that one set of builders maps
// both inputs to the model.
type evBlock struct {
	typ    string
	pos    source.Pos
	attrs  evAttrs
	blocks []*evBlock
}

// evAttrs are the attributes of a block, sorted by name: a slice, as most
// blocks have a few, and a map for each of the hundreds of thousands of
// blocks of a large configuration cost more than the attributes.
type evAttrs []*evAttr

// get is the attribute named name, or nil.
func (as evAttrs) get(name string) *evAttr {
	i, j := 0, len(as)
	for i < j {
		h := int(uint(i+j) >> 1)
		if as[h].name < name {
			i = h + 1
		} else {
			j = h
		}
	}
	if i < len(as) && as[i].name == name {
		return as[i]
	}
	return nil
}

// sortedEvAttrs is the attributes of m, sorted.
func sortedEvAttrs(m map[string]*evAttr) evAttrs {
	out := make(evAttrs, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

type evAttr struct {
	name string
	val  cty.Value
	pos  source.Pos // where the attribute is written
	// syn is what the attribute keeps of its syntax, nil for most
	// attributes (read it with x).
	syn *evSyntax
	// raw is val with its marks (the unresolved inputs it depends on), for
	// references to the attribute; val has none, for the builders.
	raw cty.Value
}

// evSyntax is what an evaluated attribute keeps of its expression, for
// the policy builders and for messages; kept apart so that the many
// attributes that keep nothing stay small.
type evSyntax struct {
	// expr and sc are set for HCL input where policy builders need them
	// to find the position of each element of a policy: inside
	// aws_iam_policy_document (until its policy is built). Elsewhere they
	// are nil, to free the syntax tree while evaluating (see evalAttr).
	expr hcl.Expression
	sc   *scope
	// rng is where the expression is written, for messages that quote
	// it, when the expression itself is not kept.
	rng *hcl.Range
	// objNode is the positioned tree of a policy attribute written as a
	// jsonencode object, and tplStart where a policy written as a
	// template starts: what policy builders need of the syntax, taken
	// when the attribute is evaluated (see settlePolicy).
	objNode  *source.Node
	tplStart *source.Pos
	// jsonArg is the evaluated argument when the expression is
	// jsonencode(arg), kept so that policies are not evaluated twice.
	jsonArg cty.Value
	// refs are the references of the attribute's expression in plan
	// JSON (configuration section), for attributes known only after apply.
	refs []string
}

// x is what the attribute keeps of its syntax (zero when nothing), to
// read.
func (a *evAttr) x() evSyntax {
	if a.syn == nil {
		return evSyntax{}
	}
	return *a.syn
}

// w is what the attribute keeps of its syntax, to set.
func (a *evAttr) w() *evSyntax {
	if a.syn == nil {
		a.syn = &evSyntax{}
	}
	return a.syn
}

// marked is the attribute's value as references see it.
func (a *evAttr) marked() cty.Value {
	if a.raw != cty.NilVal {
		return a.raw
	}
	return a.val
}

func (b *evBlock) attr(name string) *evAttr {
	if b == nil {
		return nil
	}
	return b.attrs.get(name)
}

// sub returns the nested blocks of the given type.
func (b *evBlock) sub(typ string) []*evBlock {
	if b == nil {
		return nil
	}
	var out []*evBlock
	for _, c := range b.blocks {
		if c.typ == typ {
			out = append(out, c)
		}
	}
	return out
}

// first returns the first nested block of the type, or nil.
func (b *evBlock) first(typ string) *evBlock {
	if b == nil {
		return nil
	}
	for _, c := range b.blocks {
		if c.typ == typ {
			return c
		}
	}
	return nil
}

// value is the block as Terraform exposes it to references: its
// attributes, and each nested block type as a list of objects.
func (b *evBlock) value() cty.Value { return cty.ObjectVal(b.valueMap(0)) }

// valueMap is the attributes of value, with room for extra more.
func (b *evBlock) valueMap(extra int) map[string]cty.Value {
	m := make(map[string]cty.Value, len(b.attrs)+len(b.blocks)+extra)
	for _, a := range b.attrs {
		m[a.name] = a.marked()
	}
	var types []string
	byType := map[string][]cty.Value{}
	for _, c := range b.blocks {
		if _, ok := byType[c.typ]; !ok {
			types = append(types, c.typ)
		}
		byType[c.typ] = append(byType[c.typ], c.value())
	}
	for _, t := range types {
		if _, clash := m[t]; !clash {
			m[t] = cty.TupleVal(byType[t])
		}
	}
	return m
}

func posOf(r hcl.Range) source.Pos {
	return source.Pos{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}

// metaAttrs are resource arguments that are not part of the resource.
var metaAttrs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// metaBlocks are resource blocks that are not part of the resource.
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

// evalBody evaluates a body. Native syntax bodies are read as written;
// JSON bodies need the schema to tell blocks from attributes.
func (l *loader) evalBody(body hcl.Body, typ string, pos source.Pos, sch *schema, sc *scope, top bool) *evBlock {
	b := &evBlock{typ: typ, pos: pos}
	if sb, ok := body.(*hclsyntax.Body); ok {
		names := make([]string, 0, len(sb.Attributes))
		for n := range sb.Attributes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			a := sb.Attributes[n]
			if top && metaAttrs[n] {
				continue
			}
			b.attrs = append(b.attrs, l.evalAttr(n, a.Expr, posOf(a.NameRange), sc))
		}
		for _, nb := range sb.Blocks {
			if top && metaBlocks[nb.Type] {
				continue
			}
			if nb.Type == "dynamic" {
				b.blocks = append(b.blocks, l.dynamic(nb.AsHCLBlock(), sch, sc)...)
				continue
			}
			b.blocks = append(b.blocks, l.evalBody(nb.Body, nb.Type, posOf(nb.TypeRange), sch.child(nb.Type), sc, false))
		}
		return b
	}
	hs := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "dynamic", LabelNames: []string{"type"}}}}
	if top {
		for n := range metaAttrs {
			hs.Attributes = append(hs.Attributes, hcl.AttributeSchema{Name: n})
		}
		for n := range metaBlocks {
			hs.Blocks = append(hs.Blocks, hcl.BlockHeaderSchema{Type: n})
		}
	}
	for _, n := range sch.blockNames() {
		hs.Blocks = append(hs.Blocks, hcl.BlockHeaderSchema{Type: n})
	}
	content, remain, diags := body.PartialContent(hs)
	if diags.HasErrors() {
		l.diagsAsErrors(diags)
	}
	if content != nil {
		for _, nb := range content.Blocks {
			switch {
			case top && metaBlocks[nb.Type]:
			case nb.Type == "dynamic":
				b.blocks = append(b.blocks, l.dynamic(nb, sch, sc)...)
			default:
				b.blocks = append(b.blocks, l.evalBody(nb.Body, nb.Type, posOf(nb.TypeRange), sch.child(nb.Type), sc, false))
			}
		}
	}
	if remain != nil {
		attrs, d := remain.JustAttributes()
		if d.HasErrors() {
			l.diagsAsErrors(d)
		}
		for _, a := range sortedAttrs(attrs) {
			b.attrs = append(b.attrs, l.evalAttr(a.Name, a.Expr, posOf(a.NameRange), sc))
		}
		// Evaluated in the order written, kept by name.
		sort.Slice(b.attrs, func(i, j int) bool { return b.attrs[i].name < b.attrs[j].name })
	}
	return b
}

// evalCBody is evalBody for a compacted body: the same evaluation, in
// the same order.
func (l *loader) evalCBody(cb *cBody, typ string, pos source.Pos, sch *schema, sc *scope) *evBlock {
	b := &evBlock{typ: typ, pos: pos, attrs: make(evAttrs, len(cb.attrs))}
	for i, a := range cb.attrs {
		b.attrs[i] = l.evalAttr(a.name, a.expr, cb.pos(a.line, a.col), sc)
	}
	for _, nb := range cb.blocks {
		if nb.dyn != nil {
			b.blocks = append(b.blocks, l.dynamic(nb.dyn.AsHCLBlock(), sch, sc)...)
			continue
		}
		b.blocks = append(b.blocks, l.evalCBody(nb.body, nb.typ, cb.pos(nb.line, nb.col), sch.child(nb.typ), sc))
	}
	return b
}

var dynamicSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "for_each", Required: true}, {Name: "iterator"}, {Name: "labels"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "content"}},
}

// dynamic expands a dynamic block into the blocks it generates.
func (l *loader) dynamic(db *hcl.Block, sch *schema, sc *scope) []*evBlock {
	if len(db.Labels) != 1 {
		return nil
	}
	typ := db.Labels[0]
	c, diags := db.Body.Content(dynamicSchema)
	if diags.HasErrors() {
		l.diagsAsErrors(diags)
		return nil
	}
	iter := typ
	if a, ok := c.Attributes["iterator"]; ok {
		tr, d := hcl.AbsTraversalForExpr(a.Expr)
		if d.HasErrors() || len(tr) != 1 {
			l.fatal(a.Expr.Range(), "dynamic block iterator must be a single name", "")
			return nil
		}
		iter = tr.RootName()
	}
	var content *hcl.Block
	for _, b := range c.Blocks {
		content = b
	}
	if content == nil {
		l.fatal(db.DefRange, "dynamic "+strconvQuote(typ)+" block has no content block", "add content { ... }")
		return nil
	}
	fe := c.Attributes["for_each"]
	raw := sc.eval(fe.Expr)
	v := unmarked(raw)
	if !v.IsKnown() {
		l.unresolved(fe.Expr.Range(), "dynamic "+strconvQuote(typ)+" for_each",
			"the collection depends on "+dependsOn(raw)+", so the "+typ+" blocks it generates are left out")
		return nil
	}
	if v.IsNull() {
		return nil
	}
	if !v.CanIterateElements() {
		l.fatal(fe.Expr.Range(), "dynamic "+strconvQuote(typ)+" for_each must be a collection, found "+v.Type().FriendlyName(), "")
		return nil
	}
	if v.LengthInt() > maxInstances || !l.budget(v.LengthInt(), fe.Expr.Range()) {
		l.fatal(fe.Expr.Range(), "dynamic "+strconvQuote(typ)+" generates more blocks than s3front's limit", "")
		return nil
	}
	var out []*evBlock
	marked := containsMarked(raw)
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		if marked {
			x = markedElem(raw, k, x)
		}
		isc := sc.withIter(iter, cty.ObjectVal(map[string]cty.Value{"key": k, "value": x}))
		out = append(out, l.evalBody(content.Body, typ, posOf(content.DefRange), sch.child(typ), isc, false))
	}
	return out
}

// incompleteKind is what leaving a block out makes incomplete: the
// resources of the delivery path (CloudFront, S3, KMS, organization
// policies, policy documents) are what s3front checks; leaving out others
// changes nothing it reports.
func incompleteKind(r *resCfg) string {
	if r.mode == dataMode {
		if r.typ == "aws_iam_policy_document" {
			return model.IncompleteResource
		}
		return ""
	}
	for _, p := range []string{"aws_cloudfront_", "aws_s3_", "aws_kms_", "aws_organizations_policy"} {
		if strings.HasPrefix(r.typ, p) {
			return model.IncompleteResource
		}
	}
	return ""
}

// markedElem is element k of the marked collection raw (x is the same
// element without marks): the unresolved inputs it depends on stay named.
func markedElem(raw, k, x cty.Value) cty.Value {
	u, _ := raw.Unmark()
	switch ty := u.Type(); {
	case ty.IsObjectType():
		return raw.GetAttr(k.AsString())
	case ty.IsMapType() || ty.IsListType() || ty.IsTupleType():
		return raw.Index(k)
	}
	return x
}

// resNode is a resource or data block in one module instance.
type resNode struct {
	memo
	cfg   *resCfg
	mi    *modInst
	exp   expansion
	insts []*resInst
}

// resInst is one instance of a resource or data block.
type resInst struct {
	node  *resNode
	addr  string
	key   instKey
	body  *evBlock
	prov  *provInst
	extra map[string]cty.Value // computed attributes
	val   cty.Value
}

func (r *resInst) typ() string   { return r.node.cfg.typ }
func (r *resInst) mode() resMode { return r.node.cfg.mode }

// instances expands and evaluates the block (once).
func (n *resNode) instances() []*resInst {
	if n.state == done {
		return n.insts
	}
	l := n.mi.l
	what := n.mi.prefix() + n.cfg.key()
	if !l.enter(&n.memo, what, n.cfg.rng) {
		return nil
	}
	base := &scope{mi: n.mi}
	n.exp = l.expand(base, n.cfg.count, n.cfg.forEach, what, incompleteKind(n.cfg))
	provKey := n.cfg.provider
	if provKey == "" {
		provKey, _, _ = strings.Cut(n.cfg.typ, "_")
	}
	prov := n.mi.provider(provKey, n.cfg.rng)
	keep := l.keepExprs
	l.keepExprs = keep || (n.cfg.mode == dataMode && n.cfg.typ == "aws_iam_policy_document")
	for i, k := range n.exp.keys {
		sc := instanceScope(base, n.exp, i)
		ri := &resInst{node: n, addr: what + k.String(), key: k, prov: prov}
		if n.cfg.cbody != nil {
			ri.body = l.evalCBody(n.cfg.cbody, n.cfg.typ, posOf(n.cfg.rng), schemaFor(n.cfg.mode, n.cfg.typ), sc)
		} else {
			ri.body = l.evalBody(n.cfg.body, n.cfg.typ, posOf(n.cfg.rng), schemaFor(n.cfg.mode, n.cfg.typ), sc, true)
		}
		ri.extra = l.computed(ri)
		if n.cfg.mode == dataMode && n.cfg.typ == "aws_iam_policy_document" {
			// Its policy is built (l.policyNodes): the syntax it kept
			// for that is no longer needed.
			ri.body.dropExprs()
		}
		n.insts = append(n.insts, ri)
	}
	l.keepExprs = keep
	// The value references see is built when first referenced (many
	// resources are never referenced).
	l.leave(&n.memo, cty.NilVal)
	if n.mi.parent == nil {
		// The root module is instantiated once: its blocks are not
		// evaluated again, so their syntax can go (what evaluation kept
		// is in the instances).
		n.cfg.body, n.cfg.cbody = nil, nil
	}
	return n.insts
}

// ready evaluates the block for a reference at rng; false when it
// cannot be evaluated now (a cycle).
func (n *resNode) ready(rng hcl.Range) bool {
	if n.state != done {
		n.instances()
	}
	if n.state != done {
		return false
	}
	if n.cfg.mode == dataMode && !modelledData[n.cfg.typ] {
		n.mi.l.unresolvedOnce(n.cfg.rng, n.mi.prefix()+n.cfg.key(),
			"data sources are read by Terraform at plan time, not from the files; values that depend on it are unknown (scan `terraform show -json` output to use the values Terraform read)")
	}
	return true
}

// value is what a reference to the whole block evaluates to (after
// ready), built once.
func (n *resNode) value() cty.Value {
	if n.state != done {
		return cty.DynamicVal
	}
	if n.val == cty.NilVal {
		vals := make([]cty.Value, len(n.insts))
		for i, ri := range n.insts {
			vals[i] = ri.object()
		}
		n.val = collect(n.exp, vals)
	}
	return n.val
}

// resRef is a resource or data block one expression refers to, and what
// it reads of it: some attributes, or the whole object.
type resRef struct {
	n         *resNode
	data      string // "data" for a data source, else ""
	typ, name string
	attrs     []string
	whole     bool
}

type resRefs []*resRef

// add evaluates n for the reference tr (at rng) and records what tr
// reads of it: the attribute after the block's address, or the whole
// object.
func (rs resRefs) add(n *resNode, rng hcl.Range, tr hcl.Traversal, data, typ, name string) resRefs {
	n.ready(rng)
	var u *resRef
	for _, x := range rs {
		if x.n == n {
			u = x
			break
		}
	}
	if u == nil {
		u = &resRef{n: n, data: data, typ: typ, name: name}
		rs = append(rs, u)
	}
	step := 2
	if data != "" {
		step = 3
	}
	var attr hcl.TraverseAttr
	isAttr := false
	if len(tr) > step {
		attr, isAttr = tr[step].(hcl.TraverseAttr)
	}
	if !isAttr {
		u.whole = true
		return rs
	}
	for _, a := range u.attrs {
		if a == attr.Name {
			return rs
		}
	}
	u.attrs = append(u.attrs, attr.Name)
	return rs
}

// value is the block's value as the expression needs it. A single
// instance read only by attribute gets an object of just those
// attributes, with the values its whole object has: most resources are
// referenced by an attribute or two, and building (and keeping) every
// referenced resource's whole object dominated the loader's memory.
func (u *resRef) value() cty.Value {
	n := u.n
	if u.whole || n.state != done || n.val != cty.NilVal || !n.exp.known || n.exp.kind != 0 || len(n.insts) != 1 {
		return n.value()
	}
	ri := n.insts[0]
	m := make(map[string]cty.Value, len(u.attrs))
	for _, a := range u.attrs {
		v, ok := ri.attrValue(a)
		if !ok {
			// Not an attribute: the whole object, for the same error.
			return n.value()
		}
		m[a] = v
	}
	return cty.ObjectVal(m)
}

// attrValue is attribute name of the instance's object (see object), and
// whether the object has it.
func (r *resInst) attrValue(name string) (cty.Value, bool) {
	if v, ok := r.extra[name]; ok {
		return v, true
	}
	if a := r.body.attrs.get(name); a != nil {
		return a.marked(), true
	}
	var blocks []cty.Value
	for _, c := range r.body.blocks {
		if c.typ == name {
			blocks = append(blocks, c.value())
		}
	}
	if blocks != nil {
		return cty.TupleVal(blocks), true
	}
	typ := r.typeKey()
	if r.node.mi.cfg.attrNames[typ][name] || r.node.mi.cfg.attrNames[""][name] {
		return r.unread(typ, name), true
	}
	return cty.NilVal, false
}

// typeKey is the key of the instance's type in the module's attrNames
// and structAttrs ("data.TYPE" for a data source).
func (r *resInst) typeKey() string {
	if r.node.cfg.mode == dataMode {
		return "data." + r.node.cfg.typ
	}
	return r.node.cfg.typ
}

// unread is the value of an attribute the module reads but s3front does
// not model: unknown of any type where it is used as a structure, else an
// unknown string named after it.
func (r *resInst) unread(typ, name string) cty.Value {
	if r.node.mi.cfg.structAttrs[typ][name] {
		return unknownInput(r.addr + "." + name)
	}
	return cty.StringVal(ident.New(ident.Any, r.addr+"."+name))
}

// object builds the instance's value: configured attributes, nested
// blocks, computed attributes, and every other attribute the module reads
// as an unknown string named after it.
func (r *resInst) object() cty.Value {
	m := r.body.valueMap(len(r.extra))
	for n, v := range r.extra {
		m[n] = v
	}
	typ := r.typeKey()
	for _, names := range []map[string]bool{r.node.mi.cfg.attrNames[typ], r.node.mi.cfg.attrNames[""]} {
		for n := range names {
			if _, ok := m[n]; !ok {
				m[n] = r.unread(typ, n)
			}
		}
	}
	return cty.ObjectVal(m)
}

// evalAttr evaluates one attribute. For jsonencode(x) it evaluates x once
// and keeps it, for the positions of the policy it usually is.
func (l *loader) evalAttr(name string, expr hcl.Expression, pos source.Pos, sc *scope) *evAttr {
	a := &evAttr{name: name, pos: pos}
	jsonArg := cty.NilVal
	if call, ok := unwrapExpr(expr).(*hclsyntax.FunctionCallExpr); ok && call.Name == "jsonencode" && len(call.Args) == 1 && !call.ExpandFinal {
		raw := sc.eval(call.Args[0])
		arg, marks := raw, cty.NewValueMarks()
		if containsMarked(raw) {
			arg, marks = raw.UnmarkDeep()
		}
		jsonArg = arg
		a.val = cty.UnknownVal(cty.String)
		if arg.IsWhollyKnown() {
			if v, err := jsonEncode(arg); err == nil {
				a.val = v
			}
		}
		a.raw = a.val.WithMarks(marks)
	} else {
		a.raw = sc.eval(expr)
		a.val = unmarked(a.raw)
	}
	switch {
	case l.keepExprs:
		// The policy document walks the syntax.
		a.syn = &evSyntax{expr: expr, sc: sc, jsonArg: jsonArg}
	case policyAttrs[name]:
		l.settlePolicy(a, expr, sc, jsonArg)
	case jsonArg != cty.NilVal || quoted(a.val) || containsMarked(a.raw):
		// Messages quote the expression: its position is enough.
		r := expr.Range()
		a.syn = &evSyntax{rng: &r}
	}
	return a
}

// jsonEncode is Terraform's jsonencode of a wholly known value without
// marks, without the argument checks of a function call (the caller has
// made them).
func jsonEncode(v cty.Value) (cty.Value, error) {
	if v.IsNull() {
		return cty.StringVal("null"), nil
	}
	buf, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return cty.NilVal, err
	}
	return cty.StringVal(string(bytes.TrimSpace(buf))), nil
}

// dropExpr frees the attribute's syntax, keeping where it is written
// for messages.
func (a *evAttr) dropExpr() {
	if a.syn == nil {
		return
	}
	if a.syn.expr != nil {
		r := a.syn.expr.Range()
		a.syn.rng = &r
	}
	a.syn.expr, a.syn.sc, a.syn.jsonArg = nil, nil, cty.NilVal
}

// dropExprs frees the syntax kept in an evaluated block (see dropExpr),
// once what needed it (an aws_iam_policy_document's policy) is built.
func (b *evBlock) dropExprs() {
	for _, a := range b.attrs {
		a.dropExpr()
	}
	for _, c := range b.blocks {
		c.dropExprs()
	}
}

// quoted says whether messages about a value quote the expression that
// wrote it: values not wholly known, or holding a symbol.
func quoted(v cty.Value) bool {
	if !v.IsWhollyKnown() {
		return true
	}
	if s, ok := strVal(v); ok && !ident.Concrete(s) {
		return true
	}
	return false
}

// policyAttrs are the attributes policy builders read a policy from.
var policyAttrs = map[string]bool{
	"policy": true, "content": true, "json": true, "source_json": true, "override_json": true,
	"source_policy_documents": true, "override_policy_documents": true,
}
