package edit

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
	"go.yaml.in/yaml/v3"
)

// --- settings ---

// attrAt returns the attribute (at any depth) whose name starts at line
// and col of the original text.
func (t *tfFile) attrAt(line, col int) *hclsyntax.Attribute {
	l, c, ok := t.f.Where(line, col)
	if !ok {
		return nil
	}
	var found *hclsyntax.Attribute
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			if a.NameRange.Start.Line == l && a.NameRange.Start.Column == c {
				found = a
			}
		}
		for _, bl := range b.Blocks {
			walk(bl.Body)
		}
	}
	walk(t.body)
	return found
}

// written reports whether a value was written in the input at a place an
// edit can find (not a default, not a live resource).
func written[T any](v model.Value[T]) bool {
	return v.Known && !v.Default && v.Src.Line > 0 && langOf(v.Src) != langLive
}

// setWritten replaces a value where it is written: the expression of a
// Terraform attribute, or the value of a template's key.
func (w *writer) setWritten(src model.Src, tfExpr string, cfn *CFN) error {
	switch langOf(src) {
	case langTerraform:
		t, err := w.set.tf(src.File)
		if err != nil {
			return err
		}
		a := t.attrAt(src.Line, src.Col)
		if a == nil {
			return fmt.Errorf("%s: the setting is not written as an attribute here; change it by hand", src.Pos)
		}
		r := a.Expr.Range()
		old := t.text[r.Start.Byte:r.End.Byte]
		if vars := a.Expr.Variables(); len(vars) > 0 {
			// The value comes from elsewhere (a variable, a for_each
			// value, a dynamic block's iterator, another resource):
			// changing it here would change every caller.
			return fmt.Errorf("%s: the value is %s: change it where that is set", src.Pos, strings.TrimSpace(old))
		}
		if err := t.splice(r.Start.Byte, r.End.Byte, tfExpr); err != nil {
			return err
		}
		fixComment(t, a.NameRange.Start.Line, old)
		return nil
	case langCFN:
		c, err := w.set.cfn(src.File)
		if err != nil {
			return err
		}
		if c.y != nil {
			m, i := c.y.keyAt(src.Line, src.Col)
			if m == nil {
				m, i = c.y.keyOfValue(src.Line, src.Col)
			}
			if m == nil {
				l, col, _ := c.y.f.Where(src.Line, src.Col)
				if n := c.y.nodeAtNow(l, col); n != nil && n.Kind == yaml.ScalarNode {
					return c.y.replaceScalar(n, cfn.yamlValue(c.y.unit()))
				}
				return fmt.Errorf("%s: the setting is not written as a key here; change it by hand", src.Pos)
			}
			if v := m.Content[i+1]; strings.HasPrefix(v.Tag, "!") && !strings.HasPrefix(v.Tag, "!!") {
				return fmt.Errorf("%s: the value is computed (%s): change it where it is set", src.Pos, v.Tag)
			}
			text := cfn.yamlValue(c.y.unit())
			if v := m.Content[i+1]; v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 && cfn.Kind == "list" {
				text = cfn.yamlFlow()
			}
			return c.y.replaceValue(m, i, text)
		}
		root, err := c.jroot()
		if err != nil {
			return err
		}
		off, err := locate(c.j, src.Pos)
		if err != nil {
			return err
		}
		var n *jnode
		if _, f, ok := root.fieldAtKey(off); ok {
			n = f.val
		} else if x := root.at(off); x != nil {
			n = x
		}
		if n == nil {
			return fmt.Errorf("%s: the setting is not written here; change it by hand", src.Pos)
		}
		if n.kind == '{' && len(n.fields) == 1 && (n.fields[0].key == "Ref" || strings.HasPrefix(n.fields[0].key, "Fn::")) {
			return fmt.Errorf("%s: the value is computed (%s): change it where it is set", src.Pos, n.fields[0].key)
		}
		d := c.jdoc()
		s := c.j.content()
		return c.j.set(splice(s, n.start, n.end, indent(d.shape(cfn.jsonValue()), indentAt(s, n.start))))
	}
	return fmt.Errorf("%s is not read from a file s3front can change", src.Resource)
}

// fixComment updates a comment at the end of a line that names the
// managed policy a value replaced (# Managed-AllViewer).
func fixComment(t *tfFile, line int, old string) {
	name := managedName(strings.Trim(old, `"`))
	if name == "" {
		return
	}
	off, ok := offsetOf(t.text, line, 1)
	if !ok {
		return
	}
	end := lineEnd(t.text, off)
	l := t.text[off:end]
	i := strings.Index(l, "# "+name)
	if i < 0 {
		return
	}
	_ = t.splice(off+i, off+i+len("# "+name), "# "+managedName(newManaged(t.text[off:end])))
}

// Managed CloudFront policies a fix names.
const (
	allViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

func managedName(id string) string {
	if p, ok := model.ManagedOriginRequestPolicy(id); ok {
		return p.Name
	}
	return ""
}

func newManaged(line string) string {
	if strings.Contains(line, allViewerExceptHost) {
		return allViewerExceptHost
	}
	return ""
}

// setResourceAttr sets attribute name inside the nested blocks path of
// the Terraform resource declared at src.
func (w *writer) setResourceAttr(src model.Src, path []string, name, expr string) error {
	t, err := w.set.tf(src.File)
	if err != nil {
		return err
	}
	b := t.blockAt(src.Line, src.Col)
	if b == nil {
		return fmt.Errorf("%s: no block here", src.Pos)
	}
	for _, p := range path {
		var next *hclsyntax.Block
		for _, c := range b.Body.Blocks {
			if c.Type == p {
				next = c
				break
			}
		}
		if next == nil {
			return fmt.Errorf("%s: %s has no %s block; change it by hand", src.Pos, src.Resource, p)
		}
		b = next
	}
	return t.setAttr(b, name, expr)
}

// --- object ownership ---

func fixOwnership(fc *fixCtx) error {
	w := fc.writer()
	done := map[*model.Bucket]bool{}
	for _, p := range fc.paths {
		b := p.Bucket
		if b == nil || done[b] {
			continue
		}
		done[b] = true
		if fc.set.live != nil && isLive(b.Src.Pos) && b.Name.Known {
			fc.set.call("own|"+b.Name.V, LiveCall{Op: "PutBucketOwnershipControls", Bucket: b.Name.V, Region: b.Region.V, Ownership: "BucketOwnerEnforced", phase: 1})
			continue
		}
		if written(b.Ownership) {
			if err := w.setWritten(b.Ownership.Src, `"BucketOwnerEnforced"`, CFNStr("BucketOwnerEnforced")); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("the Object Ownership of %s is not written in the input: add aws_s3_bucket_ownership_controls (rule.object_ownership = \"BucketOwnerEnforced\") or OwnershipControls", b.Ref)
	}
	if len(done) == 0 {
		return errNoEdit("no bucket to change")
	}
	return nil
}

// --- Host header ---

func fixHostHeader(fc *fixCtx) error {
	w := fc.writer()
	n := 0
	for _, p := range fc.paths {
		bh := p.Behavior
		if bh == nil {
			continue
		}
		// Legacy forwarded values naming Host.
		if f := bh.Forwarded; f != nil && written(f.Headers) && hasHost(f.Headers.V) {
			if err := w.dropHost(f.Headers); err != nil {
				return err
			}
			n++
		}
		orp := bh.OriginRequestPolicy
		if !orp.Known || orp.V == "" {
			continue
		}
		if m, ok := model.ManagedOriginRequestPolicy(orp.V); ok {
			if fw, known := m.ForwardsHeader("Host"); !known || !fw || !written(orp) {
				continue
			}
			if !fc.set.once("orp|" + orp.Src.String()) {
				n++
				continue
			}
			if err := w.setWritten(orp.Src, hclQuote(allViewerExceptHost), CFNStr(allViewerExceptHost)); err != nil {
				return err
			}
			n++
			continue
		}
		// A custom policy that lists Host.
		if c := fc.res.Index.OriginRequestPolicy(orp.V); c != nil && written(c.Headers) && hasHost(c.Headers.V) {
			if err := w.dropHost(c.Headers); err != nil {
				return err
			}
			n++
		}
	}
	if n == 0 {
		return errNoEdit("the Host header is forwarded by a policy s3front does not change (all viewer headers, or a cache policy): forward every header but Host, e.g. with Managed-AllViewerExceptHostHeader")
	}
	return nil
}

func hasHost(hs []string) bool {
	for _, h := range hs {
		if strings.EqualFold(h, "host") {
			return true
		}
	}
	return false
}

// dropHost rewrites a written header list without Host.
func (w *writer) dropHost(v model.Value[[]string]) error {
	if !w.set.once("host|" + v.Src.String()) {
		return nil
	}
	var keep []string
	for _, h := range v.V {
		if !strings.EqualFold(h, "host") {
			keep = append(keep, h)
		}
	}
	if len(keep) == 0 {
		return fmt.Errorf("%s: Host is the only header listed; remove the list (or set the header behavior to none) by hand", v.Src.Pos)
	}
	var quoted []string
	list := &CFN{Kind: "list"}
	for _, h := range keep {
		quoted = append(quoted, hclQuote(h))
		list.Items = append(list.Items, CFNStr(h))
	}
	return w.setWritten(v.Src, "["+strings.Join(quoted, ", ")+"]", list)
}

// --- public buckets ---

func (fc *fixCtx) bucket(ref string) *model.Bucket {
	for _, b := range fc.cfg.Buckets {
		if b.Ref == ref || b.Policy.Src.Resource == ref || b.PublicAccessBlock.BlockPublicPolicy.Src.Resource == ref {
			return b
		}
	}
	return nil
}

// signedReaders reports whether every origin that reads b signs its
// requests (OAC or OAI): removing anonymous access then breaks no path.
func (fc *fixCtx) signedReaders(b *model.Bucket) error {
	for _, p := range fc.res.Paths {
		if p.Bucket != b || p.Origin == nil {
			continue
		}
		o := p.Origin
		if !(o.OAC.Known && o.OAC.V != "" || o.OAI.Known && o.OAI.V != "") {
			return fmt.Errorf("origin %s of %s reads %s without an origin access control: give it one first (s3-origin-unsigned)", originName(o), p.Distribution.Ref, b.Ref)
		}
	}
	return nil
}

func fixBucketPublic(fc *fixCtx) error {
	b := fc.bucket(fc.f.Resource)
	if b == nil && fc.f.Rule == "bpa-incomplete" {
		return errNoEdit("the bucket is not in the input")
	}
	if b == nil || !b.Policy.HasDoc() {
		return errNoEdit("the public grant is not a bucket policy statement s3front can remove")
	}
	if err := fc.signedReaders(b); err != nil {
		return err
	}
	_, stmts := iam.Public(b.Policy.V)
	if len(stmts) == 0 {
		return errNoEdit("no statement to remove")
	}
	w := fc.writer()
	d, err := w.set.docEditor(b.Policy)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if len(stmts) == len(b.Policy.V.Statements) {
			return fmt.Errorf("every statement of the bucket policy of %s is public: remove the policy, or write the grant CloudFront needs first", b.Ref)
		}
		if !fc.set.once("rmstmt|" + st.Pos.String()) {
			continue
		}
		if err := d.removeStatement(st.Pos); err != nil {
			return err
		}
	}
	return setBPA(w, b)
}

func fixBPA(fc *fixCtx) error {
	b := fc.bucket(fc.f.Resource)
	if b == nil {
		return errNoEdit("the bucket is not in the input")
	}
	if b.Policy.HasDoc() {
		if pub, _ := iam.Public(b.Policy.V); pub != ident.False {
			// Block Public Access would refuse the policy: the public
			// statements go first, as bucket-public's fix does.
			return fixBucketPublic(fc)
		}
	}
	return setBPA(fc.writer(), b)
}

// setBPA turns on the four Block Public Access settings of b where they
// are written off.
func setBPA(w *writer, b *model.Bucket) error {
	if w.set.live != nil && isLive(b.Src.Pos) && b.Name.Known {
		w.set.call("bpa|"+b.Name.V, LiveCall{Op: "PutPublicAccessBlock", Bucket: b.Name.V, Region: b.Region.V, phase: 3})
		return nil
	}
	pab := b.PublicAccessBlock
	n, unknown := 0, 0
	for _, v := range []model.Value[bool]{pab.BlockPublicACLs, pab.IgnorePublicACLs, pab.BlockPublicPolicy, pab.RestrictPublicBuckets} {
		if !v.Known {
			unknown++
			continue
		}
		if v.V {
			continue
		}
		if !written(v) {
			return fmt.Errorf("the Block Public Access settings of %s are not written in the input: add aws_s3_bucket_public_access_block or PublicAccessBlockConfiguration with all four on", b.Ref)
		}
		if !w.set.once("bpa|" + v.Src.String()) {
			continue
		}
		if err := w.setWritten(v.Src, "true", CFNLit("true")); err != nil {
			return err
		}
		n++
	}
	if n == 0 && unknown > 0 {
		return errNoEdit(fmt.Sprintf("the Block Public Access settings of %s are not in the input (a bucket this configuration does not manage?): turn them on where the bucket is managed", b.Ref))
	}
	return nil
}

// --- unscoped CloudFront grants ---

// policyAt returns the bucket or key policy holding the statement at pos,
// with its holder.
func (fc *fixCtx) policyAt(loc source.Pos) (string, model.Policy, *iam.Statement) {
	find := func(pol model.Policy) *iam.Statement {
		if !pol.HasDoc() {
			return nil
		}
		for _, st := range pol.V.Statements {
			if st.Pos.File == loc.File && st.Pos.Line == loc.Line && (loc.Line > 0 || st.Pos.Pointer == loc.Pointer) {
				return st
			}
		}
		return nil
	}
	for _, b := range fc.cfg.Buckets {
		if st := find(b.Policy); st != nil {
			return b.Ref, b.Policy, st
		}
	}
	for _, k := range fc.cfg.Keys {
		if st := find(k.Policy); st != nil {
			return k.Ref, k.Policy, st
		}
	}
	return "", model.Policy{}, nil
}

// readers are the distributions that read the bucket holder, or a bucket
// encrypted with the key holder.
func (fc *fixCtx) readers(holder string) []*model.Distribution {
	var out []*model.Distribution
	seen := map[*model.Distribution]bool{}
	for _, p := range fc.res.Paths {
		b := p.Bucket
		if b == nil || seen[p.Distribution] {
			continue
		}
		match := b.Ref == holder
		if !match && b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
			if k, ok := fc.res.Index.Key(b.Encryption.KeyID.V); ok == ident.True && k.Ref == holder {
				match = true
			}
		}
		if match {
			seen[p.Distribution] = true
			out = append(out, p.Distribution)
		}
	}
	return out
}

func fixUnscoped(fc *fixCtx) error {
	holder, pol, st := fc.policyAt(fc.location())
	if st == nil {
		return errNoEdit("the statement is not in a policy s3front can change")
	}
	ds := fc.readers(holder)
	if len(ds) == 0 {
		return errNoEdit("no distribution of the input reads through this grant: name yours with an AWS:SourceArn condition")
	}
	var vals []string
	cycle := false
	for _, d := range ds {
		vals = appendUnique(vals, sim.DistributionARNIn(d, holder))
		if k := fc.keyByRef(holder); k != nil {
			for _, p := range fc.res.Paths {
				if p.Distribution == d && p.Bucket != nil {
					cycle = cycle || langOf(k.Src) == langCFN && k.Src.File == d.Src.File && p.Bucket.Src.File == k.Src.File
				}
			}
		}
	}
	cond := sim.Cond{Op: "StringEquals", Key: "AWS:SourceArn", Values: vals}
	if cycle {
		cond = sim.Cond{Op: "ArnLike", Key: "AWS:SourceArn", Values: []string{"arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}}
	}
	return fc.apply(sim.Change{Kind: sim.AddCondition, Holder: holder, Policy: pol, Statement: st, Cond: cond})
}

func (fc *fixCtx) keyByRef(ref string) *model.Key {
	for _, k := range fc.cfg.Keys {
		if k.Ref == ref {
			return k
		}
	}
	return nil
}

// --- simple settings ---

func fixSigning(fc *fixCtx) error {
	w := fc.writer()
	n := 0
	for _, p := range fc.paths {
		o := p.Origin
		if o == nil || !o.OAC.Known {
			continue
		}
		oac := fc.res.Index.OAC(o.OAC.V)
		if oac == nil || !written(oac.SigningBehavior) || !fc.set.once("signing|"+oac.Ref) {
			continue
		}
		if err := w.setWritten(oac.SigningBehavior.Src, `"always"`, CFNStr("always")); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return errNoEdit("the origin access control's signing behavior is not written in the input")
	}
	return nil
}

func (fc *fixCtx) behaviors() []*model.Behavior {
	var out []*model.Behavior
	seen := map[*model.Behavior]bool{}
	for _, p := range fc.paths {
		if p.Behavior != nil && !seen[p.Behavior] {
			seen[p.Behavior] = true
			out = append(out, p.Behavior)
		}
	}
	if len(out) == 0 {
		for _, d := range fc.cfg.Distributions {
			for _, b := range append([]*model.Behavior{d.DefaultBehavior}, d.Behaviors...) {
				if b != nil && b.ViewerProtocolPolicy.Src.File == fc.f.Location.File && b.ViewerProtocolPolicy.Src.Line == fc.f.Location.Line {
					out = append(out, b)
				}
			}
		}
	}
	return out
}

func fixViewerHTTP(fc *fixCtx) error {
	w := fc.writer()
	n := 0
	for _, b := range fc.behaviors() {
		v := b.ViewerProtocolPolicy
		if !written(v) || v.V != "allow-all" || !fc.set.once("vpp|"+v.Src.String()) {
			continue
		}
		if err := w.setWritten(v.Src, `"redirect-to-https"`, CFNStr("redirect-to-https")); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return errNoEdit("the viewer protocol policy is not written in the input")
	}
	return nil
}

func fixWriteMethods(fc *fixCtx) error {
	w := fc.writer()
	n := 0
	for _, b := range fc.behaviors() {
		v := b.AllowedMethods
		if !written(v) || !fc.set.once("methods|"+v.Src.String()) {
			continue
		}
		keep := []string{"GET", "HEAD"}
		for _, m := range v.V {
			if strings.EqualFold(m, "OPTIONS") {
				keep = append(keep, "OPTIONS")
			}
		}
		var quoted []string
		list := &CFN{Kind: "list"}
		for _, m := range keep {
			quoted = append(quoted, hclQuote(m))
			list.Items = append(list.Items, CFNStr(m))
		}
		if err := w.setWritten(v.Src, "["+strings.Join(quoted, ", ")+"]", list); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return errNoEdit("the allowed methods are not written in the input")
	}
	return nil
}

func fixRotation(fc *fixCtx) error {
	k := fc.keyByRef(fc.f.Resource)
	if k == nil {
		return errNoEdit("the key is not in the input")
	}
	w := fc.writer()
	if written(k.Rotation) {
		return w.setWritten(k.Rotation.Src, "true", CFNLit("true"))
	}
	switch langOf(k.Src) {
	case langTerraform:
		return w.setResourceAttr(k.Src, nil, "enable_key_rotation", "true")
	case langCFN:
		c, err := fc.set.cfn(k.Src.File)
		if err != nil {
			return err
		}
		return c.setProp(k.Ref, nil, "EnableKeyRotation", CFNLit("true"))
	}
	return errNoEdit("the key is not read from a file s3front can change")
}

// location is the finding's location as a position.
func (fc *fixCtx) location() source.Pos {
	l := fc.f.Location
	return source.Pos{File: l.File, Line: l.Line, Col: l.Col, Pointer: l.Pointer}
}
