package terraform

import (
	"github.com/s3front/s3front/model"
)

func (b *builder) distribution(in *instance) {
	body := in.body
	d := &model.Distribution{Meta: b.meta(in)}
	d.Region = model.Known("", model.Src{})
	d.ID = model.Known(in.comp("id"), in.src)
	d.ARN = model.Known(in.comp("arn"), in.src)
	d.DomainName = model.Known(in.comp("domain_name"), in.src)
	if v, ok := b.boolean(in, body.attr("enabled")); ok {
		d.Enabled = v
	} else {
		d.Enabled = model.Unknown[bool](in.src, in.addr+" does not set enabled, which the provider requires")
	}
	v, ok := b.list(in, body.attr("aliases"))
	d.Aliases = orKnown(v, ok, []string{}, in.src)
	s, ok := b.setting(in, body.attr("default_root_object"))
	d.DefaultRootObject = orKnown(s, ok, "", in.src)
	s, ok = b.identity(in, body.attr("web_acl_id"))
	d.WebACL = orKnown(s, ok, "", in.src)
	for _, ob := range body.sub("origin") {
		d.Origins = append(d.Origins, b.origin(in, ob))
	}
	for _, gb := range body.sub("origin_group") {
		g := &model.OriginGroup{Src: in.blockSrc(gb)}
		g.ID, _ = b.identity(in, gb.attr("origin_id"))
		for _, mb := range gb.sub("member") {
			if v, ok := b.identity(in, mb.attr("origin_id")); ok {
				g.Members = append(g.Members, v)
			}
		}
		if fc := gb.first("failover_criteria"); fc != nil {
			if l, ok := b.list(in, fc.attr("status_codes")); ok {
				codes := model.Value[[]int]{Known: l.Known, Src: l.Src, Missing: l.Missing}
				for _, c := range l.V {
					if n, ok := atoi(c); ok {
						codes.V = append(codes.V, n)
					}
				}
				g.FailoverCodes = codes
			}
		}
		d.OriginGroups = append(d.OriginGroups, g)
	}
	if db := body.first("default_cache_behavior"); db != nil {
		d.DefaultBehavior = b.behavior(in, db, true)
	}
	for _, ob := range body.sub("ordered_cache_behavior") {
		d.Behaviors = append(d.Behaviors, b.behavior(in, ob, false))
	}
	for _, eb := range body.sub("custom_error_response") {
		e := &model.CustomErrorResponse{Src: in.blockSrc(eb)}
		e.ErrorCode, _ = b.integer(in, eb.attr("error_code"))
		v, ok := b.integer(in, eb.attr("response_code"))
		e.ResponseCode = orKnown(v, ok, 0, in.blockSrc(eb))
		s, ok := b.setting(in, eb.attr("response_page_path"))
		e.ResponsePagePath = orKnown(s, ok, "", in.blockSrc(eb))
		d.CustomErrors = append(d.CustomErrors, e)
	}
	b.cfg.Distributions = append(b.cfg.Distributions, d)
}

func atoi(s string) (int, bool) {
	n := 0
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func (b *builder) origin(in *instance, ob *evBlock) *model.Origin {
	src := in.blockSrc(ob)
	o := &model.Origin{Src: src}
	// Origin IDs are identities: an ID computed from what is known only
	// after apply (a bucket's domain) still equals the same expression in
	// a behavior's target_origin_id.
	o.ID, _ = b.identity(in, ob.attr("origin_id"))
	o.DomainName, _ = b.identity(in, ob.attr("domain_name"))
	s, ok := b.setting(in, ob.attr("origin_path"))
	o.Path = orKnown(s, ok, "", src)
	s, ok = b.identity(in, ob.attr("origin_access_control_id"))
	o.OAC = orKnown(s, ok, "", src)
	s3 := ob.first("s3_origin_config")
	custom := ob.first("custom_origin_config")
	o.OAI = model.Known("", src)
	if s3 != nil {
		a := s3.attr("origin_access_identity")
		if v, ok := b.identity(in, a); ok {
			if !v.Known {
				o.OAI = v
			} else if id, isPath := model.OAIFromPath(v.V); isPath {
				o.OAI = model.Known(id, v.Src)
			} else {
				o.OAI = model.Unknown[string](v.Src, in.addr+": origin_access_identity "+strconvQuote(v.V)+
					" is not an origin-access-identity/cloudfront/ID path (use the OAI's cloudfront_access_identity_path)")
			}
		}
	}
	switch {
	case custom != nil:
		o.S3 = model.Known(false, in.blockSrc(custom))
		c := &model.CustomOrigin{Src: in.blockSrc(custom)}
		c.ProtocolPolicy, _ = b.setting(in, custom.attr("origin_protocol_policy"))
		o.Custom = c
	case s3 != nil:
		o.S3 = model.Known(true, in.blockSrc(s3))
	default:
		// Without custom_origin_config the provider sends an
		// S3OriginConfig with an empty identity.
		o.S3 = model.Known(true, src)
	}
	for _, hb := range ob.sub("custom_header") {
		n, _ := strVal(attrVal(hb.attr("name")))
		v, _ := strVal(attrVal(hb.attr("value")))
		o.CustomHeaders = append(o.CustomHeaders, model.CustomHeader{Name: n, Value: v, Src: in.blockSrc(hb)})
	}
	return o
}

func (b *builder) behavior(in *instance, bb *evBlock, isDefault bool) *model.Behavior {
	src := in.blockSrc(bb)
	h := &model.Behavior{Src: src}
	if isDefault {
		h.PathPattern = model.Known("*", src)
	} else {
		h.PathPattern, _ = b.setting(in, bb.attr("path_pattern"))
	}
	h.TargetOrigin, _ = b.identity(in, bb.attr("target_origin_id"))
	h.ViewerProtocolPolicy, _ = b.setting(in, bb.attr("viewer_protocol_policy"))
	h.AllowedMethods, _ = b.list(in, bb.attr("allowed_methods"))
	h.CachedMethods, _ = b.list(in, bb.attr("cached_methods"))
	s, ok := b.identity(in, bb.attr("cache_policy_id"))
	h.CachePolicy = orKnown(s, ok, "", src)
	s, ok = b.identity(in, bb.attr("origin_request_policy_id"))
	h.OriginRequestPolicy = orKnown(s, ok, "", src)
	if fb := bb.first("forwarded_values"); fb != nil {
		fs := in.blockSrc(fb)
		f := &model.ForwardedValues{Src: fs}
		l, ok := b.list(in, fb.attr("headers"))
		f.Headers = orKnown(l, ok, []string{}, fs)
		q, ok := b.boolean(in, fb.attr("query_string"))
		f.QueryString = orKnown(q, ok, false, fs)
		f.Cookies = model.Known("none", fs)
		if cb := fb.first("cookies"); cb != nil {
			if c, ok := b.setting(in, cb.attr("forward")); ok {
				f.Cookies = c
			}
		}
		h.Forwarded = f
	}
	for _, lb := range bb.sub("lambda_function_association") {
		e := model.EdgeFunction{Kind: "lambda", Src: in.blockSrc(lb)}
		e.EventType, _ = b.setting(in, lb.attr("event_type"))
		e.ARN, _ = b.identity(in, lb.attr("lambda_arn"))
		h.EdgeFunctions = append(h.EdgeFunctions, e)
	}
	for _, fb := range bb.sub("function_association") {
		e := model.EdgeFunction{Kind: "function", Src: in.blockSrc(fb)}
		e.EventType, _ = b.setting(in, fb.attr("event_type"))
		e.ARN, _ = b.identity(in, fb.attr("function_arn"))
		h.EdgeFunctions = append(h.EdgeFunctions, e)
	}
	h.Signed = model.Known(false, src)
	for _, n := range []string{"trusted_key_groups", "trusted_signers"} {
		if l, ok := b.list(in, bb.attr(n)); ok {
			switch {
			case !l.Known:
				h.Signed = model.Unknown[bool](l.Src, l.Missing)
			case len(l.V) > 0:
				h.Signed = model.Known(true, l.Src)
			}
			if h.Signed.Known && h.Signed.V {
				break
			}
		}
	}
	return h
}

func (b *builder) oai(in *instance) {
	o := &model.OAI{Meta: b.meta(in)}
	o.Region = model.Known("", model.Src{})
	o.ID = model.Known(in.comp("id"), in.src)
	o.IAMARN = model.Known(in.comp("iam_arn"), in.src)
	o.CanonicalUser = model.Known(in.comp("s3_canonical_user_id"), in.src)
	b.cfg.OAIs = append(b.cfg.OAIs, o)
}

func (b *builder) oac(in *instance) {
	body := in.body
	o := &model.OAC{Meta: b.meta(in)}
	o.Region = model.Known("", model.Src{})
	o.ID = model.Known(in.comp("id"), in.src)
	o.Name, _ = b.setting(in, body.attr("name"))
	o.OriginType, _ = b.setting(in, body.attr("origin_access_control_origin_type"))
	o.SigningBehavior, _ = b.setting(in, body.attr("signing_behavior"))
	o.SigningProtocol, _ = b.setting(in, body.attr("signing_protocol"))
	b.cfg.OACs = append(b.cfg.OACs, o)
}

func (b *builder) cachePolicy(in *instance) {
	body := in.body
	p := &model.CachePolicy{Meta: b.meta(in)}
	p.Region = model.Known("", model.Src{})
	p.ID = model.Known(in.comp("id"), in.src)
	p.Name, _ = b.setting(in, body.attr("name"))
	for _, t := range []struct {
		name string
		dst  *model.Value[int64]
		def  int64
	}{{"default_ttl", &p.DefaultTTL, 86400}, {"max_ttl", &p.MaxTTL, 31536000}, {"min_ttl", &p.MinTTL, 0}} {
		v, ok := b.integer(in, body.attr(t.name))
		*t.dst = model.Value[int64]{V: int64(v.V), Known: v.Known, Src: v.Src, Missing: v.Missing}
		if !ok {
			*t.dst = model.Defaulted(t.def, in.src)
		}
	}
	p.HeaderBehavior = model.Known("none", in.src)
	p.Headers = model.Known([]string{}, in.src)
	if pk := body.first("parameters_in_cache_key_and_forwarded_to_origin"); pk != nil {
		if hc := pk.first("headers_config"); hc != nil {
			p.HeaderBehavior, p.Headers = b.headersConfig(in, hc)
		}
	}
	b.cfg.CachePolicies = append(b.cfg.CachePolicies, p)
}

func (b *builder) headersConfig(in *instance, hc *evBlock) (model.Value[string], model.Value[[]string]) {
	src := in.blockSrc(hc)
	beh, ok := b.setting(in, hc.attr("header_behavior"))
	beh = orKnown(beh, ok, "none", src)
	items := model.Known([]string{}, src)
	if hb := hc.first("headers"); hb != nil {
		if l, ok := b.list(in, hb.attr("items")); ok {
			items = l
		}
	}
	return beh, items
}

func (b *builder) originRequestPolicy(in *instance) {
	body := in.body
	p := &model.OriginRequestPolicy{Meta: b.meta(in)}
	p.Region = model.Known("", model.Src{})
	p.ID = model.Known(in.comp("id"), in.src)
	p.Name, _ = b.setting(in, body.attr("name"))
	p.HeaderBehavior = model.Known("none", in.src)
	p.Headers = model.Known([]string{}, in.src)
	if hc := body.first("headers_config"); hc != nil {
		p.HeaderBehavior, p.Headers = b.headersConfig(in, hc)
	}
	b.cfg.OriginRequestPolicies = append(b.cfg.OriginRequestPolicies, p)
}
