package iam

import (
	"strings"

	"github.com/s3front/s3front/ident"
)

// GovernedByKeyPolicy reports whether resource is the ARN of a KMS key
// (arn:PARTITION:kms:REGION:ACCOUNT:key/ID), whose every use its key
// policy must allow ([Input.KeyPolicy]). Other KMS requests are
// authorized by IAM policies alone: kms:CreateKey, kms:ListKeys and
// kms:ListAliases on "*", and the alias half of kms:CreateAlias,
// kms:UpdateAlias and kms:DeleteAlias on an alias ARN (the KMS API
// reference lists their required permissions as "(IAM policy)"; the key
// half of an alias operation is a request on the key's ARN).
//
// [DecodeInput] and `s3front policy simulate` default [Input.KeyPolicy]
// to it.
func GovernedByKeyPolicy(resource string) bool {
	parts := strings.SplitN(resource, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == "kms" &&
		strings.HasPrefix(parts[5], "key/") && len(parts[5]) > len("key/")
}

// ARNAccount returns the account an ARN names
// (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), or "" when its account
// field is empty (S3 bucket and object ARNs) or not a 12-digit account.
// [DecodeInput] and `s3front policy simulate` take it as the resource's
// account when the input does not give one, so a request for a role or a
// key of another account is decided as cross-account.
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && isAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// GovernedByTrustPolicy reports whether a request for action on resource
// is decided by the trust policy of an IAM role ([Input.TrustPolicy]):
// an sts: action (sts:AssumeRole, sts:AssumeRoleWithSAML,
// sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity)
// on a role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME). Other actions on
// a role (iam:PassRole, iam:GetRole) are authorized by identity policies
// alone.
//
// [DecodeInput] and `s3front policy simulate` default
// [Input.TrustPolicy] to it.
func GovernedByTrustPolicy(action, resource string) bool {
	if len(action) < 4 || !equalFoldASCII(action[:4], "sts:") {
		return false
	}
	a, ok := parseIAMARN(resource)
	return ok && a.kind == pkRole
}

// Two STS actions are answered without authorizing them:
//
//   - sts:GetCallerIdentity: "No permissions are required to perform this
//     operation. If an administrator attaches a policy to your identity
//     that explicitly denies access to the sts:GetCallerIdentity action,
//     you can still perform this operation" (STS API reference,
//     GetCallerIdentity). Any IAM principal may call it.
//   - sts:GetSessionToken: "No permissions are required for users to
//     perform this operation ... You cannot use policies to control
//     authentication operations"; it "must be called by using the
//     long-term AWS security credentials of the AWS account or an IAM
//     user" (STS API reference, GetSessionToken), so a role session or
//     federated user is refused whatever its policies say.
//
// The references name identity policies; that session policies,
// permissions boundaries, SCPs and VPC endpoint policies can't deny them
// either follows from "no permissions are required" (derived).
// Anonymous and service callers go through ordinary evaluation (STS
// refuses unsigned requests before any policy is read), as does an
// action that holds an [ident] symbol.
const (
	getCallerIdentity = "sts:GetCallerIdentity"
	getSessionToken   = "sts:GetSessionToken"
)

// unauthorized decides a request AWS answers without reading policies,
// and reports whether it is one.
func (e *evaluator) unauthorized() (Result, bool) {
	p := &e.rc.p
	if p.typ != IAM || e.v.actSym {
		return Result{}, false
	}
	act := ident.Render(e.in.Request.Action)
	switch {
	case equalFoldASCII(e.v.action, getCallerIdentity):
		return Result{Decision: Allowed, Reasons: []Reason{{Kind: NeedsNoPermission, Level: -1,
			Message: act + " needs no permission: AWS answers it for every authenticated caller, even when a policy denies it explicitly (STS API reference, GetCallerIdentity); no policy was evaluated"}}}, true
	case equalFoldASCII(e.v.action, getSessionToken):
		if p.kind == pkUser || p.kind == pkAccount {
			return Result{Decision: Allowed, Reasons: []Reason{{Kind: NeedsNoPermission, Level: -1,
				Message: act + " needs no permission: it authenticates an IAM user or the account root user, and policies can't control it (STS API reference, GetSessionToken); no policy was evaluated"}}}, true
		}
		return Result{Decision: ImplicitDeny, Reasons: []Reason{{Kind: NoAllow, PolicyKind: Identity, Level: -1,
			Message: act + " must be called with the long-term credentials of an IAM user or the account root user, and " + ident.Render(p.arn) + " is " + withArticle(principalKindText(p.kind)) + " (STS API reference, GetSessionToken)",
			Fix:     "call it with an IAM user's access key; temporary credentials can't call " + act}}}, true
	}
	return Result{}, false
}

func principalKindText(k prinKind) string {
	switch k {
	case pkSession:
		return "assumed-role session"
	case pkFederatedUser:
		return "federated user session"
	case pkRole:
		return "role"
	}
	return "principal"
}
