// Package model is the one graph every input format becomes: accounts,
// CloudFront distributions with their origins and behaviors, origin access
// identities and controls, S3 buckets with their policies, ownership, Block
// Public Access and encryption, declared objects, KMS keys and writers.
// Rules and the simulator read only this package; they never see a file
// format.
//
// # Values and provenance
//
// Every setting is a [Value]: known or unknown, with the [Src] it came
// from (resource and file:line:col, or ARN and JSON pointer). Unknown is a
// value, never a silent default: Missing names the input that would decide
// it. Where the input leaves a setting out and AWS documents what it does,
// the value is known and marked Default (see [NewBucket], [NewKey]).
//
// # Identities
//
// References between resources are kept as identities, not as loader
// links. A distribution's ARN is composed with [DistributionARN] from its
// account and ID; before deployment those are
// [github.com/s3front/s3front/ident] symbols, so "the bucket policy's
// AWS:SourceArn names this distribution" is decided by comparing the
// strings three-valuedly: equal, different, or unknown. Loaders follow
// these conventions so that every format yields the same identities:
//
//   - A resource's computed ID is ident.New(kind, Ref+".id"), with kind
//     DistributionID, OAIID, OACID, KeyID; an OAI's canonical user is
//     ident.New(CanonicalUser, Ref+".s3_canonical_user_id"); a bucket
//     whose name the input does not set is ident.New(BucketName, Ref+".bucket").
//   - The account of a provider configuration or stack is
//     ident.New(Account, <provider address or stack name>), unless the
//     input fixes it (allowed_account_ids with one entry, an assume_role
//     ARN, a --parameter for AWS::AccountId); data.aws_caller_identity under
//     that provider returns the same symbol.
//   - A value that cannot be resolved (a variable without a value, a data
//     source that needs AWS) becomes ident.New(Any, <what it is>), e.g.
//     "var.pipeline_role_arn", and the loader adds an [Unresolved] entry.
//   - ARNs, bucket domains and OAI paths are composed with the functions
//     of arn.go, never by hand, so two inputs spell them identically.
//
// # Locations
//
// Meta.Src points at the resource block. A setting defined by a separate
// resource (aws_s3_bucket_policy, aws_s3_bucket_ownership_controls,
// aws_kms_key_policy, AWS::S3::BucketPolicy) has a Src whose Resource is
// that resource, so a finding about it names the resource to change.
package model
