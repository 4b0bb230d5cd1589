package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

func (s *simulator) newPath(oc *originCtx, scenario, urlPath string) *Path {
	p := &Path{Distribution: oc.d, Behavior: oc.b, Origin: oc.o, Bucket: oc.bucket, Scenario: scenario, URLPath: urlPath, Key: objectKey(oc.o, urlPath)}
	p.Hops = append(make([]Hop, 0, len(oc.hops)+6), oc.hops...)
	return p
}

// front ends the path when the request can't reach S3 authorization, and
// reports whether it goes on.
func (s *simulator) front(p *Path, oc *originCtx) bool {
	if oc.fatal != nil {
		s.fail(p, oc, oc.fatal, Now)
		return false
	}
	if len(oc.missing) > 0 || oc.mode == "" || oc.bucket == nil {
		m := oc.missing
		if len(m) == 0 {
			m = []string{"the origin's bucket or access mode"}
		}
		s.unknown(p, m...)
		return false
	}
	return true
}

func (s *simulator) fail(p *Path, oc *originCtx, f *failure, when string) {
	p.Outcome = Deny
	p.Status, p.ErrorCode, p.Expected, p.When = f.status, f.code, f.expected, when
	if f.expected {
		p.Basis = f.basis
		if p.Basis == "" {
			p.Basis = Inferred
		}
	}
	if f.cause != nil {
		c := *f.cause
		p.Cause = &c
		s.describe(p, oc, p.Cause)
	}
}

func (s *simulator) unknown(p *Path, missing ...string) {
	p.Outcome = Unknown
	p.Missing = append(p.Missing, missing...)
}

func (s *simulator) allow(p *Path) {
	p.Outcome = Allow
	p.Status = 200
}

// s3Fail turns a failed authorization into the viewer's error and its cause.
func (s *simulator) s3Fail(p *Path, oc *originCtx, a authz, upload bool) *failure {
	// RestrictPublicBuckets stopping an OAI is derived from the documented
	// rule, not observed (SEMANTICS §6: UNCONFIRMED): say "expected".
	return &failure{status: 403, code: "AccessDenied", expected: a.blockedByBPA, basis: Inferred, cause: s.s3Cause(oc, a, upload)}
}

// s3Cause names the root cause of an S3 authorization failure.
func (s *simulator) s3Cause(oc *originCtx, a authz, upload bool) *Cause {
	b := oc.bucket
	pol := b.Policy.Src
	if pol.Resource == "" {
		pol.Resource = b.Ref
	}
	if c := s.anonymousCause(oc); c != nil && !upload {
		return c
	}
	if a.decision == iam.ExplicitDeny {
		for _, r := range a.result.Reasons {
			if r.Kind != iam.StatementDenies || r.Statement == nil {
				continue
			}
			var keys []string
			for _, c := range r.Statement.Conditions {
				keys = append(keys, strings.ToLower(c.Key))
			}
			at := stmtSrc(pol, r.Statement)
			if r.PolicyKind == iam.RCP {
				return &Cause{Rule: "perimeter-deny-blocks-cloudfront", At: model.Src{Resource: r.Policy, Pos: r.Pos}, Statement: r.Statement}
			}
			switch {
			case isEncryptionHeaderDeny(keys) && upload:
				return &Cause{Rule: "deny-unencrypted-blocks-upload", At: at, Statement: r.Statement}
			case isPerimeter(keys):
				return &Cause{Rule: "perimeter-deny-blocks-cloudfront", At: at, Statement: r.Statement}
			}
			if upload {
				return &Cause{Rule: "oac-upload-denied", At: at, Statement: r.Statement}
			}
			return &Cause{Rule: "bucket-policy-denies-origin", At: at, Statement: r.Statement}
		}
	}
	if b.Policy.HasDoc() {
		if nm := nearMiss(a.matches, b.Policy.V.Name); nm != nil {
			for _, c := range nm.failed {
				if k := strings.ToLower(c.Condition.Key); k == "aws:sourcearn" || k == "aws:sourceaccount" {
					return &Cause{Rule: "source-arn-mismatch", At: stmtSrc(pol, nm.stmt), Statement: nm.stmt, Values: c.Condition.Values}
				}
			}
		}
	}
	if upload {
		return &Cause{Rule: "oac-upload-denied", At: pol}
	}
	return &Cause{Rule: "bucket-policy-denies-origin", At: pol}
}

// anonymousCause is the cause of a failure when the request reached S3
// anonymous; nil for signed requests.
func (s *simulator) anonymousCause(oc *originCtx) *Cause {
	if oc.mode != modeAnonymous {
		return nil
	}
	switch oc.anonWhy {
	case anonWebsite:
		return &Cause{Rule: "website-endpoint-origin", At: distSrc(oc.d)}
	case anonNever:
		return &Cause{Rule: "oac-signing-disabled", At: srcOf(oc.oac.SigningBehavior, oc.oac.Src)}
	}
	return &Cause{Rule: "s3-origin-unsigned", At: originSrc(oc.d, oc.o)}
}

// kmsCause is the cause of a KMS failure on a path.
func (s *simulator) kmsCause(oc *originCtx, k kmsOutcome, enc encryption, upload bool) *Cause {
	if k.fail != nil && k.fail.cause != nil {
		c := *k.fail.cause
		if c.At.IsZero() {
			switch c.Rule {
			case "aws-managed-key":
				c.At = srcOf(enc.keyID, srcOf(enc.alg, oc.bucket.Src))
				if enc.keyID.Known && enc.keyID.V == "" {
					c.At = srcOf(enc.alg, oc.bucket.Src)
				}
			default:
				c.At = srcOf(enc.alg, oc.bucket.Src)
			}
		}
		return &c
	}
	switch oc.mode {
	case modeOAI:
		if upload {
			return &Cause{Rule: "oac-upload-denied", At: originSrc(oc.d, oc.o)}
		}
		return &Cause{Rule: "oai-sse-kms", At: distSrc(oc.d)}
	case modeAnonymous:
		return s.anonymousCause(oc)
	}
	return &Cause{Rule: "oac-key-policy-missing", At: srcOf(enc.alg, oc.bucket.Src)}
}

// read runs the S3 and KMS hops of a GET for an object with the given
// encryption and owner. objectWhen is the `when` of failures that depend
// on the object (its encryption and owner), not on the configuration.
func (s *simulator) read(p *Path, oc *originCtx, enc encryption, owner model.Value[string], ownerWhy, objectWhen string) {
	b := oc.bucket
	objARN := model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, p.Key)
	a := s.s3Authorize(b, s3req{action: "s3:GetObject", resource: objARN, principal: oc.principal, ctx: s.requestContext(oc, oc.https)})
	p.Hops = append(p.Hops, a.hop)
	switch a.decision {
	case iam.Allowed:
	case iam.Unknown:
		s.unknown(p, a.missing)
		return
	default:
		s.fail(p, oc, s.s3Fail(p, oc, a, false), Now)
		return
	}
	p.CanList = s.canList(oc)
	hop, foreign := ownership(b, owner, ownerWhy)
	p.Hops = append(p.Hops, hop)
	switch foreign {
	case ident.True:
		at := srcOf(b.Ownership, b.Src)
		s.fail(p, oc, &failure{status: 403, code: "AccessDenied", cause: &Cause{Rule: "foreign-object-owner", At: at}}, objectWhen)
		return
	case ident.Unknown:
		s.unknown(p, strings.TrimPrefix(hop.Detail, "cannot determine "))
		return
	}
	if !b.RequesterPays.Known {
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Maybe, Detail: "cannot determine whether Requester Pays is on: " + b.RequesterPays.Missing})
		s.unknown(p, "Requester Pays of "+b.Ref+": "+b.RequesterPays.Missing)
		return
	}
	if b.RequesterPays.V {
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Fail, Detail: "Requester Pays is on: requests without x-amz-request-payer are refused (CloudFront does not add it)",
			Evidence: []Evidence{{What: "request_payer = Requester", Src: b.RequesterPays.Src}}})
		s.fail(p, oc, &failure{status: 403, code: "AccessDenied", expected: true, basis: Inferred, cause: &Cause{Rule: "requester-pays-origin", At: srcOf(b.RequesterPays, b.Src)}}, Now)
		return
	}
	if oc.ep.Kind == model.S3Website && enc.isKMS() == ident.True {
		p.Hops = append(p.Hops, Hop{Name: "kms", Result: Fail, Detail: "S3 website endpoints don't serve KMS-encrypted objects"})
		// Website endpoints "don't support AWS KMS-encrypted objects" and
		// answer 403 (SEMANTICS §1.2, KC-WEB403).
		s.fail(p, oc, &failure{status: 403, code: "AccessDenied", cause: &Cause{Rule: "website-endpoint-origin", At: distSrc(oc.d)}}, objectWhen)
		return
	}
	s.finishKMS(p, oc, enc, objARN, false, objectWhen)
}

// finishKMS runs the KMS hop for an object with encryption enc and ends the
// path with its outcome; failures happen `when`.
func (s *simulator) finishKMS(p *Path, oc *originCtx, enc encryption, objARN string, upload bool, when string) {
	k := s.kms(oc, oc.bucket, enc, objARN, upload)
	p.Hops = append(p.Hops, k.hop)
	switch k.ok {
	case ident.True:
		s.allow(p)
	case ident.Unknown:
		s.unknown(p, k.missing)
	default:
		f := *k.fail
		f.cause = s.kmsCause(oc, k, enc, upload)
		if upload && f.cause.Rule == "oac-key-policy-missing" {
			f.cause.Rule = "oac-upload-denied"
		}
		if enc.alg.Known && enc.alg.V == "aws:kms:dsse" {
			f.expected, f.basis = true, Inferred // DSSE-KMS through CloudFront is UNCONFIRMED (SEMANTICS §1.2)
		}
		s.fail(p, oc, &f, when)
	}
}

// getNew simulates a viewer GET of an object each writer uploads next.
func (s *simulator) getNew(oc *originCtx) []*Path {
	url := s.urlPath(oc)
	if oc.bucket == nil {
		p := s.newPath(oc, ViewerGetNew, url)
		s.front(p, oc)
		return []*Path{p}
	}
	var out []*Path
	for _, w := range s.writers(oc.bucket) {
		p := s.newPath(oc, ViewerGetNew, url)
		p.Uploader = w.ref
		enc, owner, ownerWhy := w.object(oc.bucket)
		p.Hops = append(p.Hops, s.uploadHop(p, oc, w, enc))
		if s.front(p, oc) {
			s.read(p, oc, enc, owner, ownerWhy, NextUpload)
		}
		out = append(out, p)
	}
	return out
}

// uploadHop notes how the writer's upload is encrypted and owned, and
// whether the bucket policy refuses it as the writer sends it.
func (s *simulator) uploadHop(p *Path, oc *originCtx, w writer, enc encryption) Hop {
	b := oc.bucket
	parts := []string{fmt.Sprintf("%s uploads %s", w.label(), p.Key)}
	if enc.alg.Known {
		desc := enc.alg.V
		if enc.keyID.Known && enc.keyID.V != "" {
			desc += " with key " + ident.Render(enc.keyID.V)
		} else if enc.keyID.Known && strings.HasPrefix(enc.alg.V, "aws:kms") {
			desc += " with the AWS managed key aws/s3"
		}
		if enc.bucketKey.Known && enc.bucketKey.V && strings.HasPrefix(enc.alg.V, "aws:kms") {
			desc += " and an S3 Bucket Key"
		}
		parts = append(parts, "encrypted by "+enc.what+" ("+desc+")")
	}
	hop := Hop{Name: "upload", Result: Info, Evidence: []Evidence{{What: enc.what, Src: srcOf(enc.alg, b.Src)}}}
	if w.principal != "" && b.Policy.HasDoc() {
		ctx := iam.Context{}
		ctx.Set("aws:SecureTransport", "true")
		ctx.Set("aws:PrincipalArn", w.principal)
		ctx.Set("aws:PrincipalIsAWSService", "false")
		if w.account.Known {
			ctx.Set("aws:PrincipalAccount", w.account.V)
		}
		if w.acl.Known && w.acl.V != "" {
			ctx.Set("s3:x-amz-acl", w.acl.V)
		}
		if w.enc != nil && w.enc.alg.Known {
			ctx.Set("s3:x-amz-server-side-encryption", w.enc.alg.V)
			if w.enc.keyID.Known && w.enc.keyID.V != "" {
				ctx.Set("s3:x-amz-server-side-encryption-aws-kms-key-id", w.enc.keyID.V)
			}
		}
		s.timeKeys(ctx)
		in := &iam.Input{Request: iam.Request{
			Principal: iam.Principal{Type: iam.IAM, ARN: w.principal, Account: w.account.V},
			Action:    "s3:PutObject", Resource: model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, p.Key), ResourceAccount: b.Account.V, Context: ctx,
		}, ResourcePolicy: b.Policy.V}
		res := iam.Evaluate(in)
		if res.Decision == iam.ExplicitDeny {
			if st, keys := denyingStatement(res); st != nil && isEncryptionHeaderDeny(keys) {
				// S3 does not fill the header from default encryption
				// (SEMANTICS §9, CONFIRMED).
				parts = append(parts, "an upload that relies on default encryption sends no x-amz-server-side-encryption header (like `aws s3 sync` without --sse), S3 does not fill it from the default, and the bucket policy will deny it (deny-unencrypted-blocks-upload); simulated as if the upload sends the header the policy requires")
				at := stmtSrc(b.Policy.Src, st)
				hop.Evidence = append(hop.Evidence, Evidence{What: "deny statement", Src: at})
			}
		}
	}
	hop.Detail = strings.Join(parts, "; ")
	return hop
}

// getExisting simulates viewer GETs of the objects the input declares.
func (s *simulator) getExisting(oc *originCtx) []*Path {
	if oc.bucket == nil {
		p := s.newPath(oc, ViewerGetExisting, s.urlPath(oc))
		s.front(p, oc)
		return []*Path{p}
	}
	var out []*Path
	for _, obj := range oc.bucket.Objects {
		if !obj.Key.Known {
			continue
		}
		key := obj.Key.V
		if oc.o.Path.Known && oc.o.Path.V != "" {
			prefix := strings.Trim(oc.o.Path.V, "/") + "/"
			if !strings.HasPrefix(key, prefix) {
				continue
			}
			key = strings.TrimPrefix(key, prefix)
		}
		url := "/" + key
		if behaviorFor(oc.d, url) != oc.b {
			continue
		}
		p := s.newPath(oc, ViewerGetExisting, url)
		if s.front(p, oc) {
			enc := encryption{alg: obj.Encryption.Algorithm, keyID: obj.Encryption.KeyID, bucketKey: obj.Encryption.BucketKey, what: "object " + key}
			s.read(p, oc, enc, obj.Owner, ownerBasis(obj), Now)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		p := s.newPath(oc, ViewerGetExisting, s.urlPath(oc))
		if s.front(p, oc) {
			p.Hops = append(p.Hops, Hop{Name: "object", Result: Maybe, Detail: "the input declares no existing objects served by this behavior: their encryption and owner are unknown"})
			s.unknown(p, "existing objects of "+oc.bucket.Ref+" ("+Spell(oc.bucket.Ref, "declare them as aws_s3_object resources, or ", "")+"describe them in a snapshot)")
		}
		out = append(out, p)
	}
	return out
}

// put simulates a viewer PUT through the distribution.
func (s *simulator) put(oc *originCtx) *Path {
	p := s.newPath(oc, ViewerPut, s.urlPath(oc))
	if !s.front(p, oc) {
		return p
	}
	b := oc.bucket
	if oc.mode == modeOAI {
		enc := defaultEncryption(b)
		if enc.isKMS() == ident.True {
			p.Hops = append(p.Hops, Hop{Name: "kms", Result: Fail, Detail: "an origin access identity cannot upload SSE-KMS objects: S3 can't call KMS for it (KMS.UnrecognizedClientException)"})
			s.fail(p, oc, &failure{status: 400, code: "KMS.UnrecognizedClientException", expected: true, basis: Inferred, cause: &Cause{Rule: "oac-upload-denied", At: originSrc(oc.d, oc.o)}}, Now)
			return p
		}
		p.Hops = append(p.Hops, Hop{Name: "access", Result: Fail, Detail: "origin access identities don't support PUT: CloudFront documents OAI for GET/HEAD only; in SigV4 regions a PUT works only if every viewer sends x-amz-content-sha256 with the body's SHA-256"})
		s.fail(p, oc, &failure{status: 400, code: "InvalidRequest", expected: true, basis: Observed, cause: &Cause{Rule: "oac-upload-denied", At: originSrc(oc.d, oc.o)}}, Now)
		return p
	}
	objARN := model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, p.Key)
	ctx := s.requestContext(oc, oc.https)
	a := s.s3Authorize(b, s3req{action: "s3:PutObject", resource: objARN, principal: oc.principal, ctx: ctx, purpose: "upload without x-amz-server-side-encryption (CloudFront adds none)"})
	p.Hops = append(p.Hops, a.hop)
	switch a.decision {
	case iam.Allowed:
	case iam.Unknown:
		s.unknown(p, a.missing)
		return p
	default:
		f := &failure{status: 403, code: "AccessDenied", cause: s.s3Cause(oc, a, true)}
		if f.cause.Rule == "deny-unencrypted-blocks-upload" {
			// Which viewer x-amz-* headers reach S3 through CloudFront is
			// UNCONFIRMED by test (SEMANTICS §9).
			f.expected, f.basis = true, Inferred
		}
		s.fail(p, oc, f, Now)
		return p
	}
	if b.ObjectLock.Known && b.ObjectLock.V {
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Info, Detail: "Object Lock is enabled: with a default retention period, S3 will refuse an upload without Content-MD5 or x-amz-sdk-checksum-algorithm (400 InvalidRequest), which the viewer has to send (CloudFront adds neither)"})
	}
	s.finishKMS(p, oc, defaultEncryption(b), objARN, true, Now)
	return p
}

// del simulates a viewer DELETE through the distribution.
func (s *simulator) del(oc *originCtx) *Path {
	p := s.newPath(oc, ViewerDelete, s.urlPath(oc))
	if !s.front(p, oc) {
		return p
	}
	b := oc.bucket
	objARN := model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, p.Key)
	a := s.s3Authorize(b, s3req{action: "s3:DeleteObject", resource: objARN, principal: oc.principal, ctx: s.requestContext(oc, oc.https)})
	p.Hops = append(p.Hops, a.hop)
	switch a.decision {
	case iam.Allowed:
		if b.ObjectLock.Known && b.ObjectLock.V {
			p.Hops = append(p.Hops, Hop{Name: "s3", Result: Info, Detail: "Object Lock is enabled: a DELETE without a version ID adds a delete marker; locked versions stay"})
		}
		s.allow(p)
	case iam.Unknown:
		s.unknown(p, a.missing)
	default:
		s.fail(p, oc, &failure{status: 403, code: "AccessDenied", cause: s.s3Cause(oc, a, true)}, Now)
	}
	return p
}

// directAnonymous simulates an anonymous GET straight to the bucket's S3
// REST endpoint, bypassing CloudFront.
func (s *simulator) directAnonymous(oc *originCtx) *Path {
	url := s.urlPath(oc)
	p := &Path{Distribution: oc.d, Behavior: oc.b, Origin: oc.o, Bucket: oc.bucket, Scenario: DirectAnonymousGet, URLPath: url, Key: objectKey(oc.o, url)}
	b := oc.bucket
	if b == nil {
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Maybe, Detail: "the bucket is not in the input"})
		s.unknown(p, oc.missing...)
		if len(p.Missing) == 0 {
			s.unknown(p, "the origin's bucket")
		}
		return p
	}
	p.Hops = append(p.Hops, Hop{Name: "viewer", Result: Info, Detail: "an anonymous client requests the object from the bucket's S3 REST endpoint directly, bypassing CloudFront"})
	anon := &originCtx{d: oc.d, b: oc.b, o: oc.o, bucket: b, mode: modeAnonymous, anonWhy: anonUnsigned, principal: iam.Principal{Type: iam.Anonymous}, https: true}
	objARN := model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, p.Key)
	a := s.s3Authorize(b, s3req{action: "s3:GetObject", resource: objARN, principal: anon.principal, ctx: s.requestContext(anon, true)})
	p.Hops = append(p.Hops, a.hop)
	switch a.decision {
	case iam.Allowed:
	case iam.Unknown:
		s.unknown(p, a.missing)
		return p
	default:
		p.Outcome, p.Status, p.ErrorCode, p.When = Deny, 403, "AccessDenied", Now
		return p
	}
	if b.RequesterPays.Known && b.RequesterPays.V {
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Fail, Detail: "Requester Pays buckets refuse anonymous requests"})
		p.Outcome, p.Status, p.ErrorCode, p.When = Deny, 403, "AccessDenied", Now
		return p
	}
	enc := defaultEncryption(b)
	k := s.kms(anon, b, enc, objARN, false)
	p.Hops = append(p.Hops, k.hop)
	switch k.ok {
	case ident.True:
		s.allow(p)
	case ident.Unknown:
		s.unknown(p, k.missing)
	default:
		// S3 authorized the anonymous read; only the KMS encryption of new
		// objects stops it. Objects stored otherwise are exposed.
		p.Outcome, p.Status, p.ErrorCode, p.Expected, p.When = Deny, k.fail.status, k.fail.code, k.fail.expected, Now
		if p.Expected {
			p.Basis = k.fail.basis
		}
		p.Hops = append(p.Hops, Hop{Name: "s3", Result: Info, Detail: "S3 authorizes anonymous reads of this bucket: objects not encrypted with KMS (older uploads, other writers) are publicly readable"})
	}
	return p
}

// canList decides whether the origin's principal may list the bucket.
func (s *simulator) canList(oc *originCtx) ident.Tri {
	b := oc.bucket
	a := s.s3Authorize(b, s3req{action: "s3:ListBucket", resource: model.BucketARN(partitionOf(oc.d.ARN.V), b.Name.V), principal: oc.principal, ctx: s.requestContext(oc, oc.https)})
	switch a.decision {
	case iam.Allowed:
		return ident.True
	case iam.Unknown:
		return ident.Unknown
	}
	return ident.False
}

// httpViewer checks what an HTTP viewer gets on an allow-all behavior
// whose origin requests follow the viewer's protocol (everything but an
// origin access control that always signs, which always uses HTTPS).
func (s *simulator) httpViewer(oc *originCtx) *Cause {
	b := oc.bucket
	if b == nil || oc.fatal != nil || len(oc.missing) > 0 || oc.mode == "" || oc.ep.Kind == model.S3Website {
		return nil
	}
	if !oc.b.ViewerProtocolPolicy.Known || oc.b.ViewerProtocolPolicy.V != "allow-all" {
		return nil
	}
	if oc.mode == modeOAC && oc.oac != nil && oc.oac.SigningBehavior.V == "always" {
		return nil
	}
	key := objectKey(oc.o, s.urlPath(oc))
	objARN := model.ObjectARN(partitionOf(oc.d.ARN.V), b.Name.V, key)
	https := s.s3Authorize(b, s3req{action: "s3:GetObject", resource: objARN, principal: oc.principal, ctx: s.requestContext(oc, true)})
	http := s.s3Authorize(b, s3req{action: "s3:GetObject", resource: objARN, principal: oc.principal, ctx: s.requestContext(oc, false)})
	at := srcOf(oc.b.ViewerProtocolPolicy, oc.b.Src)
	if at.Resource == "" {
		at.Resource = oc.d.Ref
	}
	related := []model.Src{b.Policy.Src}
	var why string
	switch {
	case https.decision == iam.Allowed && (http.decision == iam.ExplicitDeny || http.decision == iam.ImplicitDeny):
		why = "the bucket policy of " + b.Ref + " denies requests without TLS (aws:SecureTransport)"
	case oc.mode == modeOAC && defaultEncryption(b).isKMS() == ident.True:
		why = "S3 requires TLS for every request on SSE-KMS objects, and " + b.Ref + " encrypts with SSE-KMS"
		related = []model.Src{srcOf(b.Encryption.Algorithm, b.Src)}
	default:
		return nil
	}
	return &Cause{Rule: "http-viewer-denied-at-origin", At: at, Related: related,
		Message: fmt.Sprintf("behavior %s of %s accepts HTTP viewers (allow-all) and origin %s follows the viewer's protocol (%s), but %s: HTTP viewers get 403 AccessDenied (or 400 for SSE-KMS) while HTTPS viewers are served", quote(patternOf(oc.b)), oc.d.Ref, originName(oc.o), modeText(oc), why),
		Fix:     "set the behavior's viewer protocol policy to redirect-to-https, or sign with an origin access control whose signing behavior is always (CloudFront then always uses HTTPS to S3)"}
}

func modeText(oc *originCtx) string {
	switch oc.mode {
	case modeOAI:
		return "origin access identity"
	case modeOAC:
		return "origin access control with signing behavior " + oc.oac.SigningBehavior.V
	}
	return "unsigned"
}

// ownerBasis says where an existing object's owner comes from: S3's answer
// for an object read from a live account, the input's declaration otherwise.
func ownerBasis(obj *model.Object) string {
	if strings.HasPrefix(obj.Owner.Src.File, "arn:") || strings.HasPrefix(obj.Src.File, "arn:") {
		return "owner as S3 reports it"
	}
	return "declared owner"
}
