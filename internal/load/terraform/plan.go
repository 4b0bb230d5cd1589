package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// IsPlan reports whether data looks like `terraform show -json` output (a
// plan or a state): a JSON object with format_version and one of
// planned_values, values, resource_changes or prior_state.
func IsPlan(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	var hasFormat, hasBody bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		k, ok := t.(string)
		if !ok {
			return false
		}
		switch k {
		case "format_version":
			hasFormat = true
		case "planned_values", "values", "resource_changes", "prior_state", "terraform_version":
			hasBody = true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return hasFormat && hasBody
}

// LoadPlan loads `terraform show -json` output: a plan (planned_values,
// with after_unknown for what is known only after apply) or a state
// (values). Resources go through the same builders as HCL input.
// Positions are lines and columns of plan.json itself, named file.
func LoadPlan(ctx context.Context, file string, data []byte, opts Options) (*model.Config, error) {
	root, err := source.ParseJSON(file, data)
	if err != nil {
		if se, ok := err.(*source.Error); ok {
			return nil, Errors{se}
		}
		return nil, err
	}
	if root.Kind != source.Object {
		return nil, Errors{source.Errorf(root.Pos, "give the output of `terraform show -json`", "not a Terraform plan or state: the document is %s", root.Describe())}
	}
	l := newLoader(ctx, nil, ".", opts)
	l.addFile(file)
	p := &planReader{l: l, file: file, provs: map[string]*planProvider{}, provOf: map[string]string{}, configured: map[string]map[string]bool{}, exprs: map[string]*source.Node{}}
	var values *source.Node
	switch {
	case root.Get("planned_values") != nil:
		values = root.Get("planned_values")
		p.unknown = map[string]*source.Node{}
		if rc := root.Get("resource_changes"); rc != nil {
			for _, c := range rc.Elems {
				addr := textOf(c.Get("address"))
				if ch := c.Get("change"); ch != nil {
					if au := ch.Get("after_unknown"); au != nil {
						p.unknown[addr] = au
					}
				}
			}
		}
	case root.Get("values") != nil:
		values = root.Get("values")
	default:
		if root.Get("resources") != nil && root.Get("version") != nil {
			return nil, Errors{source.Errorf(root.Pos, "run `terraform show -json > state.json` and scan that file",
				"%s is a raw state file, not `terraform show -json` output", file)}
		}
		return nil, Errors{source.Errorf(root.Pos, "give the output of `terraform show -json` (plan or state)",
			"%s has neither planned_values nor values", file)}
	}
	if cfg := root.Get("configuration"); cfg != nil {
		p.readProviders(cfg.Get("provider_config"))
		p.readConfigModule(cfg.Get("root_module"), "")
	}
	var resources []*source.Node
	seen := map[string]bool{}
	collectPlanResources(values.Get("root_module"), &resources, seen, 0)
	if ps := root.Get("prior_state"); ps != nil && ps.Get("values") != nil {
		// Data sources read during planning are in the prior state.
		var prior []*source.Node
		collectPlanResources(ps.Get("values").Get("root_module"), &prior, map[string]bool{}, 0)
		for _, r := range prior {
			if textOf(r.Get("mode")) == "data" && !seen[textOf(r.Get("address"))] {
				seen[textOf(r.Get("address"))] = true
				resources = append(resources, r)
			}
		}
	}
	p.callerAccounts(resources)
	b := newBuilder(l)
	var insts []*instance
	byAddr := map[string]*instance{}
	for _, r := range resources {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if in := p.instance(r); in != nil {
			insts = append(insts, in)
			byAddr[in.addr] = in
		}
	}
	for _, in := range insts {
		resolveRefs(in, in.body, byAddr)
		b.add(in)
	}
	cfg := b.finish()
	if len(l.errs) > 0 {
		return nil, l.errors()
	}
	cfg.Unresolved = append(cfg.Unresolved, l.unres...)
	cfg.Files = []string{file}
	cfg.Sort()
	return cfg, nil
}

type planReader struct {
	l       *loader
	file    string
	unknown map[string]*source.Node // address -> after_unknown
	provs   map[string]*planProvider
	// provOf maps a resource's configuration address (no instance keys)
	// to its provider configuration key.
	provOf map[string]string
	// configured lists, per configuration address, the arguments the
	// configuration sets.
	configured map[string]map[string]bool
	// exprs holds, per configuration address, the expressions node.
	exprs map[string]*source.Node
	// caller maps a provider key to the account data.aws_caller_identity
	// read under it.
	caller map[string]string
}

type planProvider struct {
	key       string
	region    string
	account   string
	regionPos source.Pos
	accPos    source.Pos
	pos       source.Pos
}

func textOf(n *source.Node) string {
	if n == nil || n.Kind != source.String {
		return ""
	}
	return n.Text
}

func constant(expr *source.Node) *source.Node {
	if expr == nil {
		return nil
	}
	if expr.Kind == source.Array && len(expr.Elems) > 0 {
		expr = expr.Elems[0]
	}
	return expr.Get("constant_value")
}

func (p *planReader) readProviders(pc *source.Node) {
	if pc == nil {
		return
	}
	for _, f := range pc.Fields {
		pp := &planProvider{key: f.Key, pos: f.KeyPos}
		ex := f.Value.Get("expressions")
		if c := constant(ex.Get("region")); c != nil && c.Kind == source.String {
			pp.region, pp.regionPos = c.Text, c.Pos
		}
		if c := constant(ex.Get("allowed_account_ids")); c != nil && c.Kind == source.Array && len(c.Elems) == 1 && c.Elems[0].Kind == source.String {
			pp.account, pp.accPos = c.Elems[0].Text, c.Elems[0].Pos
		}
		if ar := ex.Get("assume_role"); ar != nil && pp.account == "" {
			if ar.Kind == source.Array && len(ar.Elems) > 0 {
				ar = ar.Elems[0]
			}
			if c := constant(ar.Get("role_arn")); c != nil && c.Kind == source.String {
				if a := arnAccount(c.Text); a != "" {
					pp.account, pp.accPos = a, c.Pos
				}
			}
		}
		p.provs[f.Key] = pp
	}
}

func (p *planReader) readConfigModule(m *source.Node, prefix string) {
	if m == nil {
		return
	}
	if rs := m.Get("resources"); rs != nil {
		for _, r := range rs.Elems {
			addr := prefix + textOf(r.Get("address"))
			p.provOf[addr] = textOf(r.Get("provider_config_key"))
			set := map[string]bool{}
			if ex := r.Get("expressions"); ex != nil {
				for _, f := range ex.Fields {
					set[f.Key] = true
				}
			}
			p.configured[addr] = set
			p.exprs[addr] = r.Get("expressions")
		}
	}
	if mc := m.Get("module_calls"); mc != nil {
		for _, f := range mc.Fields {
			p.readConfigModule(f.Value.Get("module"), prefix+"module."+f.Key+".")
		}
	}
}

func collectPlanResources(m *source.Node, out *[]*source.Node, seen map[string]bool, depth int) {
	if m == nil || depth > maxModuleDepth {
		return
	}
	if rs := m.Get("resources"); rs != nil {
		for _, r := range rs.Elems {
			a := textOf(r.Get("address"))
			if a == "" || seen[a] {
				continue
			}
			seen[a] = true
			*out = append(*out, r)
		}
	}
	if cm := m.Get("child_modules"); cm != nil {
		for _, c := range cm.Elems {
			collectPlanResources(c, out, seen, depth+1)
		}
	}
}

// configAddr strips instance keys from an address:
// module.a["x"].aws_s3_bucket.b[0] -> module.a.aws_s3_bucket.b.
func configAddr(addr string) string {
	var b strings.Builder
	depth := 0
	inStr := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// provider resolves the provider configuration of a resource.
func (p *planReader) provider(addr string) (string, *planProvider) {
	key := p.provOf[configAddr(addr)]
	if key == "" {
		key = "aws"
	}
	if pp, ok := p.provs[key]; ok {
		return key, pp
	}
	if _, after, ok := strings.Cut(key, ":"); ok {
		if pp, ok := p.provs[after]; ok {
			return after, pp
		}
		key = after
	}
	return key, nil
}

func (p *planReader) callerAccounts(resources []*source.Node) {
	p.caller = map[string]string{}
	for _, r := range resources {
		if textOf(r.Get("mode")) != "data" || textOf(r.Get("type")) != "aws_caller_identity" {
			continue
		}
		acct := textOf(r.Get("values").Get("account_id"))
		if !isAccountID(acct) {
			continue
		}
		key, _ := p.provider(textOf(r.Get("address")))
		if _, ok := p.caller[key]; !ok {
			p.caller[key] = acct
		}
	}
}

// where decides Region and account of a resource from its provider
// configuration, the caller identity read under it, and its own values.
func (p *planReader) where(addr string, pos source.Pos, body *evBlock) where {
	key, pp := p.provider(addr)
	provAddr := "provider." + key
	src := model.Src{Resource: provAddr, Pos: pos}
	w := where{partition: "aws", provAddr: provAddr,
		region:  model.Known(ident.New(ident.Region, provAddr), src),
		account: model.Known(ident.New(ident.Account, accountSymbolName(provAddr)), src)}
	if pp != nil {
		src.Pos = pp.pos
		w.region.Src, w.account.Src = src, src
		if pp.region != "" {
			w.region = model.Known(pp.region, model.Src{Resource: provAddr, Pos: pp.regionPos})
			w.partition = model.PartitionOf(pp.region)
		}
		if pp.account != "" {
			w.account = model.Known(pp.account, model.Src{Resource: provAddr, Pos: pp.accPos})
		}
	}
	if a := body.attr("region"); a != nil {
		if s, ok := concreteString(a.val); ok && s != "" {
			w.region = model.Known(s, model.Src{Resource: addr, Pos: a.pos})
			w.partition = model.PartitionOf(s)
		}
	}
	if ident.Has(w.region.V) {
		if a := body.attr("arn"); a != nil {
			if s, ok := concreteString(a.val); ok {
				if parts := strings.SplitN(s, ":", 6); len(parts) == 6 && parts[3] != "" {
					w.region = model.Known(parts[3], model.Src{Resource: addr, Pos: a.pos})
					w.partition = model.PartitionOf(parts[3])
				}
			}
		}
	}
	if !isAccountID(w.account.V) {
		if acct, ok := p.caller[key]; ok {
			w.account = model.Known(acct, w.account.Src)
		} else if a := body.attr("arn"); a != nil {
			if s, ok := concreteString(a.val); ok && arnAccount(s) != "" {
				w.account = model.Known(arnAccount(s), model.Src{Resource: addr, Pos: a.pos})
			}
		}
	}
	if !isAccountID(w.account.V) {
		alias := ""
		if i := strings.LastIndex(key, "."); i >= 0 {
			alias = key[i+1:]
		}
		if id, ok := p.l.accounts.forAlias(alias); ok {
			w.account = model.Known(id, model.Src{Resource: provAddr, Pos: source.Pos{File: "--account"}})
		}
	}
	return w
}

// instance converts one resource of the plan or state.
func (p *planReader) instance(r *source.Node) *instance {
	addr := textOf(r.Get("address"))
	typ := textOf(r.Get("type"))
	mode := managed
	if textOf(r.Get("mode")) == "data" {
		mode = dataMode
	}
	vals := r.Get("values")
	if addr == "" || typ == "" || vals == nil || vals.Kind != source.Object {
		return nil
	}
	sch := schemaFor(mode, typ)
	body := planBlock(typ, r.Pos, vals, p.unknown[addr], sch)
	attachRefs(body, p.exprs[configAddr(addr)])
	if set, ok := p.configured[configAddr(addr)]; ok && mode == managed {
		// Attributes the provider computes and the configuration does
		// not set are AWS's to decide; unknown ones are left out.
		kept := body.attrs[:0]
		for _, a := range body.attrs {
			if a.val.IsKnown() || set[a.name] {
				kept = append(kept, a)
			}
		}
		body.attrs = kept
	}
	w := p.where(addr, r.Pos, body)
	comp := computedAttrs(nil, addr, mode, typ, body, w)
	for n := range comp {
		if a := body.attr(n); a != nil {
			if s, ok := strVal(a.val); ok && s != "" {
				comp[n] = cty.StringVal(s)
			}
		}
	}
	if mode == dataMode && typ == "aws_iam_policy_document" {
		if a := body.attr("json"); a != nil {
			comp["json"] = a.val
		}
	}
	prefix := ""
	if i := strings.LastIndex(addr, typ+"."+textOf(r.Get("name"))); i > 0 {
		prefix = strings.TrimSuffix(addr[:i], "data.")
	}
	return &instance{addr: addr, typ: typ, mode: mode, body: body, computed: comp, w: w,
		src: model.Src{Resource: addr, Pos: r.Pos}, modPrefix: prefix}
}

// planBlock builds an evaluated block from plan values: with the schema,
// arrays of objects under block names become nested blocks; what
// after_unknown marks true becomes unknown.
func planBlock(typ string, pos source.Pos, vals, unk *source.Node, sch *schema) *evBlock {
	b := &evBlock{typ: typ, pos: pos}
	attrs := map[string]*evAttr{}
	for _, f := range vals.Fields {
		u := unk.Get(f.Key)
		if c := sch.child(f.Key); c != nil && f.Value.Kind == source.Array {
			for i, e := range f.Value.Elems {
				if e.Kind != source.Object {
					continue
				}
				var ue *source.Node
				if u != nil && u.Kind == source.Array && i < len(u.Elems) {
					ue = u.Elems[i]
				}
				b.blocks = append(b.blocks, planBlock(f.Key, e.Pos, e, ue, c))
			}
			continue
		}
		v := nodeValue(f.Value, u, 0)
		attrs[f.Key] = &evAttr{name: f.Key, val: v, pos: f.KeyPos}
	}
	if unk != nil && unk.Kind == source.Object {
		for _, f := range unk.Fields {
			if _, ok := attrs[f.Key]; ok {
				continue
			}
			if f.Value.Kind == source.Bool && f.Value.Text == "true" {
				attrs[f.Key] = &evAttr{name: f.Key, val: cty.DynamicVal, pos: pos}
			}
		}
	}
	b.attrs = sortedEvAttrs(attrs)
	return b
}

// nodeValue converts plan JSON to a cty value; unk is the matching part of
// after_unknown.
func nodeValue(n, unk *source.Node, depth int) cty.Value {
	if unk != nil && unk.Kind == source.Bool && unk.Text == "true" {
		return cty.DynamicVal
	}
	if n == nil || depth > source.MaxDepth {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	switch n.Kind {
	case source.String:
		return cty.StringVal(n.Text)
	case source.Number:
		v, err := cty.ParseNumberVal(n.Text)
		if err != nil {
			return cty.DynamicVal
		}
		return v
	case source.Bool:
		return cty.BoolVal(n.Text == "true")
	case source.Array:
		if len(n.Elems) == 0 {
			return cty.EmptyTupleVal
		}
		out := make([]cty.Value, len(n.Elems))
		for i, e := range n.Elems {
			var u *source.Node
			if unk != nil && unk.Kind == source.Array && i < len(unk.Elems) {
				u = unk.Elems[i]
			}
			out[i] = nodeValue(e, u, depth+1)
		}
		return cty.TupleVal(out)
	case source.Object:
		if len(n.Fields) == 0 {
			return cty.EmptyObjectVal
		}
		m := make(map[string]cty.Value, len(n.Fields))
		for _, f := range n.Fields {
			m[f.Key] = nodeValue(f.Value, unk.Get(f.Key), depth+1)
		}
		return cty.ObjectVal(m)
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

// attachRefs records, for each attribute known only after apply, the
// references of its configuration expression.
func attachRefs(b *evBlock, ex *source.Node) {
	if ex == nil || ex.Kind != source.Object {
		return
	}
	for _, a := range b.attrs {
		n := a.name
		if a.val.IsKnown() {
			continue
		}
		if r := ex.Get(n).Get("references"); r != nil {
			for _, e := range r.Elems {
				if e.Kind == source.String {
					a.w().refs = append(a.w().refs, e.Text)
				}
			}
		}
	}
	counts := map[string]int{}
	for _, c := range b.blocks {
		i := counts[c.typ]
		counts[c.typ]++
		be := ex.Get(c.typ)
		if be != nil && be.Kind == source.Array && i < len(be.Elems) {
			attachRefs(c, be.Elems[i])
		}
	}
}

// refTargets are the arguments that are, in practice, a plain reference
// to another resource's identity; an unknown one in a plan takes that
// identity (the same symbol HCL evaluation gives it).
var refTargets = map[string]bool{
	"bucket": true, "domain_name": true, "origin_access_identity": true, "origin_access_control_id": true,
	"key_id": true, "target_key_id": true, "kms_master_key_id": true, "kms_key_id": true,
	"cache_policy_id": true, "origin_request_policy_id": true,
}

// resolveRefs fills attributes known only after apply whose expression is
// a reference to a computed identity of another resource of the plan.
func resolveRefs(in *instance, b *evBlock, byAddr map[string]*instance) {
	prefix := in.modPrefix
	for _, a := range b.attrs {
		n := a.name
		if a.val.IsKnown() || !refTargets[n] || len(a.x().refs) == 0 {
			continue
		}
		found := ""
		for _, ref := range a.x().refs {
			parts := strings.Split(ref, ".")
			var res, attr string
			switch {
			case len(parts) == 3 && parts[0] != "data" && parts[0] != "module" && parts[0] != "var" && parts[0] != "local":
				res, attr = parts[0]+"."+parts[1], parts[2]
			case len(parts) == 4 && parts[0] == "data":
				res, attr = strings.Join(parts[:3], "."), parts[3]
			default:
				continue
			}
			target, ok := byAddr[prefix+res]
			if !ok {
				continue
			}
			v, ok := target.computed[attr]
			if !ok {
				continue
			}
			s, ok := strVal(v)
			if !ok || (found != "" && found != s) {
				found = ""
				break
			}
			found = s
		}
		if found != "" {
			a.val = cty.StringVal(found)
		}
	}
	for _, c := range b.blocks {
		resolveRefs(in, c, byAddr)
	}
}
