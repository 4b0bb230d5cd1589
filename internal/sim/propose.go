package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// grantTarget is a policy a fix adds a grant to.
type grantTarget struct {
	// what names the policy in the fix: "the bucket policy of
	// aws_s3_bucket.site".
	what string
	// ref is the resource whose language spells the fix.
	ref string
	pol model.Policy
}

// bucketTarget is the bucket policy of b.
func bucketTarget(b *model.Bucket) grantTarget {
	return grantTarget{what: "the bucket policy of " + b.Ref, ref: b.Ref, pol: b.Policy}
}

// keyTarget is the key policy of k.
func keyTarget(k *model.Key) grantTarget {
	return grantTarget{what: "the key policy of " + k.Ref, ref: k.Ref, pol: k.Policy}
}

// proposal is one step of a fix that makes a policy grant something.
type proposal struct {
	// needed is false when the policy already grants it; text then says
	// which statement does.
	needed bool
	text   string
	// change is the same proposal as a structured change, when it is
	// one s3front can write (nil for a policy not in the input).
	change *Change
}

// propose says how to make the target policy allow every request of
// reqs (each with its ResourcePolicy unset): nothing when it already does;
// the changed AWS:SourceArn value when a statement misses only on it; the
// missing actions when a statement of the principal misses only them; a
// new statement, written as the policy is written, otherwise. Never what
// is already there.
// note follows the policy's name in a new statement's text (", next to
// the OAI statement").
func (s *simulator) propose(t grantTarget, note string, st Statement, reqs []*iam.Input) proposal {
	sx := SyntaxOf(t.ref, t.pol)
	into := t.what
	if t.pol.WrittenIn != "" {
		into += " (written by " + t.pol.WrittenIn + ")"
	}
	add := &Change{Kind: AddStatement, Holder: t.ref, Policy: t.pol, New: st}
	fresh := func() proposal {
		switch {
		case t.pol.Known && t.pol.V == nil && t.pol.Err == nil:
			return proposal{needed: true, text: "attach " + t.what + " with this statement" + note + ":\n" + sx.Render(st), change: add}
		case sx.Form == model.FormBlocks:
			return proposal{needed: true, text: "add this statement block to " + into + note + ":\n" + sx.Render(st), change: add}
		}
		return proposal{needed: true, text: "add this statement to " + into + note + ":\n" + sx.Render(st), change: add}
	}
	if !t.pol.HasDoc() {
		return fresh()
	}
	var granted []string
	var missing []string
	var actStmt *iam.Statement
	var near *iam.Statement
	var nearCond *iam.Condition
	for _, in := range reqs {
		r := *in
		r.ResourcePolicy = t.pol.V
		res, matches := iam.Explain(&r)
		if res.Decision == iam.Allowed {
			for _, rs := range res.Reasons {
				if rs.Kind == iam.StatementAllows && rs.Statement != nil {
					granted = append(granted, stmtName(rs.Statement))
					break
				}
			}
			continue
		}
		if res.Decision != iam.ImplicitDeny {
			return fresh() // an explicit Deny or an unknown: the cause says what to change
		}
		for _, m := range matches {
			if m.Policy != t.pol.V.Name || m.Statement == nil || m.Statement.Effect != iam.Allow || m.Principal != ident.True || m.Resource != ident.True {
				continue
			}
			var failed []iam.ConditionMatch
			for _, c := range m.Conditions {
				if c.Result != ident.True {
					failed = append(failed, c)
				}
			}
			switch {
			case m.Action == ident.False && len(failed) == 0 && m.Statement.Action != nil && (actStmt == nil || actStmt == m.Statement):
				actStmt = m.Statement
				missing = appendNew(missing, in.Request.Action)
			case m.Action == ident.True && len(failed) == 1 && failed[0].Result == ident.False && failed[0].Present &&
				strings.EqualFold(failed[0].Condition.Key, "aws:SourceArn") && near == nil:
				near, nearCond = m.Statement, failed[0].Condition
			}
		}
	}
	switch {
	case len(granted) == len(reqs):
		return proposal{text: t.what + " already allows it (statement " + strings.Join(dedupeStrings(granted), ", ") + "): nothing to add"}
	case near != nil:
		want := ""
		for _, c := range st.Conds {
			if strings.EqualFold(c.Key, "aws:SourceArn") {
				want = c.Values[0]
			}
		}
		if want != "" {
			// Keep the values that name another distribution reading the
			// same bucket; replace the rest (another distribution's ARN that
			// doesn't read it, a malformed ARN, a domain-like ID).
			var keep []string
			for _, v := range nearCond.Values {
				if other := s.distributionByARN(v); other != nil && len(reqs) > 0 && s.readsBucketOf(other, t) {
					keep = append(keep, DistributionARNText(other))
				}
			}
			vals := append(keep, want)
			verb := "set"
			if len(keep) > 0 {
				verb = "add this distribution to"
			}
			return proposal{needed: true, text: fmt.Sprintf("in statement %s of %s, %s the AWS:SourceArn of its %s condition (the statement is otherwise right):\n%s",
				stmtName(near), into, verb, nearCond.Operator, sx.RenderValue(nearCond.Key, vals)),
				change: &Change{Kind: SetConditionValues, Holder: t.ref, Policy: t.pol, Statement: near, Condition: nearCond, Values: vals}}
		}
	case actStmt != nil && len(granted)+len(missing) >= len(reqs):
		acts := append(append([]string{}, actStmt.Action.Items...), missing...)
		return proposal{needed: true, text: fmt.Sprintf("add %s to the actions of statement %s of %s (the statement is otherwise right):\n%s",
			strings.Join(missing, ", "), stmtName(actStmt), into, sx.renderActions(acts)),
			change: &Change{Kind: SetActions, Holder: t.ref, Policy: t.pol, Statement: actStmt, Actions: acts}}
	}
	return fresh()
}

// renderActions writes a statement's action list in the syntax.
func (sx Syntax) renderActions(acts []string) string {
	switch sx.Form {
	case model.FormYAML:
		var b strings.Builder
		b.WriteString("Action:")
		for _, a := range acts {
			b.WriteString("\n  - " + yamlScalar(a))
		}
		return b.String()
	case model.FormObject:
		return "Action = " + sx.hclList(acts)
	case model.FormBlocks:
		return "actions = " + sx.hclList(acts)
	}
	return jsonString("Action") + ": " + sx.RenderList(acts)
}

func stmtName(st *iam.Statement) string {
	if st.Sid != "" {
		return quote(st.Sid)
	}
	return fmt.Sprintf("#%d", st.Index+1)
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func dedupeStrings(xs []string) []string {
	var out []string
	for _, x := range xs {
		out = appendNew(out, x)
	}
	return out
}

// oacRequests are the requests a distribution's origin access control
// makes to a bucket (one per action), as S3 authorizes them.
func (s *simulator) oacBucketRequests(d *model.Distribution, b *model.Bucket, key string, actions ...string) []*iam.Input {
	oc := s.oacCtx(d, b)
	var out []*iam.Input
	for _, a := range actions {
		out = append(out, &iam.Input{Request: iam.Request{Principal: oc.principal, Action: a,
			Resource: model.ObjectARN(partitionOf(d.ARN.V), b.Name.V, key), ResourceAccount: b.Account.V, Context: s.requestContext(oc, true)}})
	}
	return out
}

// oacKeyRequests are the KMS requests S3 makes for a distribution's origin
// access control with key k.
func (s *simulator) oacKeyRequests(d *model.Distribution, b *model.Bucket, k *model.Key, key string, actions ...string) []*iam.Input {
	oc := s.oacCtx(d, b)
	bucketKey := b.Encryption.BucketKey.Known && b.Encryption.BucketKey.V
	ctx := s.kmsContext(oc, b, model.ObjectARN(partitionOf(d.ARN.V), b.Name.V, key), bucketKey)
	keyARN := k.ARN.V
	if !k.ARN.Known {
		keyARN = ident.New(ident.Any, k.Ref+".arn")
	}
	var out []*iam.Input
	for _, a := range actions {
		a = strings.TrimSuffix(a, "*")
		out = append(out, &iam.Input{Request: iam.Request{Principal: oc.principal, Action: a, Resource: keyARN, ResourceAccount: k.Account.V, Context: ctx}, KeyPolicy: true})
	}
	return out
}

// oacCtx is the origin context of a distribution reading b through an
// origin access control that signs (what a fix migrates to).
func (s *simulator) oacCtx(d *model.Distribution, b *model.Bucket) *originCtx {
	return &originCtx{d: d, bucket: b, mode: modeOAC, principal: iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"}, https: true}
}

// bucketGrant is the fix step that lets d's origin access control do
// actions (default s3:GetObject) on objects of b.
func (s *simulator) bucketGrant(d *model.Distribution, b *model.Bucket, key, note string, actions ...string) proposal {
	if len(actions) == 0 {
		actions = []string{"s3:GetObject"}
	}
	return s.propose(bucketTarget(b), note, OACBucketGrant(d, b, actions...), s.oacBucketRequests(d, b, key, actions...))
}

// keyGrant is the fix step that lets d's origin access control use the
// default key of b for ops (the KMS operations S3 performs); a new
// statement grants stmtActions (default: ops).
func (s *simulator) keyGrant(d *model.Distribution, b *model.Bucket, key, note string, ops []string, stmtActions ...string) proposal {
	if len(stmtActions) == 0 {
		stmtActions = ops
	}
	st := OACKeyGrant(d, b.Ref, stmtActions...)
	if b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
		if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True {
			st = OACKeyGrant(d, k.Ref, stmtActions...)
			return s.propose(keyTarget(k), note, st, s.oacKeyRequests(d, b, k, key, ops...))
		}
		return proposal{needed: true, text: "add this statement to the key policy of " + ident.Render(b.Encryption.KeyID.V) + note + ":\n" + SyntaxOf(b.Ref, b.Policy).Render(st)}
	}
	return proposal{needed: true, text: "add this statement to the key policy of the bucket's key" + note + ":\n" + SyntaxOf(b.Ref, b.Policy).Render(st)}
}

// DenyUnencryptedFix narrows a deny-unencrypted-uploads statement st of
// b's policy so that it no longer applies to uploads sending no
// encryption header, in the policy's syntax (the change
// [DenyUnencryptedChange] makes). Where the bucket's default encryption is
// SSE-KMS under a customer key, it also proposes the two statements of
// [RequireKMS] that keep other keys and the AWS managed key out.
func DenyUnencryptedFix(ix *Index, b *model.Bucket, st *iam.Statement) string {
	sx := SyntaxOf(b.Ref, b.Policy)
	key, op, name := "s3:x-amz-server-side-encryption", "StringNotEquals", "the statement"
	sid := "RequireSSEKMS"
	if st != nil {
		name = "statement " + stmtName(st)
		if st.Sid != "" {
			sid = st.Sid
		}
		for _, c := range st.Conditions {
			if strings.HasPrefix(strings.ToLower(c.Key), "s3:x-amz-server-side-encryption") {
				key, op = c.Key, c.Operator
				break
			}
		}
	}
	where := "add to its Condition"
	if sx.Form == model.FormBlocks {
		where = "add this condition block to it"
	}
	fix := fmt.Sprintf("deny only uploads that ask for the wrong encryption, and let default encryption handle uploads that ask for none: keep the %s condition of %s and %s (both must then hold for the Deny to apply):\n%s",
		op, name, where, sx.RenderCondition(Cond{Op: "Null", Key: key, Values: []string{"false"}}))
	if k := KeyARNText(ix, b); k != "" {
		var out []string
		for _, r := range RequireKMS(b, k, sid)[1:] {
			out = append(out, sx.Render(r))
		}
		sep := ",\n"
		if sx.Form == model.FormYAML || sx.Form == model.FormBlocks {
			sep = "\n"
		}
		fix += "\nto require the key " + k + " itself, add these two statements next to it: they deny uploads that name another key, and uploads that ask for SSE-KMS without naming one (S3 would use aws/s3, which CloudFront can't decrypt); uploads that name none still get the default encryption under the key:\n" + strings.Join(out, sep)
	}
	return fix
}

// perimeterFix exempts CloudFront's requests from a perimeter Deny, in
// the syntax of the policy that holds it.
func (s *simulator) perimeterFix(oc *originCtx, c *Cause) string {
	sx := Syntax{Lang: styleLiteral, Form: model.FormJSON}
	if b := oc.bucket; b != nil {
		sx = SyntaxOf(b.Ref, b.Policy)
		if b.Policy.HasDoc() && c.Statement != nil && !holds(b.Policy.V, c.Statement) {
			if b.Encryption.KeyID.Known {
				if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True && k.Policy.HasDoc() && holds(k.Policy.V, c.Statement) {
					sx = SyntaxOf(k.Ref, k.Policy)
				}
			}
		}
	}
	where := "add to the Deny's Condition"
	if sx.Form == model.FormBlocks {
		where = "add this condition block to the Deny"
	}
	return "exempt AWS service principals acting for your distributions: " + where + ":\n" +
		sx.RenderCondition(Cond{Op: "Bool", Key: "aws:PrincipalIsAWSService", Values: []string{"false"}}) +
		"\n(or, for aws:PrincipalOrgID, use StringNotEqualsIfExists with a separate guard on aws:SourceAccount or aws:SourceOrgID)"
}

// holds reports whether st is a statement of p.
func holds(p *iam.Policy, st *iam.Statement) bool {
	for _, x := range p.Statements {
		if x == st {
			return true
		}
	}
	return false
}

// readsBucketOf reports whether distribution d reads the bucket whose
// policy (or whose key's policy) t is.
func (s *simulator) readsBucketOf(d *model.Distribution, t grantTarget) bool {
	for _, o := range d.Origins {
		if !o.DomainName.Known {
			continue
		}
		ep := model.ParseEndpoint(o.DomainName.V)
		b, ok := s.ix.Bucket(ep.Bucket)
		if ok != ident.True {
			continue
		}
		if b.Ref == t.ref {
			return true
		}
		if b.Encryption.KeyID.Known {
			if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True && k.Ref == t.ref {
				return true
			}
		}
	}
	return false
}
