package sim

import (
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// ChangeKind is what a [Change] does to a policy.
type ChangeKind string

// Kinds of change.
const (
	// AddStatement adds New to the policy.
	AddStatement ChangeKind = "add-statement"
	// SetConditionValues replaces the values of Condition in Statement
	// with Values.
	SetConditionValues ChangeKind = "set-condition-values"
	// SetActions replaces the actions of Statement with Actions.
	SetActions ChangeKind = "set-actions"
	// AddCondition adds Cond to Statement.
	AddCondition ChangeKind = "add-condition"
)

// Change is one change to a policy that a fix proposes: the structured
// form of what [Cause].Fix says in words. `s3front fix` writes it into
// the user's files, in the syntax the policy is written in.
type Change struct {
	Kind ChangeKind
	// Holder is the resource whose policy changes (a bucket or key, for
	// the language its values are spelled in); Policy is that policy.
	Holder string
	Policy model.Policy
	// Statement and Condition are the statement and condition changed.
	Statement *iam.Statement
	Condition *iam.Condition
	// Values are the new values of Condition; Actions the statement's
	// whole new action list.
	Values  []string
	Actions []string
	// New is the statement to add; Cond the condition to add.
	New  Statement
	Cond Cond
}

// DenyUnencryptedChange is [DenyUnencryptedFix] as a change: a Null
// condition on the encryption header added to the Deny st of b's policy.
func DenyUnencryptedChange(b *model.Bucket, st *iam.Statement) *Change {
	if st == nil || !b.Policy.HasDoc() || !holds(b.Policy.V, st) {
		return nil
	}
	key := "s3:x-amz-server-side-encryption"
	for _, c := range st.Conditions {
		if strings.HasPrefix(strings.ToLower(c.Key), key) {
			key = c.Key
			break
		}
	}
	return &Change{Kind: AddCondition, Holder: b.Ref, Policy: b.Policy, Statement: st,
		Cond: Cond{Op: "Null", Key: key, Values: []string{"false"}}}
}

// perimeterChange is [simulator.perimeterFix] as a change to the policy
// holding the Deny (the bucket's, or its key's).
func (s *simulator) perimeterChange(oc *originCtx, c *Cause) *Change {
	b := oc.bucket
	if b == nil || c.Statement == nil {
		return nil
	}
	cond := Cond{Op: "Bool", Key: "aws:PrincipalIsAWSService", Values: []string{"false"}}
	if b.Policy.HasDoc() && holds(b.Policy.V, c.Statement) {
		return &Change{Kind: AddCondition, Holder: b.Ref, Policy: b.Policy, Statement: c.Statement, Cond: cond}
	}
	if b.Encryption.KeyID.Known {
		if k, ok := s.ix.Key(b.Encryption.KeyID.V); ok == ident.True && k.Policy.HasDoc() && holds(k.Policy.V, c.Statement) {
			return &Change{Kind: AddCondition, Holder: k.Ref, Policy: k.Policy, Statement: c.Statement, Cond: cond}
		}
	}
	return nil
}
