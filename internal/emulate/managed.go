package emulate

import (
	"strconv"
	"time"
)

// managedModified is the LastModifiedTime the emulator reports for every
// AWS-managed policy (AWS's own dates are not reproduced).
func managedModified() time.Time { return time.Date(2020, 5, 31, 0, 0, 0, 0, time.UTC) }

// managedPolicies returns the AWS-managed policies of a kind with their
// real IDs, names, comments and settings. Built on each call: no package
// state.
//
// Sources: the CloudFront Developer Guide pages "Use managed cache
// policies" and "Use managed origin request policies" (IDs and settings),
// and an export of the managed cache policies read from the API of a real
// account (names without "Managed-" for the two UseOriginCacheControlHeaders
// policies, comments, TTLs, Gzip/Brotli flags, header lists). The origin
// request policies' comments are not reproduced (empty).
//
// Not preloaded, because their full settings could not be confirmed:
// Managed-AllViewerAndCloudFrontHeaders-2022-06 (its list of CloudFront
// headers), the Amplify-* cache policies other than Managed-Amplify, and
// every managed response headers policy. A distribution naming one of them
// is refused with NoSuchOriginRequestPolicy or NoSuchCachePolicy (response
// headers policy IDs are not checked).
func managedPolicies(k policyKind) []*policy {
	var out []*policy
	add := func(id string, cfg *node) {
		out = append(out, &policy{id: id, etag: fixedETag(id), modified: managedModified(), config: cfg, managed: true})
	}
	switch k {
	case cachePolicies:
		add("658327ea-f89d-4fab-a63d-7e88639e58f6", cachePolicy("Managed-CachingOptimized", "Policy with caching enabled. Supports Gzip and Brotli compression.",
			86400, 31536000, 1, true, true, "none", nil, "none", nil, "none", nil))
		add("b2884449-e4de-46a7-ac36-70bc7f1ddd6d", cachePolicy("Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression is disabled",
			86400, 31536000, 1, false, false, "none", nil, "none", nil, "none", nil))
		add("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", cachePolicy("Managed-CachingDisabled", "Policy with caching disabled",
			0, 0, 0, false, false, "none", nil, "none", nil, "none", nil))
		add("08627262-05a9-4f76-9ded-b50ca2e3a84f", cachePolicy("Managed-Elemental-MediaPackage", "Policy for Elemental MediaPackage Origin",
			86400, 31536000, 0, true, false, "whitelist", []string{"origin"}, "none", nil, "whitelist", []string{"aws.manifestfilter", "end", "m", "start"}))
		add("2e54312d-136d-493c-8eb9-b001f22f67d2", cachePolicy("Managed-Amplify", "Policy for Amplify Origin",
			2, 600, 2, true, true, "whitelist", []string{"Authorization", "CloudFront-Viewer-Country", "Host"}, "all", nil, "all", nil))
		add("83da9c7e-98b4-4e11-a168-04f0df8e2c65", cachePolicy("UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.",
			0, 31536000, 0, true, true, "whitelist", []string{"host", "origin", "x-http-method", "x-http-method-override", "x-method-override"}, "all", nil, "none", nil))
		add("4cc15a8a-d715-48a4-82b8-cc0b614638fe", cachePolicy("UseOriginCacheControlHeaders-QueryStrings", "Policy for origins that return Cache-Control headers and serve different content based on values present in the query string.",
			0, 31536000, 0, true, true, "whitelist", []string{"host", "origin", "x-http-method", "x-http-method-override", "x-method-override"}, "all", nil, "all", nil))
	case originRequestPolicies:
		add("216adef6-5c7f-47e4-b989-5492eafa07d3", originRequestPolicy("Managed-AllViewer", "",
			"allViewer", nil, "all", "all"))
		add("b689b0a8-53d0-40ab-baf2-68738e2966ac", originRequestPolicy("Managed-AllViewerExceptHostHeader", "",
			"allExcept", []string{"host"}, "all", "all"))
		add("59781a5b-3903-41f3-afcb-af62929ccde1", originRequestPolicy("Managed-CORS-CustomOrigin", "",
			"whitelist", []string{"origin"}, "none", "none"))
		add("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", originRequestPolicy("Managed-CORS-S3Origin", "",
			"whitelist", []string{"origin", "access-control-request-headers", "access-control-request-method"}, "none", "none"))
		add("775133bc-15f2-49f9-abea-afb2e0bf67d2", originRequestPolicy("Managed-Elemental-MediaTailor-PersonalizedManifests", "",
			"whitelist", []string{"origin", "access-control-request-headers", "access-control-request-method", "user-agent", "x-forwarded-for"}, "none", "all"))
		add("bf0718e1-ba1e-49d1-88b1-f726733018ae", originRequestPolicy("Managed-HostHeaderOnly", "",
			"whitelist", []string{"host"}, "none", "none"))
		add("acba4595-bd28-49b8-b9fe-13317c0390fa", originRequestPolicy("Managed-UserAgentRefererHeaders", "",
			"whitelist", []string{"user-agent", "referer"}, "none", "none"))
	}
	return out
}

func names(list string, values []string) *node {
	n := elem(list, leaf("Quantity", strconv.Itoa(len(values))))
	if len(values) > 0 {
		it := elem("Items")
		for _, v := range values {
			it.kids = append(it.kids, leaf("Name", v))
		}
		n.kids = append(n.kids, it)
	}
	return n
}

func cachePolicy(name, comment string, defTTL, maxTTL, minTTL int, gzip, brotli bool,
	hb string, headers []string, cb string, cookies []string, qb string, qs []string) *node {
	cfg := func(tag, behaviorTag, behavior, list string, values []string) *node {
		n := elem(tag, leaf(behaviorTag, behavior))
		if behavior != "none" && behavior != "all" {
			n.kids = append(n.kids, names(list, values))
		}
		return n
	}
	return elem("CachePolicyConfig",
		leaf("Comment", comment),
		leaf("Name", name),
		leaf("DefaultTTL", strconv.Itoa(defTTL)),
		leaf("MaxTTL", strconv.Itoa(maxTTL)),
		leaf("MinTTL", strconv.Itoa(minTTL)),
		elem("ParametersInCacheKeyAndForwardedToOrigin",
			leaf("EnableAcceptEncodingGzip", strconv.FormatBool(gzip)),
			leaf("EnableAcceptEncodingBrotli", strconv.FormatBool(brotli)),
			cfg("HeadersConfig", "HeaderBehavior", hb, "Headers", headers),
			cfg("CookiesConfig", "CookieBehavior", cb, "Cookies", cookies),
			cfg("QueryStringsConfig", "QueryStringBehavior", qb, "QueryStrings", qs),
		))
}

func originRequestPolicy(name, comment, hb string, headers []string, cb, qb string) *node {
	h := elem("HeadersConfig", leaf("HeaderBehavior", hb))
	if len(headers) > 0 {
		h.kids = append(h.kids, names("Headers", headers))
	}
	cfg := elem("OriginRequestPolicyConfig")
	if comment != "" {
		cfg.kids = append(cfg.kids, leaf("Comment", comment))
	}
	cfg.kids = append(cfg.kids,
		leaf("Name", name),
		h,
		elem("CookiesConfig", leaf("CookieBehavior", cb)),
		elem("QueryStringsConfig", leaf("QueryStringBehavior", qb)),
	)
	return cfg
}
