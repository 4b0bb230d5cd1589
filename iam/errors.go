package iam

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// Error codes, in AWS's vocabulary.
const (
	// CodeMalformedPolicyDocument is what IAM, STS, KMS and Organizations
	// answer for a policy they refuse (S3 says MalformedPolicy).
	CodeMalformedPolicyDocument = "MalformedPolicyDocument"
	// CodeSyntax marks a document that is not JSON at all.
	CodeSyntax = "SyntaxError"
	// CodeInput marks a problem with a simulation input file (see [DecodeInput])
	// rather than with a policy in it.
	CodeInput = "InvalidInput"
)

// Error is a problem with a policy document or a simulation input, at a
// position. Msg uses AWS's own words where AWS has words for the problem
// (for example "Has prohibited field Principal" or "Invalid principal in
// policy"), followed by what exactly was found; Hint says what to change.
type Error struct {
	Pos  source.Pos
	Code string
	Msg  string
	Hint string
}

// Error renders the error as "file:line:col: message", with the hint on a
// second line starting with "hint: " when there is one.
func (e *Error) Error() string {
	s := e.Msg
	if p := e.Pos.String(); p != "" {
		s = p + ": " + s
	}
	if e.Hint != "" {
		s += "\nhint: " + e.Hint
	}
	return s
}

// Errors is every problem found in one document, in document order.
// [Parse], [FromNode] and [DecodeInput] return it (never empty) when a
// document has more than one problem.
type Errors []*Error

// Error renders each error on its own line(s).
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for [errors.As] and [errors.Is].
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// errList collects errors while a document is validated.
type errList struct {
	errs Errors
}

func (l *errList) add(pos source.Pos, msg, hint string) {
	l.errs = append(l.errs, &Error{Pos: pos, Code: CodeMalformedPolicyDocument, Msg: msg, Hint: hint})
}

// err returns nil, the single error, or all of them.
func (l *errList) err() error {
	switch len(l.errs) {
	case 0:
		return nil
	case 1:
		return l.errs[0]
	}
	return l.errs
}
