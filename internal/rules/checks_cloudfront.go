package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

func originSrc(d *model.Distribution, o *model.Origin) model.Src {
	s := o.Src
	if s.IsZero() {
		s = d.Src
	}
	if s.Resource == "" {
		s.Resource = d.Ref
	}
	return s
}

func checkOAILegacy(p *pass) {
	for _, d := range p.cfg.Distributions {
		for _, o := range d.Origins {
			if !o.OAI.Known || o.OAI.V == "" || !o.DomainName.Known {
				continue
			}
			if k := model.ParseEndpoint(o.DomainName.V).Effective(); k != model.S3Regional && k != model.S3Global {
				continue
			}
			at := srcOr(o.OAI, originSrc(d, o))
			if at.Resource == "" {
				at.Resource = d.Ref
			}
			var related []model.Src
			if oai := p.res.Index.OAI(o.OAI.V); oai != nil {
				related = append(related, resourceSrc(oai.Meta))
			}
			p.report(at, fmt.Sprintf("origin %s of %s uses a legacy origin access identity: it works for SSE-S3 GETs today, but can't read SSE-KMS objects, can't upload, and doesn't work in Regions launched after 2022", quote(render(o.ID.V)), d.Ref),
				"migrate to origin access control: create one (signing behavior always), grant it in the bucket policy (cloudfront.amazonaws.com with AWS:SourceArn of this distribution) next to the OAI statement, switch the origin to it, deploy, then remove the OAI statement and the OAI", related)
		}
	}
}

func checkViewerHTTP(p *pass) {
	for _, d := range p.cfg.Distributions {
		for _, b := range allBehaviors(d) {
			if b.ViewerProtocolPolicy.Known && b.ViewerProtocolPolicy.V == "allow-all" {
				at := srcOr(b.ViewerProtocolPolicy, resourceSrc(d.Meta))
				if at.Resource == "" {
					at.Resource = d.Ref
				}
				p.report(at, fmt.Sprintf("cache behavior %s of %s accepts plain HTTP from viewers (viewer protocol policy allow-all): content and cookies travel unencrypted, and origins that require TLS refuse the requests", quote(behaviorLabel(b)), d.Ref),
					"set the viewer protocol policy to redirect-to-https (or https-only for APIs)", nil)
			}
		}
	}
}

func allBehaviors(d *model.Distribution) []*model.Behavior {
	out := append([]*model.Behavior{}, d.Behaviors...)
	if d.DefaultBehavior != nil {
		out = append(out, d.DefaultBehavior)
	}
	return out
}

func checkGlobalEndpoint(p *pass) {
	for _, d := range p.cfg.Distributions {
		for _, o := range d.Origins {
			if !o.DomainName.Known || model.ParseEndpoint(o.DomainName.V).Kind != model.S3Global {
				continue
			}
			at := srcOr(o.DomainName, originSrc(d, o))
			p.report(at, fmt.Sprintf("origin %s of %s uses the legacy global S3 endpoint %s: new buckets answer 307 redirects (passed to viewers) for up to 24 hours, and buckets in Regions launched since 2019 answer 400", quote(render(o.ID.V)), d.Ref, render(o.DomainName.V)),
				"use the bucket's regional domain name, <bucket>.s3.<region>.amazonaws.com (Terraform bucket_regional_domain_name, CloudFormation RegionalDomainName)", nil)
		}
	}
}

func checkMissingObject(p *pass) {
	type key struct {
		d *model.Distribution
		b *model.Bucket
	}
	done := map[key]bool{}
	for _, path := range p.res.Paths {
		if path.Scenario != sim.ViewerGetNew || path.Bucket == nil || path.Uploader != "" || path.CanList == ident.Unknown && path.Outcome != sim.Allow {
			continue
		}
		k := key{path.Distribution, path.Bucket}
		if done[k] {
			continue
		}
		done[k] = true
		d := path.Distribution
		var parts, fixes []string
		if d.DefaultRootObject.Known && d.DefaultRootObject.V == "" && (d.DefaultBehavior == nil || path.Behavior == d.DefaultBehavior) {
			if path.CanList == ident.True {
				parts = append(parts, "it has no default root object and its origin may list the bucket, so GET / returns the bucket's key listing")
			} else {
				parts = append(parts, "it has no default root object, so GET / asks S3 for an empty key and answers 403")
			}
			fixes = append(fixes, "set a default root object ("+sim.Spell(d.Ref, `default_root_object = "index.html"`, "DefaultRootObject: index.html")+")")
		}
		if path.Outcome == sim.Allow && path.CanList == ident.False {
			parts = append(parts, fmt.Sprintf("its origin can't s3:ListBucket %s, so a request for a missing object answers 403 AccessDenied, not 404 (and 403s are easily mistaken for permission problems)", path.Bucket.Ref))
			if st, ok := p.listGrant(path); ok {
				fixes = append(fixes, "to get 404 for missing objects, add this statement to the bucket policy of "+path.Bucket.Ref+" (s3:ListBucket applies to the bucket ARN, without /*):\n"+sim.SyntaxOf(path.Bucket.Ref, path.Bucket.Policy).Render(st))
			} else {
				fixes = append(fixes, "to get 404 for missing objects, allow s3:ListBucket on the bucket ARN (no /*) for the same principal and condition")
			}
		}
		if len(parts) == 0 {
			continue
		}
		at := srcOr(d.DefaultRootObject, resourceSrc(d.Meta))
		if at.Resource == "" {
			at.Resource = d.Ref
		}
		p.report(at, strings.Join(parts, "; "), strings.Join(fixes, "; "), []model.Src{resourceSrc(path.Bucket.Meta)}, PathID(path))
	}
}

func checkErrorPage(p *pass) {
	for _, d := range p.cfg.Distributions {
		for _, ce := range d.CustomErrors {
			if !ce.ErrorCode.Known || ce.ErrorCode.V != 403 || !ce.ResponseCode.Known || ce.ResponseCode.V < 200 || ce.ResponseCode.V > 299 {
				continue
			}
			at := srcOr(ce.ErrorCode, ce.Src)
			if at.Resource == "" {
				at.Resource = d.Ref
			}
			p.report(at, fmt.Sprintf("%s turns every 403 into %d %s (the single-page-app pattern): permission and KMS failures at the origin look like working pages, so outages stay invisible to monitoring that checks status codes", d.Ref, ce.ResponseCode.V, render(ce.ResponsePagePath.V)),
				"map 404 instead of 403 (grant s3:ListBucket so missing keys answer 404), or route SPA paths with a CloudFront Function; keep 403 visible", nil)
		}
	}
}

func checkAccessControlUnused(p *pass) {
	// Exact IDs first; three-valued comparison only against the origins
	// whose values are symbols or unknown (rare), so the check is linear.
	type refs struct {
		exact    map[string]bool       // every known ID, symbols included: equal symbols are equal strings
		fuzzy    []model.Value[string] // unknown values, or values holding unknown input (ident.Any)
		literals []string              // IDs without symbols, which a symbolic ID might still be
	}
	collect := func(get func(*model.Origin) model.Value[string]) refs {
		r := refs{exact: map[string]bool{}}
		for _, d := range p.cfg.Distributions {
			for _, o := range d.Origins {
				v := get(o)
				switch {
				case !v.Known || !ident.Concrete(v.V):
					r.fuzzy = append(r.fuzzy, v)
				case v.V != "":
					if !r.exact[v.V] && !ident.Has(v.V) {
						r.literals = append(r.literals, v.V)
					}
					r.exact[v.V] = true
				}
			}
		}
		return r
	}
	used := func(r refs, id string) bool {
		if r.exact[id] {
			return true
		}
		for _, v := range r.fuzzy {
			if !v.Known || ident.Equal(v.V, id) != ident.False {
				return true
			}
		}
		if ident.Has(id) {
			// A symbolic ID may turn out to be a literal an origin names;
			// different symbols of unique kinds never match each other.
			for _, l := range r.literals {
				if ident.Equal(l, id) != ident.False {
					return true
				}
			}
		}
		return false
	}
	oacRefs := collect(func(o *model.Origin) model.Value[string] { return o.OAC })
	oaiRefs := collect(func(o *model.Origin) model.Value[string] { return o.OAI })
	for _, c := range p.cfg.OACs {
		if c.ID.Known && !used(oacRefs, c.ID.V) {
			p.report(resourceSrc(c.Meta), fmt.Sprintf("origin access control %s is declared but no origin uses it: the intent to sign origin requests was never wired up", c.Ref),
				"set origin_access_control_id (OriginAccessControlId) on the S3 origin that should use it, or delete it", nil)
		}
	}
	for _, c := range p.cfg.OAIs {
		if c.ID.Known && !used(oaiRefs, c.ID.V) {
			p.report(resourceSrc(c.Meta), fmt.Sprintf("origin access identity %s is declared but no origin uses it", c.Ref),
				"delete it once no bucket policy refers to it (prefer origin access control for new origins)", nil)
		}
	}
}

func checkKeyRotation(p *pass) {
	seen := map[*model.Key]bool{}
	for _, sv := range p.servedBuckets() {
		e := sv.bucket.Encryption
		if !e.KeyID.Known || e.KeyID.V == "" {
			continue
		}
		k, ok := p.res.Index.Key(e.KeyID.V)
		if ok != ident.True || seen[k] {
			continue
		}
		seen[k] = true
		if k.Manager.Known && k.Manager.V == "CUSTOMER" && k.Rotation.Known && !k.Rotation.V {
			p.report(srcOr(k.Rotation, resourceSrc(k.Meta)), fmt.Sprintf("%s encrypts %s, which CloudFront serves, and has automatic key rotation off", k.Ref, sv.bucket.Ref),
				"turn on automatic rotation ("+sim.Spell(k.Ref, "enable_key_rotation = true", "EnableKeyRotation: true")+"); rotation keeps old key material, so existing objects stay readable", nil)
		}
	}
}

func checkPolicyInvalid(p *pass) {
	report := func(owner string, pol model.Policy, what string) {
		if pol.Err == nil {
			return
		}
		at := pol.Src
		if at.Resource == "" {
			at.Resource = owner
		}
		var ie *iam.Error
		var ies iam.Errors
		var se *source.Error
		switch {
		case errors.As(pol.Err, &ies) && len(ies) > 0:
			at.Pos = ies[0].Pos
		case errors.As(pol.Err, &ie):
			at.Pos = ie.Pos
		case errors.As(pol.Err, &se):
			at.Pos = se.Pos
		}
		p.report(at, fmt.Sprintf("the %s of %s is invalid, so AWS rejects it (MalformedPolicyDocument): %s", what, owner, firstLine(pol.Err.Error())),
			"fix the document at the position shown; the simulation treats the policy as unknown until then", nil)
	}
	for _, b := range p.cfg.Buckets {
		report(b.Ref, b.Policy, "bucket policy")
		checkPolicySize(p, b.Ref, b.Policy, "bucket policy", 20*1024, "PutBucketPolicy")
	}
	for _, k := range p.cfg.Keys {
		report(k.Ref, k.Policy, "key policy")
		if !k.Policy.Default {
			checkPolicySize(p, k.Ref, k.Policy, "key policy", 32*1024, "PutKeyPolicy (and CreateKey)")
		}
		if k.Policy.HasDoc() && !k.Policy.Default && k.Account.Known {
			checkLockout(p, k)
		}
	}
	for _, a := range p.cfg.Accounts {
		for _, lv := range [][]model.OrgLevel{a.SCPs.V, a.RCPs.V} {
			for _, l := range lv {
				for _, op := range l.Policies {
					report(op.Ref, op.Policy, "organization policy")
				}
			}
		}
	}
}

// checkLockout reports key policies that would lock the account out: KMS
// refuses a key policy that doesn't let the caller change it again
// (without BypassPolicyLockoutSafetyCheck), and s3front requires at least
// one principal of the key's account to keep kms:PutKeyPolicy.
func checkLockout(p *pass, k *model.Key) {
	for _, st := range k.Policy.V.Statements {
		if st.Effect != iam.Allow || st.Principal == nil || st.Action == nil {
			continue
		}
		if st.Principal.Wildcard {
			return
		}
		if st.Principal.AWS == nil {
			continue
		}
		for _, a := range st.Action.Items {
			if ident.Like(a, "kms:PutKeyPolicy", true) == ident.True {
				for _, pr := range st.Principal.AWS.Items {
					acct := principalAccount(pr)
					if pr == "*" || acct == "" || ident.Equal(acct, k.Account.V) != ident.False {
						return
					}
				}
			}
		}
	}
	at := k.Policy.Src
	if at.Resource == "" {
		at.Resource = k.Ref
	}
	p.report(at, fmt.Sprintf("no statement of the key policy of %s lets a principal of its account (%s) call kms:PutKeyPolicy: KMS rejects such a policy (its lockout safety check) because nobody could change it again", k.Ref, render(k.Account.V)),
		"keep a statement that allows the account root (or an administrator role) kms:* on the key, e.g. {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::<account>:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}", nil)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func checkUnresolved(p *pass) {
	for _, u := range p.cfg.Unresolved {
		var paths []string
		for _, path := range p.res.Paths {
			if path.Outcome != sim.Unknown {
				continue
			}
		missing:
			for _, m := range path.Missing {
				if strings.Contains(m, u.What) || strings.Contains(u.What, m) {
					paths = append(paths, PathID(path))
					break
				}
				for _, n := range u.Names {
					if strings.Contains(m, "${"+n+"}") || strings.Contains(m, "${"+n+".") {
						paths = append(paths, PathID(path))
						break missing
					}
				}
			}
		}
		if u.IfUsed && len(paths) == 0 {
			continue // it leaves nothing unknown
		}
		at := u.Src
		msg := fmt.Sprintf("cannot determine %s: %s", u.What, u.Why)
		if at.Resource == "" || at.Resource == u.What {
			// The finding's resource names the input: don't repeat it.
			at.Resource = u.What
			msg = "cannot be determined from the input: " + u.Why
		}
		if len(paths) > 0 {
			msg += fmt.Sprintf("; %d simulated path(s) stay unknown because of it", len(paths))
		}
		p.report(at, msg, "provide the missing input (see the message) and run again", nil, paths...)
	}
}

// principalAccount extracts the account of an AWS principal: 12 digits or
// the account field of an ARN; "" when it has none.
func principalAccount(p string) string {
	if sym, ok := ident.IsSymbol(p); ok && (sym.Kind == ident.Account || sym.Kind == ident.Any) {
		return p
	}
	m, unmask := ident.Mask(p)
	if !strings.HasPrefix(m, "arn:") {
		if len(m) == 12 && strings.Trim(m, "0123456789") == "" {
			return p
		}
		return ""
	}
	parts := strings.SplitN(m, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return unmask(parts[4])
}

// listGrant is the statement that lets a path's origin list its bucket:
// the service principal with the distribution's AWS:SourceArn for origin
// access control, the identity for an origin access identity.
func (p *pass) listGrant(path *sim.Path) (sim.Statement, bool) {
	b := path.Bucket
	st := sim.Statement{Sid: "AllowCloudFrontListBucket", Actions: []string{"s3:ListBucket"}, Resources: []string{sim.BucketARNText(b)}}
	switch accessMode(path) {
	case "oac":
		st.Principal = [2]string{"Service", "cloudfront.amazonaws.com"}
		st.Conds = []sim.Cond{{Op: "StringEquals", Key: "AWS:SourceArn", Values: []string{sim.DistributionARNIn(path.Distribution, b.Ref)}}}
	case "oai":
		st.Principal = [2]string{"AWS", sim.OAIARNText(p.res.Index.OAI(path.Origin.OAI.V), path.Origin.OAI.V, b.Ref)}
	default:
		return st, false
	}
	return st, true
}

// symbolRun matches an ident symbol in a document's text.
var symbolRun = regexp.MustCompile("\uE000[^\uE001]*\uE001")

// checkPolicySize reports a policy over AWS's size limit: 20 KB for a
// bucket policy, 32 KB for a key policy. The size counted is the document
// without whitespace and without the values not yet known (a lower
// bound), so a finding is certain.
func checkPolicySize(p *pass, owner string, pol model.Policy, what string, limit int, call string) {
	if !pol.HasDoc() {
		return
	}
	doc, _ := model.PolicyDocument(pol.V)
	if len(doc) <= limit {
		return // (removing symbols only shortens it)
	}
	size := len(symbolRun.ReplaceAll(doc, nil))
	if size <= limit {
		return
	}
	at := pol.Src
	if at.Resource == "" {
		at.Resource = owner
	}
	p.report(at, fmt.Sprintf("the %s of %s is %d bytes even without whitespace, over the %d KB (%d bytes) AWS allows for a %s: %s fails, so it can't be applied as written", what, owner, size, limit/1024, limit, what, call),
		"make it smaller: merge statements that differ only in their actions or resources, use wildcards in Resource (bucket/*) instead of listing objects, and drop statements that duplicate others", nil)
}
