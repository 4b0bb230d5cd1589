package rules

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// anonymousRead decides whether S3 authorizes an anonymous GetObject of
// some object of b by its policy, and which statements grant it.
func anonymousRead(b *model.Bucket) (ident.Tri, []*iam.Statement) {
	if !b.Policy.HasDoc() {
		return ident.False, nil
	}
	ctx := iam.Context{}
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:PrincipalIsAWSService", "false")
	anyKey := model.ObjectARN("aws", b.Name.V, ident.New(ident.Any, "any object key"))
	res := iam.Evaluate(&iam.Input{Request: iam.Request{
		Principal: iam.Principal{Type: iam.Anonymous}, Action: "s3:GetObject", Resource: anyKey,
		ResourceAccount: b.Account.V, Context: ctx,
	}, ResourcePolicy: b.Policy.V})
	var stmts []*iam.Statement
	for _, r := range res.Reasons {
		if (r.Kind == iam.StatementAllows || r.Kind == iam.MaybeApplies) && r.Statement != nil && r.Statement.Effect == iam.Allow {
			stmts = append(stmts, r.Statement)
		}
	}
	switch res.Decision {
	case iam.Allowed:
		return ident.True, stmts
	case iam.Unknown:
		return ident.Unknown, stmts
	}
	return ident.False, nil
}

func publicACL(acl model.ACL) bool {
	if acl.Canned.Known {
		switch acl.Canned.V {
		case "public-read", "public-read-write", "authenticated-read":
			return true
		}
	}
	for _, g := range acl.Grants {
		if g.Grantee.Known && (strings.HasSuffix(g.Grantee.V, "/AllUsers") || strings.HasSuffix(g.Grantee.V, "/AuthenticatedUsers")) {
			return true
		}
	}
	return false
}

func checkBucketPublic(p *pass) {
	for _, b := range p.cfg.Buckets {
		acct := p.accountBPA(b.Meta)
		rpb := bpaSetting(b.PublicAccessBlock.RestrictPublicBuckets, acct.RestrictPublicBuckets)
		ipa := bpaSetting(b.PublicAccessBlock.IgnorePublicACLs, acct.IgnorePublicACLs)
		unless := func(t ident.Tri, setting string, bucketVal model.Value[bool]) string {
			if t == ident.Unknown {
				if bucketVal.Known && !bucketVal.V {
					return fmt.Sprintf(" unless the account-level %s setting is on (it is not in the input); the bucket's own setting is off", setting)
				}
				return fmt.Sprintf(" unless %s is on at the account level (not in the input)", setting)
			}
			return ""
		}
		if rpb != ident.True {
			if read, stmts := anonymousRead(b); read != ident.False {
				at := b.Policy.Src
				if at.Resource == "" {
					at.Resource = b.Ref
				}
				var sids []string
				if len(stmts) > 0 {
					at.Pos = stmts[0].Pos
					for _, st := range stmts {
						sids = append(sids, stmtName(st))
					}
				}
				scope := "the objects"
				if read == ident.Unknown {
					scope = "some objects (the granting statement is limited to certain keys or conditions)"
				}
				msg := fmt.Sprintf("anyone can read %s of %s straight from S3, bypassing CloudFront and anything enforced there: bucket policy statement %s allows s3:GetObject to anonymous requests, and Block Public Access does not stop it%s",
					scope, b.Ref, strings.Join(sids, ", "), unless(rpb, "RestrictPublicBuckets", b.PublicAccessBlock.RestrictPublicBuckets))
				fix := fmt.Sprintf("remove statement %s from the bucket policy (grant CloudFront's origin access control instead), then turn on all four Block Public Access settings of %s", strings.Join(sids, ", "), b.Ref)
				p.report(at, msg, fix, []model.Src{resourceSrc(b.Meta), srcOr(b.PublicAccessBlock.RestrictPublicBuckets, resourceSrc(b.Meta))})
			}
		}
		if ipa != ident.True {
			if publicACL(b.ACL) {
				at := srcOr(b.ACL.Canned, resourceSrc(b.Meta))
				p.report(at, fmt.Sprintf("the ACL of %s grants access to everyone (%s), and Block Public Access does not ignore it%s: anyone can list its objects straight from S3", b.Ref, b.ACL.Canned.V, unless(ipa, "IgnorePublicAcls", b.PublicAccessBlock.IgnorePublicACLs)),
					"set the bucket ACL to private (or disable ACLs with Object Ownership BucketOwnerEnforced) and turn on all four Block Public Access settings", nil)
			}
			for _, o := range b.Objects {
				if publicACL(o.ACL) {
					at := srcOr(o.ACL.Canned, o.Src)
					if at.Resource == "" {
						at.Resource = b.Ref
					}
					p.report(at, fmt.Sprintf("object %s of %s has a public ACL (%s), and Block Public Access does not ignore it%s: anyone can read it straight from S3", render(o.Key.V), b.Ref, o.ACL.Canned.V, unless(ipa, "IgnorePublicAcls", b.PublicAccessBlock.IgnorePublicACLs)),
						"upload objects without a public ACL and turn on IgnorePublicAcls (or disable ACLs with Object Ownership BucketOwnerEnforced)", []model.Src{resourceSrc(b.Meta)})
				}
			}
		}
	}
}

func stmtName(st *iam.Statement) string {
	if st.Sid != "" {
		return quote(st.Sid)
	}
	return fmt.Sprintf("#%d", st.Index+1)
}

func checkBPAIncomplete(p *pass) {
	for _, sv := range p.everyBucket() {
		b := sv.bucket
		acct := p.accountBPA(b.Meta)
		var off []string
		var at model.Src
		for _, s := range []struct {
			name          string
			bucket, accnt model.Value[bool]
		}{
			{"block_public_acls", b.PublicAccessBlock.BlockPublicACLs, acct.BlockPublicACLs},
			{"ignore_public_acls", b.PublicAccessBlock.IgnorePublicACLs, acct.IgnorePublicACLs},
			{"block_public_policy", b.PublicAccessBlock.BlockPublicPolicy, acct.BlockPublicPolicy},
			{"restrict_public_buckets", b.PublicAccessBlock.RestrictPublicBuckets, acct.RestrictPublicBuckets},
		} {
			switch bpaSetting(s.bucket, s.accnt) {
			case ident.False:
				off = append(off, s.name)
			case ident.Unknown:
				if !s.bucket.Known || !s.bucket.V {
					off = append(off, s.name+" (off at bucket level; account level not in the input)")
				}
			default:
				continue
			}
			if at.IsZero() {
				at = srcOr(s.bucket, resourceSrc(b.Meta))
			}
		}
		if len(off) == 0 {
			continue
		}
		served := "no distribution in the input reads it"
		if dists := distributionsOf(sv.paths); len(dists) > 0 {
			served = "it is served through CloudFront (" + distList(dists) + ")"
		}
		p.report(at, fmt.Sprintf("Block Public Access of %s is incomplete (%s): %s. A public policy or ACL added later would expose it directly", b.Ref, served, strings.Join(off, ", ")),
			"turn on all four Block Public Access settings for the bucket ("+sim.Spell(b.Ref, "aws_s3_bucket_public_access_block", "PublicAccessBlockConfiguration")+"): origin access control and OAI grants are not public and keep working", []model.Src{resourceSrc(b.Meta)})
	}
}

func distList(ds []*model.Distribution) string {
	var refs []string
	for _, d := range ds {
		refs = append(refs, d.Ref)
	}
	if len(refs) > 4 {
		return strings.Join(refs[:4], ", ") + fmt.Sprintf(" and %d more", len(refs)-4)
	}
	return strings.Join(refs, ", ")
}

func checkBPARejects(p *pass) {
	for _, b := range p.cfg.Buckets {
		acct := p.accountBPA(b.Meta)
		if b.Policy.HasDoc() && bpaSetting(b.PublicAccessBlock.BlockPublicPolicy, acct.BlockPublicPolicy) == ident.True {
			if pub, stmts := iam.Public(b.Policy.V); pub == ident.True {
				at := b.Policy.Src
				if at.Resource == "" {
					at.Resource = b.Ref
				}
				var names []string
				for _, st := range stmts {
					names = append(names, stmtName(st))
				}
				if len(stmts) > 0 {
					at.Pos = stmts[0].Pos
				}
				p.report(at, fmt.Sprintf("the bucket policy of %s is public (statement %s) and Block Public Access BlockPublicPolicy is on: S3 rejects PutBucketPolicy with 403 AccessDenied, so this policy can't be applied as written", b.Ref, strings.Join(names, ", ")),
					"restrict each public statement to fixed principals or fixed values of aws:SourceArn, aws:SourceAccount, aws:SourceVpce, aws:SourceIp...; for CloudFront grant the service principal cloudfront.amazonaws.com with AWS:SourceArn", []model.Src{srcOr(b.PublicAccessBlock.BlockPublicPolicy, resourceSrc(b.Meta))})
			}
		}
		if publicACL(b.ACL) && bpaSetting(b.PublicAccessBlock.BlockPublicACLs, acct.BlockPublicACLs) == ident.True {
			p.report(srcOr(b.ACL.Canned, resourceSrc(b.Meta)), fmt.Sprintf("the ACL of %s is public (%s) and Block Public Access BlockPublicAcls is on: S3 rejects PutBucketAcl", b.Ref, b.ACL.Canned.V),
				"use a private ACL, or disable ACLs with Object Ownership BucketOwnerEnforced", []model.Src{srcOr(b.PublicAccessBlock.BlockPublicACLs, resourceSrc(b.Meta))})
		}
	}
}

// isCloudFrontGrant reports whether an Allow statement grants the
// CloudFront service principal.
func isCloudFrontGrant(st *iam.Statement) bool {
	if st.Effect != iam.Allow || st.Principal == nil || st.Principal.Service == nil {
		return false
	}
	for _, s := range st.Principal.Service.Items {
		if strings.EqualFold(s, "cloudfront.amazonaws.com") {
			return true
		}
	}
	return false
}

// scopeConditions returns the statement's conditions on aws:SourceArn and
// aws:SourceAccount (any operator).
func scopeConditions(st *iam.Statement) (arn, account []*iam.Condition) {
	for _, c := range st.Conditions {
		switch strings.ToLower(c.Key) {
		case "aws:sourcearn":
			arn = append(arn, c)
		case "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths":
			account = append(account, c)
		}
	}
	return
}

// policies lists every bucket and key policy of the input with its owner.
type ownedPolicy struct {
	owner  string
	kind   string
	policy model.Policy
	at     model.Src
}

func (p *pass) resourcePolicies() []ownedPolicy {
	var out []ownedPolicy
	for _, b := range p.cfg.Buckets {
		if b.Policy.HasDoc() {
			at := b.Policy.Src
			if at.Resource == "" {
				at.Resource = b.Ref
			}
			out = append(out, ownedPolicy{owner: b.Ref, kind: "bucket policy", policy: b.Policy, at: at})
		}
	}
	for _, k := range p.cfg.Keys {
		if k.Policy.HasDoc() {
			at := k.Policy.Src
			if at.Resource == "" {
				at.Resource = k.Ref
			}
			out = append(out, ownedPolicy{owner: k.Ref, kind: "key policy", policy: k.Policy, at: at})
		}
	}
	return out
}

func checkGrantUnscoped(p *pass) {
	for _, op := range p.resourcePolicies() {
		for _, st := range op.policy.V.Statements {
			if !isCloudFrontGrant(st) {
				continue
			}
			arn, acct := scopeConditions(st)
			if len(arn) > 0 || len(acct) > 0 {
				continue
			}
			at := op.at
			at.Pos = st.Pos
			what := "read this bucket"
			if op.kind == "key policy" {
				what = "decrypt with this key"
			}
			sx := sim.SyntaxOf(op.owner, op.policy)
			where := "add to its Condition"
			if sx.Form == model.FormBlocks {
				where = "add this condition block to it"
			}
			p.report(at, fmt.Sprintf("statement %s of the %s of %s grants cloudfront.amazonaws.com without an AWS:SourceArn or AWS:SourceAccount condition: any CloudFront distribution, in any AWS account, can %s through its own origin access control", stmtName(st), op.kind, op.owner, what),
				fmt.Sprintf("name your distribution in statement %s, %s:\n%s", stmtName(st), where, sx.RenderCondition(sim.Cond{Op: "StringEquals", Key: "AWS:SourceArn", Values: p.readerARNs(op.owner)})), nil)
		}
	}
}

func checkGrantAccountWide(p *pass) {
	for _, op := range p.resourcePolicies() {
		for _, st := range op.policy.V.Statements {
			if !isCloudFrontGrant(st) {
				continue
			}
			arn, acct := scopeConditions(st)
			wide := false
			switch {
			case len(arn) == 0 && len(acct) > 0:
				wide = true
			default:
				for _, c := range arn {
					for _, v := range c.Values {
						if strings.Contains(v, "*") || strings.Contains(v, "?") {
							wide = true
						}
					}
				}
			}
			if !wide {
				continue
			}
			at := op.at
			at.Pos = st.Pos
			sx := sim.SyntaxOf(op.owner, op.policy)
			p.report(at, fmt.Sprintf("statement %s of the %s of %s admits every CloudFront distribution of an account, not one: any distribution created there later can read through it (the CDK writes key policies this way to avoid a dependency cycle)", stmtName(st), op.kind, op.owner),
				"name the distribution, with StringEquals: "+sx.RenderValue("AWS:SourceArn", p.readerARNs(op.owner))+" (in the CDK, add the statement after the distribution exists, e.g. with a custom resource or a second stack)", nil)
		}
	}
}

func checkBucketNotKMS(p *pass) {
	for _, sv := range p.everyBucket() {
		b := sv.bucket
		if !b.Encryption.Algorithm.Known || strings.HasPrefix(b.Encryption.Algorithm.V, "aws:kms") {
			continue
		}
		at := srcOr(b.Encryption.Algorithm, resourceSrc(b.Meta))
		var blockers []string
		var needGrant []*model.Distribution
		var needUpload []*model.Distribution
		seen := map[string]bool{}
		for _, path := range sv.paths {
			d := path.Distribution
			key := d.Ref + "|" + originLabel(path.Origin)
			if seen[key] {
				continue
			}
			seen[key] = true
			mode := accessMode(path)
			switch mode {
			case "oac":
				needGrant = append(needGrant, d)
				if path.Behavior != nil && allowsMethod(path.Behavior, "PUT") {
					needUpload = append(needUpload, d)
				}
			case "oai":
				blockers = append(blockers, fmt.Sprintf("%s reads it through a legacy origin access identity (origin %s): objects uploaded after the switch would fail with KMS.UnrecognizedClientException; migrate it to origin access control first", d.Ref, quote(originLabel(path.Origin))))
			case "website":
				blockers = append(blockers, fmt.Sprintf("%s reads its website endpoint (origin %s), which can't serve KMS-encrypted objects; move it to the REST endpoint with origin access control first", d.Ref, quote(originLabel(path.Origin))))
			case "unsigned", "never":
				blockers = append(blockers, fmt.Sprintf("%s reaches it unsigned (origin %s), which can't read KMS-encrypted objects; attach an origin access control that signs first", d.Ref, quote(originLabel(path.Origin))))
			default:
				blockers = append(blockers, fmt.Sprintf("%s (origin %s): its access mode could not be determined", d.Ref, quote(originLabel(path.Origin))))
			}
		}
		stmt := ""
		if len(needGrant) > 0 {
			stmt = sim.OACKeyStatement(b.Ref, b.Policy, needGrant[0])
			if len(needGrant) > 1 {
				stmt += fmt.Sprintf("\n(with AWS:SourceArn listing all %d distributions: %s)", len(needGrant), distList(uniqueDists(needGrant)))
			}
		}
		uploads := ""
		if len(needUpload) > 0 {
			uploads = fmt.Sprintf("; %s also upload through CloudFront, so the statement needs kms:GenerateDataKey* and kms:Encrypt too", distList(uniqueDists(needUpload)))
		}
		var msg, fix string
		switch {
		case len(sv.paths) == 0:
			msg = fmt.Sprintf("default encryption of %s is %s, not SSE-KMS with a customer managed key. No distribution in the input reads it, so switching is safe as far as CloudFront is concerned; whoever uploads into it then needs kms:GenerateDataKey on the key (and readers kms:Decrypt), in the key policy or their identity policies", b.Ref, b.Encryption.Algorithm.V)
			fix = "1. create a customer managed key in the bucket's region whose policy allows the bucket's writers kms:GenerateDataKey and its readers kms:Decrypt\n2. set it as the bucket's default encryption key with an S3 Bucket Key (" + encSetting(b) + ")\n3. re-encrypt existing objects by copying them in place, if they must be SSE-KMS too"
		case len(blockers) == 0:
			msg = fmt.Sprintf("default encryption of %s is %s, not SSE-KMS with a customer managed key. Switching now is safe for every distribution that reads it (%s %s origin access control), provided the new key's policy lets CloudFront decrypt for %s%s", b.Ref, b.Encryption.Algorithm.V, distList(uniqueDists(needGrant)), plural(len(uniqueDists(needGrant)), "uses", "use"), plural(len(uniqueDists(needGrant)), "it", "them"), uploads)
			fix = "1. create a customer managed key in the bucket's region with this key policy statement:\n" + stmt + "\n2. set it as the bucket's default encryption key with an S3 Bucket Key (" + encSetting(b) + ")\n3. re-encrypt existing objects by copying them in place, if they must be SSE-KMS too"
		default:
			msg = fmt.Sprintf("default encryption of %s is %s, not SSE-KMS with a customer managed key. Switching now is NOT safe: %s", b.Ref, b.Encryption.Algorithm.V, strings.Join(blockers, "; "))
			fix = "do these first: " + strings.Join(blockers, "; ") + "; then create a customer managed key whose policy lets each distribution's origin access control decrypt (kms:Decrypt for cloudfront.amazonaws.com with AWS:SourceArn), and only then switch default encryption to it"
		}
		p.report(at, msg, fix, []model.Src{resourceSrc(b.Meta)})
	}
}

func uniqueDists(ds []*model.Distribution) []*model.Distribution {
	seen := map[*model.Distribution]bool{}
	var out []*model.Distribution
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// accessMode reads a path's access mode from its origin: oac, oai,
// website, unsigned, never or "".
func accessMode(path *sim.Path) string {
	o := path.Origin
	if o == nil || !o.DomainName.Known {
		return ""
	}
	if model.ParseEndpoint(o.DomainName.V).Effective() == model.S3Website {
		return "website"
	}
	switch {
	case o.OAC.Known && o.OAC.V != "":
		for _, h := range path.Hops {
			if h.Name == "access" && strings.Contains(h.Detail, "signing behavior never") {
				return "never"
			}
		}
		return "oac"
	case o.OAI.Known && o.OAI.V != "":
		return "oai"
	case o.OAC.Known && o.OAI.Known:
		return "unsigned"
	}
	return ""
}

func allowsMethod(b *model.Behavior, m string) bool {
	if !b.AllowedMethods.Known {
		return false
	}
	for _, x := range b.AllowedMethods.V {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// sameKey reports whether two references (key ID, key ARN, alias) may
// name the same key: S3 reports an object's key by ARN while a bucket's
// default may name it by ID or alias, so both are resolved through the
// model's keys first.
func sameKey(p *pass, a, b string) bool {
	if ident.Equal(a, b) != ident.False {
		return true
	}
	if p.res == nil || p.res.Index == nil {
		return false
	}
	ka, fa := p.res.Index.Key(a)
	kb, fb := p.res.Index.Key(b)
	return fa == ident.True && fb == ident.True && ka == kb
}

func checkMixedEncryption(p *pass) {
	for _, b := range p.cfg.Buckets {
		if !b.Encryption.Algorithm.Known {
			continue
		}
		var differ []string
		var at model.Src
		for _, o := range b.Objects {
			e := o.Encryption
			if !e.Algorithm.Known || !o.Key.Known {
				continue
			}
			same := e.Algorithm.V == b.Encryption.Algorithm.V
			if same && strings.HasPrefix(e.Algorithm.V, "aws:kms") && e.KeyID.Known && b.Encryption.KeyID.Known {
				same = sameKey(p, e.KeyID.V, b.Encryption.KeyID.V)
			}
			if !same {
				differ = append(differ, fmt.Sprintf("%s (%s)", render(o.Key.V), e.Algorithm.V))
				if at.IsZero() {
					at = o.Src
				}
			}
		}
		if len(differ) == 0 {
			continue
		}
		if at.Resource == "" {
			at = resourceSrc(b.Meta)
		}
		p.report(at, fmt.Sprintf("objects of %s are encrypted differently from its default encryption (%s): %s. Changing the default never re-encrypts existing objects", b.Ref, b.Encryption.Algorithm.V, strings.Join(differ, ", ")),
			"re-encrypt the old objects by copying them in place with the bucket's default encryption (aws s3 cp s3://bucket/ s3://bucket/ --recursive with the desired --sse options), after checking every distribution can read the result", []model.Src{srcOr(b.Encryption.Algorithm, resourceSrc(b.Meta))})
	}
}

func checkBucketKey(p *pass) {
	for _, sv := range p.everyBucket() {
		b := sv.bucket
		e := b.Encryption
		if !e.Algorithm.Known || e.Algorithm.V != "aws:kms" || !e.KeyID.Known || e.KeyID.V == "" || !e.BucketKey.Known || e.BucketKey.V {
			continue
		}
		// 503 SlowDown on KMS throttling is CONFIRMED (observed,
		// SEMANTICS §14.20); CloudFront passing it on is derived.
		reads := "every object read or written costs a KMS call, which adds cost and counts against KMS request quotas; beyond the quota S3 will answer 503 SlowDown (\"Please reduce your request rate for operations involving AWS KMS\")"
		if len(sv.paths) > 0 {
			reads = "every object read through CloudFront costs a KMS Decrypt call, which adds cost and counts against KMS request quotas; beyond the quota S3 will answer 503 SlowDown (\"Please reduce your request rate for operations involving AWS KMS\"), which CloudFront passes on to viewers"
		}
		p.report(srcOr(e.BucketKey, srcOr(e.Algorithm, resourceSrc(b.Meta))), fmt.Sprintf("%s uses SSE-KMS without an S3 Bucket Key: %s", b.Ref, reads),
			"enable the S3 Bucket Key ("+sim.Spell(b.Ref, "bucket_key_enabled = true", "BucketKeyEnabled: true")+"); if the key policy conditions on kms:EncryptionContext:aws:s3:arn, allow the bucket ARN too (see bucket-key-context-mismatch)", nil)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// readerARNs spells, for a statement in the policy of owner (a bucket or a
// key), the ARNs of the distributions that read through it; a
// placeholder when none does.
func (p *pass) readerARNs(owner string) []string {
	var out []string
	seen := map[*model.Distribution]bool{}
	for _, sv := range p.servedBuckets() {
		b := sv.bucket
		uses := b.Ref == owner
		if !uses && b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
			if k, ok := p.res.Index.Key(b.Encryption.KeyID.V); ok == ident.True && k.Ref == owner {
				uses = true
			}
		}
		if !uses {
			continue
		}
		for _, d := range distributionsOf(sv.paths) {
			if !seen[d] {
				seen[d] = true
				out = append(out, sim.DistributionARNIn(d, owner))
			}
		}
	}
	if len(out) == 0 {
		return []string{"arn:aws:cloudfront::<account>:distribution/<ID>"}
	}
	return out
}

// encSetting spells SSE-KMS default encryption with a Bucket Key in the
// bucket's language.
func encSetting(b *model.Bucket) string {
	return sim.Spell(b.Ref, `sse_algorithm = "aws:kms", kms_master_key_id, bucket_key_enabled = true`, "BucketEncryption ServerSideEncryptionByDefault SSEAlgorithm: aws:kms, KMSMasterKeyID, BucketKeyEnabled: true")
}
