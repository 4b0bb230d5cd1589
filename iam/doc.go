// Package iam parses AWS policy documents and evaluates authorization
// requests against them the way AWS does: explicit deny first, then
// resource control policies, service control policies, resource-based and
// identity-based policies, permissions boundaries and session policies, with
// the KMS rule that a key policy must allow (or delegate to the account).
//
// Every decision comes with its reasons: the statements that decided it,
// with their positions, and for a deny, what would have to change.
// Strings may hold [github.com/s3front/s3front/ident] symbols, which makes
// comparisons three-valued and lets a decision be [Unknown] instead of a
// guess.
package iam
