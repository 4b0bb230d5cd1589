package iam

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// PrincipalType is the kind of caller of a request.
type PrincipalType uint8

// Principal types.
const (
	// Anonymous is an unauthenticated request.
	Anonymous PrincipalType = iota
	// IAM is an IAM user, role session, federated session or account root:
	// identity policies, boundaries, session policies and SCPs apply.
	IAM
	// Service is an AWS service principal acting directly, such as
	// cloudfront.amazonaws.com for origin access control. Only resource
	// policies (and RCPs) decide; SCPs do not apply to it.
	Service
	// OAI is a CloudFront origin access identity: a principal outside every
	// customer account, granted by bucket policies through its IAM-style
	// ARN or its S3 canonical user ID. It has no identity policies.
	OAI
)

// String names the principal type in words, e.g. "service principal".
func (t PrincipalType) String() string {
	switch t {
	case Anonymous:
		return "anonymous"
	case IAM:
		return "IAM principal"
	case Service:
		return "service principal"
	case OAI:
		return "origin access identity"
	}
	return "principal"
}

// Principal is the caller of a request.
type Principal struct {
	Type PrincipalType
	// ARN of an IAM or OAI principal; the service name of a Service
	// principal ("cloudfront.amazonaws.com"); empty when anonymous.
	ARN string
	// Account is the 12-digit account of an IAM principal.
	Account string
	// CanonicalUser is the S3 canonical user ID, when the principal has
	// one (an OAI, an account root).
	CanonicalUser string
}

// Context holds the condition keys of a request. Keys are stored in lower
// case because AWS compares condition key names case-insensitively; use
// [Context.Set] and [Context.Get], which fold for you. Multivalued keys
// (aws:TagKeys) hold several values; a key that is present with no values
// is an empty set.
type Context map[string][]string

// Set stores values under key.
func (c Context) Set(key string, values ...string) { c[foldKey(key)] = values }

// Get returns the values of key and whether it is present.
func (c Context) Get(key string) ([]string, bool) {
	v, ok := c[foldKey(key)]
	return v, ok
}

// Request is one API call to authorize.
type Request struct {
	Principal Principal
	// Action is service:Operation, e.g. "s3:GetObject".
	Action string
	// Resource is the ARN the action applies to.
	Resource string
	// ResourceAccount owns the resource; empty when unknown.
	ResourceAccount string
	Context         Context
}

// Input is everything that takes part in one authorization decision.
// Strings anywhere in it may hold [ident] symbols; comparisons involving
// them are three-valued and can make the decision [Unknown].
type Input struct {
	Request Request
	// IdentityPolicies of the calling IAM principal.
	IdentityPolicies []*Policy
	// ResourcePolicy of the resource, nil when it has none.
	ResourcePolicy *Policy
	// KeyPolicy says ResourcePolicy is a KMS key policy: then it must allow
	// the request itself, or delegate to the caller's account (allow the
	// account principal) so that identity policies can, even within one
	// account (see [GovernedByKeyPolicy] for the requests it governs).
	KeyPolicy bool
	// TrustPolicy says ResourcePolicy is the trust policy of the role the
	// request assumes (it is also taken as one when its Kind is [Trust]).
	// Like a key policy it must allow the caller itself or delegate to the
	// caller's account, even within one account ("IAM role trust policies
	// and KMS key policies are exceptions", IAM User Guide, policy
	// evaluation logic; STS API reference, AssumeRole). A grant naming an
	// IAM user is still capped by the user's permissions boundary (IAM
	// User Guide, "Update a role trust policy"), and the account root user
	// can't call sts:AssumeRole at all (STS API reference, AssumeRole).
	// See [GovernedByTrustPolicy] for the requests it governs.
	TrustPolicy          bool
	PermissionBoundaries []*Policy
	SessionPolicy        *Policy
	EndpointPolicies     []*Policy
	// SCPs and RCPs list the organization levels from the root to the
	// account; every level must allow. nil means no organization.
	SCPs [][]*Policy
	RCPs [][]*Policy
	// AWSManagedResource says the resource is an AWS managed KMS key
	// (aws/s3 and the like): resource control policies don't apply to it.
	AWSManagedResource bool
	// ServiceLinkedRole says the principal is a service-linked role:
	// neither SCPs nor RCPs apply to its calls.
	ServiceLinkedRole bool
}

// Decision is the outcome of an authorization.
type Decision uint8

// Decisions.
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
	// Unknown means the outcome depends on a value the input does not fix
	// (an [ident] symbol such as an unset variable).
	Unknown
)

// String returns "allow", "implicit-deny", "explicit-deny" or "unknown".
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allow"
	case ImplicitDeny:
		return "implicit-deny"
	case ExplicitDeny:
		return "explicit-deny"
	}
	return "unknown"
}

// ReasonKind classifies a [Reason].
type ReasonKind uint8

// Reason kinds.
const (
	// StatementAllows: an Allow statement applies to the request.
	StatementAllows ReasonKind = iota
	// StatementDenies: a Deny statement applies to the request.
	StatementDenies
	// NoAllow: a policy, or an organization level, that must allow has no
	// applicable Allow statement.
	NoAllow
	// MaybeApplies: a statement applies or not depending on an unknown value.
	MaybeApplies
	// NeedsNoPermission: AWS answers the request without authorizing it
	// (sts:GetCallerIdentity, sts:GetSessionToken), so no policy took
	// part.
	NeedsNoPermission
)

// Reason is one fact that decided, or helps explain, a decision.
type Reason struct {
	Kind ReasonKind
	// Policy is the Name of the policy, PolicyKind its kind, Level its
	// index among the organization levels (-1 for other policies).
	Policy     string
	PolicyKind Kind
	Level      int
	// Statement is nil for NoAllow reasons about a whole policy.
	Statement *Statement
	Pos       source.Pos
	// Message says it in a sentence; Fix, for a deny, says what would have
	// to change for the request to be allowed.
	Message string
	Fix     string
}

// Result is a decision with its reasons.
type Result struct {
	Decision Decision
	Reasons  []Reason
}

// Match is how one statement compares with a request, element by element.
// [Explain] returns one per statement of every policy it considered.
type Match struct {
	Policy     string
	PolicyKind Kind
	Level      int
	Statement  *Statement
	Principal  ident.Tri
	Action     ident.Tri
	Resource   ident.Tri
	Conditions []ConditionMatch
	// Applies is the conjunction of all the above.
	Applies ident.Tri
}

// ConditionMatch is the result of one condition of a statement.
type ConditionMatch struct {
	Condition *Condition
	Result    ident.Tri
	// Values are the request's values for the key; Present says whether the
	// request has the key at all.
	Values  []string
	Present bool
}

// String names the reason kind as it appears in JSON output:
// "statement-allows", "statement-denies", "no-allow", "maybe-applies" or
// "needs-no-permission".
func (k ReasonKind) String() string {
	switch k {
	case StatementAllows:
		return "statement-allows"
	case StatementDenies:
		return "statement-denies"
	case NoAllow:
		return "no-allow"
	case MaybeApplies:
		return "maybe-applies"
	case NeedsNoPermission:
		return "needs-no-permission"
	}
	return "reason"
}

// MarshalText renders the decision as [Decision.String] does, so that
// decisions encode as "allow", "implicit-deny", "explicit-deny" or
// "unknown" in JSON.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// ParseDecision reads a decision written as [Decision.String] writes it.
func ParseDecision(s string) (Decision, bool) {
	for _, d := range []Decision{Allowed, ImplicitDeny, ExplicitDeny, Unknown} {
		if d.String() == s {
			return d, true
		}
	}
	return 0, false
}
