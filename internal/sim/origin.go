package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// Access modes: how CloudFront authenticates to the bucket.
const (
	modeOAC       = "oac"
	modeOAI       = "oai"
	modeAnonymous = "anonymous"
)

// Why a request reaches S3 anonymous.
const (
	anonWebsite  = "website"  // website endpoint: a custom origin, never signed
	anonUnsigned = "unsigned" // S3 REST origin with neither OAC nor OAI
	anonNever    = "never"    // OAC with signing behavior never
)

// originCtx is what every scenario of one (distribution, behavior, origin)
// shares: the resolved bucket, the access mode, and the hops up to S3.
type originCtx struct {
	d  *model.Distribution
	b  *model.Behavior
	t  target
	o  *model.Origin
	ep model.Endpoint

	bucket  *model.Bucket
	missing []string // inputs that leave every path of the origin unknown

	mode      string
	anonWhy   string
	oac       *model.OAC
	oai       *model.OAI
	principal iam.Principal
	// https is whether CloudFront talks to S3 over TLS for an HTTPS viewer.
	https bool

	hops []Hop
	// fatal is set when the request never gets to S3 authorization (an
	// origin CloudFront rejects, the viewer's Host header forwarded).
	fatal *failure
	// fixed is, for an origin domain CloudFront rejects that still names
	// an S3 endpoint (a scheme, a path, a path-style URL), the origin as
	// the user meant it: simulated too, so that an invalid domain doesn't
	// hide what else would fail.
	fixed *originCtx
}

// failure is a failed hop's consequence for the viewer.
type failure struct {
	status   int
	code     string
	expected bool
	// basis says why an expected response is expected: Observed or
	// Inferred.
	basis string
	cause *Cause
}

func srcOf[T any](v model.Value[T], fallback model.Src) model.Src {
	if v.Src.IsZero() {
		return fallback
	}
	return v.Src
}

// distSrc is the distribution as a finding location.
func distSrc(d *model.Distribution) model.Src {
	s := d.Src
	if s.Resource == "" {
		s.Resource = d.Ref
	}
	return s
}

// originSrc is the origin block, owned by the distribution.
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

// originCtx resolves an origin; it returns nil for origins that are not
// S3 (an ALB, an API): s3front has nothing to simulate there.
func (s *simulator) originCtx(d *model.Distribution, b *model.Behavior, t target) *originCtx {
	o := t.origin
	oc := &originCtx{d: d, b: b, t: t, o: o}
	if !o.DomainName.Known {
		oc.missing = append(oc.missing, "origin "+originName(o)+" domain name: "+o.DomainName.Missing)
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Maybe, Detail: "the origin's domain name is unknown: " + o.DomainName.Missing})
		return oc
	}
	oc.ep = model.ParseEndpoint(o.DomainName.V)
	s.viewerHop(oc)
	switch oc.ep.Kind {
	case model.NotS3:
		return nil
	case model.Malformed:
		if k := oc.ep.As; k == model.S3Regional || k == model.S3Global || k == model.S3Website {
			fixed := &originCtx{d: d, b: b, t: t, o: o, ep: model.Endpoint{Kind: k, Bucket: oc.ep.Bucket, Region: oc.ep.Region}}
			fixed.hops = append(fixed.hops, oc.hops...)
			fixed.hops = append(fixed.hops, Hop{Name: "origin", Result: Info,
				Detail:   "CloudFront rejects the origin domain " + quote(ident.Render(o.DomainName.V)) + "; simulated as if it were " + quote(ident.Render(oc.ep.Host)) + ", to find what else would fail",
				Evidence: []Evidence{{What: "origin domain_name", Src: srcOf(o.DomainName, originSrc(d, o))}}})
			fixed.resolveBucket(s)
			s.accessHop(fixed)
			if fixed.fatal == nil {
				s.headersHop(fixed)
			}
			oc.fixed = fixed
		}
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Fail,
			Detail:   "CloudFront rejects the origin domain " + quote(ident.Render(o.DomainName.V)) + ": " + oc.ep.Problem,
			Evidence: []Evidence{{What: "origin domain_name", Src: srcOf(o.DomainName, originSrc(d, o))}}})
		if oc.ep.Bucket != "" {
			oc.resolveBucket(s)
		}
		fix := "set the origin domain to the bucket's regional endpoint, e.g. " + model.BucketRegionalDomain("aws", "<bucket>", "<region>") + " (Terraform: aws_s3_bucket.<name>.bucket_regional_domain_name; CloudFormation: !GetAtt <Bucket>.RegionalDomainName)"
		switch {
		case oc.bucket != nil && oc.ep.As != model.S3Website:
			fix = "set the origin domain to the bucket's regional endpoint: " + Spell(d.Ref, "domain_name = "+regionalDomainText(oc.bucket), "DomainName: "+regionalDomainText(oc.bucket))
		case oc.ep.Host != "":
			fix = "set the origin domain to the host name alone: " + quote(ident.Render(oc.ep.Host)) + " (put a path in the origin path setting)"
		}
		oc.fatal = &failure{cause: &Cause{
			Rule:    "origin-domain-invalid",
			At:      srcOf(o.DomainName, originSrc(d, o)),
			Message: fmt.Sprintf("origin %s of %s has domain %s, which is not a valid origin: %s; the distribution cannot be created or updated as written", originName(o), d.Ref, quote(ident.Render(o.DomainName.V)), oc.ep.Problem),
			Fix:     fix,
		}}
		return oc
	}
	oc.resolveBucket(s)
	s.accessHop(oc)
	s.accessPointHop(oc)
	if oc.fatal == nil {
		s.headersHop(oc)
	}
	return oc
}

// accessPointKind says whether an S3 endpoint's "bucket" is an access
// point alias: "access point" (…-s3alias), "Object Lambda access point"
// (…--ol-s3), or "".
func accessPointKind(bucket string) string {
	m, _ := ident.Mask(bucket)
	switch {
	case strings.HasSuffix(m, "--ol-s3"):
		return "Object Lambda access point"
	case strings.HasSuffix(m, "-s3alias"):
		return "access point"
	}
	return ""
}

// accessPointHop applies what CloudFront documents for access point
// origins: they work only with origin access control (SEMANTICS §1.2,
// CONFIRMED); the access point's policy and bucket are outside the model.
func (s *simulator) accessPointHop(oc *originCtx) {
	kind := accessPointKind(oc.ep.Bucket)
	if kind == "" || oc.fatal != nil || oc.mode == "" {
		return
	}
	at := originSrc(oc.d, oc.o)
	if oc.mode == modeOAC {
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Info, Detail: "the origin is the alias of an S3 " + kind + ", which CloudFront supports with origin access control; the " + kind + "'s policy must allow cloudfront.amazonaws.com for this distribution, and the bucket policy must delegate to the account's access points"})
		return
	}
	how := "an origin access identity"
	if oc.mode == modeAnonymous {
		how = "neither an origin access control nor an origin access identity"
	}
	oc.hops = append(oc.hops, Hop{Name: "access", Result: Fail, Detail: "CloudFront supports S3 " + kind + " origins only with origin access control; this origin has " + how,
		Evidence: []Evidence{{What: "origin", Src: at}}})
	oc.fatal = &failure{status: 403, code: "AccessDenied", expected: true, basis: Inferred, cause: &Cause{
		Rule: "origin-domain-invalid", At: at,
		Message: fmt.Sprintf("origin %s of %s is the alias of an S3 %s (%s), and CloudFront supports %s origins only with origin access control, but the origin has %s: requests through it will not be authorized (%s)",
			originName(oc.o), oc.d.Ref, kind, quote(ident.Render(oc.ep.Bucket)), kind, how, Response(403, "AccessDenied", true, Inferred)),
		Fix: "create an origin access control (origin type s3, signing behavior always), attach it to the origin in place of the origin access identity, and allow cloudfront.amazonaws.com with AWS:SourceArn of this distribution in the " + kind + " policy",
	}}
}

func originName(o *model.Origin) string {
	if o.ID.Known {
		return quote(ident.Render(o.ID.V))
	}
	return "(unknown ID)"
}

func (oc *originCtx) resolveBucket(s *simulator) {
	b, found := s.ix.Bucket(oc.ep.Bucket)
	switch found {
	case ident.True:
		oc.bucket = b
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Pass,
			Detail:   fmt.Sprintf("%s of bucket %s (%s)", oc.ep.Kind, ident.Render(oc.ep.Bucket), b.Ref),
			Evidence: []Evidence{{What: "origin domain_name", Src: srcOf(oc.o.DomainName, originSrc(oc.d, oc.o))}, {What: "bucket", Src: b.Src}}})
	case ident.Unknown:
		what := "bucket " + quote(ident.Render(oc.ep.Bucket))
		if b != nil {
			what += " may or may not be " + b.Ref
		}
		oc.missing = append(oc.missing, what+": the names can't be compared until they are known")
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Maybe, Detail: "cannot determine which bucket the origin reads: " + what})
	default:
		if kind := accessPointKind(oc.ep.Bucket); kind != "" {
			oc.missing = append(oc.missing, kind+" "+quote(ident.Render(oc.ep.Bucket))+": its policy and its bucket are not in the input")
			oc.hops = append(oc.hops, Hop{Name: "origin", Result: Maybe,
				Detail: fmt.Sprintf("%s of the S3 %s alias %s, which is not in the input: its policy and its bucket's settings are unknown", oc.ep.Kind, kind, quote(ident.Render(oc.ep.Bucket)))})
			return
		}
		oc.missing = append(oc.missing, "bucket "+quote(ident.Render(oc.ep.Bucket))+" is not in the input")
		oc.hops = append(oc.hops, Hop{Name: "origin", Result: Maybe,
			Detail: fmt.Sprintf("%s of bucket %s, which is not in the input: its policies and settings are unknown", oc.ep.Kind, quote(ident.Render(oc.ep.Bucket)))})
	}
}

// viewerHop records the front door: the viewer protocol and other
// CloudFront features that decide before the origin is contacted.
func (s *simulator) viewerHop(oc *originCtx) {
	d, b := oc.d, oc.b
	var notes []string
	var ev []Evidence
	if d.Enabled.Known && !d.Enabled.V {
		notes = append(notes, "the distribution is disabled: it serves nothing until enabled; simulated as if enabled")
		ev = append(ev, Evidence{What: "enabled = false", Src: srcOf(d.Enabled, distSrc(d))})
	}
	pattern := "*"
	if b.PathPattern.Known && b.PathPattern.V != "" {
		pattern = b.PathPattern.V
	}
	notes = append(notes, fmt.Sprintf("behavior %s sends the request to origin %s", quote(pattern), originName(oc.o)))
	if oc.t.group != "" {
		role := "primary"
		if oc.t.failover {
			role = "failover member"
		}
		notes[len(notes)-1] += fmt.Sprintf(" (%s of origin group %s)", role, quote(ident.Render(oc.t.group)))
	}
	if b.ViewerProtocolPolicy.Known {
		notes = append(notes, "viewer protocol policy "+b.ViewerProtocolPolicy.V+"; simulated viewer uses HTTPS")
	}
	if b.Signed.Known && b.Signed.V {
		notes = append(notes, "viewers need signed URLs or cookies; simulated viewer presents a valid one")
	}
	for _, f := range b.EdgeFunctions {
		if f.EventType.Known && (f.EventType.V == "origin-request" || f.EventType.V == "viewer-request") && f.Kind == "lambda" {
			notes = append(notes, "a Lambda@Edge function runs on "+f.EventType.V+"s: if it switches the request to another origin, origin access control is not applied to it (OAC doesn't support origin redirect by Lambda@Edge); simulated as if it doesn't")
			ev = append(ev, Evidence{What: "Lambda@Edge association (" + f.EventType.V + ")", Src: f.Src})
		}
	}
	if d.WebACL.Known && d.WebACL.V != "" {
		notes = append(notes, "an AWS WAF web ACL is attached; its rules are not simulated (a WAF block is also a 403)")
	}
	oc.hops = append(oc.hops, Hop{Name: "cloudfront", Result: Pass, Detail: strings.Join(notes, "; "), Evidence: append(ev, Evidence{What: "cache behavior", Src: srcOf(b.TargetOrigin, b.Src)})})
}

// accessHop decides how CloudFront authenticates to S3.
func (s *simulator) accessHop(oc *originCtx) {
	d, o := oc.d, oc.o
	at := originSrc(d, o)
	hasOAC := o.OAC.Known && o.OAC.V != ""
	hasOAI := o.OAI.Known && o.OAI.V != ""
	if !o.OAC.Known || !o.OAI.Known {
		m := o.OAC.Missing
		if m == "" {
			m = o.OAI.Missing
		}
		oc.missing = append(oc.missing, "origin access of "+originName(o)+": "+m)
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Maybe, Detail: "cannot determine the origin's access control: " + m})
		oc.mode = ""
		return
	}
	switch {
	case oc.ep.Kind == model.S3Website:
		oc.mode, oc.anonWhy = modeAnonymous, anonWebsite
		oc.principal = iam.Principal{Type: iam.Anonymous}
		oc.https = false
		detail := "the origin is an S3 website endpoint: a custom origin reached over HTTP, so CloudFront never signs the request"
		if hasOAC || hasOAI {
			detail += "; the attached origin access control/identity is ignored"
		}
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Info, Detail: detail + "; S3 sees an anonymous request",
			Evidence: []Evidence{{What: "origin domain_name (website endpoint)", Src: srcOf(o.DomainName, at)}}})
		return
	case oc.ep.Kind == model.S3Accelerate:
		oc.missing = append(oc.missing, "CloudFront does not document S3 Transfer Acceleration endpoints as origins")
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Maybe, Detail: "S3 Transfer Acceleration endpoints are not supported origins [CF-ORIGINS]; use the regional endpoint"})
		return
	case hasOAC && hasOAI:
		oc.fatal = &failure{cause: &Cause{Rule: "origin-domain-invalid", At: srcOf(o.OAC, at),
			Message: fmt.Sprintf("origin %s of %s has both an origin access identity and an origin access control; CloudFront accepts only one", originName(o), d.Ref),
			Fix:     "remove the origin access identity (s3_origin_config.origin_access_identity / S3OriginConfig.OriginAccessIdentity: \"\") and keep the origin access control"}}
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Fail, Detail: "both an OAI and an OAC are attached"})
		return
	case hasOAC && o.Custom != nil:
		oc.fatal = &failure{cause: &Cause{Rule: "origin-domain-invalid", At: srcOf(o.OAC, at),
			Message: fmt.Sprintf("origin %s of %s is configured as a custom origin but has an origin access control; CloudFront rejects this (\"The origin type and OAC origin type differ\") or never signs", originName(o), d.Ref),
			Fix:     "configure the origin as an S3 origin: remove custom_origin_config / CustomOriginConfig (Terraform: no s3_origin_config is needed with OAC; CloudFormation: S3OriginConfig with OriginAccessIdentity: \"\")"}}
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Fail, Detail: "an origin access control is attached to a custom origin"})
		return
	case hasOAC:
		oac := s.ix.OAC(o.OAC.V)
		if oac == nil {
			oc.missing = append(oc.missing, "origin access control "+quote(ident.Render(o.OAC.V))+" is not in the input")
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Maybe, Detail: "origin access control " + quote(ident.Render(o.OAC.V)) + " is not in the input: its signing behavior is unknown"})
			return
		}
		oc.oac = oac
		ev := []Evidence{{What: "origin_access_control_id", Src: srcOf(o.OAC, at)}, {What: "origin access control " + oac.Ref, Src: oac.Src}}
		if oac.OriginType.Known && !strings.EqualFold(oac.OriginType.V, "s3") {
			oc.fatal = &failure{cause: &Cause{Rule: "origin-domain-invalid", At: srcOf(o.OAC, at), Related: []model.Src{srcOf(oac.OriginType, oac.Src)},
				Message: fmt.Sprintf("origin %s of %s is an S3 origin but its origin access control %s has origin type %s", originName(o), d.Ref, oac.Ref, oac.OriginType.V),
				Fix:     "use an origin access control with origin type s3"}}
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Fail, Detail: "OAC origin type " + oac.OriginType.V + " on an S3 origin", Evidence: ev})
			return
		}
		if !oac.SigningBehavior.Known {
			oc.missing = append(oc.missing, "signing behavior of "+oac.Ref+": "+oac.SigningBehavior.Missing)
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Maybe, Detail: "the OAC's signing behavior is unknown", Evidence: ev})
			return
		}
		ev = append(ev, Evidence{What: "signing_behavior = " + oac.SigningBehavior.V, Src: srcOf(oac.SigningBehavior, oac.Src)})
		switch oac.SigningBehavior.V {
		case "never":
			oc.mode, oc.anonWhy = modeAnonymous, anonNever
			oc.principal = iam.Principal{Type: iam.Anonymous}
			oc.https = true
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Info, Detail: "OAC signing behavior never: CloudFront does not sign, S3 sees an anonymous request", Evidence: ev})
			return
		case "no-override":
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Pass, Detail: "OAC signing behavior no-override: the simulated viewer sends no Authorization header, so CloudFront signs as cloudfront.amazonaws.com (a viewer that sends one is forwarded with its own credentials)", Evidence: ev})
		default:
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Pass, Detail: "OAC signs the request (SigV4, HTTPS) as the service principal cloudfront.amazonaws.com with aws:SourceArn " + ident.Render(oc.d.ARN.V), Evidence: ev})
		}
		oc.mode = modeOAC
		oc.principal = iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"}
		oc.https = true
	case hasOAI:
		if o.Custom != nil {
			oc.mode, oc.anonWhy = modeAnonymous, anonUnsigned
			oc.principal = iam.Principal{Type: iam.Anonymous}
			oc.https = true
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Info, Detail: "a custom origin never uses an origin access identity: S3 sees an anonymous request"})
			return
		}
		oai := s.ix.OAI(o.OAI.V)
		if oai == nil {
			// The OAI is outside the input: its ARN is still known from the ID.
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Info, Detail: "origin access identity " + quote(ident.Render(o.OAI.V)) + " is not in the input; its principal ARN is derived from the ID",
				Evidence: []Evidence{{What: "s3_origin_config.origin_access_identity", Src: srcOf(o.OAI, at)}}})
			oc.principal = iam.Principal{Type: iam.OAI, ARN: model.OAIARN(o.OAI.V)}
		} else {
			oc.oai = oai
			oc.principal = iam.Principal{Type: iam.OAI, ARN: oai.IAMARN.V}
			if oai.CanonicalUser.Known {
				oc.principal.CanonicalUser = oai.CanonicalUser.V
			}
			oc.hops = append(oc.hops, Hop{Name: "access", Result: Pass, Detail: "CloudFront authenticates as origin access identity " + oai.Ref + " (legacy; the protocol follows the viewer's)",
				Evidence: []Evidence{{What: "s3_origin_config.origin_access_identity", Src: srcOf(o.OAI, at)}, {What: "origin access identity " + oai.Ref, Src: oai.Src}}})
		}
		oc.mode = modeOAI
		oc.https = true
	default:
		oc.mode, oc.anonWhy = modeAnonymous, anonUnsigned
		oc.principal = iam.Principal{Type: iam.Anonymous}
		oc.https = true
		oc.hops = append(oc.hops, Hop{Name: "access", Result: Info, Detail: "the S3 origin has neither an origin access control nor an origin access identity: S3 sees an anonymous request",
			Evidence: []Evidence{{What: "origin", Src: at}}})
	}
}

// headersHop decides whether the viewer's Host header reaches S3.
func (s *simulator) headersHop(oc *originCtx) {
	fwd, ev, missing := s.forwardsHeader(oc.b, "host")
	switch fwd {
	case ident.False:
		oc.hops = append(oc.hops, Hop{Name: "headers", Result: Pass, Detail: "CloudFront sets Host to the origin's domain (the viewer's Host header is not forwarded)"})
	case ident.Unknown:
		oc.missing = append(oc.missing, missing)
		oc.hops = append(oc.hops, Hop{Name: "headers", Result: Maybe, Detail: "cannot determine whether the viewer's Host header is forwarded: " + missing, Evidence: ev})
	case ident.True:
		code := "AccessDenied"
		if oc.mode == modeOAC {
			code = "SignatureDoesNotMatch"
		}
		at := distSrc(oc.d)
		if len(ev) > 0 {
			at = ev[0].Src
			if at.Resource == "" {
				at.Resource = oc.d.Ref
			}
		}
		var related []model.Src
		for _, e := range ev[1:] {
			related = append(related, e.Src)
		}
		oc.hops = append(oc.hops, Hop{Name: "headers", Result: Fail, Detail: "the viewer's Host header is forwarded to the S3 REST endpoint: S3 looks for a bucket named after the viewer's host and the signature no longer matches", Evidence: ev})
		// 403 is documented for a forwarded Host [CF-403], and OAC's
		// SignatureDoesNotMatch observed; an OAI's error code is inferred.
		expected := oc.mode != modeOAC
		oc.fatal = &failure{status: 403, code: code, expected: expected, basis: Inferred, cause: &Cause{
			Rule: "host-header-forwarded", At: at, Related: related,
			Message: fmt.Sprintf("behavior %s of %s forwards the viewer's Host header to S3 origin %s: S3 derives the bucket from Host, so every request through it fails (%s)", quote(patternOf(oc.b)), oc.d.Ref, originName(oc.o), Response(403, code, expected, Inferred)),
			Fix:     "use an origin request policy that does not forward Host, e.g. Managed-AllViewerExceptHostHeader (b689b0a8-53d0-40ab-baf2-68738e2966ac) or Managed-CORS-S3Origin (88a5eaf4-2fd4-4709-b370-b4c650ea3fcf), or none; remove Host from forwarded headers and cache policy headers",
		}}
	}
}

func patternOf(b *model.Behavior) string {
	if b.PathPattern.Known && b.PathPattern.V != "" {
		return b.PathPattern.V
	}
	return "*"
}

// forwardsHeader reports whether a behavior sends the viewer's header h to
// the origin, through its origin request policy, its cache policy (cache
// key headers are forwarded) or legacy forwarded values.
func (s *simulator) forwardsHeader(b *model.Behavior, h string) (ident.Tri, []Evidence, string) {
	result := ident.False
	var ev []Evidence
	var missing []string
	note := func(t ident.Tri, e Evidence, m string) {
		result = result.Or(t)
		if t == ident.True {
			ev = append([]Evidence{e}, ev...)
		} else if t == ident.Unknown {
			ev = append(ev, e)
			missing = append(missing, m)
		}
	}
	if f := b.Forwarded; f != nil {
		if !f.Headers.Known {
			note(ident.Unknown, Evidence{What: "forwarded_values.headers", Src: srcOf(f.Headers, f.Src)}, "forwarded headers: "+f.Headers.Missing)
		} else {
			for _, x := range f.Headers.V {
				if x == "*" || strings.EqualFold(x, h) {
					note(ident.True, Evidence{What: "forwarded_values.headers includes " + quote(x), Src: srcOf(f.Headers, f.Src)}, "")
				}
			}
		}
	}
	orp := func(id string) *headerPolicy {
		if c := s.ix.OriginRequestPolicy(id); c != nil {
			return &headerPolicy{ref: c.Ref, behavior: c.HeaderBehavior, headers: c.Headers, src: c.Src}
		}
		return nil
	}
	cp := func(id string) *headerPolicy {
		if c := s.ix.CachePolicy(id); c != nil {
			return &headerPolicy{ref: c.Ref, behavior: c.HeaderBehavior, headers: c.Headers, src: c.Src}
		}
		return nil
	}
	policyHeader(b, b.OriginRequestPolicy, "origin request policy", "origin_request_policy_id", "headers", h, model.ManagedOriginRequestPolicy, orp, note)
	policyHeader(b, b.CachePolicy, "cache policy", "cache_policy_id", "cache key headers", h, model.ManagedCachePolicy, cp, note)
	return result, ev, strings.Join(missing, "; ")
}

// headerPolicy is the part of a custom cache or origin request policy that
// decides which viewer headers reach the origin.
type headerPolicy struct {
	ref      string
	behavior model.Value[string]
	headers  model.Value[[]string]
	src      model.Src
}

// policyHeader notes whether the policy with ID p (a managed one, or a
// custom one from the input) forwards the viewer's header h.
func policyHeader(b *model.Behavior, p model.Value[string], kind, attr, headersWord, h string,
	managed func(string) (model.ManagedPolicy, bool), custom func(string) *headerPolicy,
	note func(ident.Tri, Evidence, string)) {
	switch {
	case !p.Known:
		note(ident.Unknown, Evidence{What: attr, Src: srcOf(p, b.Src)}, kind+": "+p.Missing)
		return
	case p.V == "":
		return
	}
	e := Evidence{What: kind + " " + ident.Render(p.V), Src: srcOf(p, b.Src)}
	if m, ok := managed(p.V); ok {
		e.What = kind + " " + m.Name
		if fw, known := m.ForwardsHeader(h); !known {
			note(ident.Unknown, e, m.Name+"'s "+headersWord+" are not in s3front's table of managed policies")
		} else {
			note(ident.Of(fw), e, "")
		}
		return
	}
	if c := custom(p.V); c != nil {
		what := kind + " " + c.ref
		note(policyForwards(c.behavior, c.headers, h), Evidence{What: what + " " + headersWord, Src: srcOf(c.behavior, c.src)}, "headers of "+c.ref+": "+c.behavior.Missing+c.headers.Missing)
		return
	}
	note(ident.Unknown, e, kind+" "+quote(ident.Render(p.V))+" is not in the input")
}

func policyForwards(behavior model.Value[string], headers model.Value[[]string], h string) ident.Tri {
	if !behavior.Known {
		return ident.Unknown
	}
	in := func() ident.Tri {
		if !headers.Known {
			return ident.Unknown
		}
		for _, x := range headers.V {
			if strings.EqualFold(x, h) {
				return ident.True
			}
		}
		return ident.False
	}
	switch behavior.V {
	case "allViewer", "allViewerAndWhitelistCloudFront":
		return ident.True
	case "allExcept", "allExcept ":
		return in().Not()
	case "whitelist":
		return in()
	}
	return ident.False
}
