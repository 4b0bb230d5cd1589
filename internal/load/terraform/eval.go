package terraform

import (
	"github.com/s3front/s3front/source"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// Evaluation is demand-driven: an expression's references (var.x,
// local.y, aws_s3_bucket.z, module.m.out) are evaluated when first needed
// and memoized, at the same granularity as Terraform's graph (one node per
// variable, local, output, resource or data block and module call), so an
// expression is evaluated once and a reference cycle is found exactly
// where Terraform would find it. The stack of nodes being evaluated is
// bounded (maxDepth); nothing iterates.

const (
	// maxDepth bounds the chain of references being evaluated at once.
	maxDepth = 4096
	// maxModuleDepth bounds module nesting.
	maxModuleDepth = 64
	// maxInstances bounds count and for_each of one block, and
	// maxTotalInstances all instances of a configuration.
	maxInstances      = 100000
	maxTotalInstances = 1000000
)

type memoState uint8

const (
	fresh memoState = iota
	visiting
	done
)

type memo struct {
	state memoState
	val   cty.Value
}

type frame struct {
	m    *memo
	what string
	rng  hcl.Range
}

// enter marks m as being evaluated; it returns false (and reports a cycle
// or a too deep chain) when m cannot be evaluated now.
func (l *loader) enter(m *memo, what string, rng hcl.Range) bool {
	if m.state == visiting {
		l.cycle(m, what, rng)
		return false
	}
	if len(l.stack) >= maxDepth {
		l.fatal(rng, "references nest more than "+strconv.Itoa(maxDepth)+" levels deep at "+what, "simplify the chain of locals and references")
		return false
	}
	m.state = visiting
	l.stack = append(l.stack, frame{m: m, what: what, rng: rng})
	return true
}

func (l *loader) leave(m *memo, v cty.Value) {
	m.val = v
	m.state = done
	l.stack = l.stack[:len(l.stack)-1]
}

func (l *loader) cycle(m *memo, what string, rng hcl.Range) {
	start := -1
	for i, f := range l.stack {
		if f.m == m {
			start = i
			break
		}
	}
	if start < 0 {
		return
	}
	var parts []string
	for _, f := range l.stack[start:] {
		parts = append(parts, f.what+" ("+rangeString(f.rng)+")")
	}
	parts = append(parts, what)
	key := strings.Join(parts[:len(parts)-1], "|")
	if l.cycles[key] {
		return
	}
	l.cycles[key] = true
	l.fatal(l.stack[start].rng, "reference cycle: "+strings.Join(parts, " refers to "),
		"Terraform rejects cycles too: break one of the references")
}

// instKey is the key of one instance of a block with count or for_each.
type instKey struct {
	kind uint8 // 0 none, 1 count index, 2 for_each key
	i    int
	s    string
}

func (k instKey) String() string {
	switch k.kind {
	case 1:
		return "[" + strconv.Itoa(k.i) + "]"
	case 2:
		return "[" + source.Quote(ident.Render(k.s)) + "]"
	}
	return ""
}

// expansion is the result of evaluating count or for_each.
type expansion struct {
	kind   uint8 // 0 single, 1 count, 2 for_each
	keys   []instKey
	values []cty.Value // each.value per key (for_each)
	known  bool
}

// modInst is one instance of a module: the root module, or one instance of
// a module call.
type modInst struct {
	l      *loader
	cfg    *modCfg
	addr   string // "" for the root module
	parent *modInst
	call   *callNode
	key    instKey
	each   cty.Value // each.value of the call instance
	depth  int

	provs   map[string]*provInst
	vars    map[string]*memo
	locals  map[string]*memo
	outputs map[string]*memo
	res     map[string]*resNode
	calls   map[string]*callNode
}

func (l *loader) newModInst(cfg *modCfg, addr string, parent *modInst, call *callNode, key instKey, each cty.Value) *modInst {
	mi := &modInst{
		l: l, cfg: cfg, addr: addr, parent: parent, call: call, key: key, each: each,
		provs:   map[string]*provInst{},
		vars:    map[string]*memo{},
		locals:  map[string]*memo{},
		outputs: map[string]*memo{},
		res:     map[string]*resNode{},
		calls:   map[string]*callNode{},
	}
	if parent != nil {
		mi.depth = parent.depth + 1
		// Default provider configurations are inherited; the providers
		// argument passes others (or replaces the defaults).
		for k, p := range parent.provs {
			if !strings.Contains(k, ".") {
				mi.provs[k] = p
			}
		}
		if call != nil {
			for _, pp := range call.cfg.providers {
				mi.provs[pp.inChild] = parent.provider(pp.inParent, pp.rng)
			}
		}
	}
	for _, pc := range cfg.providers {
		a := "provider." + pc.key()
		if addr != "" {
			a = addr + "." + a
		}
		mi.provs[pc.key()] = &provInst{cfg: pc, mi: mi, addr: a}
	}
	for _, r := range cfg.resources {
		mi.res[r.key()] = &resNode{cfg: r, mi: mi}
	}
	for _, c := range cfg.calls {
		mi.calls[c.name] = &callNode{cfg: c, parent: mi}
	}
	return mi
}

// prefix is the address prefix of resources in the module instance.
func (mi *modInst) prefix() string {
	if mi.addr == "" {
		return ""
	}
	return mi.addr + "."
}

// provider returns the provider configuration with the given local key,
// creating the implicit empty configuration Terraform uses when there is
// no provider block.
func (mi *modInst) provider(key string, rng hcl.Range) *provInst {
	if p, ok := mi.provs[key]; ok {
		return p
	}
	root := mi
	for root.parent != nil {
		root = root.parent
	}
	if p, ok := root.provs[key]; ok {
		return p
	}
	p := &provInst{mi: root, addr: "provider." + key, implicit: true, firstUse: rng}
	if _, alias, ok := strings.Cut(key, "."); ok {
		p.alias = alias
	}
	root.provs[key] = p
	mi.provs[key] = p
	return p
}

// scope is what an expression is evaluated in: a module instance plus
// count.index, each.* and dynamic block iterators.
type scope struct {
	mi       *modInst
	countIdx cty.Value
	eachKey  cty.Value
	eachVal  cty.Value
	iters    map[string]cty.Value
}

func (s *scope) withIter(name string, v cty.Value) *scope {
	n := *s
	n.iters = make(map[string]cty.Value, len(s.iters)+1)
	for k, x := range s.iters {
		n.iters[k] = x
	}
	n.iters[name] = v
	return &n
}

// eval evaluates expr. Problems that Terraform would report at plan time
// become unresolved-input notes and an unknown value; only references to
// things that do not exist and cycles are fatal.
func (s *scope) eval(expr hcl.Expression) cty.Value {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	l := s.mi.l
	if l.ctx.Err() != nil {
		return cty.DynamicVal
	}
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if v, ok := s.reference(e.Traversal); ok {
			return v
		}
	case *hclsyntax.LiteralValueExpr:
		return e.Val
	case *hclsyntax.TemplateExpr:
		if v, ok := s.template(e); ok {
			return v
		}
	}
	return s.evalInContext(expr)
}

// evalInContext evaluates expr in a context of what it refers to.
func (s *scope) evalInContext(expr hcl.Expression) cty.Value {
	l := s.mi.l
	ctx, ok := s.evalContext(expr)
	if !ok {
		return cty.DynamicVal
	}
	v, diags := safeValue(expr, ctx)
	if diags.HasErrors() {
		l.evalProblem(diags, expr)
		return cty.DynamicVal
	}
	return v
}

// reference evaluates the commonest expressions without building an
// evaluation context: var.x, local.x, and type.name.attr or
// data.type.name.attr of a single resource instance that has been
// evaluated. It gives what evaluating in a context gives (the context
// would hold an object of just that name or attribute, and the
// traversal would read it back), with the same side effects, or false
// when it cannot; evalInContext then decides, with its messages.
func (s *scope) reference(tr hcl.Traversal) (cty.Value, bool) {
	if len(tr) < 2 || len(tr) > 4 {
		return cty.NilVal, false
	}
	root := tr.RootName()
	if _, shadowed := s.iters[root]; shadowed {
		return cty.NilVal, false
	}
	step := func(i int) string {
		if a, ok := tr[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
		return ""
	}
	var n *resNode
	var attr string
	switch root {
	case "var", "local":
		name := step(1)
		if len(tr) != 2 || name == "" {
			return cty.NilVal, false
		}
		if root == "var" {
			return s.mi.variable(name, tr.SourceRange())
		}
		return s.mi.local(name, tr.SourceRange())
	case "module", "path", "terraform", "count", "each", "self":
		return cty.NilVal, false
	case "data":
		typ, name := step(1), step(2)
		if len(tr) != 4 || typ == "" || name == "" {
			return cty.NilVal, false
		}
		n, attr = s.mi.res["data."+typ+"."+name], step(3)
	default:
		name := step(1)
		if len(tr) != 3 || name == "" {
			return cty.NilVal, false
		}
		n, attr = s.mi.res[root+"."+name], step(2)
	}
	// Only a block already evaluated: evaluating one is ready's work,
	// with its messages, in the order evalContext asks for it.
	if n == nil || attr == "" || n.state != done {
		return cty.NilVal, false
	}
	n.ready(tr.SourceRange())
	if n.val != cty.NilVal || !n.exp.known || n.exp.kind != 0 || len(n.insts) != 1 {
		return cty.NilVal, false
	}
	return n.insts[0].attrValue(attr)
}

// template renders a quoted string whose parts are literals and
// references that reference evaluates ("${local.prefix}-site",
// "${aws_s3_bucket.x.arn}/*") when every part is a known string without
// marks: what rendering it in a context gives (the parts joined), or
// false, and evalInContext decides (the references already evaluated
// are memoized, and were evaluated in the order it asks for them).
func (s *scope) template(e *hclsyntax.TemplateExpr) (cty.Value, bool) {
	if len(e.Parts) == 1 {
		// A quoted string without interpolation: its literal.
		if lit, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr); ok && plainString(lit.Val) {
			return lit.Val, true
		}
		return cty.NilVal, false
	}
	var buf strings.Builder
	for _, p := range e.Parts {
		var v cty.Value
		switch x := p.(type) {
		case *hclsyntax.LiteralValueExpr:
			v = x.Val
		case *hclsyntax.ScopeTraversalExpr:
			var ok bool
			if v, ok = s.reference(x.Traversal); !ok {
				return cty.NilVal, false
			}
		default:
			return cty.NilVal, false
		}
		if !plainString(v) {
			return cty.NilVal, false
		}
		buf.WriteString(v.AsString())
	}
	return cty.StringVal(buf.String()), true
}

// plainString reports whether v is a known string, not null, without
// marks.
func plainString(v cty.Value) bool {
	return v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked()
}

// safeValue evaluates expr, turning a panic inside a function into a
// diagnostic: a loader must never crash on its input.
func safeValue(expr hcl.Expression, ctx *hcl.EvalContext) (v cty.Value, diags hcl.Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			v = cty.DynamicVal
			diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "expression could not be evaluated", Subject: expr.Range().Ptr()}}
		}
	}()
	return expr.Value(ctx)
}

// evalContext builds the variables expr refers to.
func (s *scope) evalContext(expr hcl.Expression) (*hcl.EvalContext, bool) {
	l := s.mi.l
	trs := exprVariables(expr)
	if len(trs) == 0 {
		// Nothing to look up: one context serves every such expression
		// of the loader (evaluation never changes a context; for
		// expressions and the like make children of it).
		c := &l.noVars
		if l.ownCalls {
			c = &l.noVarsOwn
		}
		if *c == nil {
			*c = l.newEvalContext()
		}
		return *c, true
	}
	ctx := l.newEvalContext()
	ctx.Variables = make(map[string]cty.Value, 4)
	type named map[string]cty.Value
	groups := map[string]named{}
	put := func(root, name string, v cty.Value) {
		g := groups[root]
		if g == nil {
			g = named{}
			groups[root] = g
		}
		g[name] = v
	}
	modOutputs := map[string]map[string]bool{} // module name -> outputs (nil = all)
	var refs resRefs
	ok := true
	for _, tr := range trs {
		root := tr.RootName()
		rng := tr.SourceRange()
		if v, found := s.iters[root]; found {
			ctx.Variables[root] = v
			continue
		}
		switch root {
		case "var", "local":
			name, good := attrStep(tr, 1)
			if !good {
				l.fatal(rng, "invalid reference: "+root+" must be followed by a name, as in "+root+".name", "")
				ok = false
				continue
			}
			var v cty.Value
			var found bool
			if root == "var" {
				v, found = s.mi.variable(name, rng)
			} else {
				v, found = s.mi.local(name, rng)
			}
			if !found {
				kind := "input variable"
				if root == "local" {
					kind = "local value"
				}
				l.fatal(rng, "reference to undeclared "+kind+" "+root+"."+name+" in "+s.mi.describe(),
					"declare it, or fix the name")
				ok = false
				continue
			}
			put(root, name, v)
		case "module":
			name, good := attrStep(tr, 1)
			if !good {
				l.fatal(rng, "invalid reference: module must be followed by a module call name", "")
				ok = false
				continue
			}
			if _, declared := s.mi.calls[name]; !declared {
				l.fatal(rng, "reference to undeclared module call module."+name+" in "+s.mi.describe(), "declare it, or fix the name")
				ok = false
				continue
			}
			outs, seen := modOutputs[name]
			if !seen {
				outs = map[string]bool{}
				modOutputs[name] = outs
			}
			if outs != nil {
				step := 2
				if len(tr) > step {
					if _, isIdx := tr[step].(hcl.TraverseIndex); isIdx {
						step++
					}
				}
				if o, good := attrStep(tr, step); good {
					outs[o] = true
				} else {
					modOutputs[name] = nil // whole module object
				}
			}
		case "data":
			typ, good1 := attrStep(tr, 1)
			name, good2 := attrStep(tr, 2)
			if !good1 || !good2 {
				l.fatal(rng, "invalid reference: data must be followed by a type and a name, as in data.aws_region.current", "")
				ok = false
				continue
			}
			n, declared := s.mi.res["data."+typ+"."+name]
			if !declared {
				l.fatal(rng, "reference to undeclared data source data."+typ+"."+name+" in "+s.mi.describe(), "declare it, or fix the name")
				ok = false
				continue
			}
			refs = refs.add(n, rng, tr, "data", typ, name)
		case "path":
			name, good := attrStep(tr, 1)
			switch {
			case good && name == "module":
				put("path", "module", cty.StringVal(relDir(l.root, s.mi.cfg.dir)))
			case good && name == "root":
				put("path", "root", cty.StringVal("."))
			case good && name == "cwd":
				put("path", "cwd", cty.StringVal("."))
			default:
				l.fatal(rng, "invalid reference: path.module, path.root and path.cwd are the only path values", "")
				ok = false
			}
		case "terraform":
			name, good := attrStep(tr, 1)
			if good && name == "workspace" {
				put("terraform", "workspace", cty.StringVal("default"))
			} else if good && name == "applying" {
				put("terraform", "applying", cty.False)
			} else {
				l.fatal(rng, "invalid reference: terraform.workspace is the only terraform value", "")
				ok = false
			}
		case "count":
			if s.countIdx == cty.NilVal {
				l.fatal(rng, "count.index is only available in a block that sets count", "")
				ok = false
				continue
			}
			put("count", "index", s.countIdx)
		case "each":
			if s.eachKey == cty.NilVal {
				l.fatal(rng, "each.key and each.value are only available in a block that sets for_each", "")
				ok = false
				continue
			}
			put("each", "key", s.eachKey)
			put("each", "value", s.eachVal)
		case "self":
			ctx.Variables["self"] = cty.DynamicVal
		default:
			name, good := attrStep(tr, 1)
			if !good {
				l.fatal(rng, "invalid reference "+strconvQuote(root)+": a resource reference is type.name, as in aws_s3_bucket.site", "")
				ok = false
				continue
			}
			n, declared := s.mi.res[root+"."+name]
			if !declared {
				l.fatal(rng, "reference to undeclared resource "+root+"."+name+" in "+s.mi.describe(), "declare it, or fix the name")
				ok = false
				continue
			}
			refs = refs.add(n, rng, tr, "", root, name)
		}
	}
	dataTypes := map[string]map[string]cty.Value{}
	for _, u := range refs {
		v := u.value()
		if u.data == "" {
			put(u.typ, u.name, v)
			continue
		}
		m := dataTypes[u.typ]
		if m == nil {
			m = map[string]cty.Value{}
			dataTypes[u.typ] = m
		}
		m[u.name] = v
	}
	for typ, m := range dataTypes {
		put("data", typ, cty.ObjectVal(m))
	}
	for name, outs := range modOutputs {
		c := s.mi.calls[name]
		put("module", name, c.value(outs, expr.Range()))
	}
	for root, g := range groups {
		ctx.Variables[root] = cty.ObjectVal(g)
	}
	return ctx, ok
}

// newEvalContext is a context with the pure functions (in its parent)
// and, once a module may call them, the loader's own functions.
func (l *loader) newEvalContext() *hcl.EvalContext {
	ctx := pureCtx().NewChild()
	if l.ownCalls {
		ctx.Functions = l.ownFuncs()
	}
	return ctx
}

// attrStep returns the name of step i of tr when it is an attribute step
// (or a string index, for the root's first step written as x["y"]).
func attrStep(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	switch st := tr[i].(type) {
	case hcl.TraverseAttr:
		return st.Name, true
	case hcl.TraverseIndex:
		if st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull() {
			return st.Key.AsString(), true
		}
	}
	return "", false
}

func (mi *modInst) describe() string {
	if mi.addr == "" {
		return "the root module"
	}
	return mi.addr
}

// variable returns the value of var.name.
func (mi *modInst) variable(name string, rng hcl.Range) (cty.Value, bool) {
	vc, ok := mi.cfg.variables[name]
	if !ok {
		return cty.NilVal, false
	}
	m := mi.vars[name]
	if m == nil {
		m = &memo{}
		mi.vars[name] = m
	}
	if m.state == done {
		return m.val, true
	}
	what := mi.prefix() + "var." + name
	if !mi.l.enter(m, what, vc.rng) {
		return cty.DynamicVal, true
	}
	mi.l.leave(m, mi.l.variableValue(mi, vc))
	return m.val, true
}

// local returns the value of local.name.
func (mi *modInst) local(name string, rng hcl.Range) (cty.Value, bool) {
	a, ok := mi.cfg.locals[name]
	if !ok {
		return cty.NilVal, false
	}
	m := mi.locals[name]
	if m == nil {
		m = &memo{}
		mi.locals[name] = m
	}
	if m.state == done {
		return m.val, true
	}
	if !mi.l.enter(m, mi.prefix()+"local."+name, a.NameRange) {
		return cty.DynamicVal, true
	}
	sc := &scope{mi: mi}
	mi.l.leave(m, sc.eval(a.Expr))
	return m.val, true
}

// output returns the value of output name of the instance.
func (mi *modInst) output(name string, rng hcl.Range) cty.Value {
	a, ok := mi.cfg.outputs[name]
	if !ok {
		mi.l.fatal(rng, "module "+mi.addr+" has no output "+strconvQuote(name), "add output \""+name+"\" to "+mi.cfg.dir+", or fix the name")
		return cty.DynamicVal
	}
	m := mi.outputs[name]
	if m == nil {
		m = &memo{}
		mi.outputs[name] = m
	}
	if m.state == done {
		return m.val
	}
	if !mi.l.enter(m, mi.prefix()+"output."+name, a.NameRange) {
		return cty.DynamicVal
	}
	sc := &scope{mi: mi}
	mi.l.leave(m, sc.eval(a.Expr))
	return m.val
}

// expand evaluates count or for_each of a block in sc. A block left out
// because they are unknown is recorded as unresolved, and as not evaluated
// (model.Unresolved.Incomplete) with the given kind when it is not "".
func (l *loader) expand(sc *scope, count, forEach hcl.Expression, what, incomplete string) expansion {
	switch {
	case count != nil:
		raw := sc.eval(count)
		v := unmarked(raw)
		if !v.IsKnown() || hasAnySymbol(v) {
			l.unresolvedKind(count.Range(), what+" count", "count depends on "+dependsOn(raw)+"; "+what+" is left out. Pass the value with --var, or scan `terraform show -json` output", incomplete)
			return expansion{kind: 1}
		}
		n, err := convert.Convert(v, cty.Number)
		if err != nil || n.IsNull() {
			l.fatal(count.Range(), "invalid count for "+what+": a whole number is required", "")
			return expansion{kind: 1}
		}
		bf := n.AsBigFloat()
		i, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 || i < 0 {
			l.fatal(count.Range(), "invalid count for "+what+": a whole number of 0 or more is required", "")
			return expansion{kind: 1}
		}
		if i > maxInstances || !l.budget(int(i), count.Range()) {
			l.fatal(count.Range(), "count of "+what+" is larger than s3front's limit of "+strconv.Itoa(maxInstances), "")
			return expansion{kind: 1}
		}
		e := expansion{kind: 1, known: true}
		for k := 0; k < int(i); k++ {
			e.keys = append(e.keys, instKey{kind: 1, i: k})
			e.values = append(e.values, cty.NilVal)
		}
		return e
	case forEach != nil:
		raw := sc.eval(forEach)
		v := unmarked(raw)
		if v.IsKnown() && v.Type() == cty.String && hasAnySymbol(v) {
			// An unset variable without a type stands for a string
			// symbol; as a for_each it is simply unknown.
			v = cty.DynamicVal
		}
		if !v.IsWhollyKnown() {
			if v.IsKnown() && v.CanIterateElements() && (v.Type().IsMapType() || v.Type().IsObjectType()) {
				// Keys are known even if some values are not.
			} else {
				l.unresolvedKind(forEach.Range(), what+" for_each", "for_each depends on "+dependsOn(raw)+"; "+what+" is left out. Pass the value with --var, or scan `terraform show -json` output", incomplete)
				return expansion{kind: 2}
			}
		}
		if v.IsNull() {
			l.fatal(forEach.Range(), "invalid for_each for "+what+": the value is null", "use a map or a set of strings")
			return expansion{kind: 2}
		}
		ty := v.Type()
		e := expansion{kind: 2, known: true}
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			if v.LengthInt() > maxInstances || !l.budget(v.LengthInt(), forEach.Range()) {
				l.fatal(forEach.Range(), "for_each of "+what+" is larger than s3front's limit", "")
				return expansion{kind: 2}
			}
			for it := v.ElementIterator(); it.Next(); {
				k, x := it.Element()
				e.keys = append(e.keys, instKey{kind: 2, s: k.AsString()})
				e.values = append(e.values, x)
			}
		case ty.IsSetType():
			if !ty.ElementType().Equals(cty.String) {
				if c, err := convert.Convert(v, cty.Set(cty.String)); err == nil {
					v = c
				} else {
					l.fatal(forEach.Range(), "invalid for_each for "+what+": a set must hold strings", "use toset([...]) of strings, or a map")
					return expansion{kind: 2}
				}
			}
			if v.LengthInt() > maxInstances || !l.budget(v.LengthInt(), forEach.Range()) {
				l.fatal(forEach.Range(), "for_each of "+what+" is larger than s3front's limit", "")
				return expansion{kind: 2}
			}
			for it := v.ElementIterator(); it.Next(); {
				_, x := it.Element()
				if x.IsNull() || !x.IsKnown() {
					l.unresolvedKind(forEach.Range(), what+" for_each", "a for_each key is unknown; "+what+" is left out", incomplete)
					return expansion{kind: 2}
				}
				e.keys = append(e.keys, instKey{kind: 2, s: x.AsString()})
				e.values = append(e.values, x)
			}
		default:
			l.fatal(forEach.Range(), "invalid for_each for "+what+": found "+ty.FriendlyName()+", a map or a set of strings is required",
				"wrap a list in toset(...)")
			return expansion{kind: 2}
		}
		return e
	}
	return expansion{keys: []instKey{{}}, values: []cty.Value{cty.NilVal}, known: true}
}

// budget counts instances against maxTotalInstances.
func (l *loader) budget(n int, rng hcl.Range) bool {
	l.instances += n
	return l.instances <= maxTotalInstances
}

// instanceScope returns the scope of one instance of an expanded block.
func instanceScope(base *scope, e expansion, i int) *scope {
	sc := *base
	switch e.kind {
	case 1:
		sc.countIdx = cty.NumberIntVal(int64(e.keys[i].i))
	case 2:
		sc.eachKey = cty.StringVal(e.keys[i].s)
		sc.eachVal = e.values[i]
	}
	return &sc
}

// collect combines instance values the way Terraform exposes them:
// one object, a tuple for count, an object keyed by for_each keys.
func collect(e expansion, vals []cty.Value) cty.Value {
	if !e.known {
		return cty.DynamicVal
	}
	switch e.kind {
	case 1:
		if len(vals) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(vals)
	case 2:
		m := make(map[string]cty.Value, len(vals))
		for i, k := range e.keys {
			m[k.s] = vals[i]
		}
		return cty.ObjectVal(m)
	}
	if len(vals) == 0 {
		return cty.DynamicVal
	}
	return vals[0]
}

// callNode is a module call in one module instance.
type callNode struct {
	memo
	cfg    *callCfg
	parent *modInst
	exp    expansion
	insts  []*modInst
	child  *modCfg
	// unres is true when the module's source could not be loaded.
	unres bool
}

// instances expands the call (once).
func (c *callNode) instances() []*modInst {
	if c.state == done {
		return c.insts
	}
	l := c.parent.l
	what := c.parent.prefix() + "module." + c.cfg.name
	if !l.enter(&c.memo, what, c.cfg.rng) {
		return nil
	}
	defer l.leave(&c.memo, cty.NilVal)
	if c.parent.depth+1 > maxModuleDepth {
		l.fatal(c.cfg.rng, "modules nest more than "+strconv.Itoa(maxModuleDepth)+" levels deep", "does a module call itself?")
		c.unres = true
		return nil
	}
	c.child = l.moduleFor(c.parent, c.cfg)
	if c.child == nil {
		c.unres = true
		return nil
	}
	base := &scope{mi: c.parent}
	c.exp = l.expand(base, c.cfg.count, c.cfg.forEach, what, model.IncompleteModule)
	for i, k := range c.exp.keys {
		addr := what + k.String()
		var each cty.Value
		if c.exp.kind == 2 {
			each = c.exp.values[i]
		}
		c.insts = append(c.insts, l.newModInst(c.child, addr, c.parent, c, k, each))
	}
	return c.insts
}

// argScope is the scope in which the call's arguments are evaluated for
// one instance.
func (mi *modInst) argScope() *scope {
	sc := &scope{mi: mi.parent}
	switch mi.key.kind {
	case 1:
		sc.countIdx = cty.NumberIntVal(int64(mi.key.i))
	case 2:
		sc.eachKey = cty.StringVal(mi.key.s)
		sc.eachVal = mi.each
	}
	return sc
}

// value is the value of module.NAME with the given outputs (nil: all).
func (c *callNode) value(outs map[string]bool, rng hcl.Range) cty.Value {
	insts := c.instances()
	if c.unres {
		// The module was not read: its outputs are unknown, named after
		// the call (the unresolved input names it too).
		return unknownInput(c.parent.prefix() + "module." + c.cfg.name)
	}
	if !c.exp.known {
		return cty.DynamicVal
	}
	var names []string
	if outs == nil {
		for n := range c.child.outputs {
			names = append(names, n)
		}
	} else {
		for n := range outs {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	vals := make([]cty.Value, len(insts))
	for i, mi := range insts {
		o := make(map[string]cty.Value, len(names))
		for _, n := range names {
			o[n] = mi.output(n, rng)
		}
		vals[i] = cty.ObjectVal(o)
	}
	return collect(c.exp, vals)
}

// hasAnySymbol reports whether v is a string holding a symbol of unresolved
// input.
func hasAnySymbol(v cty.Value) bool {
	s, ok := strVal(v)
	return ok && !ident.Concrete(s)
}

// dependsOn names the unresolved inputs of an unknown value, for
// messages.
func dependsOn(v cty.Value) string {
	if names := exprInputs(v); names != "" {
		return names + ", which the input does not fix"
	}
	return "a value the input does not fix"
}
