package iam

import "github.com/s3front/s3front/source"

// Kind says where a policy is attached, which decides what it may contain
// (a resource policy needs a Principal, an identity policy must not have
// one) and how it takes part in a decision.
type Kind uint8

// Policy kinds.
const (
	// Resource is a resource-based policy: an S3 bucket policy, a KMS key
	// policy, an SQS queue policy. (A role's trust policy is [Trust].)
	Resource Kind = iota
	// Identity is an identity-based policy of an IAM user, group or role.
	Identity
	// Boundary is a permissions boundary.
	Boundary
	// Session is a session policy passed to AssumeRole or GetFederationToken.
	Session
	// SCP is an AWS Organizations service control policy.
	SCP
	// RCP is an AWS Organizations resource control policy.
	RCP
	// Endpoint is a VPC endpoint policy.
	Endpoint
	// Trust is an IAM role trust policy: the resource-based policy of a
	// role, which says who may assume it (sts:AssumeRole and the like).
	// Its statements name a Principal and have no Resource element.
	Trust
)

// String names the kind in words, e.g. "resource policy".
func (k Kind) String() string {
	switch k {
	case Resource:
		return "resource policy"
	case Identity:
		return "identity policy"
	case Boundary:
		return "permissions boundary"
	case Session:
		return "session policy"
	case SCP:
		return "service control policy"
	case RCP:
		return "resource control policy"
	case Endpoint:
		return "VPC endpoint policy"
	case Trust:
		return "role trust policy"
	}
	return "policy"
}

// Effect is Allow or Deny.
type Effect uint8

// Statement effects.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "?"
}

// Policy is a validated policy document. Build one with [Parse] or
// [FromNode]; both validate the document the way AWS does and keep the
// position of every element, so that decisions and errors can point at the
// statement, element or value that caused them.
//
// A Policy is immutable after construction and safe for concurrent use.
type Policy struct {
	// Name identifies the policy in explanations, e.g. the Terraform
	// address or ARN of the resource that holds it.
	Name string
	Kind Kind
	// Version is "2012-10-17", "2008-10-17", or "" when the element is
	// absent (which AWS treats like 2008-10-17: no policy variables).
	Version    string
	VersionPos source.Pos
	ID         string
	Statements []*Statement
	// Pos is the position of the document (its opening brace).
	Pos source.Pos

	compiled *compiledPolicy
}

// Statement is one statement of a policy.
type Statement struct {
	// Index is the statement's position in the policy, from 0.
	Index  int
	Sid    string
	Effect Effect
	// Exactly one of Principal and NotPrincipal is set in resource-based
	// policies; neither in the others.
	Principal    *Principals
	NotPrincipal *Principals
	// Exactly one of Action and NotAction is set.
	Action    *Values
	NotAction *Values
	// Exactly one of Resource and NotResource is set, except in role
	// trust policies, which have neither.
	Resource    *Values
	NotResource *Values
	Conditions  []*Condition
	Pos         source.Pos
}

// Values is a policy element that holds one string or an array of strings.
type Values struct {
	Items []string
	// Pos holds one position per item.
	Pos []source.Pos
	// At is the position of the element's key.
	At source.Pos
}

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// Wildcard is true for "Principal": "*" (and for {"AWS": "*"}).
	Wildcard bool
	// By type: "AWS", "Service", "Federated", "CanonicalUser".
	AWS           *Values
	Service       *Values
	Federated     *Values
	CanonicalUser *Values
	At            source.Pos
}

// Condition is one operator-key pair of a Condition block with its values.
type Condition struct {
	// Operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key as written, e.g. "AWS:SourceArn". Keys compare case-insensitively.
	Key    string
	Values []string
	// ValuePos holds one position per value.
	ValuePos []source.Pos
	Pos      source.Pos
}
