package model

import (
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/source"
)

// Src says where a value was defined: the resource that holds it
// (Terraform address, CloudFormation logical ID or ARN) and the position of
// the attribute, block or JSON node.
type Src struct {
	Resource string `json:"resource,omitempty"`
	source.Pos
}

// IsZero reports whether s names neither a resource nor a position.
func (s Src) IsZero() bool { return s.Resource == "" && s.Pos.IsZero() }

// Value is one setting of a resource with its provenance.
//
// A value is either known (Known is true; V holds it, Src says where it was
// written or, with Default, which resource AWS applied its documented
// default to) or unknown (Missing names the input that would decide it).
// An unknown value is never replaced by a guess. Strings may contain
// [github.com/s3front/s3front/ident] symbols: those are known identities
// (the ID of that distribution), not unknown values.
type Value[T any] struct {
	V     T
	Known bool
	Src   Src
	// Default is true when the input did not set the value and V is the
	// default AWS documents for it (e.g. Object Ownership of a bucket
	// created after April 2023). Default values are Known.
	Default bool
	// Missing says, for an unknown value, which input would decide it:
	// `variable "key_arn" has no value`, `data source data.aws_s3_bucket.x
	// is not evaluated offline`.
	Missing string
}

// Known returns a known value.
func Known[T any](v T, src Src) Value[T] { return Value[T]{V: v, Known: true, Src: src} }

// Defaulted returns AWS's documented default for a setting the input
// left out; src is the resource the default applies to.
func Defaulted[T any](v T, src Src) Value[T] {
	return Value[T]{V: v, Known: true, Src: src, Default: true}
}

// Unknown returns a value the input does not decide; missing names the
// input that would.
func Unknown[T any](src Src, missing string) Value[T] {
	return Value[T]{Src: src, Missing: missing}
}

// Is reports whether the value is known and equal to v.
func (v Value[T]) Is(want T) bool {
	if !v.Known {
		return false
	}
	return any(v.V) == any(want)
}

// Policy is a policy document attached to a resource (a bucket policy, a
// key policy, an organization policy).
//
// Known with a nil Doc and a nil Err means the resource has no policy.
// Err is set when a document was written but AWS would reject it
// (`MalformedPolicyDocument`); the rule policy-invalid reports it and the
// simulation treats the policy as unknown.
type Policy struct {
	Value[*iam.Policy]
	Err error
	// Form is how the document is written in the input, so that a fix
	// proposes statements the way the user writes them; for a resource
	// without a policy, how a new one would be written there. Empty when
	// the input doesn't say (a literal ARN, a live resource).
	Form PolicyForm
	// WrittenIn names the resource whose text holds the document when it
	// is not the policy's own resource (e.g. the policy document data
	// source a bucket policy reads).
	WrittenIn string
}

// PolicyForm is the syntax a policy document is written in.
type PolicyForm string

// Policy forms.
const (
	// FormJSON is JSON text (a heredoc, a file, a string) or, in a JSON
	// template, a JSON object.
	FormJSON PolicyForm = "json"
	// FormYAML is a YAML mapping (a YAML template).
	FormYAML PolicyForm = "yaml"
	// FormObject is an object expression of the configuration language
	// that the language turns into JSON (Terraform's jsonencode).
	FormObject PolicyForm = "object"
	// FormBlocks is statement blocks of a policy document data source
	// (Terraform's aws_iam_policy_document).
	FormBlocks PolicyForm = "blocks"
)

// NoPolicy is a known absence of a policy on the resource at src.
func NoPolicy(src Src) Policy { return Policy{Value: Known[*iam.Policy](nil, src)} }

// HasDoc reports whether a valid document is known.
func (p Policy) HasDoc() bool { return p.Known && p.V != nil && p.Err == nil }
