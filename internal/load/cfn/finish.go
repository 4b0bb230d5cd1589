package cfn

import (
	"errors"
	"regexp"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// finish links resources that name each other (bucket policies and
// buckets, aliases and keys, organization policies and accounts), applies
// the effect of known custom resources, and compiles every policy.
func (l *loader) finish() error {
	l.bucketByName = map[string][]*bucketRes{}
	for _, b := range l.buckets {
		if b.b.Name.Known {
			l.bucketByName[b.b.Name.V] = append(l.bucketByName[b.b.Name.V], b)
		}
	}
	l.keyByID = map[string]*keyRes{}
	for _, k := range l.keys {
		l.keyByID[k.k.ID.V] = k
		l.keyByID[k.k.ARN.V] = k
	}
	for _, c := range l.customs {
		if err := l.applyCustom(c); err != nil {
			return err
		}
	}
	for _, bp := range l.bucketPolicies {
		l.linkBucketPolicy(bp)
	}
	for _, b := range l.buckets {
		l.bucketPolicyOf(b)
	}
	for _, k := range l.keys {
		l.keyPolicyOf(k)
	}
	for _, a := range l.aliases {
		if !a.target.Known || !a.name.Known {
			continue
		}
		if k := l.findKey(a.target.V); k != nil {
			k.k.Aliases = append(k.k.Aliases, a.name)
		}
	}
	for _, op := range l.orgPolicies {
		l.linkOrgPolicy(op)
	}
	return nil
}

// linkBucketPolicy attaches an AWS::S3::BucketPolicy to the bucket it
// names.
func (l *loader) linkBucketPolicy(bp *bucketPolicyRes) {
	ref := bp.s.ref(bp.r.ID)
	src := model.Src{Resource: ref, Pos: bp.r.Pos}
	if !bp.bucket.Known {
		l.unresolved("bucket of "+ref, "the bucket that "+ref+" applies to is not known offline: "+bp.bucket.Missing, src)
		return
	}
	if b := l.findBucket(bp.bucket.V); b != nil {
		if b.policy != nil {
			l.unresolved("bucket policy of "+b.b.Ref, "both "+b.policy.s.ref(b.policy.r.ID)+" and "+ref+" set the policy of "+b.b.Ref+"; the one deployed last replaces the other", src)
		}
		b.policy = bp
		return
	}
	var maybe []string
	for _, b := range l.buckets {
		if b.b.Name.Known && ident.Equal(b.b.Name.V, bp.bucket.V) == ident.Unknown {
			maybe = append(maybe, b.b.Ref)
		}
	}
	if len(maybe) > 0 {
		l.unresolved("bucket of "+ref, ref+" names bucket "+ident.Render(bp.bucket.V)+", which may or may not be "+strings.Join(maybe, " or "), src)
		return
	}
	l.unresolved("bucket of "+ref, ref+" sets the policy of bucket "+ident.Render(bp.bucket.V)+", which is not in the template; check the template that creates it", src)
}

// bucketPolicyOf compiles the policy of a bucket: its BucketPolicy and
// the edits of custom resources.
func (l *loader) bucketPolicyOf(b *bucketRes) {
	if b.policy == nil && len(b.edits) == 0 {
		b.b.Policy.Form = b.s.form // a new policy would be written in the template's syntax
		return
	}
	var doc obj
	src := b.b.Src
	name := b.b.Ref + " (bucket policy)"
	if b.policy != nil {
		doc = b.policy.doc
		src = model.Src{Resource: b.policy.s.ref(b.policy.r.ID), Pos: doc.at}
		name = b.policy.s.ref(b.policy.r.ID)
	} else {
		// Only custom resources write the policy.
		doc = obj{s: b.s, ref: b.b.Ref, at: b.b.Src.Pos, n: object(b.b.Src.Pos,
			"Version", str("2012-10-17", b.b.Src.Pos),
			"Statement", &source.Node{Kind: source.Array, Pos: b.b.Src.Pos})}
		src = model.Src{Resource: b.edits[0].by, Pos: b.edits[0].stmt.Pos}
	}
	b.b.Policy = l.compile(doc, b.edits, iam.Resource, name, src)
}

// keyPolicyOf compiles the policy of a key: its KeyPolicy (or the default
// key policy) and the edits of custom resources.
func (l *loader) keyPolicyOf(k *keyRes) {
	if !k.doc.present() {
		if len(k.edits) == 0 {
			k.k.Policy.Form = k.s.form
			return // model.NewKey set AWS's default key policy
		}
		k.doc = obj{s: k.s, ref: k.k.Ref, at: k.k.Src.Pos, n: defaultKeyPolicyNode(k.s.l.partition, k.s.l.account, k.k.Src.Pos)}
	}
	src := model.Src{Resource: k.k.Ref, Pos: k.doc.at}
	k.k.Policy = l.compile(k.doc, k.edits, iam.Resource, k.k.Ref+" (key policy)", src)
}

// compile turns a resolved policy document into a model.Policy.
func (l *loader) compile(doc obj, edits []policyEdit, kind iam.Kind, name string, src model.Src) model.Policy {
	p := l.compileDoc(doc, edits, kind, name, src)
	if doc.s != nil {
		p.Form = doc.s.form
	}
	if doc.n != nil && doc.n.Kind == source.String {
		p.Form = model.FormJSON // a JSON string in the template
	}
	return p
}

func (l *loader) compileDoc(doc obj, edits []policyEdit, kind iam.Kind, name string, src model.Src) model.Policy {
	if doc.unknown() {
		return model.Policy{Value: model.Unknown[*iam.Policy](src, "the policy document is not known offline: "+doc.missing())}
	}
	n := doc.n
	if n != nil && n.Kind == source.String {
		start := n.Pos
		parsed, err := source.ParseJSONAt(source.Pos{File: start.File, Line: start.Line, Col: start.Col, Pointer: start.Pointer}, []byte(n.Text))
		if err != nil {
			if hasUnknown(n) {
				return model.Policy{Value: model.Unknown[*iam.Policy](src, "the policy document is not known offline: "+l.missing(n.Text))}
			}
			var se *source.Error
			if errors.As(err, &se) {
				err = &iam.Error{Pos: se.Pos, Code: iam.CodeSyntax, Msg: "Syntax errors in policy: " + se.Msg, Hint: se.Hint}
			}
			return model.Policy{Value: model.Value[*iam.Policy]{Src: src}, Err: err}
		}
		n = parsed
	}
	if len(edits) > 0 {
		n = applyEdits(n, edits)
	}
	p, err := iam.FromNode(n, kind, name)
	if err != nil {
		if hasUnknown(n) {
			return model.Policy{Value: model.Unknown[*iam.Policy](src, "the policy document is not known offline: "+l.missingIn(n))}
		}
		return model.Policy{Value: model.Value[*iam.Policy]{Src: src}, Err: err}
	}
	return model.Policy{Value: model.Known(p, src)}
}

// applyEdits returns a copy of a policy document with the statements of
// custom resources added.
func applyEdits(doc *source.Node, edits []policyEdit) *source.Node {
	if doc == nil || doc.Kind != source.Object {
		return doc
	}
	out := &source.Node{Kind: source.Object, Pos: doc.Pos, Fields: append([]source.Field(nil), doc.Fields...)}
	idx := -1
	for i, f := range out.Fields {
		if f.Key == "Statement" {
			idx = i
		}
	}
	var stmts []*source.Node
	arrPos := doc.Pos
	if idx >= 0 {
		v := out.Fields[idx].Value
		arrPos = v.Pos
		switch v.Kind {
		case source.Array:
			stmts = append(stmts, v.Elems...)
		case source.Object:
			stmts = []*source.Node{v}
		default:
			return doc // invalid as written; iam reports it
		}
	}
	for _, e := range edits {
		done := false
		if e.replaceSid {
			for i, st := range stmts {
				if sid := st.Get("Sid"); sid != nil && sid.Text == e.sid {
					stmts[i] = e.stmt
					done = true
					break
				}
			}
		} else {
			for _, st := range stmts {
				if template.Equal(st, e.stmt) == ident.True {
					done = true
				}
			}
		}
		if !done {
			stmts = append(stmts, e.stmt)
		}
		if e.dropOAI {
			kept := stmts[:0:0]
			for _, st := range stmts {
				if aws := st.Get("Principal").Get("AWS"); aws != nil && aws.Kind == source.String &&
					strings.Contains(aws.Text, "cloudfront:user/CloudFront Origin Access Identity") {
					continue
				}
				kept = append(kept, st)
			}
			stmts = kept
		}
	}
	arr := &source.Node{Kind: source.Array, Pos: arrPos, Elems: stmts}
	if idx >= 0 {
		out.Fields[idx] = source.Field{Key: "Statement", KeyPos: out.Fields[idx].KeyPos, Value: arr}
	} else {
		out.Fields = append(out.Fields, source.Field{Key: "Statement", KeyPos: doc.Pos, Value: arr})
	}
	return out
}

// hasUnknown reports whether a resolved value holds an unknown symbol.
func hasUnknown(n *source.Node) bool {
	if n == nil {
		return false
	}
	switch n.Kind {
	case source.String:
		return !ident.Concrete(n.Text)
	case source.Array:
		for _, e := range n.Elems {
			if hasUnknown(e) {
				return true
			}
		}
	case source.Object:
		for _, f := range n.Fields {
			if hasUnknown(f.Value) {
				return true
			}
		}
	}
	return false
}

// missingIn explains the unknowns of a resolved value.
func (l *loader) missingIn(n *source.Node) string {
	var b strings.Builder
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case source.String:
			if !ident.Concrete(n.Text) {
				b.WriteString(n.Text)
			}
		case source.Array:
			for _, e := range n.Elems {
				walk(e)
			}
		case source.Object:
			for _, f := range n.Fields {
				walk(f.Value)
			}
		}
	}
	walk(n)
	return l.missing(b.String())
}

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// linkOrgPolicy attaches an SCP or RCP to the accounts it targets.
func (l *loader) linkOrgPolicy(op *orgPolicyRes) {
	ref := op.s.ref(op.r.ID)
	src := model.Src{Resource: ref, Pos: op.r.Pos}
	kindName := "SCP"
	if op.kind == iam.RCP {
		kindName = "RCP"
	}
	pol := l.compile(op.doc, nil, op.kind, ref, model.Src{Resource: ref, Pos: op.doc.at})
	for _, t := range op.targets {
		if !t.Known {
			l.unresolved("target of "+ref, "a target of "+kindName+" "+ref+" is not known offline: "+t.Missing, t.Src)
			continue
		}
		var acct *model.Account
		for _, a := range l.cfg.Accounts {
			if a.ID.Known && ident.Equal(a.ID.V, t.V) == ident.True {
				acct = a
			}
		}
		if acct == nil && accountIDRE.MatchString(t.V) {
			acct = model.NewAccount(model.Known(t.V, t.Src), l.partition, t.Src)
			l.cfg.Accounts = append(l.cfg.Accounts, acct)
		}
		if acct == nil {
			l.unresolved(kindName+" "+ref+" on "+ident.Render(t.V),
				kindName+" "+ref+" is attached to "+ident.Render(t.V)+" (a root, an OU or an account); which accounts of the template are under it is not in the template", t.Src)
			continue
		}
		level := model.OrgLevel{Target: t.V, Policies: []model.OrgPolicy{{Ref: ref, Policy: pol}}}
		dst := &acct.SCPs
		if op.kind == iam.RCP {
			dst = &acct.RCPs
		}
		if dst.Known {
			dst.V = append(dst.V, level)
		} else {
			*dst = model.Known([]model.OrgLevel{level}, src)
			l.unresolved("organization of "+ident.Render(acct.ID.V),
				"the template attaches organization policies directly to account "+ident.Render(acct.ID.V)+"; the policies of its root and OUs are not in the template", src)
		}
	}
}
