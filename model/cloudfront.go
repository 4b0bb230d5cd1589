package model

// Distribution is a CloudFront distribution.
type Distribution struct {
	Meta
	// ID is the distribution ID (E...), usually an ident.DistributionID
	// symbol before deployment.
	ID Value[string] `json:"id"`
	// ARN is arn:<partition>:cloudfront::<account>:distribution/<id>,
	// composed from the account and ID however the input spells them.
	ARN        Value[string]   `json:"arn"`
	DomainName Value[string]   `json:"domain_name"`
	Enabled    Value[bool]     `json:"enabled"`
	Aliases    Value[[]string] `json:"aliases"`
	// DefaultRootObject is "" when none is set.
	DefaultRootObject Value[string]          `json:"default_root_object"`
	Origins           []*Origin              `json:"origins,omitempty"`
	OriginGroups      []*OriginGroup         `json:"origin_groups,omitempty"`
	DefaultBehavior   *Behavior              `json:"default_behavior"`
	Behaviors         []*Behavior            `json:"behaviors,omitempty"`
	CustomErrors      []*CustomErrorResponse `json:"custom_error_responses,omitempty"`
	// WebACL is the AWS WAF web ACL ID or ARN, "" when none.
	WebACL Value[string] `json:"web_acl"`
}

// Origin is one origin of a distribution.
type Origin struct {
	// ID is the origin ID that behaviors and origin groups target.
	ID Value[string] `json:"id"`
	// DomainName as configured; the simulator parses it to find the bucket
	// and endpoint kind (REST regional, REST global, website, path-style).
	DomainName Value[string] `json:"domain_name"`
	Path       Value[string] `json:"path"`
	// OAC is the ID of the origin access control, "" when none.
	OAC Value[string] `json:"oac"`
	// OAI is the ID of the origin access identity (the last part of
	// origin-access-identity/cloudfront/ID), "" when none. An empty
	// S3OriginConfig.OriginAccessIdentity is not an OAI.
	OAI Value[string] `json:"oai"`
	// S3 is true when the origin is configured as an S3 origin
	// (s3_origin_config / S3OriginConfig or an OAC/OAI with an S3 domain),
	// false when it is a custom origin.
	S3 Value[bool] `json:"s3"`
	// Custom holds the custom origin settings when the origin is one.
	Custom        *CustomOrigin  `json:"custom,omitempty"`
	CustomHeaders []CustomHeader `json:"custom_headers,omitempty"`
	Src           Src            `json:"src"`
}

// CustomOrigin holds custom_origin_config / CustomOriginConfig.
type CustomOrigin struct {
	// ProtocolPolicy is http-only, https-only or match-viewer.
	ProtocolPolicy Value[string] `json:"protocol_policy"`
	Src            Src           `json:"src"`
}

// CustomHeader is a header CloudFront adds to origin requests.
type CustomHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Src   Src    `json:"src"`
}

// OriginGroup is a failover group of two origins.
type OriginGroup struct {
	ID Value[string] `json:"id"`
	// Members are origin IDs, primary first.
	Members []Value[string] `json:"members"`
	// FailoverCodes are the status codes that trigger failover.
	FailoverCodes Value[[]int] `json:"failover_codes"`
	Src           Src          `json:"src"`
}

// Behavior is a cache behavior (the default one has PathPattern "*").
type Behavior struct {
	PathPattern Value[string] `json:"path_pattern"`
	// TargetOrigin is an origin ID or origin group ID.
	TargetOrigin Value[string] `json:"target_origin"`
	// ViewerProtocolPolicy is allow-all, redirect-to-https or https-only.
	ViewerProtocolPolicy Value[string]   `json:"viewer_protocol_policy"`
	AllowedMethods       Value[[]string] `json:"allowed_methods"`
	CachedMethods        Value[[]string] `json:"cached_methods"`
	// CachePolicy and OriginRequestPolicy are policy IDs (managed IDs are
	// resolved through [ManagedCachePolicy] and
	// [ManagedOriginRequestPolicy]); "" when none is attached.
	CachePolicy         Value[string] `json:"cache_policy"`
	OriginRequestPolicy Value[string] `json:"origin_request_policy"`
	// Forwarded holds legacy forwarded_values / ForwardedValues, nil when
	// the behavior uses policies instead.
	Forwarded *ForwardedValues `json:"forwarded,omitempty"`
	// EdgeFunctions are Lambda@Edge and CloudFront Functions associations.
	EdgeFunctions []EdgeFunction `json:"edge_functions,omitempty"`
	// Signed is true when viewers need signed URLs or cookies (trusted key
	// groups or signers).
	Signed Value[bool] `json:"signed"`
	Src    Src         `json:"src"`
}

// ForwardedValues is the legacy cache key and origin request setting.
type ForwardedValues struct {
	// Headers forwarded to the origin; "*" means all.
	Headers     Value[[]string] `json:"headers"`
	QueryString Value[bool]     `json:"query_string"`
	Cookies     Value[string]   `json:"cookies"`
	Src         Src             `json:"src"`
}

// EdgeFunction is a Lambda@Edge or CloudFront Functions association.
type EdgeFunction struct {
	// Kind is "lambda" or "function".
	Kind string `json:"kind"`
	// EventType is viewer-request, origin-request, origin-response or
	// viewer-response.
	EventType Value[string] `json:"event_type"`
	ARN       Value[string] `json:"arn"`
	Src       Src           `json:"src"`
}

// CustomErrorResponse maps an error status to a page and status.
type CustomErrorResponse struct {
	ErrorCode Value[int] `json:"error_code"`
	// ResponseCode is 0 when CloudFront returns the origin's status.
	ResponseCode     Value[int]    `json:"response_code"`
	ResponsePagePath Value[string] `json:"response_page_path"`
	Src              Src           `json:"src"`
}

// OAI is a CloudFront origin access identity.
type OAI struct {
	Meta
	// ID is E..., usually an ident.OAIID symbol before deployment.
	ID Value[string] `json:"id"`
	// IAMARN is arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <ID>.
	IAMARN Value[string] `json:"iam_arn"`
	// CanonicalUser is the S3 canonical user ID, usually an
	// ident.CanonicalUser symbol.
	CanonicalUser Value[string] `json:"canonical_user"`
}

// OAC is a CloudFront origin access control.
type OAC struct {
	Meta
	ID   Value[string] `json:"id"`
	Name Value[string] `json:"name"`
	// OriginType is s3, mediastore, mediapackagev2 or lambda.
	OriginType Value[string] `json:"origin_type"`
	// SigningBehavior is always, never or no-override.
	SigningBehavior Value[string] `json:"signing_behavior"`
	SigningProtocol Value[string] `json:"signing_protocol"`
}

// CachePolicy is a CloudFront cache policy (custom or managed).
type CachePolicy struct {
	Meta
	ID   Value[string] `json:"id"`
	Name Value[string] `json:"name"`
	// Headers in the cache key (and so forwarded to the origin); with
	// HeaderBehavior "none" it is empty.
	HeaderBehavior Value[string]   `json:"header_behavior"`
	Headers        Value[[]string] `json:"headers"`
	// MaxTTL of 0 together with the others disables caching.
	DefaultTTL Value[int64] `json:"default_ttl"`
	MaxTTL     Value[int64] `json:"max_ttl"`
	MinTTL     Value[int64] `json:"min_ttl"`
}

// OriginRequestPolicy is a CloudFront origin request policy.
type OriginRequestPolicy struct {
	Meta
	ID   Value[string] `json:"id"`
	Name Value[string] `json:"name"`
	// HeaderBehavior is none, whitelist, allViewer,
	// allViewerAndWhitelistCloudFront or allExcept.
	HeaderBehavior Value[string]   `json:"header_behavior"`
	Headers        Value[[]string] `json:"headers"`
}
