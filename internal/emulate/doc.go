// Package emulate is s3front's CloudFront API emulator (`s3front serve`):
// an [http.Handler] speaking the REST-XML wire format of the CloudFront API,
// version 2020-05-31, that the AWS CLI and the AWS SDKs accept when pointed
// at it (`aws cloudfront --endpoint-url`, the Go SDK's BaseEndpoint).
//
// It exists because moto's CloudFront drops OriginAccessControlId and
// S3OriginConfig.OriginAccessIdentity and has neither origin access
// identities nor cache policies, which are exactly what s3front reads.
// Every element of a configuration the client sends is kept and returned,
// including elements the emulator does not interpret; AWS's defaults are
// filled in on output.
//
// # Starting it from Go
//
//	srv, err := emulate.NewServer(emulate.Options{})          // in memory, account 123456789012
//	run, err := srv.Start(ctx, "127.0.0.1:0")                 // until ctx is cancelled
//	cfg.BaseEndpoint = aws.String(run.URL)                    // cloudfront.Options
//
// or mount the Server (an http.Handler) in an httptest.Server.
//
// # Operations
//
// Distributions (Create, CreateWithTags, Get, GetConfig, Update, Delete,
// List), invalidations (Create, Get, List), origin access controls and
// origin access identities (Create, Get, GetConfig, Update, Delete, List),
// cache, origin request and response headers policies (Create, Get,
// GetConfig, Update, Delete, List with Type=managed|custom,
// ListDistributionsBy…PolicyId), tags (ListTagsForResource, TagResource,
// UntagResource). The AWS-managed cache and origin request policies are
// preloaded with their real IDs (see managedPolicies). Any other request
// gets a NotImplemented error naming it.
//
// # What AWS enforces and the emulator does too
//
// ETags and If-Match (InvalidIfMatchVersion, PreconditionFailed); the
// schema (MalformedInput for bad XML or values, MalformedXML for a missing
// required member or a value outside an enum, InconsistentQuantities);
// DistributionNotDisabled; an OAI and an OAC on one origin
// (IllegalOriginAccessConfiguration); OAI and OAC references
// (InvalidOriginAccessIdentity, InvalidOriginAccessControl); behaviors'
// origins (NoSuchOrigin), cache and origin request policies
// (NoSuchCachePolicy, NoSuchOriginRequestPolicy), ForwardedValues versus
// cache policy, legacy TTL order (InvalidTTLOrder); CNAMEAlreadyExists;
// resources in use (OriginAccessControlInUse,
// CloudFrontOriginAccessIdentityInUse, CachePolicyInUse, …); managed
// policies (IllegalUpdate, IllegalDelete); CallerReference reuse;
// invalidation paths and batch size.
//
// # What it does not emulate
//
// Authentication (any signature is accepted), quotas other than the
// invalidation batch size and 50 tags, certificate and WAF checks, origin
// domain checks (an OAC on a non-S3 origin, an S3 origin that is not a
// bucket), trusted signers and key groups (ActiveTrustedSigners is always
// empty), staging distributions and continuous deployment, multi-tenant
// distributions, functions and Lambda@Edge, field-level encryption,
// streaming distributions. Distributions are Deployed at once unless
// Options.DeployDelay says otherwise.
//
// # The local edge
//
// With Options.Storage (the URL of a moto_server) the same address is also
// an S3, KMS and STS endpoint and every distribution's data plane. moto
// stores buckets, objects and keys but enforces no policy and gives every
// object one owner; the edge decides each request the way AWS does, with
// s3front's iam evaluator, before forwarding what it allows:
//
//   - S3: bucket policies with the caller's identity policies (explicit
//     deny, same- and cross-account rules), Block Public Access
//     (BlockPublicPolicy and BlockPublicAcls reject, RestrictPublicBuckets
//     and IgnorePublicAcls at request time; bucket and account settings),
//     Object Ownership (AccessControlListNotSupported on ACL-disabled
//     buckets; the writer owns objects under ObjectWriter, and under
//     BucketOwnerPreferred without bucket-owner-full-control; bucket policy
//     Allows reach only the bucket owner's objects), object and bucket
//     ACLs, 404 versus 403 for missing objects by s3:ListBucket, new
//     buckets with ACLs disabled and Block Public Access on.
//   - SSE-KMS on reads and uploads: KMS.UnrecognizedClientException for an
//     origin access identity or anonymous caller, the key policy (with
//     kms:EncryptionContext:aws:s3:arn per Bucket Key, kms:ViaService and
//     kms:CallerAccount) for IAM callers and the CloudFront service
//     principal, AWS managed keys usable only by their own account, key
//     state and Region, aliases resolved in the caller's account.
//   - KMS calls on a key: the key policy (delegating to the account's
//     identity policies where it says so); malformed policies refused.
//   - STS GetCallerIdentity answers for the caller's identity; AssumeRole
//     hands out a session with an administrator's permissions in the
//     role's account (trust policies are not emulated).
//
// Bucket policies are kept by the edge and never reach moto, which would
// evaluate their Deny statements itself, without their conditions.
//
// Callers are named by the access key ID of their signature (signatures
// are not verified): Options.Identities, else the account's root user; an
// unsigned request is anonymous. KMS keys live in the edge's account.
//
// The data plane answers GET and HEAD for a distribution's domain name or
// alias in the Host header, or under /_edge/ID/: behaviors by path
// pattern, default root object, the principal CloudFront uses for the
// origin (the CloudFront service principal with the distribution's ARN as
// aws:SourceArn under OAC with signing, the origin access identity, or an
// anonymous request), S3's status and XML error body, custom error
// responses, and a cache keyed as the cache policy says, kept for the
// policy's TTLs, emptied by invalidations once they complete. Error
// answers carry x-s3front-reason (which setting or statement decided) and
// x-s3front-rule (the rule of RULES.md that names the cause). Not
// emulated on the data plane: uploads and deletes through CloudFront,
// custom (non-S3) origins, signed URLs, geo restrictions, WAF, functions,
// the Host header sent to S3.
//
// The emulator sits beside the loaders: it may later use iam and sim to
// decide requests of a local edge; nothing below it imports it.
package emulate
