package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// encryption is how one object is (or will be) encrypted, and where that
// was decided.
type encryption struct {
	alg       model.Value[string]
	keyID     model.Value[string]
	bucketKey model.Value[bool]
	// what names the source in messages: "the bucket's default
	// encryption", "object index.html".
	what string
}

func defaultEncryption(b *model.Bucket) encryption {
	return encryption{alg: b.Encryption.Algorithm, keyID: b.Encryption.KeyID, bucketKey: b.Encryption.BucketKey, what: "the bucket's default encryption"}
}

func (e encryption) isKMS() ident.Tri {
	if !e.alg.Known {
		return ident.Unknown
	}
	return ident.Of(strings.HasPrefix(e.alg.V, "aws:kms"))
}

// awsManagedAlias reports whether a key reference names the AWS managed
// key for S3.
func awsManagedAlias(ref string) bool {
	return ref == "alias/aws/s3" || ref == "aws/s3" || strings.HasSuffix(ref, ":alias/aws/s3")
}

// kmsOutcome is the result of the KMS hop.
type kmsOutcome struct {
	ok      ident.Tri
	hop     Hop
	fail    *failure
	missing string
	key     *model.Key
}

// kmsOps are the KMS operations S3 performs for a request.
func kmsOps(upload bool, bucketKey bool) []string {
	if !upload {
		return []string{"kms:Decrypt"}
	}
	if bucketKey {
		return []string{"kms:GenerateDataKey", "kms:Decrypt"}
	}
	return []string{"kms:GenerateDataKey"}
}

// kms decides whether S3 can use the object's key on behalf of the
// request's principal.
func (s *simulator) kms(oc *originCtx, b *model.Bucket, enc encryption, objectARN string, upload bool) kmsOutcome {
	encSrc := srcOf(enc.alg, b.Src)
	switch enc.isKMS() {
	case ident.Unknown:
		return kmsOutcome{ok: ident.Unknown, missing: "encryption of the object: " + enc.alg.Missing,
			hop: Hop{Name: "kms", Result: Maybe, Detail: "cannot determine how the object is encrypted: " + enc.alg.Missing}}
	case ident.False:
		if enc.alg.V == "AES256" {
			return kmsOutcome{ok: ident.True, hop: Hop{Name: "kms", Result: Skipped, Detail: "SSE-S3 (AES256): S3 decrypts with its own keys, no KMS call",
				Evidence: []Evidence{{What: enc.what + ": AES256", Src: encSrc}}}}
		}
		return kmsOutcome{ok: ident.Unknown, missing: "encryption algorithm " + quote(enc.alg.V) + " is not one s3front knows",
			hop: Hop{Name: "kms", Result: Maybe, Detail: "unknown encryption algorithm " + quote(enc.alg.V)}}
	}
	dsse := enc.alg.V == "aws:kms:dsse"
	algName := "SSE-KMS"
	if dsse {
		algName = "DSSE-KMS"
	}
	ev := []Evidence{{What: enc.what + ": " + enc.alg.V, Src: encSrc}}
	if oc.mode != modeOAC {
		// S3 cannot call KMS for an OAI or an anonymous request: KMS does
		// not recognise the caller [AWSLABS-831] [CARIM].
		who := "an origin access identity"
		if oc.mode == modeAnonymous {
			who = "an anonymous request"
		}
		return kmsOutcome{ok: ident.False,
			hop: Hop{Name: "kms", Result: Fail, Evidence: ev,
				Detail: fmt.Sprintf("%s object: S3 must call KMS for %s, which KMS does not recognise (KMS.UnrecognizedClientException, \"No account found for the given parameters\"); no key policy can change this", algName, who)},
			fail: &failure{status: 400, code: "KMS.UnrecognizedClientException", expected: true, basis: Observed}}
	}
	if !enc.keyID.Known {
		return kmsOutcome{ok: ident.Unknown, missing: "the KMS key of " + enc.what + ": " + enc.keyID.Missing,
			hop: Hop{Name: "kms", Result: Maybe, Detail: "cannot determine which KMS key encrypts the object: " + enc.keyID.Missing, Evidence: ev}}
	}
	keySrc := srcOf(enc.keyID, encSrc)
	ref := enc.keyID.V
	if ref == "" || awsManagedAlias(ref) {
		ev = append(ev, Evidence{What: "KMS key: the AWS managed key aws/s3", Src: keySrc})
		return kmsOutcome{ok: ident.False,
			hop: Hop{Name: "kms", Result: Fail, Evidence: ev,
				Detail: "the object is encrypted with the AWS managed key aws/s3, whose key policy admits only principals of its own account calling through S3 and cannot be edited: CloudFront's service principal can never use it"},
			fail: &failure{status: 403, code: "AccessDenied", expected: true, basis: Inferred, cause: &Cause{Rule: "aws-managed-key"}}}
	}
	k, found := s.ix.Key(ref)
	switch found {
	case ident.Unknown:
		what := "KMS key " + quote(ident.Render(ref))
		if k != nil {
			what += " may or may not be " + k.Ref
		}
		return kmsOutcome{ok: ident.Unknown, missing: what,
			hop: Hop{Name: "kms", Result: Maybe, Detail: "cannot determine which key " + quote(ident.Render(ref)) + " is", Evidence: ev}}
	case ident.False:
		if region := arnRegion(ref); region != "" && b.Region.Known && ident.Equal(region, b.Region.V) == ident.False {
			return kmsOutcome{ok: ident.False, hop: Hop{Name: "kms", Result: Fail, Evidence: append(ev, Evidence{What: "KMS key " + ref, Src: keySrc}),
				Detail: fmt.Sprintf("the key %s is in region %s but the bucket is in %s: S3 can only use keys in the bucket's region", ident.Render(ref), region, ident.Render(b.Region.V))},
				fail: &failure{status: 400, code: "KMS.NotFoundException", expected: !upload, basis: Inferred, cause: &Cause{Rule: "kms-key-unusable", At: keySrc}}}
		}
		return kmsOutcome{ok: ident.Unknown, missing: "KMS key " + quote(ident.Render(ref)) + " is not in the input",
			hop: Hop{Name: "kms", Result: Maybe, Detail: "KMS key " + quote(ident.Render(ref)) + " is not in the input: its state and key policy are unknown", Evidence: ev}}
	}
	ev = append(ev, Evidence{What: "KMS key " + k.Ref, Src: k.Src})
	out := kmsOutcome{key: k}
	if k.Manager.Known && k.Manager.V == "AWS" {
		out.ok = ident.False
		out.hop = Hop{Name: "kms", Result: Fail, Evidence: ev, Detail: "the object is encrypted with an AWS managed key, whose policy cannot admit CloudFront"}
		out.fail = &failure{status: 403, code: "AccessDenied", expected: true, basis: Inferred, cause: &Cause{Rule: "aws-managed-key"}}
		return out
	}
	// Key state [KMS-STATE] [LS-SNAP].
	if !k.State.Known {
		out.ok, out.missing = ident.Unknown, "state of "+k.Ref+": "+k.State.Missing
		out.hop = Hop{Name: "kms", Result: Maybe, Detail: "cannot determine the key's state", Evidence: ev}
		return out
	}
	stateSrc := srcOf(k.State, k.Src)
	switch k.State.V {
	case "Enabled":
	case "Disabled":
		return unusable(out, ev, stateSrc, 400, "KMS.DisabledException", false, fmt.Sprintf("the key %s is disabled: S3 returns KMS.DisabledException for every object it encrypts", k.Ref))
	case "PendingDeletion":
		return unusable(out, ev, stateSrc, 400, "KMS.KMSInvalidStateException", false, fmt.Sprintf("the key %s is pending deletion: S3 returns KMS.KMSInvalidStateException", k.Ref))
	default:
		return unusable(out, ev, stateSrc, 400, "KMS.KMSInvalidStateException", true, fmt.Sprintf("the key %s is in state %s, which KMS rejects for cryptographic operations", k.Ref, k.State.V))
	}
	if k.Spec.Known && k.Spec.V != "" && k.Spec.V != "SYMMETRIC_DEFAULT" {
		return unusable(out, ev, srcOf(k.Spec, k.Src), 400, "KMS.InvalidKeyUsageException", true, fmt.Sprintf("the key %s has spec %s: S3 supports only symmetric encryption keys", k.Ref, k.Spec.V))
	}
	if k.Region.Known && b.Region.Known {
		switch ident.Equal(k.Region.V, b.Region.V) {
		case ident.False:
			return unusable(out, ev, srcOf(k.Region, k.Src), 400, "KMS.NotFoundException", !upload,
				fmt.Sprintf("the key %s is in region %s but the bucket %s is in %s: S3 can only use keys in the bucket's region", k.Ref, ident.Render(k.Region.V), b.Ref, ident.Render(b.Region.V)))
		case ident.Unknown:
			out.ok, out.missing = ident.Unknown, "whether key "+k.Ref+" is in the bucket's region"
			out.hop = Hop{Name: "kms", Result: Maybe, Detail: "cannot determine whether the key is in the bucket's region", Evidence: ev}
			return out
		}
	}
	// The key policy decides: CloudFront's service principal has no
	// identity policies [IAM-EVAL] [CF-S3].
	pol := k.Policy
	if pol.Err != nil || !pol.Known || pol.V == nil {
		why := pol.Missing
		if pol.Err != nil {
			why = "the key policy is invalid (see policy-invalid)"
		} else if pol.Known {
			why = "the key has no key policy"
		}
		out.ok, out.missing = ident.Unknown, "key policy of "+k.Ref+": "+why
		out.hop = Hop{Name: "kms", Result: Maybe, Detail: "cannot evaluate the key policy: " + why, Evidence: ev}
		return out
	}
	bucketKey := enc.bucketKey.Known && enc.bucketKey.V
	ctx := s.kmsContext(oc, b, objectARN, bucketKey)
	keyARN := k.ARN.V
	if !k.ARN.Known {
		keyARN = ident.New(ident.Any, k.Ref+".arn")
	}
	var rcps [][]*iam.Policy
	if acct := s.accountOf(k.Meta); acct != nil {
		if r, ok, _ := orgLevels(acct.RCPs); ok {
			rcps = r
		}
	}
	decision := iam.Allowed
	var details []string
	for _, op := range kmsOps(upload, bucketKey) {
		in := &iam.Input{Request: iam.Request{Principal: oc.principal, Action: op, Resource: keyARN, ResourceAccount: k.Account.V, Context: ctx},
			ResourcePolicy: pol.V, KeyPolicy: true, RCPs: rcps}
		res, matches := iam.Explain(in)
		ev = append(ev, reasonEvidence(res, policySrcs(pol.V, pol.Src))...)
		if res.Decision == iam.ImplicitDeny {
			// A grant can allow what the key policy doesn't; an explicit
			// Deny in the key policy still wins [KMS-KP].
			if g := grantFor(k, oc.principal, op); g != nil {
				res.Decision = iam.Allowed
				ev = append(ev, Evidence{What: "KMS grant " + g.Ref + " allows " + op + " for " + oc.principal.ARN, Src: g.Src})
			}
		}
		switch res.Decision {
		case iam.Allowed:
			details = append(details, "the key policy allows "+op+" for cloudfront.amazonaws.com")
		case iam.Unknown:
			if decision == iam.Allowed {
				decision = iam.Unknown
			}
			details = append(details, "cannot determine whether the key policy allows "+op+": "+unknownText(res))
			if out.missing == "" {
				out.missing = "key policy of " + k.Ref + ": " + unknownText(res)
			}
		default:
			decision = res.Decision
			details = append(details, "the key policy does not allow "+op+" for cloudfront.amazonaws.com ("+res.Decision.String()+")")
			if out.fail == nil {
				// 403 AccessDenied for a key policy that doesn't let CloudFront
				// decrypt is CONFIRMED (SEMANTICS §1.2, §13.2); for uploads
				// (kms:GenerateDataKey) it is inferred.
				out.fail = &failure{status: 403, code: "AccessDenied", expected: upload, basis: Inferred,
					cause: keyPolicyCause(oc, k, op, res, matches, bucketKey, upload)}
			}
		}
	}
	switch decision {
	case iam.Allowed:
		out.ok = ident.True
		out.hop = Hop{Name: "kms", Result: Pass, Detail: algName + " with " + k.Ref + ": " + strings.Join(details, "; "), Evidence: ev}
	case iam.Unknown:
		out.ok = ident.Unknown
		out.hop = Hop{Name: "kms", Result: Maybe, Detail: strings.Join(details, "; "), Evidence: ev}
	default:
		out.ok = ident.False
		out.hop = Hop{Name: "kms", Result: Fail, Detail: algName + " with " + k.Ref + ": " + strings.Join(details, "; "), Evidence: ev}
	}
	return out
}

func unusable(out kmsOutcome, ev []Evidence, at model.Src, status int, code string, expected bool, detail string) kmsOutcome {
	out.ok = ident.False
	out.hop = Hop{Name: "kms", Result: Fail, Detail: detail, Evidence: append(ev, Evidence{What: "key setting", Src: at})}
	out.fail = &failure{status: status, code: code, expected: expected, basis: Inferred, cause: &Cause{Rule: "kms-key-unusable", At: at}}
	return out
}

// arnRegion returns the region field of a concrete ARN, "" otherwise.
func arnRegion(arn string) string {
	if ident.Has(arn) || !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

// kmsContext is what KMS sees when S3 calls it for an OAC request.
func (s *simulator) kmsContext(oc *originCtx, b *model.Bucket, objectARN string, bucketKey bool) iam.Context {
	c := s.requestContext(oc, true)
	ctxARN := objectARN
	if bucketKey {
		ctxARN = model.BucketARN(partitionOf(objectARN), b.Name.V)
	}
	c.Set("kms:EncryptionContext:aws:s3:arn", ctxARN)
	c.Set("kms:EncryptionContextKeys", "aws:s3:arn")
	// Whether KMS sees kms:ViaService for S3 calls made for a CloudFront
	// principal is not documented (SEMANTICS §2.3: UNCONFIRMED).
	c.Set("kms:ViaService", ident.New(ident.Any, "kms:ViaService of S3 calls made for CloudFront (undocumented)"))
	return c
}

// keyPolicyCause names the root cause of a key policy denial.
func keyPolicyCause(oc *originCtx, k *model.Key, op string, res iam.Result, matches []iam.Match, bucketKey, upload bool) *Cause {
	at := k.Policy.Src
	if at.Resource == "" {
		at.Resource = k.Ref
	}
	if res.Decision == iam.ExplicitDeny {
		if st, keys := denyingStatement(res); st != nil {
			if isPerimeter(keys) {
				return &Cause{Rule: "perimeter-deny-blocks-cloudfront", At: stmtSrc(at, st), Statement: st}
			}
			if upload {
				return &Cause{Rule: "oac-upload-denied", At: stmtSrc(at, st), Statement: st}
			}
			return &Cause{Rule: "oac-key-policy-missing", At: stmtSrc(at, st), Statement: st}
		}
	}
	if nm := nearMiss(matches, k.Policy.V.Name); nm != nil {
		for _, c := range nm.failed {
			key := strings.ToLower(c.Condition.Key)
			switch {
			case key == "aws:sourcearn" || key == "aws:sourceaccount":
				return &Cause{Rule: "source-arn-mismatch", At: stmtSrc(at, nm.stmt), Statement: nm.stmt, Values: c.Condition.Values}
			case strings.HasPrefix(key, "kms:encryptioncontext:aws:s3:arn") && bucketKey:
				return &Cause{Rule: "bucket-key-context-mismatch", At: stmtSrc(at, nm.stmt), Statement: nm.stmt, Values: c.Condition.Values}
			}
		}
	}
	if upload {
		return &Cause{Rule: "oac-upload-denied", At: at}
	}
	return &Cause{Rule: "oac-key-policy-missing", At: at}
}

func stmtSrc(base model.Src, st *iam.Statement) model.Src {
	s := base
	if st != nil && !st.Pos.IsZero() {
		s.Pos = st.Pos
	}
	return s
}

// nearMissMatch is an Allow statement that names the principal, action
// and resource but fails on conditions.
type nearMissMatch struct {
	stmt   *iam.Statement
	failed []iam.ConditionMatch
}

// nearMiss finds the first Allow statement of the named policy that would
// apply but for its conditions.
func nearMiss(matches []iam.Match, policy string) *nearMissMatch {
	for _, m := range matches {
		if m.Policy != policy || m.Statement == nil || m.Statement.Effect != iam.Allow {
			continue
		}
		if m.Principal != ident.True || m.Action != ident.True || m.Resource != ident.True || m.Applies == ident.True {
			continue
		}
		nm := &nearMissMatch{stmt: m.Statement}
		for _, c := range m.Conditions {
			if c.Result == ident.False {
				nm.failed = append(nm.failed, c)
			}
		}
		if len(nm.failed) > 0 {
			return nm
		}
	}
	return nil
}

// denyingStatement returns the first Deny statement that decided a
// decision, with the condition keys it uses (lower case).
func denyingStatement(res iam.Result) (*iam.Statement, []string) {
	for _, r := range res.Reasons {
		if r.Kind == iam.StatementDenies && r.Statement != nil {
			var keys []string
			for _, c := range r.Statement.Conditions {
				keys = append(keys, strings.ToLower(c.Key))
			}
			return r.Statement, keys
		}
	}
	return nil, nil
}

// isPerimeter reports whether a Deny's condition keys are data-perimeter
// keys: organization, network or account of the principal [KMS-RCP].
func isPerimeter(keys []string) bool {
	for _, k := range keys {
		switch k {
		case "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:sourcevpce", "aws:sourcevpc",
			"aws:sourceip", "aws:vpcsourceip", "aws:sourceorgid", "aws:sourceorgpaths", "aws:resourceorgid", "aws:principalarn":
			return true
		}
	}
	return false
}

// isEncryptionHeaderDeny reports whether a Deny's condition keys are the
// upload encryption headers.
func isEncryptionHeaderDeny(keys []string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, "s3:x-amz-server-side-encryption") {
			return true
		}
	}
	return false
}

// grantFor returns a grant of k that certainly gives principal the
// operation (without encryption context constraints, which S3's requests
// may or may not meet), or nil.
func grantFor(k *model.Key, principal iam.Principal, op string) *model.KeyGrant {
	for _, g := range k.Grants {
		if !g.Grantee.Known || ident.Equal(g.Grantee.V, principal.ARN) != ident.True || !g.Operations.Known {
			continue
		}
		if constrained(g.ContextSubset) != ident.False || constrained(g.ContextEquals) != ident.False {
			continue
		}
		for _, o := range g.Operations.V {
			if strings.EqualFold("kms:"+strings.TrimPrefix(o, "kms:"), op) {
				return g
			}
		}
	}
	return nil
}

// constrained reports whether a grant constraint is set. A zero value (not
// set by the input at all) is no constraint; an unknown one might be.
func constrained(v model.Value[map[string]string]) ident.Tri {
	switch {
	case v.Known:
		return ident.Of(len(v.V) > 0)
	case v.Missing == "":
		return ident.False
	}
	return ident.Unknown
}
