package terraform

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"

	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/source"
)

// modCfg is the static configuration of one module directory: what its
// files declare, before any expression is evaluated. Every instance of the
// module (for_each, count, several calls) shares one modCfg.
type modCfg struct {
	dir       string // fsys path of the directory
	files     []string
	variables map[string]*varCfg
	locals    map[string]*hcl.Attribute
	outputs   map[string]*hcl.Attribute
	providers []*providerCfg
	resources []*resCfg // managed and data, in declaration order
	resByKey  map[string]*resCfg
	calls     []*callCfg
	callByKey map[string]*callCfg
	attrUse
	// comments maps file name to the comment lines of the file, for
	// suppressions.
	lines map[string][]string
}

// attrUse is what a module's expressions read of resources and
// variables (see collectAttrNames).
type attrUse struct {
	// attrNames are the attribute names expressions of the module read
	// from resources, by resource type ("data.T" for data sources); the
	// key "" holds names read through splat and for expressions, which
	// apply to every type.
	// reads from a value (x.name, x[*].name, x["name"]): resource objects
	// of types s3front does not model offer them as unknown strings.
	attrNames map[string]map[string]bool
	// structAttrs are the attributes (by type, as in attrNames) that
	// expressions use as structures: reading into them (x.attr.y,
	// x.attr[0]), iterating them (for, splat, for_each). Offered as
	// unknown values of any type rather than as unknown strings.
	// structVars are the variables used so.
	structAttrs map[string]map[string]bool
	structVars  map[string]bool
	// ownCalls: an expression calls one of the loader's own functions
	// (ownFuncNames), or the module has syntax collectAttrNames does not
	// see (JSON files, override files).
	ownCalls bool
}

func newAttrUse() attrUse {
	return attrUse{attrNames: map[string]map[string]bool{}, structAttrs: map[string]map[string]bool{}, structVars: map[string]bool{}}
}

// merge adds what another file of the module reads.
func (u *attrUse) merge(o *attrUse) {
	for _, p := range [][2]map[string]map[string]bool{{u.attrNames, o.attrNames}, {u.structAttrs, o.structAttrs}} {
		into, from := p[0], p[1]
		for typ, names := range from {
			x := into[typ]
			if x == nil {
				x = map[string]bool{}
				into[typ] = x
			}
			for n := range names {
				x[n] = true
			}
		}
	}
	for n := range o.structVars {
		u.structVars[n] = true
	}
	u.ownCalls = u.ownCalls || o.ownCalls
}

type varCfg struct {
	name     string
	typeExpr hcl.Expression
	deflt    *hcl.Attribute
	nullable bool
	rng      hcl.Range
}

type providerCfg struct {
	name  string // local name, e.g. aws
	alias string
	body  hcl.Body
	rng   hcl.Range
}

// key is the provider configuration's local address: aws or aws.west.
func (p *providerCfg) key() string {
	if p.alias == "" {
		return p.name
	}
	return p.name + "." + p.alias
}

type resMode uint8

const (
	managed resMode = iota
	dataMode
)

type resCfg struct {
	mode resMode
	typ  string
	name string
	body hcl.Body
	// cbody replaces body for native syntax (see compactBody): body then
	// holds only the meta-arguments.
	cbody    *cBody
	count    hcl.Expression
	forEach  hcl.Expression
	provider string // local provider address, "" for the default
	provRng  hcl.Range
	rng      hcl.Range // DefRange of the block
	typeRng  hcl.Range
}

// key is the resource's address inside its module: aws_s3_bucket.x or
// data.aws_region.current.
func (r *resCfg) key() string {
	if r.mode == dataMode {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

type callCfg struct {
	name      string
	source    string
	sourceRng hcl.Range
	version   string
	count     hcl.Expression
	forEach   hcl.Expression
	providers []providerPass
	args      map[string]*hcl.Attribute
	rng       hcl.Range
}

type providerPass struct {
	inChild  string // key in the child: aws or aws.east
	inParent string // key in the parent
	rng      hcl.Range
}

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "terraform"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "ephemeral", LabelNames: []string{"type", "name"}},
		{Type: "moved"},
		{Type: "import"},
		{Type: "removed"},
		{Type: "check", LabelNames: []string{"name"}},
	},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
		{Name: "nullable"}, {Name: "ephemeral"}, {Name: "const"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value"}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}},
}

var resourceMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "count"}, {Name: "for_each"}, {Name: "provider"}, {Name: "depends_on"},
	},
}

var moduleMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true}, {Name: "version"}, {Name: "count"}, {Name: "for_each"},
		{Name: "providers"}, {Name: "depends_on"},
	},
}

// isConfigFile reports whether name is a Terraform or OpenTofu
// configuration file, and whether it is JSON.
func isConfigFile(name string) (ok, isJSON bool) {
	switch {
	case strings.HasSuffix(name, ".tf"), strings.HasSuffix(name, ".tofu"):
		return true, false
	case strings.HasSuffix(name, ".tf.json"), strings.HasSuffix(name, ".tofu.json"):
		return true, true
	}
	return false, false
}

// isOverride reports whether the file is an override file, which
// Terraform merges into the blocks of the other files.
func isOverride(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	base = strings.TrimSuffix(base, ".tofu")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// listDir lists a directory once per load.
func (l *loader) listDir(dir string) ([]fs.DirEntry, error) {
	if d, ok := l.dirs[dir]; ok {
		return d.ents, d.err
	}
	ents, err := fs.ReadDir(l.fsys, dir)
	l.dirs[dir] = dirList{ents, err}
	return ents, err
}

// hasEntry reports whether dir lists name.
func (l *loader) hasEntry(dir, name string) bool {
	ents, _ := l.listDir(dir)
	for _, e := range ents {
		if e.Name() == name {
			return true
		}
	}
	return false
}

type dirList struct {
	ents []fs.DirEntry
	err  error
}

// configFiles lists the configuration files of dir in lexical order. As
// OpenTofu does, a .tofu file hides the .tf file of the same base name.
func (l *loader) configFiles(dir string) ([]string, []string, error) {
	ents, err := l.listDir(dir)
	if err != nil {
		return nil, nil, err
	}
	have := map[string]bool{}
	for _, e := range ents {
		have[e.Name()] = true
	}
	var files, overrides []string
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		n := e.Name()
		ok, _ := isConfigFile(n)
		if !ok || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasSuffix(n, ".tf") && have[strings.TrimSuffix(n, ".tf")+".tofu"] {
			continue
		}
		if strings.HasSuffix(n, ".tf.json") && have[strings.TrimSuffix(n, ".tf.json")+".tofu.json"] {
			continue
		}
		p := path.Join(dir, n)
		if isOverride(n) {
			overrides = append(overrides, p)
		} else {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	sort.Strings(overrides)
	return files, overrides, nil
}

// parseModule reads and decodes the files of one module directory.
// Syntax and structure errors are returned as diagnostics.
func (l *loader) parseModule(dir string) (*modCfg, hcl.Diagnostics) {
	files, overrides, err := l.configFiles(dir)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "cannot read module directory " + l.display(dir) + ": " + errText(err),
			Subject:  &hcl.Range{Filename: l.display(dir)},
		}}
	}
	m := &modCfg{
		dir:       dir,
		variables: map[string]*varCfg{},
		locals:    map[string]*hcl.Attribute{},
		outputs:   map[string]*hcl.Attribute{},
		resByKey:  map[string]*resCfg{},
		callByKey: map[string]*callCfg{},
		lines:     map[string][]string{},
		attrUse:   newAttrUse(),
	}
	var diags hcl.Diagnostics
	// Override files change the syntax of the files they override, so
	// those are kept whole.
	parsed := l.parseFiles(files, len(overrides) == 0)
	if len(overrides) > 0 {
		over := l.parseFiles(overrides, false)
		for _, pf := range over {
			if pf.readErr != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "cannot read " + pf.name + ": " + repo.Reason(pf.readErr), Subject: &hcl.Range{Filename: pf.name}})
				continue
			}
			l.addFile(pf.name)
			l.srcCache[pf.name] = pf.src
			if pf.lines != nil {
				m.lines[pf.name] = pf.lines
			}
			diags = append(diags, pf.diags...)
		}
		if !diags.HasErrors() {
			diags = append(diags, l.applyOverrides(parsed, over)...)
		}
	}
	for _, pf := range parsed {
		if pf.readErr != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "cannot read " + pf.name + ": " + repo.Reason(pf.readErr), Subject: &hcl.Range{Filename: pf.name}})
			continue
		}
		l.addFile(pf.name)
		l.srcCache[pf.name] = pf.src
		m.files = append(m.files, pf.name)
		if pf.lines != nil {
			m.lines[pf.name] = pf.lines
		}
		diags = append(diags, pf.diags...)
		if pf.diags.HasErrors() || pf.file == nil {
			continue
		}
		diags = append(diags, m.decodeFile(pf.file, pf.cbodies)...)
		if pf.uses != nil {
			m.attrUse.merge(pf.uses)
		} else if sb, ok := pf.file.Body.(*hclsyntax.Body); ok {
			collectAttrNames(sb, &m.attrUse)
		} else {
			m.ownCalls = true
		}
	}
	if len(overrides) > 0 {
		m.ownCalls = true
	}
	// Once a module may call them, every expression of the loader sees
	// the loader's own functions.
	l.ownCalls = l.ownCalls || m.ownCalls
	return m, diags
}

func (m *modCfg) decodeFile(f *hcl.File, cbodies map[int]*cBody) hcl.Diagnostics {
	content, _, diags := f.Body.PartialContent(rootSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			diags = append(diags, m.decodeVariable(b)...)
		case "locals":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			for _, a := range sortedAttrs(attrs) {
				if prev, dup := m.locals[a.Name]; dup {
					diags = append(diags, dupDiag("local value", a.Name, a.NameRange, prev.NameRange))
					continue
				}
				m.locals[a.Name] = a
			}
		case "output":
			c, _, d := b.Body.PartialContent(outputSchema)
			diags = append(diags, d...)
			name := b.Labels[0]
			if _, dup := m.outputs[name]; dup {
				diags = append(diags, dupDiag("output", name, b.DefRange, m.outputs[name].NameRange))
				continue
			}
			if a, ok := c.Attributes["value"]; ok {
				m.outputs[name] = a
			} else {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: `output "` + name + `" has no value argument`,
					Detail: `hint: add value = <expression>`, Subject: b.DefRange.Ptr()})
			}
		case "provider":
			p := &providerCfg{name: b.Labels[0], body: b.Body, rng: b.DefRange}
			attrs, _ := providerAliasAttr(b.Body)
			if attrs != nil {
				v, d := attrs.Expr.Value(nil)
				if !d.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
					p.alias = v.AsString()
				}
			}
			for _, q := range m.providers {
				if q.key() == p.key() {
					diags = append(diags, dupDiag("provider configuration", p.key(), p.rng, q.rng))
				}
			}
			m.providers = append(m.providers, p)
		case "resource", "data":
			diags = append(diags, m.decodeResource(b, cbodies[b.DefRange.Start.Byte])...)
		case "module":
			diags = append(diags, m.decodeCall(b)...)
		}
	}
	return diags
}

func providerAliasAttr(body hcl.Body) (*hcl.Attribute, hcl.Diagnostics) {
	c, _, d := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}}})
	if c == nil {
		return nil, d
	}
	return c.Attributes["alias"], d
}

func dupDiag(what, name string, at, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "duplicate " + what + " " + strconvQuote(name) + ", already declared at " + rangeString(prev),
		Detail:   "hint: rename or remove one of them",
		Subject:  at.Ptr(),
	}
}

func (m *modCfg) decodeVariable(b *hcl.Block) hcl.Diagnostics {
	c, _, diags := b.Body.PartialContent(variableSchema)
	name := b.Labels[0]
	if !validIdent(name) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid variable name " + strconvQuote(name), Subject: b.LabelRanges[0].Ptr()})
		return diags
	}
	if prev, dup := m.variables[name]; dup {
		return append(diags, dupDiag("variable", name, b.DefRange, prev.rng))
	}
	v := &varCfg{name: name, rng: b.DefRange, nullable: true}
	if c != nil {
		if a, ok := c.Attributes["type"]; ok {
			v.typeExpr = a.Expr
		}
		if a, ok := c.Attributes["default"]; ok {
			v.deflt = a
		}
		if a, ok := c.Attributes["nullable"]; ok {
			if val, d := a.Expr.Value(nil); !d.HasErrors() && val.IsKnown() && !val.IsNull() && val.Type().FriendlyName() == "bool" {
				v.nullable = val.True()
			}
		}
	}
	m.variables[name] = v
	return diags
}

func (m *modCfg) decodeResource(b *hcl.Block, cb *cBody) hcl.Diagnostics {
	r := &resCfg{typ: b.Labels[0], name: b.Labels[1], body: b.Body, cbody: cb, rng: b.DefRange, typeRng: b.LabelRanges[0]}
	if b.Type == "data" {
		r.mode = dataMode
	}
	var diags hcl.Diagnostics
	for i, lbl := range b.Labels {
		if !validIdent(lbl) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid " + b.Type + " label " + strconvQuote(lbl),
				Detail: "hint: names must start with a letter or underscore and contain only letters, digits, underscores and dashes", Subject: b.LabelRanges[i].Ptr()})
			return diags
		}
	}
	c, _, d := b.Body.PartialContent(resourceMetaSchema)
	diags = append(diags, d...)
	if c != nil {
		if a, ok := c.Attributes["count"]; ok {
			r.count = a.Expr
		}
		if a, ok := c.Attributes["for_each"]; ok {
			r.forEach = a.Expr
		}
		if r.count != nil && r.forEach != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "count and for_each cannot both be set",
				Detail: "hint: remove one of them", Subject: c.Attributes["for_each"].NameRange.Ptr()})
		}
		if a, ok := c.Attributes["provider"]; ok {
			tr, d := hcl.AbsTraversalForExpr(a.Expr)
			if d.HasErrors() || len(tr) == 0 || len(tr) > 2 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid provider reference",
					Detail: "hint: write provider = aws or provider = aws.alias", Subject: a.Expr.Range().Ptr()})
			} else {
				r.provider = tr.RootName()
				if len(tr) == 2 {
					if at, ok := tr[1].(hcl.TraverseAttr); ok {
						r.provider += "." + at.Name
					}
				}
				r.provRng = a.Expr.Range()
			}
		}
	}
	if prev, dup := m.resByKey[r.key()]; dup {
		return append(diags, dupDiag(b.Type, r.key(), r.rng, prev.rng))
	}
	m.resByKey[r.key()] = r
	m.resources = append(m.resources, r)
	return diags
}

func (m *modCfg) decodeCall(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	if !validIdent(name) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "invalid module name " + strconvQuote(name), Subject: b.LabelRanges[0].Ptr()}}
	}
	c, remain, diags := b.Body.PartialContent(moduleMetaSchema)
	call := &callCfg{name: name, rng: b.DefRange, args: map[string]*hcl.Attribute{}}
	if c != nil {
		if a, ok := c.Attributes["source"]; ok {
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type().FriendlyName() != "string" {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "module source must be a literal string",
					Detail: "hint: Terraform does not allow references or functions in source", Subject: a.Expr.Range().Ptr()})
			} else {
				call.source = v.AsString()
			}
			call.sourceRng = a.Expr.Range()
		}
		if a, ok := c.Attributes["version"]; ok {
			if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type().FriendlyName() == "string" {
				call.version = v.AsString()
			}
		}
		if a, ok := c.Attributes["count"]; ok {
			call.count = a.Expr
		}
		if a, ok := c.Attributes["for_each"]; ok {
			call.forEach = a.Expr
		}
		if a, ok := c.Attributes["providers"]; ok {
			pairs, d := hcl.ExprMap(a.Expr)
			diags = append(diags, d...)
			for _, p := range pairs {
				k, d1 := hcl.AbsTraversalForExpr(p.Key)
				v, d2 := hcl.AbsTraversalForExpr(p.Value)
				if d1.HasErrors() || d2.HasErrors() {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "invalid providers map entry",
						Detail: "hint: write providers = { aws = aws.west }", Subject: p.Key.Range().Ptr()})
					continue
				}
				call.providers = append(call.providers, providerPass{inChild: travKey(k), inParent: travKey(v), rng: p.Value.Range()})
			}
		}
	}
	if remain != nil {
		attrs, d := remain.JustAttributes()
		diags = append(diags, d...)
		for n, a := range attrs {
			call.args[n] = a
		}
	}
	if prev, dup := m.callByKey[name]; dup {
		return append(diags, dupDiag("module call", name, b.DefRange, prev.rng))
	}
	m.callByKey[name] = call
	m.calls = append(m.calls, call)
	return diags
}

// travKey renders a provider traversal (aws, aws.west) as a key.
func travKey(t hcl.Traversal) string {
	s := t.RootName()
	for _, st := range t[1:] {
		if a, ok := st.(hcl.TraverseAttr); ok {
			s += "." + a.Name
		}
	}
	return s
}

func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return rangeLess(out[i].Range, out[j].Range) })
	return out
}

func rangeLess(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}

// collectAttrNames records the attribute names expressions read from
// resources: the steps of traversals after type.name (data.type.name),
// and the names of relative traversals (splat and for expressions). It
// also records which attributes and variables are used as structures,
// and makes the operators symbol-aware (see symbolAware).
func collectAttrNames(body *hclsyntax.Body, m *attrUse) {
	add := func(into map[string]map[string]bool, typ, name string) {
		x := into[typ]
		if x == nil {
			x = map[string]bool{}
			into[typ] = x
		}
		x[name] = true
	}
	// structural marks the reference at the root of e as used as a
	// structure (a for collection, a splat source, a for_each).
	structural := func(e hclsyntax.Expression) {
		st, ok := e.(*hclsyntax.ScopeTraversalExpr)
		if !ok {
			return
		}
		if typ, attr, ok := refAttr(st.Traversal); ok {
			if typ == "var" {
				m.structVars[attr] = true
			} else {
				add(m.structAttrs, typ, attr)
			}
		}
	}
	walkSyntax(body, func(n hclsyntax.Node) {
		symbolAwareNode(n)
		switch e := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			root := e.Traversal.RootName()
			skip := 2 // type.name
			switch root {
			case "var":
				if name, ok := attrStep(e.Traversal, 1); ok && len(e.Traversal) > 2 {
					m.structVars[name] = true
				}
				return
			case "local", "each", "count", "path", "terraform", "module", "self":
				return
			case "data":
				skip = 3
				t, ok := attrStep(e.Traversal, 1)
				if !ok {
					return
				}
				root = "data." + t
			}
			first := true
			for i, st := range e.Traversal {
				if a, ok := st.(hcl.TraverseAttr); ok && i >= skip {
					add(m.attrNames, root, a.Name)
					if first && i+1 < len(e.Traversal) {
						add(m.structAttrs, root, a.Name)
					}
					first = false
				}
			}
		case *hclsyntax.RelativeTraversalExpr:
			for _, st := range e.Traversal {
				if a, ok := st.(hcl.TraverseAttr); ok {
					add(m.attrNames, "", a.Name)
				}
			}
			structural(e.Source)
		case *hclsyntax.IndexExpr:
			structural(e.Collection)
		case *hclsyntax.ForExpr:
			structural(e.CollExpr)
		case *hclsyntax.SplatExpr:
			structural(e.Source)
		case *hclsyntax.Attribute:
			if e.Name == "for_each" {
				structural(e.Expr)
			}
		case *hclsyntax.FunctionCallExpr:
			if ownFuncNames[e.Name] {
				m.ownCalls = true
			}
			if collectionFunc(e.Name) {
				for _, a := range e.Args {
					structural(a)
				}
			}
		}
	})
}

// collectionFunc reports whether the function takes lists, sets, maps or
// objects: an attribute passed to one (tolist(data.aws_subnets.x.ids)) is
// used as a structure.
func collectionFunc(name string) bool {
	switch name {
	case "tolist", "toset", "tomap", "length", "slice", "element", "concat", "flatten", "keys", "values",
		"contains", "distinct", "sort", "reverse", "one", "sum", "coalescelist", "compact", "setunion",
		"setintersection", "setsubtract", "setproduct", "zipmap", "merge", "lookup", "chunklist", "index",
		"transpose", "matchkeys", "alltrue", "anytrue", "join":
		return true
	}
	return false
}

// refAttr returns the variable (typ "var") or the resource type and
// attribute a traversal reads: var.x, aws_x.y.attr, aws_x.y[0].attr,
// data.t.n.attr.
func refAttr(tr hcl.Traversal) (typ, attr string, ok bool) {
	root := tr.RootName()
	skip := 2
	switch root {
	case "var":
		name, ok := attrStep(tr, 1)
		return "var", name, ok
	case "local", "each", "count", "path", "terraform", "module", "self":
		return "", "", false
	case "data":
		t, ok := attrStep(tr, 1)
		if !ok {
			return "", "", false
		}
		root, skip = "data."+t, 3
	}
	for i, st := range tr {
		if a, ok := st.(hcl.TraverseAttr); ok && i >= skip {
			return root, a.Name, true
		}
	}
	return "", "", false
}

type parsedFile struct {
	name    string
	src     []byte
	lines   []string
	file    *hcl.File
	diags   hcl.Diagnostics
	readErr error
	// compact asks the parse worker to reduce resource bodies (see
	// compactBody); it then fills cbodies, by the byte offset of the
	// block in the file, and uses, what the file's expressions read.
	compact bool
	cbodies map[int]*cBody
	uses    *attrUse
}

// maxConfigFileSize bounds a configuration file (.tf, .tf.json, .tofu)
// and maxVarFileSize a .tfvars file or the module manifest; larger files
// are refused with a message, never read.
const (
	maxConfigFileSize = 32 << 20
	maxVarFileSize    = 16 << 20
)

// parseFiles reads and parses files, in parallel (parsing is most of the
// cost of loading a large configuration), returning them in order. Names
// in the result are display names (see loader.display).
func (l *loader) parseFiles(files []string, compact bool) []*parsedFile {
	out := make([]*parsedFile, len(files))
	for i, name := range files {
		pf := &parsedFile{name: l.display(name), compact: compact}
		pf.src, pf.readErr = repo.ReadFile(l.fsys, name, maxConfigFileSize, "a Terraform file")
		if pf.readErr == nil {
			if off, bin := repo.Binary(head(pf.src, 8<<10)); bin {
				pf.src, pf.readErr = nil, fmt.Errorf("not a text file (binary data at byte %d)", off)
			}
		}
		out[i] = pf
	}
	n := runtime.GOMAXPROCS(0)
	if n > len(files) {
		n = len(files)
	}
	if n <= 1 {
		// One file (a small root module): no worker to start.
		for _, pf := range out {
			if pf.readErr == nil {
				parseOne(pf)
			}
		}
		return out
	}
	work := make(chan *parsedFile)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pf := range work {
				parseOne(pf)
			}
		}()
	}
	for _, pf := range out {
		if pf.readErr == nil {
			work <- pf
		}
	}
	close(work)
	wg.Wait()
	return out
}

// head is at most the first n bytes of b.
func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func parseOne(pf *parsedFile) {
	defer func() {
		if r := recover(); r != nil {
			pf.file = nil
			pf.diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "the file could not be parsed", Subject: &hcl.Range{Filename: pf.name}}}
		}
	}()
	if _, isJSON := isConfigFile(pf.name); isJSON {
		pf.file, pf.diags = hcljson.Parse(pf.src, pf.name)
		return
	}
	pf.file, pf.diags = hclsyntax.ParseConfig(pf.src, pf.name, hcl.InitialPos)
	if sb, ok := pf.file.Body.(*hclsyntax.Body); ok && pf.compact && !pf.diags.HasErrors() {
		u := newAttrUse()
		collectAttrNames(sb, &u)
		pf.uses = &u
		pf.cbodies = map[int]*cBody{}
		var none *hclsyntax.Body // shared by the blocks without meta-arguments
		for _, b := range sb.Blocks {
			if (b.Type == "resource" || b.Type == "data") && b.Body != nil {
				pf.cbodies[b.DefRange().Start.Byte] = compactBody(b.Body, pf.name, true)
				if m := metaBody(b.Body); m != nil {
					b.Body = m
				} else {
					if none == nil {
						none = &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
					}
					b.Body = none
				}
			}
		}
	}
	// Lines are kept only for the comments that may be suppressions: a
	// copy of every file would cost as much memory as its text.
	if bytes.Contains(pf.src, []byte("s3front:ignore:")) {
		pf.lines = strings.Split(string(pf.src), "\n")
	}
}

// cBody is a native-syntax resource body reduced to what evaluation
// reads: each attribute's name, position and expression, and the nested
// blocks. hclsyntax keeps a map, a block and full ranges around every
// attribute: for a large configuration, the resource bodies of every file
// alive at once, between parsing and evaluation, set the loader's peak
// memory, and this form of them is about half as large.
type cBody struct {
	file   string
	attrs  []cAttr // sorted by name, the order they are evaluated in
	blocks []cBlock
}

type cAttr struct {
	name      string
	expr      hclsyntax.Expression
	line, col int32 // of the name, in file
}

type cBlock struct {
	typ       string
	line, col int32 // of the type, in file
	body      *cBody
	// dyn is a dynamic block, kept whole.
	dyn *hclsyntax.Block
}

// pos is the position line, col in the body's file.
func (cb *cBody) pos(line, col int32) source.Pos {
	return source.Pos{File: cb.file, Line: int(line), Col: int(col)}
}

// compactBody reduces b (see cBody). At the top of a resource, the
// meta-arguments and meta blocks are left out, as evaluation skips them.
func compactBody(b *hclsyntax.Body, file string, top bool) *cBody {
	cb := &cBody{file: file, attrs: make([]cAttr, 0, len(b.Attributes))}
	for name, a := range b.Attributes {
		if top && metaAttrs[name] {
			continue
		}
		cb.attrs = append(cb.attrs, cAttr{name: name, expr: a.Expr, line: int32(a.NameRange.Start.Line), col: int32(a.NameRange.Start.Column)})
	}
	sort.Slice(cb.attrs, func(i, j int) bool { return cb.attrs[i].name < cb.attrs[j].name })
	for _, nb := range b.Blocks {
		switch {
		case top && metaBlocks[nb.Type]:
		case nb.Type == "dynamic":
			cb.blocks = append(cb.blocks, cBlock{typ: nb.Type, dyn: nb})
		default:
			cb.blocks = append(cb.blocks, cBlock{typ: nb.Type, line: int32(nb.TypeRange.Start.Line), col: int32(nb.TypeRange.Start.Column), body: compactBody(nb.Body, file, false)})
		}
	}
	return cb
}

// metaBody is what decodeResource reads of a resource body: the
// meta-arguments (and blocks named like them, which it reports); nil when
// there are none.
func metaBody(b *hclsyntax.Body) *hclsyntax.Body {
	var m *hclsyntax.Body
	add := func() {
		if m == nil {
			m = &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: b.SrcRange, EndRange: b.EndRange}
		}
	}
	for name, a := range b.Attributes {
		if metaAttrs[name] {
			add()
			m.Attributes[name] = a
		}
	}
	for _, nb := range b.Blocks {
		if metaAttrs[nb.Type] {
			add()
			m.Blocks = append(m.Blocks, nb)
		}
	}
	return m
}

// validIdent is hclsyntax.ValidIdentifier, which runs the HCL scanner on
// the name, with a fast path for the usual ASCII names
// ([A-Za-z_][A-Za-z0-9_-]*): every block label goes through it.
func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return hclsyntax.ValidIdentifier(s)
		}
	}
	return true
}
