package model

// Bucket is an S3 general purpose bucket.
type Bucket struct {
	Meta
	// Name may be an ident.BucketName symbol when AWS or the provider
	// chooses it.
	Name Value[string] `json:"name"`
	// Policy is the bucket policy; known with a nil document when there
	// is none.
	Policy            Policy            `json:"policy"`
	PublicAccessBlock PublicAccessBlock `json:"public_access_block"`
	// Ownership is BucketOwnerEnforced, BucketOwnerPreferred or
	// ObjectWriter.
	Ownership Value[string] `json:"ownership"`
	ACL       ACL           `json:"acl"`
	// Encryption is the default encryption of new objects.
	Encryption Encryption `json:"encryption"`
	// Website is true when static website hosting is configured.
	Website       Value[bool] `json:"website"`
	RequesterPays Value[bool] `json:"requester_pays"`
	// Versioning is Enabled, Suspended or "" (never enabled).
	Versioning Value[string] `json:"versioning"`
	ObjectLock Value[bool]   `json:"object_lock"`
	// Objects are objects the input declares (aws_s3_object) or a live
	// scan sampled.
	Objects []*Object `json:"objects,omitempty"`
}

// PublicAccessBlock is the four Block Public Access settings.
type PublicAccessBlock struct {
	BlockPublicACLs       Value[bool] `json:"block_public_acls"`
	IgnorePublicACLs      Value[bool] `json:"ignore_public_acls"`
	BlockPublicPolicy     Value[bool] `json:"block_public_policy"`
	RestrictPublicBuckets Value[bool] `json:"restrict_public_buckets"`
}

// ACL is a bucket or object access control list.
type ACL struct {
	// Canned is a canned ACL (private, public-read, ...), "" when the
	// grants are explicit.
	Canned Value[string] `json:"canned"`
	Grants []Grant       `json:"grants,omitempty"`
}

// Grant is one ACL grant.
type Grant struct {
	// Grantee is a canonical user ID, an account ID or a group URI
	// (http://acs.amazonaws.com/groups/global/AllUsers).
	Grantee    Value[string] `json:"grantee"`
	Permission Value[string] `json:"permission"`
	Src        Src           `json:"src"`
}

// Encryption is a default or per-object encryption setting.
type Encryption struct {
	// Algorithm is AES256, aws:kms or aws:kms:dsse.
	Algorithm Value[string] `json:"algorithm"`
	// KeyID identifies the KMS key as written: a key ARN, key ID, alias
	// name or alias ARN. "" with an aws:kms algorithm means the AWS
	// managed key aws/s3.
	KeyID Value[string] `json:"key_id"`
	// BucketKey is whether an S3 Bucket Key is used.
	BucketKey Value[bool] `json:"bucket_key"`
}

// Object is one object of a bucket.
type Object struct {
	Key        Value[string] `json:"key"`
	Encryption Encryption    `json:"encryption"`
	// Owner is the account (or canonical user) that owns the object.
	Owner Value[string] `json:"owner"`
	ACL   ACL           `json:"acl"`
	Src   Src           `json:"src"`
}

// Writer is a principal that uploads into a bucket, with what it sends.
type Writer struct {
	// Ref identifies the writer in output (a role ARN, a pipeline name).
	Ref string `json:"ref"`
	// Bucket is the Ref of the bucket written to.
	Bucket string `json:"bucket"`
	// Principal is the writer's ARN (role, user, account root).
	Principal Value[string] `json:"principal"`
	Account   Value[string] `json:"account"`
	// ACL is the canned ACL the writer sends, "" for none.
	ACL Value[string] `json:"acl"`
	// Encryption is what the writer asks for in its PutObject headers
	// (unknown: it sends none and the bucket default applies).
	Encryption Encryption `json:"encryption"`
	Src        Src        `json:"src"`
}
