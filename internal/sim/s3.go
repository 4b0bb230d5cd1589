package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// s3req is one request as S3 authorizes it.
type s3req struct {
	action    string
	resource  string
	principal iam.Principal
	ctx       iam.Context
	// purpose says what the request is for, in hop details.
	purpose string
}

// authz is the outcome of one authorization hop.
type authz struct {
	decision iam.Decision
	result   iam.Result
	matches  []iam.Match
	hop      Hop
	missing  string
	// blockedByBPA is set when RestrictPublicBuckets stopped the request.
	blockedByBPA bool
}

// requestContext builds the condition keys S3 and KMS see for a request
// CloudFront makes in oc's access mode.
func (s *simulator) requestContext(oc *originCtx, secure bool) iam.Context {
	c := iam.Context{}
	c.Set("aws:SecureTransport", boolText(secure))
	switch oc.mode {
	case modeOAC:
		arn := oc.d.ARN.V
		if !oc.d.ARN.Known {
			arn = ident.New(ident.Any, oc.d.Ref+".arn")
		}
		c.Set("aws:SourceArn", arn)
		acct := oc.d.Account.V
		if !oc.d.Account.Known {
			acct = ident.New(ident.Any, oc.d.Ref+" account")
		}
		c.Set("aws:SourceAccount", acct)
		c.Set("aws:PrincipalIsAWSService", "true")
		c.Set("aws:PrincipalServiceName", "cloudfront.amazonaws.com")
		c.Set("aws:ViaAWSService", "false")
		if a := s.ix.Account(acct); a != nil {
			switch {
			case !a.OrgID.Known:
				c.Set("aws:SourceOrgID", ident.New(ident.Any, "organization of account "+acct))
			case a.OrgID.V != "":
				c.Set("aws:SourceOrgID", a.OrgID.V)
			}
		}
		c.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
		c.Set("s3:authType", "REST-HEADER")
	case modeOAI:
		c.Set("aws:PrincipalIsAWSService", "false")
		c.Set("aws:PrincipalArn", oc.principal.ARN)
		c.Set("aws:ViaAWSService", "false")
		c.Set("s3:authType", "REST-HEADER")
	default:
		c.Set("aws:PrincipalIsAWSService", "false")
		c.Set("aws:ViaAWSService", "false")
	}
	s.timeKeys(c)
	return c
}

func (s *simulator) timeKeys(c iam.Context) {
	if !s.opts.Now.IsZero() {
		c.Set("aws:CurrentTime", s.opts.Now.UTC().Format("2006-01-02T15:04:05Z"))
		c.Set("aws:EpochTime", fmt.Sprint(s.opts.Now.Unix()))
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// orgLevels turns an account's organization levels into policies for iam.
// ok is false when they are unknown (the evaluation then leaves them out
// and the hop says so).
func orgLevels(v model.Value[[]model.OrgLevel]) ([][]*iam.Policy, bool, string) {
	if !v.Known {
		return nil, false, v.Missing
	}
	if len(v.V) == 0 {
		return nil, true, ""
	}
	var out [][]*iam.Policy
	for _, lv := range v.V {
		var ps []*iam.Policy
		for _, p := range lv.Policies {
			if !p.Policy.HasDoc() {
				return nil, false, "organization policy " + p.Ref + " is unknown or invalid"
			}
			ps = append(ps, p.Policy.V)
		}
		out = append(out, ps)
	}
	return out, true, ""
}

// bpaOn combines the bucket and account settings of one Block Public Access
// control: on if either is on; unknown if neither is on and one is unknown.
func bpaOn(bucket, account model.Value[bool]) (ident.Tri, model.Src) {
	if bucket.Known && bucket.V {
		return ident.True, bucket.Src
	}
	if account.Known && account.V {
		return ident.True, account.Src
	}
	if bucket.Known && account.Known {
		return ident.False, bucket.Src
	}
	if !bucket.Known {
		return ident.Unknown, bucket.Src
	}
	return ident.Unknown, account.Src
}

// accountOf returns the account model of a resource, or nil.
func (s *simulator) accountOf(m model.Meta) *model.Account {
	if !m.Account.Known {
		return nil
	}
	return s.ix.Account(m.Account.V)
}

// s3Authorize evaluates one request against a bucket: its policy, the
// account's RCPs, and Block Public Access's RestrictPublicBuckets.
func (s *simulator) s3Authorize(b *model.Bucket, r s3req) authz {
	var a authz
	pol := b.Policy
	in := &iam.Input{Request: iam.Request{
		Principal: r.principal, Action: r.action, Resource: r.resource,
		ResourceAccount: b.Account.V, Context: r.ctx,
	}}
	switch {
	case pol.Err != nil:
		a.decision = iam.Unknown
		a.missing = "the bucket policy of " + b.Ref + " is invalid (see policy-invalid)"
		a.hop = Hop{Name: "s3", Result: Maybe, Detail: a.missing, Evidence: []Evidence{{What: "bucket policy", Src: pol.Src}}}
		return a
	case !pol.Known:
		a.decision = iam.Unknown
		a.missing = "the bucket policy of " + b.Ref + " is unknown: " + pol.Missing
		a.hop = Hop{Name: "s3", Result: Maybe, Detail: a.missing, Evidence: []Evidence{{What: "bucket policy", Src: pol.Src}}}
		return a
	case pol.V != nil:
		in.ResourcePolicy = pol.V
	}
	var notes []string
	if acct := s.accountOf(b.Meta); acct != nil {
		if r.principal.Type == iam.Service && acct.SCPs.Known && len(acct.SCPs.V) > 0 {
			// SCPs cap principals of member accounts, not AWS service
			// principals (SEMANTICS §11.3, CONFIRMED).
			notes = append(notes, "the account's service control policies don't apply to the CloudFront service principal")
		}
		if rcps, ok, why := orgLevels(acct.RCPs); ok {
			in.RCPs = rcps
		} else if strings.Contains(why, "invalid") {
			notes = append(notes, why)
		}
	}
	a.result, a.matches = iam.Explain(in)
	a.decision = a.result.Decision

	// Block Public Access: with RestrictPublicBuckets, a bucket whose policy
	// is public admits only AWS service principals and principals of the
	// owner account [S3-BPA].
	if a.decision == iam.Allowed && in.ResourcePolicy != nil && (r.principal.Type == iam.Anonymous || r.principal.Type == iam.OAI || !sameAccount(r.principal, b)) && r.principal.Type != iam.Service {
		var acctRPB model.Value[bool]
		if acct := s.accountOf(b.Meta); acct != nil {
			acctRPB = acct.PublicAccessBlock.RestrictPublicBuckets
		} else {
			acctRPB = model.Unknown[bool](b.Src, "the bucket's account is not in the input")
		}
		rpb, rpbSrc := bpaOn(b.PublicAccessBlock.RestrictPublicBuckets, acctRPB)
		public, _ := iam.Public(in.ResourcePolicy)
		switch blocked := rpb.And(public); blocked {
		case ident.True:
			a.decision = iam.ImplicitDeny
			a.blockedByBPA = true
			notes = append(notes, "Block Public Access RestrictPublicBuckets is on and the bucket policy is public: only AWS service principals and the owner account's principals get in")
			a.hop.Evidence = append(a.hop.Evidence, Evidence{What: "restrict_public_buckets", Src: rpbSrc})
		case ident.Unknown:
			a.decision = iam.Unknown
			a.missing = "whether Block Public Access RestrictPublicBuckets applies: " + firstNonEmpty(b.PublicAccessBlock.RestrictPublicBuckets.Missing, acctRPB.Missing, "the bucket policy may be public")
			notes = append(notes, a.missing)
		}
	}
	a.hop.Name = "s3"
	verb := r.action
	switch a.decision {
	case iam.Allowed:
		a.hop.Result = Pass
		a.hop.Detail = fmt.Sprintf("S3 allows %s for %s", verb, principalLabel(r.principal))
	case iam.Unknown:
		a.hop.Result = Maybe
		a.hop.Detail = fmt.Sprintf("cannot determine whether S3 allows %s for %s", verb, principalLabel(r.principal))
		if a.missing == "" {
			a.missing = unknownText(a.result)
		}
	default:
		a.hop.Result = Fail
		a.hop.Detail = fmt.Sprintf("S3 denies %s for %s (%s)", verb, principalLabel(r.principal), a.decision)
	}
	if r.purpose != "" {
		a.hop.Detail = r.purpose + ": " + a.hop.Detail
	}
	if len(notes) > 0 {
		a.hop.Detail += "; " + strings.Join(notes, "; ")
	}
	a.hop.Evidence = append(reasonEvidence(a.result, policySrcs(in.ResourcePolicy, pol.Src)), a.hop.Evidence...)
	if in.ResourcePolicy == nil {
		a.hop.Evidence = append(a.hop.Evidence, Evidence{What: "the bucket has no bucket policy", Src: pol.Src})
	}
	return a
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func sameAccount(p iam.Principal, b *model.Bucket) bool {
	return p.Type == iam.IAM && b.Account.Known && ident.Equal(p.Account, b.Account.V) == ident.True
}

func principalLabel(p iam.Principal) string {
	switch p.Type {
	case iam.Anonymous:
		return "an anonymous request"
	case iam.Service:
		return p.ARN
	case iam.OAI:
		return "origin access identity " + ident.Render(p.ARN)
	}
	return ident.Render(p.ARN)
}

// policySrcs maps policy names to the resource that holds them, so
// evidence names the resource to change.
func policySrcs(p *iam.Policy, src model.Src) map[string]model.Src {
	m := map[string]model.Src{}
	if p != nil {
		m[p.Name] = src
	}
	return m
}

// reasonEvidence turns decision reasons into evidence with resources.
func reasonEvidence(r iam.Result, srcs map[string]model.Src) []Evidence {
	var ev []Evidence
	for _, rs := range r.Reasons {
		src := model.Src{Pos: rs.Pos}
		if base, ok := srcs[rs.Policy]; ok {
			src.Resource = base.Resource
			if src.Pos.IsZero() {
				src.Pos = base.Pos
			}
		}
		ev = append(ev, Evidence{What: rs.Message, Src: src})
	}
	return ev
}

// unknownText summarises what made a decision unknown.
func unknownText(r iam.Result) string {
	var parts []string
	for _, rs := range r.Reasons {
		if rs.Kind == iam.MaybeApplies {
			parts = append(parts, rs.Message)
		}
	}
	if len(parts) == 0 {
		return "a policy decision depends on values that are not known"
	}
	return strings.Join(parts, "; ")
}

// ownership checks that the bucket policy's Allow applies to an object:
// Allows apply only to objects the bucket owner owns; Denies to all
// [S3-403]. owner is the owning account; it returns the hop and whether
// the object is foreign (True), owned (False) or unknown.
func ownership(b *model.Bucket, owner model.Value[string], ownerWhy string) (Hop, ident.Tri) {
	if !owner.Known {
		return Hop{Name: "ownership", Result: Maybe, Detail: "cannot determine who owns the object: " + owner.Missing}, ident.Unknown
	}
	if !b.Account.Known {
		return Hop{Name: "ownership", Result: Maybe, Detail: "the bucket's owner account is unknown: " + b.Account.Missing}, ident.Unknown
	}
	switch ident.Equal(owner.V, b.Account.V) {
	case ident.True:
		return Hop{Name: "ownership", Result: Pass, Detail: "the bucket owner owns the object (" + ownerWhy + "), so the bucket policy applies to it",
			Evidence: []Evidence{{What: "object ownership", Src: b.Ownership.Src}}}, ident.False
	case ident.False:
		return Hop{Name: "ownership", Result: Fail,
			Detail:   fmt.Sprintf("the object is owned by account %s (%s): bucket policy Allows apply only to objects the bucket owner owns, and no object ACL grants the reader", ident.Render(owner.V), ownerWhy),
			Evidence: []Evidence{{What: "object_ownership = " + b.Ownership.V, Src: b.Ownership.Src}}}, ident.True
	}
	return Hop{Name: "ownership", Result: Maybe, Detail: fmt.Sprintf("cannot determine whether account %s (the uploader) is the bucket owner %s", ident.Render(owner.V), ident.Render(b.Account.V))}, ident.Unknown
}
