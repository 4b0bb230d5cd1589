package emulate

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
)

// denial is an S3 (or KMS) error answer with why the edge decided it.
type denial struct {
	status    int
	code, msg string
	// why says which setting or statement decided, in a sentence; rule is
	// the RULES.md ID that names the cause, when one does.
	why, rule string
}

func (d *denial) Error() string { return d.code + ": " + d.why }

func accessDenied(why, rule string) *denial {
	return &denial{status: 403, code: "AccessDenied", msg: "Access Denied", why: why, rule: rule}
}

// s3Check is one S3 authorization.
type s3Check struct {
	c        *caller
	b        *bucketConf
	action   string
	resource string
	keys     iam.Context
	// obj is the object read or changed, nil for bucket requests and new
	// objects; aclPerm the ACL permission that would also allow the
	// request (READ, WRITE, READ_ACP, WRITE_ACP), "" when ACLs can't.
	obj     *objectRec
	aclPerm string
}

// requestKeys are the condition keys every S3 request carries.
func requestKeys(c *caller, sourceIP string) iam.Context {
	k := iam.Context{}
	// The edge speaks HTTP on a loopback address; it stands for S3's
	// HTTPS endpoint, so requests count as secure.
	k.Set("aws:SecureTransport", "true")
	if sourceIP != "" {
		k.Set("aws:SourceIp", sourceIP)
	}
	switch c.Type {
	case iam.IAM:
		k.Set("aws:PrincipalArn", c.ARN)
		k.Set("aws:PrincipalAccount", c.Account)
		k.Set("aws:PrincipalIsAWSService", "false")
		k.Set("s3:authType", "REST-HEADER")
		k.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
	case iam.OAI:
		k.Set("aws:PrincipalArn", c.ARN)
		k.Set("aws:PrincipalIsAWSService", "false")
		k.Set("s3:authType", "REST-HEADER")
	case iam.Service:
		k.Set("aws:PrincipalIsAWSService", "true")
		k.Set("aws:PrincipalServiceName", c.ARN)
		k.Set("s3:authType", "REST-HEADER")
		k.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
	default:
		k.Set("aws:PrincipalIsAWSService", "false")
	}
	return k
}

// authorizeS3 decides an S3 request the way S3 does: an explicit deny in
// the bucket or identity policies refuses; otherwise the policies' Allow
// (the bucket policy's only for objects the bucket owner owns, and with
// Block Public Access RestrictPublicBuckets only for AWS service
// principals and the owner account when the policy is public), or an ACL
// grant while ACLs are enabled (IgnorePublicAcls ignores public grants).
func authorizeS3(q s3Check) *denial {
	b, c := q.b, q.c
	in := &iam.Input{Request: iam.Request{Principal: c.Principal, Action: q.action, Resource: q.resource, ResourceAccount: b.owner, Context: q.keys},
		ResourcePolicy: b.policy}
	if c.Type == iam.IAM {
		in.IdentityPolicies = c.policies
	}
	res := iam.Evaluate(in)
	if res.Decision == iam.ExplicitDeny {
		return accessDenied(fmt.Sprintf("%s for %s: %s", q.action, c.label(), reasonText(res, iam.StatementDenies)), denyRule(res))
	}
	allowed := res.Decision == iam.Allowed
	why := fmt.Sprintf("no policy allows %s for %s", q.action, c.label())
	if allowed && b.policy != nil && b.bpa(restrictPublicBuckets) && c.Type != iam.Service && (c.Type != iam.IAM || c.Account != b.owner) {
		if pub, _ := iam.Public(b.policy); pub == ident.True {
			allowed = false
			why = "the bucket policy is public and Block Public Access RestrictPublicBuckets is on: only AWS service principals and the owner account's principals get in"
		}
	}
	if allowed && q.obj != nil && q.obj.owner != b.owner {
		// The bucket policy's Allow does not reach another account's
		// object [S3-403]; the owner account's own identity policies do.
		own := *in
		own.ResourcePolicy = nil
		own.Request.ResourceAccount = q.obj.owner
		if c.Type != iam.IAM || iam.Evaluate(&own).Decision != iam.Allowed {
			allowed = false
			why = fmt.Sprintf("the object is owned by account %s, not the bucket owner %s: bucket policy Allows apply only to objects the bucket owner owns, and no object ACL grants %s",
				q.obj.owner, b.owner, c.label())
		}
	}
	if !allowed && q.aclPerm != "" && !b.aclsDisabled() {
		owner := b.owner
		a := b.acl
		if q.obj != nil {
			owner, a = q.obj.owner, q.obj.acl
		}
		if aclAllows(a.expand(CanonicalUserID(owner), CanonicalUserID(b.owner)), c, q.aclPerm, b.bpa(ignorePublicACLs)) {
			if c.Type != iam.IAM {
				return nil
			}
			// An IAM principal also needs its own account's permission.
			own := *in
			own.ResourcePolicy = nil
			own.Request.ResourceAccount = c.Account
			if iam.Evaluate(&own).Decision == iam.Allowed {
				return nil
			}
		}
	}
	if !allowed {
		rule := ""
		if q.obj != nil && q.obj.owner != b.owner {
			rule = "foreign-object-owner"
		} else if c.Type == iam.Service || c.Type == iam.OAI {
			rule = "bucket-policy-denies-origin"
		}
		return accessDenied(why, rule)
	}
	return nil
}

// aclAllows reports whether grants give the caller perm.
func aclAllows(grants []aclGrant, c *caller, perm string, ignorePublic bool) bool {
	for _, g := range grants {
		if g.perm != perm && g.perm != "FULL_CONTROL" {
			continue
		}
		switch {
		case g.uri == allUsersURI:
			if !ignorePublic {
				return true
			}
		case g.uri == authUsersURI:
			if !ignorePublic && c.Type == iam.IAM {
				return true
			}
		case g.id != "" && g.id == c.CanonicalUser:
			return true
		}
	}
	return false
}

// reasonText joins the messages of the reasons of a kind.
func reasonText(r iam.Result, kind iam.ReasonKind) string {
	var parts []string
	for _, rs := range r.Reasons {
		if rs.Kind == kind {
			parts = append(parts, rs.Message)
		}
	}
	if len(parts) == 0 {
		return r.Decision.String()
	}
	return strings.Join(parts, "; ")
}

// denyRule names the rule of an explicit deny by its condition keys.
func denyRule(r iam.Result) string {
	for _, rs := range r.Reasons {
		if rs.Kind != iam.StatementDenies || rs.Statement == nil {
			continue
		}
		for _, c := range rs.Statement.Conditions {
			k := strings.ToLower(c.Key)
			switch {
			case strings.HasPrefix(k, "s3:x-amz-server-side-encryption"):
				return "deny-unencrypted-blocks-upload"
			case k == "aws:principalorgid" || k == "aws:sourcevpce" || k == "aws:sourceip" || k == "aws:sourcevpc" || k == "aws:principalaccount":
				return "perimeter-deny-blocks-cloudfront"
			}
		}
	}
	return ""
}
