package model

import "strings"

// ManagedPolicy describes an AWS managed cache or origin request policy:
// what it sends to the origin. Source: CloudFront Developer Guide, "Use
// managed cache policies" and "Use managed origin request policies".
type ManagedPolicy struct {
	ID   string
	Name string
	// HeaderBehavior: none, whitelist, allViewer,
	// allViewerAndWhitelistCloudFront, allExcept.
	HeaderBehavior string
	// Headers lists the whitelisted (or, for allExcept, excluded) headers.
	Headers []string
	// Verified is false when s3front's table does not hold the policy's
	// header settings; the simulator then says it cannot determine what
	// the policy forwards.
	Verified bool
	// CachingDisabled is true for CachingDisabled (errors are not cached).
	CachingDisabled bool
}

// ForwardsHeader reports whether the policy sends the viewer's header h
// to the origin. ok is false when the table does not know.
func (m ManagedPolicy) ForwardsHeader(h string) (forwards, ok bool) {
	if !m.Verified {
		return false, false
	}
	in := func() bool {
		for _, x := range m.Headers {
			if strings.EqualFold(x, h) {
				return true
			}
		}
		return false
	}
	switch m.HeaderBehavior {
	case "allViewer", "allViewerAndWhitelistCloudFront":
		return true, true
	case "allExcept":
		return !in(), true
	case "whitelist":
		return in(), true
	}
	return false, true
}

// ManagedCachePolicy returns the managed cache policy with the given ID or
// exact name, as ListCachePolicies spells it ("Managed-CachingOptimized",
// but "UseOriginCacheControlHeaders": two policies have no prefix).
func ManagedCachePolicy(idOrName string) (ManagedPolicy, bool) {
	return findManaged(managedCachePolicies(), idOrName)
}

// ManagedCachePolicyLike returns the managed cache policy whose name
// matches s loosely (with or without the "Managed-" prefix, any case):
// what a user probably meant by a name AWS does not know.
func ManagedCachePolicyLike(s string) (ManagedPolicy, bool) {
	return findLike(managedCachePolicies(), s)
}

// ManagedOriginRequestPolicyLike is [ManagedCachePolicyLike] for origin
// request policies.
func ManagedOriginRequestPolicyLike(s string) (ManagedPolicy, bool) {
	return findLike(managedOriginRequestPolicies(), s)
}

func findManaged(ps []ManagedPolicy, idOrName string) (ManagedPolicy, bool) {
	for _, p := range ps {
		if idOrName == p.ID || idOrName == p.Name {
			return p, true
		}
	}
	return ManagedPolicy{}, false
}

func findLike(ps []ManagedPolicy, s string) (ManagedPolicy, bool) {
	short := func(n string) string { return strings.TrimPrefix(strings.ToLower(n), "managed-") }
	for _, p := range ps {
		if short(s) == short(p.Name) {
			return p, true
		}
	}
	return ManagedPolicy{}, false
}

// ManagedOriginRequestPolicy returns the managed origin request policy
// with the given ID or exact name.
func ManagedOriginRequestPolicy(idOrName string) (ManagedPolicy, bool) {
	return findManaged(managedOriginRequestPolicies(), idOrName)
}

// The tables are built on each call so that no package state exists.
func managedCachePolicies() []ManagedPolicy {
	return []ManagedPolicy{
		{ID: "658327ea-f89d-4fab-a63d-7e88639e58f6", Name: "Managed-CachingOptimized", HeaderBehavior: "none", Verified: true},
		{ID: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", Name: "Managed-CachingDisabled", HeaderBehavior: "none", Verified: true, CachingDisabled: true},
		{ID: "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", Name: "Managed-CachingOptimizedForUncompressedObjects", HeaderBehavior: "none", Verified: true},
		{ID: "08627262-05a9-4f76-9ded-b50ca2e3a84f", Name: "Managed-Elemental-MediaPackage", HeaderBehavior: "whitelist", Headers: []string{"origin"}, Verified: true},
		// The following exist; their header lists are not in our table
		// (Verified false): the simulator reports what it cannot decide.
		{ID: "2e54312d-136d-493c-8eb9-b001f22f67d2", Name: "Managed-Amplify"},
		{ID: "83da9c7e-98b4-4e11-a168-04f0df8e2c65", Name: "UseOriginCacheControlHeaders"},
		{ID: "4cc15a8a-d715-48a4-82b8-cc0b614638fe", Name: "UseOriginCacheControlHeaders-QueryStrings"},
	}
}

func managedOriginRequestPolicies() []ManagedPolicy {
	return []ManagedPolicy{
		{ID: "216adef6-5c7f-47e4-b989-5492eafa07d3", Name: "Managed-AllViewer", HeaderBehavior: "allViewer", Verified: true},
		{ID: "33f36d7e-f396-46d9-90e0-52428a34d9dc", Name: "Managed-AllViewerAndCloudFrontHeaders-2022-06", HeaderBehavior: "allViewerAndWhitelistCloudFront", Verified: true},
		{ID: "b689b0a8-53d0-40ab-baf2-68738e2966ac", Name: "Managed-AllViewerExceptHostHeader", HeaderBehavior: "allExcept", Headers: []string{"host"}, Verified: true},
		{ID: "59781a5b-3903-41f3-afcb-af62929ccde1", Name: "Managed-CORS-CustomOrigin", HeaderBehavior: "whitelist", Headers: []string{"origin"}, Verified: true},
		{ID: "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", Name: "Managed-CORS-S3Origin", HeaderBehavior: "whitelist", Headers: []string{"origin", "access-control-request-headers", "access-control-request-method"}, Verified: true},
		{ID: "775133bc-15f2-49f9-abea-afb2e0bf67d2", Name: "Managed-Elemental-MediaTailor-PersonalizedManifests", HeaderBehavior: "whitelist", Headers: []string{"origin", "access-control-request-headers", "access-control-request-method", "user-agent", "x-forwarded-for"}, Verified: true},
		{ID: "bf0718e1-ba1e-49d1-88b1-f726733018ae", Name: "Managed-HostHeaderOnly", HeaderBehavior: "whitelist", Headers: []string{"host"}, Verified: true},
		{ID: "acba4595-bd28-49b8-b9fe-13317c0390fa", Name: "Managed-UserAgentRefererHeaders", HeaderBehavior: "whitelist", Headers: []string{"user-agent", "referer"}, Verified: true},
	}
}
