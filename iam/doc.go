// Package iam parses AWS policy documents and evaluates authorization
// requests against them the way AWS does: explicit deny first, then
// resource control policies, service control policies, resource-based and
// identity-based policies, permissions boundaries and session policies, with
// the rule that a KMS key policy or a role trust policy must allow (or
// delegate to the account).
//
// Every decision comes with its reasons: the statements that decided it,
// with their positions, and for a deny, what would have to change.
// Strings may hold [github.com/s3front/s3front/ident] symbols, which makes
// comparisons three-valued and lets a decision be [Unknown] instead of a
// guess.
//
// # Documents
//
// [Parse] reads JSON; [FromNode] takes a positioned tree built by another
// loader (HCL, YAML). Both validate the document as AWS does when it is
// stored and return [*Error] values (or [Errors]) positioned at the
// element at fault, in AWS's words where AWS has words. A [Policy] is
// compiled once, at construction, and is immutable and safe for
// concurrent use.
//
// # Evaluation
//
// [Evaluate] decides an [Input]:
//
//  0. sts:GetCallerIdentity from any IAM principal, and
//     sts:GetSessionToken from an IAM user or the account root user, are
//     allowed without reading any policy: AWS answers them even under an
//     explicit deny (STS API reference). A role session calling
//     sts:GetSessionToken is refused whatever its policies say.
//  1. A Deny that applies in any policy that takes part decides
//     [ExplicitDeny].
//  2. Every resource control policy level must allow; AWS attaches
//     RCPFullAWSAccess at every level, so only RCP denies can refuse. RCPs
//     don't apply to AWS managed keys ([Input.AWSManagedResource]) or
//     service-linked roles ([Input.ServiceLinkedRole]).
//  3. Every service control policy level must allow. SCPs apply to IAM
//     principals only, never to service principals, origin access
//     identities or anonymous requests.
//  4. Every VPC endpoint policy must allow.
//  5. Within one account, an identity policy Allow (capped by permissions
//     boundaries and the session policy) or a resource policy Allow
//     suffices. A resource policy naming a user or a role session grants
//     directly; naming the role, it is capped by boundaries and session
//     policies; naming the account, it only delegates to the account's
//     identity policies. A KMS key policy ([Input.KeyPolicy]) and a role
//     trust policy ([Input.TrustPolicy], [Trust]) are the exceptions: they
//     must allow by themselves or delegate to the account, so an identity
//     policy alone allows nothing. A trust policy's grant to a user is
//     still capped by the user's permissions boundary, and the account
//     root user can't call sts:AssumeRole.
//  6. Across accounts both the identity side and the resource policy must
//     allow.
//  7. Service principals, origin access identities and anonymous callers
//     have no identity policies: the resource policy alone decides.
//
// The account root user has full access in its own account, except where
// a key policy, a trust policy or an explicit deny says otherwise.
//
// Which requests a key policy or a trust policy governs follows the
// resource: a KMS key ARN ([GovernedByKeyPolicy]; not an alias, not "*"
// as in kms:ListKeys or kms:CreateKey) and an sts: action on a role ARN
// ([GovernedByTrustPolicy]). [DecodeInput] and the CLI use them as
// defaults.
//
// # Unknown values
//
// When a symbol leaves a comparison open, statements may apply; the
// decision is [Unknown] only if that could change whether the request is
// allowed. A Deny that certainly applies still decides [ExplicitDeny],
// and a request that no Allow can reach is [ImplicitDeny] even if a Deny
// may also apply.
//
// # Speed
//
// Actions are split and lower-cased, resource patterns classified,
// condition operators resolved and their values parsed when a policy is
// built. Evaluating a typical CloudFront bucket-policy or key-policy
// decision takes about 2 µs and allocates only the reasons it returns
// (see BENCHMARKS.md).
package iam
