package sim

import (
	"fmt"
	"github.com/s3front/s3front/iam"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// describe completes a cause with its message, fix and related resources,
// in terms of the path it broke.
func (s *simulator) describe(p *Path, oc *originCtx, c *Cause) {
	d, b := oc.d, oc.bucket
	dist := d.Ref
	origin := originName(oc.o)
	failure := Response(p.Status, p.ErrorCode, p.Expected, p.Basis)
	if p.Status == 0 {
		failure = "a deployment error"
	}
	bucketName := "(unknown bucket)"
	if b != nil {
		bucketName = b.Ref
	}
	which := "every object"
	if p.When == NextUpload {
		which = "every object uploaded from now on"
		if p.Uploader != "" {
			which = "every object " + ident.Render(p.Uploader) + " uploads"
		}
	}
	keyText := func() string {
		if b == nil {
			return ""
		}
		if b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
			if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True {
				return k.Ref
			}
			return ident.Render(b.Encryption.KeyID.V)
		}
		return "aws/s3"
	}
	c.Related = append(c.Related, s.related(oc, c)...)

	switch c.Rule {
	case "oai-sse-kms":
		c.At = originSrc(d, oc.o)
		c.Message = fmt.Sprintf("origin %s of %s reads %s through a legacy origin access identity, and its objects are encrypted with SSE-KMS (%s): %s fails with %s. S3 cannot call KMS for an OAI, so no key policy change can fix it", origin, dist, bucketName, keyText(), which, failure)
		if p.When == NextUpload {
			c.Message += "; objects uploaded before the switch to SSE-KMS keep working until they are replaced"
		}
		c.Fix = fmt.Sprintf("migrate the origin to origin access control, in this order:\n1. create an origin access control (origin type s3, signing behavior always, protocol sigv4)\n2. %s\n3. %s\n4. attach the origin access control to origin %s and remove the origin access identity; deploy\n5. once the distribution is deployed, remove the OAI statement from the bucket policy and delete the OAI",
			s.bucketGrant(d, b, p.Key, ", next to the OAI statement").text, s.keyGrant(d, b, p.Key, "", kmsOps(false, false)).text, origin)
	case "oac-key-policy-missing":
		k := keyText()
		c.Message = fmt.Sprintf("the key policy of %s does not allow cloudfront.amazonaws.com to decrypt for %s: %s (encrypted with this key) fails through origin %s (%s)", k, dist, which, origin, failure)
		if c.Statement != nil {
			c.Message = fmt.Sprintf("statement %s of the key policy of %s denies CloudFront's requests for %s: %s encrypted with it fails (%s)", stmtLabel(c), k, dist, which, failure)
		}
		kg := s.keyGrant(d, b, p.Key, " (the AWS:SourceArn condition keeps other distributions out)", kmsOps(false, false))
		c.Fix = kg.text
		c.propose(kg)
	case "aws-managed-key":
		c.Message = fmt.Sprintf("%s encrypts new objects with the AWS managed key aws/s3, whose key policy admits only principals of its own account calling through S3 and cannot be changed: %s fails through %s (%s)", bucketName, which, dist, failure)
		c.Fix = fmt.Sprintf("create a customer managed key in the bucket's region, add to its key policy:\n%s\nset it as the default encryption key of %s (%s), then re-encrypt the objects already written with aws/s3 (copy them in place)", OACKeyStatement(b.Ref, b.Policy, d), bucketName, Spell(b.Ref, "kms_master_key_id", "KMSMasterKeyID"))
	case "bucket-policy-denies-origin":
		c.Message, c.Fix = s.bucketDenies(p, oc, c, failure)
	case "source-arn-mismatch":
		c.Message, c.Fix = s.sourceArnMismatch(p, oc, c, failure)
	case "oac-signing-disabled":
		c.Message = fmt.Sprintf("origin access control %s of %s has signing behavior %s: CloudFront does not sign, so S3 sees anonymous requests and the private bucket %s refuses them (%s)", oc.oac.Ref, dist, oc.oac.SigningBehavior.V, bucketName, failure)
		c.Fix = "set the origin access control's signing behavior to always (" + Spell(oc.oac.Ref, `signing_behavior = "always"`, "SigningBehavior: always") + ")"
	case "website-endpoint-origin":
		c.Message = fmt.Sprintf("origin %s of %s points at the S3 website endpoint of %s: website endpoints are custom origins, so CloudFront never signs (an attached OAC or OAI is ignored), the bucket would have to be public, and KMS-encrypted objects can't be served; with the bucket private, %s fails (%s)", origin, dist, bucketName, which, failure)
		bg := s.bucketGrant(d, b, p.Key, "")
		c.Fix = fmt.Sprintf("point the origin at the bucket's REST endpoint (%s), configure it as an S3 origin with origin access control, and grant it: %s\nIf you used the website endpoint for index documents in subfolders, add a CloudFront Function on viewer requests that appends index.html", regionalDomainText(b), bg.text)
		c.propose(bg)
	case "foreign-object-owner":
		if p.Uploader != "" {
			c.Message = fmt.Sprintf("%s uploads into %s, whose Object Ownership is %s: the uploading account owns those objects, and the bucket policy's grant to %s's origin applies only to objects the bucket owner owns, so %s fails (%s)", ident.Render(p.Uploader), bucketName, b.Ownership.V, dist, which, failure)
		} else {
			c.Message = fmt.Sprintf("object %s of %s is owned by %s, not by the bucket owner, and the bucket's Object Ownership is %s: the bucket policy's grant to %s's origin applies only to objects the bucket owner owns, so a viewer GET of %s fails (%s)", p.Key, bucketName, objectOwner(b, p.Key), b.Ownership.V, dist, p.URLPath, failure)
		}
		c.Fix = "set Object Ownership to BucketOwnerEnforced (" + Spell(b.Ref, "aws_s3_bucket_ownership_controls rule { object_ownership = \"BucketOwnerEnforced\" }", "OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}") + "), which makes the bucket owner own every object; objects written before the change stay owned by the uploader, so copy them in place as the bucket owner afterwards"
	case "kms-key-unusable":
		c.Message = fmt.Sprintf("%s: %s fails through %s (%s)", lastFailDetail(p), which, dist, failure)
		c.Fix = "use an enabled, symmetric customer managed key in the bucket's region as the default encryption key: enable the key, or cancel its deletion (aws kms cancel-key-deletion), or create a key in the bucket's region"
	case "oac-upload-denied":
		c.Message, c.Fix = s.uploadDenied(p, oc, c, failure)
	case "deny-unencrypted-blocks-upload":
		c.Message = fmt.Sprintf("statement %s of the bucket policy of %s denies s3:PutObject unless the request carries x-amz-server-side-encryption; CloudFront adds no such header and S3 does not fill it from the bucket's default encryption (%s), so every upload through %s is denied (%s), although default encryption would have encrypted it", stmtLabel(c), bucketName, b.Encryption.Algorithm.V, dist, failure)
		c.Fix = DenyUnencryptedFix(s.ix, b, c.Statement)
		if ch := DenyUnencryptedChange(b, c.Statement); ch != nil {
			c.Changes = append(c.Changes, *ch)
		}
	case "bucket-key-context-mismatch":
		c.Message = fmt.Sprintf("statement %s of the key policy of %s allows the key only when kms:EncryptionContext:aws:s3:arn matches %s, but %s uses an S3 Bucket Key, so the encryption context of objects uploaded from now on is the bucket ARN: they fail through %s (%s)", stmtLabel(c), keyText(), strings.Join(c.Values, ", "), bucketName, dist, failure)
		c.Fix = fmt.Sprintf("add the bucket ARN (%s) to the condition's values, or condition on the bucket ARN instead of object ARNs", BucketARNText(b))
	case "requester-pays-origin":
		c.Message = fmt.Sprintf("%s has Requester Pays enabled: S3 refuses requests without x-amz-request-payer, which CloudFront does not add, so %s fails through %s (%s)", bucketName, which, dist, failure)
		c.Fix = "turn Requester Pays off for a bucket served through CloudFront (aws_s3_bucket_request_payment_configuration payer = \"BucketOwner\")"
	case "s3-origin-unsigned":
		c.Message = fmt.Sprintf("origin %s of %s has neither an origin access control nor an origin access identity: S3 sees anonymous requests, which the bucket %s refuses (%s); SSE-KMS objects could never be served this way", origin, dist, bucketName, failure)
		bg := s.bucketGrant(d, b, p.Key, "")
		c.Fix = fmt.Sprintf("create an origin access control (signing behavior always), attach it to origin %s, and grant it: %s", origin, bg.text)
		c.propose(bg)
	case "perimeter-deny-blocks-cloudfront":
		c.Message = fmt.Sprintf("statement %s denies requests outside a data perimeter (%s) and does not exempt AWS service principals: CloudFront's origin requests for %s carry none of those keys, so the Deny applies and %s fails (%s)", stmtLabel(c), conditionKeys(c), dist, which, failure)
		c.Fix = s.perimeterFix(oc, c)
		if ch := s.perimeterChange(oc, c); ch != nil {
			c.Changes = append(c.Changes, *ch)
		}
	case "host-header-forwarded", "origin-domain-invalid":
		// set where detected
	}
}

func stmtLabel(c *Cause) string {
	if c.Statement == nil {
		return "(unnamed)"
	}
	if c.Statement.Sid != "" {
		return quote(c.Statement.Sid)
	}
	return fmt.Sprintf("#%d", c.Statement.Index+1)
}

func conditionKeys(c *Cause) string {
	if c.Statement == nil {
		return "conditions"
	}
	var keys []string
	for _, cd := range c.Statement.Conditions {
		keys = append(keys, cd.Operator+" "+cd.Key)
	}
	return strings.Join(keys, ", ")
}

func regionalDomainText(b *model.Bucket) string {
	if b == nil {
		return "<bucket>.s3.<region>.amazonaws.com"
	}
	if styleOf(b.Ref) == styleTerraform {
		return b.Ref + ".bucket_regional_domain_name"
	}
	if styleOf(b.Ref) == styleCFN {
		return "!GetAtt " + b.Ref + ".RegionalDomainName"
	}
	return model.BucketRegionalDomain("aws", ident.Render(b.Name.V), ident.Render(b.Region.V))
}

func lastFailDetail(p *Path) string {
	for i := len(p.Hops) - 1; i >= 0; i-- {
		if p.Hops[i].Result == Fail {
			return p.Hops[i].Detail
		}
	}
	return "the request fails"
}

// related lists the other resources of a broken chain.
func (s *simulator) related(oc *originCtx, c *Cause) []model.Src {
	var out []model.Src
	add := func(src model.Src) {
		if src.IsZero() || src.Resource == c.At.Resource {
			return
		}
		for _, x := range out {
			if x.Resource == src.Resource {
				return
			}
		}
		out = append(out, src)
	}
	add(distSrc(oc.d))
	if oc.oac != nil {
		add(oc.oac.Src)
	}
	if oc.oai != nil {
		add(oc.oai.Src)
	}
	if b := oc.bucket; b != nil {
		add(b.Src)
		if b.Policy.Known && b.Policy.V != nil {
			add(b.Policy.Src)
		}
		switch c.Rule {
		case "oai-sse-kms", "aws-managed-key", "oac-key-policy-missing", "kms-key-unusable", "oac-upload-denied", "bucket-key-context-mismatch":
			add(b.Encryption.Algorithm.Src)
			if b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
				if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True {
					add(k.Src)
					add(k.Policy.Src)
				}
			}
		case "foreign-object-owner":
			add(b.Ownership.Src)
		}
	}
	return out
}

func (s *simulator) bucketDenies(p *Path, oc *originCtx, c *Cause, failure string) (string, string) {
	d, b := oc.d, oc.bucket
	who := principalLabel(oc.principal)
	if oc.mode == modeOAC {
		who = "cloudfront.amazonaws.com for " + d.Ref
	}
	if c.Statement != nil {
		return fmt.Sprintf("statement %s of the bucket policy of %s denies s3:GetObject for %s: every request through origin %s fails (%s)", stmtLabel(c), b.Ref, who, originName(oc.o), failure),
			"narrow the Deny so it does not match the distribution's origin requests, e.g. exempt them with a condition on aws:SourceArn (OAC) or aws:PrincipalArn (OAI)"
	}
	var grant proposal
	if oc.mode == modeOAI {
		in := &iam.Input{Request: iam.Request{Principal: oc.principal, Action: "s3:GetObject",
			Resource: model.ObjectARN(partitionOf(d.ARN.V), b.Name.V, p.Key), ResourceAccount: b.Account.V, Context: s.requestContext(oc, true)}}
		grant = s.propose(bucketTarget(b), "", OAIBucketGrant(OAIARNText(oc.oai, oc.o.OAI.V, b.Ref), b), []*iam.Input{in})
	} else {
		grant = s.bucketGrant(d, b, p.Key, "")
	}
	why := "no statement of the bucket policy allows s3:GetObject for " + who
	if !b.Policy.Known || b.Policy.V == nil {
		why = b.Ref + " has no bucket policy, so nothing allows s3:GetObject for " + who
	}
	if oc.mode == modeOAI && b.Policy.HasDoc() {
		for _, st := range b.Policy.V.Statements {
			if st.Principal != nil && st.Principal.AWS != nil {
				for _, it := range st.Principal.AWS.Items {
					if strings.Contains(it, "CloudFront Origin Access Identity") && ident.Equal(it, oc.principal.ARN) != ident.True {
						why = fmt.Sprintf("the bucket policy grants %s, but origin %s uses %s", ident.Render(it), originName(oc.o), ident.Render(oc.principal.ARN))
					}
				}
			}
		}
	}
	c.propose(grant)
	return fmt.Sprintf("%s: every request through origin %s of %s fails (%s)", why, originName(oc.o), d.Ref, failure), grant.text
}

func (s *simulator) sourceArnMismatch(p *Path, oc *originCtx, c *Cause, failure string) (string, string) {
	d := oc.d
	policyOf := "the bucket policy of " + oc.bucket.Ref
	if c.At.Resource != "" && c.At.Resource != oc.bucket.Ref && !strings.Contains(c.At.Resource, "bucket_policy") && !strings.Contains(c.At.Resource, "BucketPolicy") {
		policyOf = "the policy of " + c.At.Resource
	}
	var named []string
	for _, v := range c.Values {
		desc := quote(ident.Render(v))
		if other := s.distributionByARN(v); other != nil && other != d {
			desc += " (distribution " + other.Ref + ")"
		} else if id := arnResourceID(v); id != "" && strings.HasPrefix(id, "d") && !ident.Has(id) {
			desc += " (" + quote(id) + " looks like the prefix of a cloudfront.net domain name; distribution IDs start with E)"
		} else if !strings.HasPrefix(v, "arn:") {
			desc += " (not an ARN)"
		}
		named = append(named, desc)
	}
	msg := fmt.Sprintf("statement %s of %s grants cloudfront.amazonaws.com only for AWS:SourceArn %s, not %s (%s): %s fails through origin %s (%s)",
		stmtLabel(c), policyOf, strings.Join(named, ", "), d.Ref, ident.Render(d.ARN.V), "every request", originName(oc.o), failure)
	fix := fmt.Sprintf("set AWS:SourceArn in statement %s to this distribution's ARN, %s (if several distributions read the bucket, list each ARN)", stmtLabel(c), DistributionARNText(d))
	b := oc.bucket
	var pr proposal
	switch {
	case b.Policy.HasDoc() && c.Statement != nil && holds(b.Policy.V, c.Statement):
		pr = s.bucketGrant(d, b, p.Key, "")
	default:
		pr = s.keyGrant(d, b, p.Key, "", kmsOps(p.Scenario == ViewerPut, b.Encryption.BucketKey.Known && b.Encryption.BucketKey.V))
	}
	if pr.needed {
		fix = pr.text
		c.propose(pr)
	}
	return msg, fix
}

// distributionByARN finds the distribution whose ARN is certainly v.
func (s *simulator) distributionByARN(v string) *model.Distribution {
	if !ident.Has(v) {
		return s.ix.distByARN[v]
	}
	for _, d := range s.cfg.Distributions {
		if d.ARN.Known && ident.Equal(d.ARN.V, v) == ident.True {
			return d
		}
	}
	return nil
}

// arnResourceID returns the part after the last / of an ARN.
func arnResourceID(arn string) string {
	m, unmask := ident.Mask(arn)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		return unmask(m[i+1:])
	}
	return ""
}

func (s *simulator) uploadDenied(p *Path, oc *originCtx, c *Cause, failure string) (string, string) {
	d, b := oc.d, oc.bucket
	verb, method, action := "uploads", "PUT", "s3:PutObject"
	if p.Scenario == ViewerDelete {
		verb, method, action = "deletes", "DELETE", "s3:DeleteObject"
	}
	if oc.mode == modeOAI {
		return fmt.Sprintf("cache behavior %s of %s allows %s, but origin %s uses a legacy origin access identity, which can't carry %s to S3 (%s)", quote(patternOf(oc.b)), d.Ref, method, originName(oc.o), verb, failure),
			"migrate the origin to origin access control (signing behavior always) and allow it: " + s.bucketGrant(d, b, p.Key, "", "s3:GetObject", action).text
	}
	if p.Hops[len(p.Hops)-1].Name == "kms" {
		k := "the default encryption key"
		if b.Encryption.KeyID.Known {
			if key, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True {
				k = key.Ref
			}
		}
		ops := "kms:GenerateDataKey"
		bucketKey := b.Encryption.BucketKey.Known && b.Encryption.BucketKey.V
		if bucketKey {
			ops += " (and kms:Decrypt, which S3 Bucket Keys need)"
		}
		kg := s.keyGrant(d, b, p.Key, "", kmsOps(true, bucketKey), "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*")
		c.propose(kg)
		return fmt.Sprintf("cache behavior %s of %s allows uploads, but the key policy of %s does not allow cloudfront.amazonaws.com %s for it: every upload through %s fails (%s)", quote(patternOf(oc.b)), d.Ref, k, ops, d.Ref, failure),
			kg.text
	}
	bg := s.bucketGrant(d, b, p.Key, "", "s3:GetObject", action)
	c.propose(bg)
	return fmt.Sprintf("cache behavior %s of %s allows %s, but the bucket policy of %s does not allow %s for cloudfront.amazonaws.com from %s: every such request fails (%s)", quote(patternOf(oc.b)), d.Ref, method, b.Ref, action, d.Ref, failure),
		bg.text + "\n(or remove the method from the behavior's allowed methods if viewers should not " + strings.TrimSuffix(verb, "s") + ")"
}

// objectOwner names the owner of the existing object key of b, as the
// input states it.
func objectOwner(b *model.Bucket, key string) string {
	for _, o := range b.Objects {
		if o.Key.Known && o.Key.V == key && o.Owner.Known {
			return "account " + ident.Render(o.Owner.V)
		}
	}
	return "another account"
}
