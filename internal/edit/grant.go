package edit

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// --- step 2: the bucket grants ---

func (m *migrator) bucketGrants(s *Step) {
	s.Detail = "The origin access control may now read the objects; the OAI keeps its grant, and nothing uses the new one yet."
	type group struct {
		b       *model.Bucket
		ds      []*model.Distribution
		actions []string
	}
	var order []*group
	groups := map[*model.Bucket]*group{}
	for _, mv := range m.moves {
		g := groups[mv.b]
		if g == nil {
			g = &group{b: mv.b, actions: []string{"s3:GetObject"}}
			groups[mv.b] = g
			order = append(order, g)
		}
		g.actions = appendUnique(g.actions, mv.writes...)
		g.ds = append(g.ds, mv.d)
	}
	for _, g := range order {
		var need []*model.Distribution
		for _, d := range g.ds {
			if !sim.BucketGranted(m.res.Index, d, g.b, g.actions...) {
				need = append(need, d)
			}
		}
		if len(need) == 0 {
			continue
		}
		st := sim.OACBucketGrant(need[0], g.b, g.actions...)
		var arns []string
		for _, d := range need {
			arns = append(arns, sim.DistributionARNIn(d, g.b.Ref))
		}
		st.Conds[0].Values = arns
		if err := m.addGrant(g.b.Ref, g.b.Policy, st, ""); err != nil {
			s.Manual = append(s.Manual, fmt.Sprintf("add to the bucket policy of %s:\n%s\n(%v)", g.b.Ref, sim.SyntaxOf(g.b.Ref, g.b.Policy).Render(st), err))
		}
	}
	s.Check = append(s.Check, "deploy; `s3front check` shows the same paths as before (the OAI still serves every request)")
}

// --- step 3: the key grants ---

func (m *migrator) keyGrants(s *Step) {
	s.Detail = "The origin access control may now decrypt with the bucket's key; nothing uses it yet."
	type group struct {
		k       *model.Key
		pairs   [][2]any // distribution, bucket
		uploads bool
	}
	var order []*group
	groups := map[*model.Key]*group{}
	for _, mv := range m.moves {
		if mv.k == nil {
			continue
		}
		g := groups[mv.k]
		if g == nil {
			g = &group{k: mv.k}
			groups[mv.k] = g
			order = append(order, g)
		}
		g.pairs = append(g.pairs, [2]any{mv.d, mv.b})
		g.uploads = g.uploads || len(mv.writes) > 0
	}
	for _, g := range order {
		var need []*model.Distribution
		for _, p := range g.pairs {
			d, b := p[0].(*model.Distribution), p[1].(*model.Bucket)
			if !sim.KeyGranted(m.res.Index, d, b, g.k, g.uploads) {
				need = append(need, d)
			}
		}
		if len(need) == 0 {
			continue
		}
		actions := []string{"kms:Decrypt"}
		if g.uploads {
			actions = append(actions, "kms:Encrypt", "kms:GenerateDataKey*")
		}
		owner := g.k.Ref
		st := sim.OACKeyGrant(need[0], owner, actions...)
		var arns []string
		for _, d := range need {
			arns = appendUnique(arns, sim.DistributionARNIn(d, owner))
		}
		st.Conds[0].Values = arns
		st, comment := m.avoidCycle(owner, st)
		if err := m.addGrant(owner, g.k.Policy, st, comment); err != nil {
			s.Manual = append(s.Manual, fmt.Sprintf("add to the key policy of %s:\n%s\n(%v)", g.k.Ref, sim.SyntaxOf(owner, g.k.Policy).Render(st), err))
		}
	}
	s.Check = append(s.Check, "deploy; `s3front check` shows the same paths as before")
}

// addGrant adds statement st to the policy pol of the resource owner,
// written as the policy is written; a key with AWS's default policy gets
// a policy of its own (the default's account statement, then st).
func (m *writer) addGrant(owner string, pol model.Policy, st sim.Statement, comment string) error {
	sx := sim.SyntaxOf(owner, pol)
	lang := langOf(pol.Src)
	if pol.HasDoc() && pol.V.Pos.File != "" {
		lang = langOf(model.Src{Pos: pol.V.Pos})
	}
	if lang == langTerraform {
		var err error
		if st, err = m.tfValues(st, pol, owner); err != nil {
			return err
		}
	}
	if pol.Default {
		return m.addKeyPolicy(owner, pol, st, comment)
	}
	text := sx.Render(st)
	if sx.Form == model.FormBlocks {
		text = blocksForExpr(text)
	}
	if comment != "" && sx.Form == model.FormYAML {
		text = "# " + comment + "\n" + text
	}
	key := "stmt|" + pol.V.Pos.String() + "|" + text
	if m.set.has(key) {
		return nil // a module's code, shared by its instances: added once
	}
	d, err := m.set.docEditor(pol)
	if err != nil {
		return err
	}
	if err := d.addStatement(text); err != nil {
		return err
	}
	m.set.once(key)
	return nil
}

// blocksForExpr unwraps a for expression that a statement block's values
// list holds as its only element: values = [[for ...]] → [for ...].
func blocksForExpr(text string) string {
	return forInList.ReplaceAllString(text, "$1$2")
}

var forInList = regexp.MustCompile(`(?m)^(\s*values\s*=\s*)\[(\[for .*\])\]\s*$`)

// addKeyPolicy gives a key that has AWS's default key policy a policy of
// its own: the default's statement (the account may manage the key
// through IAM) and st.
func (m *writer) addKeyPolicy(owner string, pol model.Policy, st sim.Statement, comment string) error {
	k := m.keyByRef(owner)
	if k == nil {
		return fmt.Errorf("%s is not in the input", owner)
	}
	key := "keypolicy|" + k.Src.String()
	switch langOf(k.Src) {
	case langTerraform:
		t, err := m.set.tf(k.Src.File)
		if err != nil {
			return err
		}
		b := t.blockAt(k.Src.Line, k.Src.Col)
		if b == nil || len(b.Labels) != 2 || b.Labels[0] != "aws_kms_key" {
			return fmt.Errorf("%s: no aws_kms_key block here", k.Src.Pos)
		}
		if m.set.has(key) {
			return nil
		}
		acct, err := m.accountRef(t, k.Src.File, b)
		if err != nil {
			return err
		}
		b = t.blockAt(k.Src.Line, k.Src.Col) // the data source may have moved it
		part := "aws"
		if k.ARN.Known {
			if p := partitionOf(k.ARN.V); p != "" && !ident.Has(p) {
				part = p
			}
		}
		root := sim.Statement{Sid: "EnableIAMUserPermissions", Principal: [2]string{"AWS", "arn:" + part + ":iam::${" + acct + "}:root"},
			Actions: []string{"kms:*"}, Resources: []string{"*"}}
		sx := sim.SyntaxOf(owner, pol)
		if sx.Form != model.FormObject {
			sx.Form = model.FormObject
		}
		doc := "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n" +
			indentAll(sx.Render(root), "    ") + ",\n" + indentAll(sx.Render(st), "    ") + "\n  ]\n})"
		if err := t.setAttr(b, "policy", formatHCL(doc)); err != nil {
			return err
		}
	case langCFN:
		c, err := m.set.cfn(k.Src.File)
		if err != nil {
			return err
		}
		if m.set.has(key) {
			return nil
		}
		root := CFNMap("Sid", "EnableIAMUserPermissions", "Effect", "Allow",
			"Principal", CFNMap("AWS", CFNSub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")),
			"Action", "kms:*", "Resource", "*")
		doc := CFNMap("Version", "2012-10-17", "Statement", CFNList(root, cfnStatement(st, comment)))
		if err := c.setKey(k.Src.Pos, nil, "KeyPolicy", doc); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s is not read from a file s3front can change", k.Ref)
	}
	m.set.once(key)
	return nil
}

// cfnStatement converts a statement to a CloudFormation value (Fn::Sub
// for text with references).
func cfnStatement(st sim.Statement, comment string) *CFN {
	val := func(v string) *CFN {
		if strings.Contains(v, "${") {
			return CFNSub(v)
		}
		return CFNStr(v)
	}
	vals := func(vs []string) *CFN {
		if len(vs) == 1 {
			return val(vs[0])
		}
		l := &CFN{Kind: "list"}
		for _, v := range vs {
			l.Items = append(l.Items, val(v))
		}
		return l
	}
	m := &CFN{Kind: "map"}
	add := func(k string, v *CFN) { m.Keys = append(m.Keys, k); m.Vals = append(m.Vals, v) }
	if st.Sid != "" {
		add("Sid", CFNStr(st.Sid))
	}
	eff := st.Effect
	if eff == "" {
		eff = "Allow"
	}
	add("Effect", CFNStr(eff))
	add("Principal", CFNMap(st.Principal[0], val(st.Principal[1])))
	add("Action", vals(st.Actions))
	add("Resource", vals(st.Resources))
	if len(st.Conds) > 0 {
		c := &CFN{Kind: "map"}
		for _, x := range st.Conds {
			c.Keys = append(c.Keys, x.Op)
			c.Vals = append(c.Vals, CFNMap(x.Key, vals(x.Values)))
		}
		if comment != "" {
			c.Comment = comment
		}
		add("Condition", c)
	}
	return m
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

func (m *writer) keyByRef(ref string) *model.Key {
	for _, k := range m.cfg.Keys {
		if k.Ref == ref {
			return k
		}
	}
	return nil
}

// insertBefore adds top-level text before block b, separated by a blank
// line.
func (t *tfFile) insertBefore(b *hclsyntax.Block, text string) error {
	at := lineStart(t.text, b.TypeRange.Start.Byte)
	// Comments directly above the block stay with it.
	for at > 0 {
		ps := lineStart(t.text, at-1)
		l := strings.TrimSpace(t.text[ps:at])
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			at = ps
			continue
		}
		break
	}
	return t.splice(at, at, text+"\n\n")
}

// moduleFiles are the Terraform files of the module that holds file.
func (m *writer) moduleFiles(file string) []string {
	dir := pathDir(file)
	var out []string
	for _, f := range m.cfg.Files {
		if pathDir(f) == dir && strings.HasSuffix(f, ".tf") {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{file}
	}
	sort.Strings(out)
	return out
}

// --- references across modules ---

// tfRefPattern matches an interpolated reference to an attribute of a
// resource inside a module instance.
var tfRefPattern = regexp.MustCompile(`\$\{((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)+)(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}`)

// tfValues rewrites the values of st for a policy of owner: a reference
// into a module the owner calls goes through an output of that module
// (added when the module has none), and the instances of a module called
// with for_each or count, all of them named, become one for expression.
func (m *writer) tfValues(st sim.Statement, pol model.Policy, owner string) (sim.Statement, error) {
	prefix, _ := splitAddr(owner)
	var err error
	fix := func(vs []string) []string {
		var out []string
		calls := map[string][]string{} // module call → output, per value
		for _, v := range vs {
			loc := tfRefPattern.FindStringSubmatchIndex(v)
			if loc == nil || err != nil {
				out = append(out, v)
				continue
			}
			mod := v[loc[2]:loc[3]]
			res := v[loc[4]:loc[5]]
			attr := v[loc[6]:loc[7]]
			if mod == prefix {
				out = append(out, v[:loc[0]]+"${"+res+"."+attr+"}"+v[loc[1]:])
				continue
			}
			if !strings.HasPrefix(mod, prefix) || strings.Count(strings.TrimPrefix(mod, prefix), "module.") != 1 {
				err = fmt.Errorf("%s refers to %s%s, which is not in a module it calls; name it through outputs by hand", owner, mod, res)
				out = append(out, v)
				continue
			}
			var output string
			output, err = m.moduleOutput(mod+res, res, attr)
			if err != nil {
				out = append(out, v)
				continue
			}
			inst := strings.TrimSuffix(mod, ".")
			call, _ := moduleCall(mod)
			calls[call] = append(calls[call], inst)
			out = append(out, v[:loc[0]]+"${"+inst+"."+output+"}"+v[loc[1]:])
			_ = call
		}
		// Every instance of a for_each/count module named alone: one for
		// expression over the module.
		for call, insts := range calls {
			all := m.instances(call + "[")
			if len(insts) < 2 || len(insts) != len(all) || len(vs) != len(insts) {
				continue
			}
			name := out[0][strings.LastIndexByte(out[0], '.')+1 : len(out[0])-1]
			local := strings.TrimPrefix(call, prefix)
			item := "m"
			if i := strings.LastIndexByte(local, '.'); i >= 0 {
				item = strings.TrimSuffix(local[i+1:], "s")
			}
			return []string{"${[for " + item + " in " + local + " : " + item + "." + name + "]}"}
		}
		return out
	}
	st.Resources = fix(st.Resources)
	st.Principal[1] = fix([]string{st.Principal[1]})[0]
	for i := range st.Conds {
		st.Conds[i].Values = fix(st.Conds[i].Values)
	}
	if err == nil {
		// A reference to one instance of a for_each/count resource: the
		// code is shared by every instance.
		for _, v := range append(append([]string{st.Principal[1]}, st.Resources...), condValues(st)...) {
			if m := indexedRef.FindString(v); m != "" {
				err = errIndexed(strings.TrimPrefix(strings.TrimSuffix(m, "."), "${"))
			}
		}
	}
	return st, err
}

// instances are the module instance paths (module.x["k"]) of the
// distributions, buckets and keys whose address starts with callPrefix.
func (m *writer) instances(callPrefix string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(ref string) {
		if !strings.HasPrefix(ref, callPrefix) {
			return
		}
		p, _ := splitAddr(ref)
		p = strings.TrimSuffix(p, ".")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, d := range m.cfg.Distributions {
		add(d.Ref)
	}
	for _, b := range m.cfg.Buckets {
		add(b.Ref)
	}
	return out
}

// moduleOutput returns the name of an output of the module that declares
// ref whose value is local.attr, adding one when there is none.
func (m *writer) moduleOutput(ref, local, attr string) (string, error) {
	var src model.Src
	for _, d := range m.cfg.Distributions {
		if d.Ref == ref {
			src = d.Src
		}
	}
	for _, b := range m.cfg.Buckets {
		if b.Ref == ref {
			src = b.Src
		}
	}
	if src.File == "" {
		return "", fmt.Errorf("%s is not in the input", ref)
	}
	want := local + "." + attr
	for _, n := range m.moduleFiles(src.File) {
		t, err := m.set.tf(n)
		if err != nil {
			continue
		}
		for _, b := range t.body.Blocks {
			if b.Type != "output" || len(b.Labels) != 1 {
				continue
			}
			if a, ok := b.Body.Attributes["value"]; ok {
				r := a.Expr.Range()
				if strings.TrimSpace(t.text[r.Start.Byte:r.End.Byte]) == want {
					return b.Labels[0], nil
				}
			}
		}
	}
	typ, _, _ := strings.Cut(local, ".")
	name := strings.TrimPrefix(typ, "aws_cloudfront_") + "_" + attr
	name = strings.TrimPrefix(name, "aws_")
	key := "output|" + src.File + "|" + name
	if m.set.has(key) {
		return name, nil
	}
	t, err := m.set.tf(src.File)
	if err != nil {
		return "", err
	}
	block, err := TFBlock("output", []string{name}, [2]string{"value", want})
	if err != nil {
		return "", err
	}
	if err := t.insertAfter(nil, block); err != nil {
		return "", err
	}
	m.set.once(key)
	return name, nil
}

// indexedRef matches an interpolated reference to an instance of a
// resource with for_each or count.
var indexedRef = regexp.MustCompile(`\$\{(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*aws_[a-z0-9_]+\.[A-Za-z0-9_-]+\[[^\]]*\]\.`)

func condValues(st sim.Statement) []string {
	var out []string
	for _, c := range st.Conds {
		out = append(out, c.Values...)
	}
	return out
}
