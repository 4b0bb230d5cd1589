package model

// Key is a KMS key.
type Key struct {
	Meta
	// ID is the key ID, usually an ident.KeyID symbol before deployment.
	ID Value[string] `json:"id"`
	// ARN is arn:<partition>:kms:<region>:<account>:key/<id>.
	ARN Value[string] `json:"arn"`
	// Aliases are alias names (alias/...).
	Aliases []Value[string] `json:"aliases,omitempty"`
	// Manager is CUSTOMER or AWS.
	Manager Value[string] `json:"manager"`
	// State is Enabled, Disabled, PendingDeletion, PendingImport,
	// Unavailable, Creating, Updating or PendingReplicaDeletion.
	State Value[string] `json:"state"`
	// Policy is the key policy; a key created without one gets AWS's
	// default key policy (Default is set).
	Policy Policy `json:"policy"`
	// Spec is the key spec (SYMMETRIC_DEFAULT for keys S3 can use).
	Spec        Value[string] `json:"spec"`
	Rotation    Value[bool]   `json:"rotation"`
	MultiRegion Value[bool]   `json:"multi_region"`
	Grants      []*KeyGrant   `json:"grants,omitempty"`
}

// KeyGrant is a KMS grant.
type KeyGrant struct {
	Ref string `json:"ref"`
	// Grantee is the grantee principal (ARN or service principal).
	Grantee    Value[string]   `json:"grantee"`
	Operations Value[[]string] `json:"operations"`
	// EncryptionContext constraints: subset (EncryptionContextSubset) or
	// equals (EncryptionContextEquals); nil when unconstrained.
	ContextSubset Value[map[string]string] `json:"context_subset"`
	ContextEquals Value[map[string]string] `json:"context_equals"`
	Src           Src                      `json:"src"`
}
