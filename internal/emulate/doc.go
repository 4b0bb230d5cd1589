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
// streaming distributions, and the data plane (issue "Deploy and prove
// it serves" adds a local edge). Distributions are Deployed at once unless
// Options.DeployDelay says otherwise.
//
// The emulator sits beside the loaders: it may later use iam and sim to
// decide requests of a local edge; nothing below it imports it.
package emulate
