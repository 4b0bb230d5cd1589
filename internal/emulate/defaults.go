package emulate

import "strconv"

// insertOrdered adds child to a structure node at its place in the
// model's member order (before the unknown elements, which come last).
func insertOrdered(n *node, sh *shape, child *node) {
	_, want, ok := sh.member(child.name)
	if !ok {
		n.kids = append(n.kids, child)
		return
	}
	at := len(n.kids)
	for i, k := range n.kids {
		_, idx, known := sh.member(k.name)
		if !known || idx > want {
			at = i
			break
		}
	}
	n.kids = append(n.kids, nil)
	copy(n.kids[at+1:], n.kids[at:])
	n.kids[at] = child
}

// ensure adds the member built by mk when n lacks it.
func ensure(n *node, sh *shape, name string, mk func() *node) {
	if n.child(name) == nil {
		c := mk()
		c.name = name
		insertOrdered(n, sh, c)
	}
}

func val(v string) func() *node { return func() *node { return leaf("", v) } }

func emptyList() func() *node {
	return func() *node { return elem("", leaf("Quantity", "0")) }
}

func disabledList() func() *node {
	return func() *node { return elem("", leaf("Enabled", "false"), leaf("Quantity", "0")) }
}

func methods(list ...string) *node {
	n := elem("", leaf("Quantity", strconv.Itoa(len(list))))
	it := elem("Items")
	for _, m := range list {
		it.kids = append(it.kids, leaf("Method", m))
	}
	n.kids = append(n.kids, it)
	return n
}

// fillDistributionDefaults adds the members AWS fills in when a client
// leaves them out, as CloudFront returns them. Evidence: the outputs of
// `aws cloudfront create-distribution` quoted in the AWS CLI's own
// examples (a minimal legacy configuration from 2019 and a cache-policy
// configuration from 2025), and the defaults the API reference documents
// (ConnectionAttempts 3, ConnectionTimeout 10). Members whose default
// could not be confirmed are left out, as the client sent them.
func fillDistributionDefaults(cfg *node, sc schema) {
	dc := sc["DistributionConfig"]
	ensure(cfg, dc, "Aliases", emptyList())
	ensure(cfg, dc, "DefaultRootObject", val(""))
	originSh := sc["Origin"]
	for _, o := range cfg.items("Origins") {
		ensure(o, originSh, "OriginPath", val(""))
		ensure(o, originSh, "CustomHeaders", emptyList())
		ensure(o, originSh, "ConnectionAttempts", val("3"))
		ensure(o, originSh, "ConnectionTimeout", val("10"))
		ensure(o, originSh, "OriginShield", func() *node { return elem("", leaf("Enabled", "false")) })
		ensure(o, originSh, "OriginAccessControlId", val(""))
	}
	ensure(cfg, dc, "OriginGroups", emptyList())
	if b := cfg.child("DefaultCacheBehavior"); b != nil {
		fillBehaviorDefaults(b, sc["DefaultCacheBehavior"], sc)
	}
	for _, b := range cfg.items("CacheBehaviors") {
		fillBehaviorDefaults(b, sc["CacheBehavior"], sc)
	}
	ensure(cfg, dc, "CacheBehaviors", emptyList())
	ensure(cfg, dc, "CustomErrorResponses", emptyList())
	ensure(cfg, dc, "Logging", func() *node { return elem("") })
	logging := sc["LoggingConfig"]
	lg := cfg.child("Logging")
	ensure(lg, logging, "Enabled", val("false"))
	ensure(lg, logging, "IncludeCookies", val("false"))
	ensure(lg, logging, "Bucket", val(""))
	ensure(lg, logging, "Prefix", val(""))
	ensure(cfg, dc, "PriceClass", val("PriceClass_All"))
	fillCertificateDefaults(cfg, dc, sc["ViewerCertificate"])
	ensure(cfg, dc, "Restrictions", func() *node {
		return elem("", elem("GeoRestriction", leaf("RestrictionType", "none"), leaf("Quantity", "0")))
	})
	ensure(cfg, dc, "WebACLId", val(""))
	ensure(cfg, dc, "HttpVersion", val("http2"))
	ensure(cfg, dc, "IsIPV6Enabled", val("true"))
}

func fillBehaviorDefaults(b *node, sh *shape, sc schema) {
	ensure(b, sh, "TrustedKeyGroups", disabledList())
	ensure(b, sh, "AllowedMethods", func() *node {
		am := methods("HEAD", "GET")
		cm := methods("HEAD", "GET")
		cm.name = "CachedMethods"
		am.kids = append(am.kids, cm)
		return am
	})
	if am := b.child("AllowedMethods"); am.child("CachedMethods") == nil {
		cm := methods("HEAD", "GET")
		cm.name = "CachedMethods"
		insertOrdered(am, sc["AllowedMethods"], cm)
	}
	ensure(b, sh, "Compress", val("false"))
	ensure(b, sh, "LambdaFunctionAssociations", emptyList())
	ensure(b, sh, "FunctionAssociations", emptyList())
	ensure(b, sh, "FieldLevelEncryptionId", val(""))
	ensure(b, sh, "GrpcConfig", func() *node { return elem("", leaf("Enabled", "false")) })
	if fv := b.child("ForwardedValues"); fv != nil {
		// Legacy cache settings: the TTLs and forwarded values' lists.
		fvSh := sc["ForwardedValues"]
		ensure(fv, fvSh, "Headers", emptyList())
		ensure(fv, fvSh, "QueryStringCacheKeys", emptyList())
		ensure(b, sh, "SmoothStreaming", val("false"))
		ensure(b, sh, "MinTTL", val("0"))
		ensure(b, sh, "DefaultTTL", val("86400"))
		ensure(b, sh, "MaxTTL", val("31536000"))
	}
}

func fillCertificateDefaults(cfg *node, dc, vc *shape) {
	ensure(cfg, dc, "ViewerCertificate", func() *node { return elem("", leaf("CloudFrontDefaultCertificate", "true")) })
	c := cfg.child("ViewerCertificate")
	switch {
	case c.value("ACMCertificateArn") != "":
		ensure(c, vc, "CloudFrontDefaultCertificate", val("false"))
		ensure(c, vc, "MinimumProtocolVersion", val("TLSv1.2_2021"))
		ensure(c, vc, "Certificate", val(c.value("ACMCertificateArn")))
		ensure(c, vc, "CertificateSource", val("acm"))
	case c.value("IAMCertificateId") != "":
		ensure(c, vc, "CloudFrontDefaultCertificate", val("false"))
		ensure(c, vc, "Certificate", val(c.value("IAMCertificateId")))
		ensure(c, vc, "CertificateSource", val("iam"))
	case c.value("CloudFrontDefaultCertificate") == "true":
		ensure(c, vc, "MinimumProtocolVersion", val("TLSv1"))
		ensure(c, vc, "CertificateSource", val("cloudfront"))
	}
}

// behaviors returns the default cache behavior and the others.
func behaviors(cfg *node) []*node {
	var out []*node
	if b := cfg.child("DefaultCacheBehavior"); b != nil {
		out = append(out, b)
	}
	return append(out, cfg.items("CacheBehaviors")...)
}
