package emulate

import (
	"context"
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
)

// keyInfo is a KMS key as S3 uses it for SSE-KMS.
type keyInfo struct {
	arn, id, account, region string
	state, manager           string
	policy                   *iam.Policy
}

// arnField returns field i (0-based, colon-separated) of an ARN, "" when
// s is not an ARN.
func arnField(s string, i int) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) <= i {
		return ""
	}
	return parts[i]
}

// isManagedS3Alias reports whether a key reference names the AWS managed
// key for S3 (or no key at all, which means it).
func isManagedS3Alias(ref string) bool {
	return ref == "" || ref == "alias/aws/s3" || ref == "aws/s3" || strings.HasSuffix(ref, ":alias/aws/s3")
}

// key reads a KMS key by ID, ARN, alias name or alias ARN, in region
// unless the reference is an ARN. found is false when KMS does not know it.
func (f *front) key(ctx context.Context, ref, region string) (k *keyInfo, found bool, err error) {
	if r := arnField(ref, 3); r != "" {
		region = r
	}
	var desc struct {
		KeyMetadata struct {
			Arn, KeyId, AWSAccountId, KeyState, KeyManager string
		}
	}
	if err := f.be.kmsCall(ctx, region, "DescribeKey", map[string]string{"KeyId": ref}, &desc); err != nil {
		if isKMSNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	m := desc.KeyMetadata
	k = &keyInfo{arn: m.Arn, id: m.KeyId, account: m.AWSAccountId, region: arnField(m.Arn, 3), state: m.KeyState, manager: m.KeyManager}
	var pol struct{ Policy string }
	if err := f.be.kmsCall(ctx, region, "GetKeyPolicy", map[string]string{"KeyId": m.KeyId, "PolicyName": "default"}, &pol); err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(pol.Policy) != "" {
		p, perr := iam.Parse(k.arn+"#/Policy", []byte(pol.Policy), iam.Resource)
		if perr != nil {
			return nil, false, fmt.Errorf("key policy of %s: %w", k.arn, perr)
		}
		k.policy = p
	}
	return k, true, nil
}

// kmsUse is one use S3 makes of a KMS key on behalf of a caller.
type kmsUse struct {
	c      *caller
	b      *bucketConf
	keyRef string
	// managedAccount is the account whose aws/s3 key encrypts (reads of
	// an object recorded so, or uploads without a customer key).
	managedAccount string
	objectARN      string
	bucketKey      bool
	upload         bool
	// context holds the request's condition keys (aws:SourceArn for
	// CloudFront).
	context iam.Context
}

// kmsForS3 decides whether S3 can use the key for the caller: nil when it
// can, the error S3 answers otherwise.
func (f *front) kmsForS3(ctx context.Context, u kmsUse) (*denial, error) {
	c := u.c
	if c.Type == iam.Anonymous || c.Type == iam.OAI {
		// S3 cannot call KMS for a caller KMS does not know [AWSLABS-831]
		// [CARIM]; the status is UNCONFIRMED, 400 as S3 relays other KMS
		// errors (SEMANTICS §13.2).
		who, rule := "an anonymous request", "s3-origin-unsigned"
		if c.Type == iam.OAI {
			who, rule = "an origin access identity", "oai-sse-kms"
		}
		return &denial{status: 400, code: "KMS.UnrecognizedClientException", msg: "No account found for the given parameters", rule: rule,
			why: "the object is SSE-KMS: S3 must call KMS for " + who + ", which KMS does not recognise; no key policy can change this"}, nil
	}
	ops := []string{"kms:Decrypt"}
	if u.upload {
		ops = []string{"kms:GenerateDataKey"}
		if u.bucketKey {
			ops = append(ops, "kms:Decrypt")
		}
	}
	managed := u.managedAccount
	ref := u.keyRef
	if managed == "" && isManagedS3Alias(ref) {
		managed = c.Account
		if c.Type == iam.Service {
			managed = u.b.owner
		}
	}
	if managed == "" && strings.HasPrefix(ref, "alias/") && c.Type == iam.IAM && c.Account != f.account {
		// An alias resolves in the caller's account [S3-BUCKETENC]; the
		// edge's keys all live in its own account.
		return &denial{status: 400, code: "KMS.NotFoundException", msg: fmt.Sprintf("Alias arn:aws:kms:%s:%s:%s is not found.", u.b.region, c.Account, ref),
			why: "the key is named by alias " + ref + ", which KMS resolves in the caller's account " + c.Account}, nil
	}
	var k *keyInfo
	if managed == "" {
		var found bool
		var err error
		k, found, err = f.key(ctx, ref, u.b.region)
		if err != nil {
			return nil, err
		}
		if !found {
			return &denial{status: 400, code: "KMS.NotFoundException", msg: fmt.Sprintf("Invalid keyId '%s'", ref), rule: "kms-key-unusable",
				why: "KMS key " + ref + " does not exist"}, nil
		}
		if k.manager == "AWS" {
			managed = k.account
		}
	}
	if managed != "" {
		// The AWS managed key's policy admits only principals of its own
		// account calling through S3 [WIDDIX-713] [S3-403].
		if c.Type == iam.IAM && c.Account == managed {
			return nil, nil
		}
		return &denial{status: 403, code: "AccessDenied", msg: "Access Denied", rule: "aws-managed-key",
			why: "the object is encrypted with the AWS managed key aws/s3 of account " + managed + ", which only that account's principals can use"}, nil
	}
	switch k.state {
	case "Enabled":
	case "Disabled":
		return &denial{status: 400, code: "KMS.DisabledException", msg: k.arn + " is disabled.", rule: "kms-key-unusable", why: "the key is disabled"}, nil
	case "PendingDeletion":
		return &denial{status: 400, code: "KMS.KMSInvalidStateException", msg: k.arn + " is pending deletion.", rule: "kms-key-unusable", why: "the key is pending deletion"}, nil
	default:
		return &denial{status: 400, code: "KMS.KMSInvalidStateException", msg: k.arn + " is " + strings.ToLower(k.state) + ".", rule: "kms-key-unusable", why: "the key is in state " + k.state}, nil
	}
	if k.region != u.b.region {
		return &denial{status: 400, code: "KMS.NotFoundException", msg: "Invalid arn " + k.region, rule: "kms-key-unusable",
			why: "the key is in " + k.region + " but the bucket is in " + u.b.region}, nil
	}
	kctx := iam.Context{}
	for key, v := range u.context {
		kctx[key] = v
	}
	ctxARN := u.objectARN
	if u.bucketKey {
		ctxARN = "arn:aws:s3:::" + u.b.name
	}
	kctx.Set("kms:EncryptionContext:aws:s3:arn", ctxARN)
	kctx.Set("kms:EncryptionContextKeys", "aws:s3:arn")
	if c.Type == iam.IAM {
		kctx.Set("kms:ViaService", "s3."+u.b.region+".amazonaws.com")
		kctx.Set("kms:CallerAccount", c.Account)
	}
	for _, op := range ops {
		in := &iam.Input{Request: iam.Request{Principal: c.Principal, Action: op, Resource: k.arn, ResourceAccount: k.account, Context: kctx},
			ResourcePolicy: k.policy, KeyPolicy: true}
		if c.Type == iam.IAM {
			in.IdentityPolicies = c.policies
		}
		res := iam.Evaluate(in)
		if res.Decision == iam.Allowed {
			continue
		}
		d := &denial{status: 403, code: "AccessDenied", msg: "Access Denied",
			why: fmt.Sprintf("the key policy of %s does not allow %s for %s (%s)", k.arn, op, c.label(), res.Decision)}
		switch {
		case c.Type == iam.Service && u.upload:
			d.rule = "oac-upload-denied"
		case c.Type == iam.Service:
			d.rule = "oac-key-policy-missing"
		default:
			d.msg = fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action", c.ARN, op, k.arn, op)
		}
		return d, nil
	}
	return nil, nil
}
