package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// writeMethods are the HTTP methods that write through a cache behavior.
var writeMethods = []string{"PUT", "POST", "PATCH", "DELETE"}

// intent is what the configuration shows it wants CloudFront to do with
// an origin's bucket besides reading: upload (PUT) and delete.
type intent struct {
	put, del ident.Tri
}

// any reports whether the configuration grants CloudFront some write.
func (in intent) any() ident.Tri { return in.put.Or(in.del) }

// writeIntent reads the intent to write through CloudFront from the
// origin's bucket policy (an Allow of s3:PutObject or s3:DeleteObject to
// the CloudFront service principal or an origin access identity) and, for
// uploads, from the key policy of the bucket's default key (an Allow of
// kms:GenerateDataKey* or kms:Encrypt to CloudFront beyond the statement
// AWS documents for every OAC origin, which grants those to read-only
// distributions too).
func (s *simulator) writeIntent(oc *originCtx) intent {
	b := oc.bucket
	if b == nil || oc.ep.Kind == model.S3Website {
		return intent{put: ident.Unknown, del: ident.Unknown}
	}
	if b.Policy.Err != nil || !b.Policy.Known {
		return intent{put: ident.Unknown, del: ident.Unknown}
	}
	in := intent{put: ident.False, del: ident.False}
	if b.Policy.V != nil {
		for _, st := range b.Policy.V.Statements {
			if st.Effect != iam.Allow {
				continue
			}
			who := grantsCloudFront(st, oc)
			if who == ident.False {
				continue
			}
			in.put = in.put.Or(who.And(grantsAction(st, "s3:PutObject")))
			in.del = in.del.Or(who.And(grantsAction(st, "s3:DeleteObject")))
		}
	}
	if in.put != ident.True {
		in.put = in.put.Or(s.keyWriteIntent(b))
	}
	return in
}

// keyWriteIntent reads the intent to upload from the key policy of the
// bucket's default encryption key.
func (s *simulator) keyWriteIntent(b *model.Bucket) ident.Tri {
	enc := defaultEncryption(b)
	if enc.isKMS() != ident.True || !enc.keyID.Known || enc.keyID.V == "" {
		return ident.False
	}
	k, found := s.ix.Key(enc.keyID.V)
	if found != ident.True || !k.Policy.HasDoc() {
		return ident.False // no key policy to read: the bucket policy decides
	}
	out := ident.False
	for _, st := range k.Policy.V.Statements {
		if st.Effect != iam.Allow || st.Principal == nil || st.Principal.Service == nil || documentedOACKeyStatement(st) {
			continue
		}
		svc := ident.False
		for _, it := range st.Principal.Service.Items {
			svc = svc.Or(ident.EqualFold(it, "cloudfront.amazonaws.com"))
		}
		out = out.Or(svc.And(grantsAction(st, "kms:GenerateDataKey").Or(grantsAction(st, "kms:Encrypt"))))
	}
	return out
}

// documentedOACKeyStatement reports whether a key policy statement grants
// exactly the actions of AWS's documented OAC key statement (kms:Decrypt,
// kms:Encrypt, kms:GenerateDataKey*), which is written for read-only
// distributions as well: it does not show the intent to upload.
func documentedOACKeyStatement(st *iam.Statement) bool {
	if st.Action == nil {
		return false
	}
	var got []string
	for _, a := range st.Action.Items {
		got = append(got, strings.ToLower(a))
	}
	sort.Strings(got)
	return strings.Join(got, " ") == "kms:decrypt kms:encrypt kms:generatedatakey*"
}

// grantsCloudFront reports whether a statement's principal is CloudFront:
// the service principal, or an origin access identity (this origin's, or
// any written as one).
func grantsCloudFront(st *iam.Statement, oc *originCtx) ident.Tri {
	p := st.Principal
	if p == nil {
		return ident.False
	}
	out := ident.False
	if p.Service != nil {
		for _, it := range p.Service.Items {
			out = out.Or(ident.EqualFold(it, "cloudfront.amazonaws.com"))
		}
	}
	if p.AWS != nil {
		for _, it := range p.AWS.Items {
			switch {
			case strings.Contains(it, "CloudFront Origin Access Identity"):
				out = ident.True
			case oc.mode == modeOAI && oc.principal.ARN != "":
				out = out.Or(ident.Equal(it, oc.principal.ARN))
			}
			if sym, ok := ident.IsSymbol(it); ok && sym.Kind == ident.Any {
				out = out.Or(ident.Unknown)
			}
		}
	}
	if p.CanonicalUser != nil && oc.mode == modeOAI && oc.principal.CanonicalUser != "" {
		for _, it := range p.CanonicalUser.Items {
			out = out.Or(ident.Equal(it, oc.principal.CanonicalUser))
		}
	}
	return out
}

// grantsAction reports whether a statement's Action (or NotAction) covers
// action.
func grantsAction(st *iam.Statement, action string) ident.Tri {
	switch {
	case st.Action != nil:
		out := ident.False
		for _, a := range st.Action.Items {
			out = out.Or(ident.Like(a, action, true))
		}
		return out
	case st.NotAction != nil:
		out := ident.True
		for _, a := range st.NotAction.Items {
			out = out.And(ident.Like(a, action, true).Not())
		}
		return out
	}
	return ident.False
}

// judge says whether each path of one origin ended as the configuration
// intends: viewer GETs served, the direct anonymous GET refused, and a
// viewer write served exactly when the configuration grants CloudFront
// that write. A write refused where nothing grants CloudFront any write
// is not a failure: its cause becomes viewer-write-methods-unused.
func (s *simulator) judge(oc *originCtx, paths []*Path, in intent) {
	for _, p := range paths {
		switch p.Scenario {
		case ViewerGetExisting, ViewerGetNew:
			p.Intended = p.Outcome == Allow
		case DirectAnonymousGet:
			p.Intended = p.Outcome == Deny
		case ViewerPut, ViewerDelete:
			want := in.put
			if p.Scenario == ViewerDelete {
				want = in.del
			}
			p.Writes = want
			switch want {
			case ident.True:
				p.Intended = p.Outcome == Allow
			case ident.False:
				p.Intended = p.Outcome == Deny
				if p.Outcome != Deny {
					break
				}
				if in.any() == ident.False {
					p.Cause = s.unusedWrites(oc)
				} else {
					p.Cause = nil // the configuration grants the other write only
				}
			}
		}
	}
}

// unusedWrites is the cause of a refused write on a behavior whose origin
// grants CloudFront no write at all.
func (s *simulator) unusedWrites(oc *originCtx) *Cause {
	d, b := oc.d, oc.b
	at := srcOf(b.AllowedMethods, b.Src)
	if at.IsZero() {
		at = distSrc(d)
	}
	if at.Resource == "" {
		at.Resource = d.Ref
	}
	var methods []string
	for _, m := range writeMethods {
		if allows(b, m) {
			methods = append(methods, m)
		}
	}
	bucket := "the origin's bucket"
	var related []model.Src
	if oc.bucket != nil {
		bucket = oc.bucket.Ref
		related = append(related, srcOf(oc.bucket.Policy.Value, oc.bucket.Src))
	}
	keep := `["GET", "HEAD"]`
	if allows(b, "OPTIONS") {
		keep = `["GET", "HEAD", "OPTIONS"]`
	}
	fix := Spell(d.Ref, "allowed_methods = "+keep, "AllowedMethods: "+strings.ReplaceAll(keep, `"`, ""))
	return &Cause{
		Rule:    "viewer-write-methods-unused",
		At:      at,
		Related: related,
		Message: fmt.Sprintf("cache behavior %s of %s allows %s, but nothing grants CloudFront a write to %s (its bucket policy allows CloudFront no s3:PutObject or s3:DeleteObject, and no key policy grants it an upload): S3 refuses every viewer write, as a read-only origin should, so the methods only widen what viewers can send", quote(patternOf(b)), d.Ref, joinAnd(methods), bucket),
		Fix:     "restrict the behavior to the methods it serves: " + fix + " (keep OPTIONS only for CORS preflight requests); if viewers should upload, grant CloudFront s3:PutObject in the bucket policy instead",
	}
}

// joinAnd lists words as "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
