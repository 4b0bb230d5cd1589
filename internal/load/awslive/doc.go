// Package awslive reads a live AWS estate into the model, read-only: the
// CloudFront distributions of each account with their origin access
// identities and controls, cache and origin request policies; for every
// bucket a distribution reads, its Region, policy, default encryption,
// Object Ownership, Block Public Access (bucket and account), ACL, website
// and Requester Pays settings and a sample of its objects; every KMS key
// those buckets and objects use; and the organization's SCPs and RCPs when
// the caller may read them.
//
// # Locations
//
// Every value is located by the ARN of the resource it was read from and a
// JSON pointer into the API document that holds it (source.Pos File is the
// ARN, Pointer the pointer): a bucket's default encryption algorithm is
// arn:aws:s3:::site#/Encryption/Rules/0/ApplyServerSideEncryptionByDefault/SSEAlgorithm,
// a statement of its policy arn:aws:s3:::site#/Policy/Statement/0.
//
// # Failures
//
// A call that is denied, throttled beyond the SDK's adaptive retries, times
// out or cannot reach its endpoint never stops the scan: the values it would
// have read become unknown, naming the call and the IAM permission it needs,
// and the model gets an [model.Unresolved] entry (rule unresolved-input).
// Only a failure to establish credentials at all is an error.
//
// # Budget
//
// Listing calls are paginated; per origin bucket the reader makes at most
// eight calls ([BucketCalls]) plus its object sample (one listing page per
// 1,000 keys read, up to [Options.ListPages], then one HEAD per sampled
// object and, unless ACLs are disabled, one GetObjectAcl), at most three
// per KMS key, and none per distribution beyond ListDistributions. Calls
// run with bounded concurrency; accounts and Regions are read in parallel.
// [Stats] counts calls per service and operation.
package awslive
