package cfn

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
)

// distribution maps AWS::CloudFront::Distribution.
func (s *stack) distribution(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, false)
	id := s.distributionID(r.ID)
	d := &model.Distribution{
		Meta:       m,
		ID:         model.Known(id, m.Src),
		ARN:        model.Known(model.DistributionARN(s.l.partition, s.l.account, id), m.Src),
		DomainName: model.Known(s.distributionDomain(r.ID), m.Src),
	}
	o := s.root(m.Ref, p)
	c := o.get("DistributionConfig")
	if !c.present() {
		return o.errorf("add DistributionConfig: {Enabled: true, Origins: [...], DefaultCacheBehavior: {...}}",
			"%s has no DistributionConfig", r.ID)
	}
	if err := c.object(); err != nil {
		return err
	}
	if c.unknown() {
		miss := c.missing()
		d.Enabled = model.Unknown[bool](c.src(), miss)
		d.Aliases = model.Unknown[[]string](c.src(), miss)
		d.DefaultRootObject = model.Unknown[string](c.src(), miss)
		d.WebACL = model.Unknown[string](c.src(), miss)
		s.l.cfg.Distributions = append(s.l.cfg.Distributions, d)
		return nil
	}
	if d.Enabled, err = c.get("Enabled").boolean(); err != nil {
		return err
	}
	aliases := c.get("Aliases")
	if !aliases.present() {
		aliases = c.get("CNAMEs")
	}
	if d.Aliases, err = aliases.strListOr([]string{}); err != nil {
		return err
	}
	if d.DefaultRootObject, err = c.get("DefaultRootObject").strOr(""); err != nil {
		return err
	}
	if d.WebACL, err = c.get("WebACLId").strOr(""); err != nil {
		return err
	}
	origins, known, err := c.get("Origins").elems()
	if err != nil {
		return err
	}
	if !known {
		s.l.unresolved("origins of "+m.Ref, "the Origins of "+m.Ref+" are not known offline: "+c.get("Origins").missing(), c.get("Origins").src())
	}
	for _, on := range origins {
		og, err := s.origin(on)
		if err != nil {
			return err
		}
		d.Origins = append(d.Origins, og)
	}
	if legacy := c.get("S3Origin"); legacy.present() {
		og, err := s.legacyS3Origin(legacy)
		if err != nil {
			return err
		}
		d.Origins = append(d.Origins, og)
	}
	if legacy := c.get("CustomOrigin"); legacy.present() {
		s.l.unresolved("CustomOrigin of "+m.Ref, "the legacy DistributionConfig.CustomOrigin property is not modelled; use Origins", legacy.src())
	}
	groups, _, err := c.get("OriginGroups").get("Items").elems()
	if err != nil {
		return err
	}
	for _, gn := range groups {
		g := &model.OriginGroup{Src: gn.src()}
		if g.ID, err = gn.get("Id").str(); err != nil {
			return err
		}
		members, _, err := gn.get("Members").get("Items").elems()
		if err != nil {
			return err
		}
		for _, mn := range members {
			v, err := mn.get("OriginId").str()
			if err != nil {
				return err
			}
			g.Members = append(g.Members, v)
		}
		codes, known, err := gn.get("FailoverCriteria").get("StatusCodes").get("Items").elems()
		if err != nil {
			return err
		}
		if known {
			var cs []int
			allKnown := true
			for _, cn := range codes {
				v, err := cn.int32()
				if err != nil {
					return err
				}
				allKnown = allKnown && v.Known
				cs = append(cs, v.V)
			}
			if allKnown {
				g.FailoverCodes = model.Known(cs, gn.get("FailoverCriteria").src())
			} else {
				g.FailoverCodes = model.Unknown[[]int](gn.get("FailoverCriteria").src(), "a failover status code is not known offline")
			}
		} else {
			g.FailoverCodes = model.Unknown[[]int](gn.get("FailoverCriteria").src(), gn.get("FailoverCriteria").get("StatusCodes").get("Items").missing())
		}
		d.OriginGroups = append(d.OriginGroups, g)
	}
	dcb := c.get("DefaultCacheBehavior")
	if dcb.present() {
		b, err := s.behavior(dcb, true)
		if err != nil {
			return err
		}
		d.DefaultBehavior = b
	} else {
		return c.errorf("add DefaultCacheBehavior: {TargetOriginId: ..., ViewerProtocolPolicy: redirect-to-https, ...}",
			"%s has no DefaultCacheBehavior", r.ID)
	}
	behaviors, known, err := c.get("CacheBehaviors").elems()
	if err != nil {
		return err
	}
	if !known {
		s.l.unresolved("cache behaviors of "+m.Ref, "the CacheBehaviors of "+m.Ref+" are not known offline: "+c.get("CacheBehaviors").missing(), c.get("CacheBehaviors").src())
	}
	for _, bn := range behaviors {
		b, err := s.behavior(bn, false)
		if err != nil {
			return err
		}
		d.Behaviors = append(d.Behaviors, b)
	}
	errs, _, err := c.get("CustomErrorResponses").elems()
	if err != nil {
		return err
	}
	for _, en := range errs {
		ce := &model.CustomErrorResponse{Src: en.src()}
		if ce.ErrorCode, err = en.get("ErrorCode").int32(); err != nil {
			return err
		}
		if ce.ResponseCode, err = en.get("ResponseCode").int32Or(0); err != nil {
			return err
		}
		if ce.ResponsePagePath, err = en.get("ResponsePagePath").strOr(""); err != nil {
			return err
		}
		d.CustomErrors = append(d.CustomErrors, ce)
	}
	s.l.cfg.Distributions = append(s.l.cfg.Distributions, d)
	return nil
}

// origin maps one element of DistributionConfig.Origins.
func (s *stack) origin(on obj) (*model.Origin, error) {
	og := &model.Origin{Src: on.src()}
	var err error
	if err := on.object(); err != nil {
		return nil, err
	}
	if on.unknown() {
		miss := on.missing()
		og.ID = model.Unknown[string](on.src(), miss)
		og.DomainName = model.Unknown[string](on.src(), miss)
		og.Path = model.Unknown[string](on.src(), miss)
		og.OAC = model.Unknown[string](on.src(), miss)
		og.OAI = model.Unknown[string](on.src(), miss)
		og.S3 = model.Unknown[bool](on.src(), miss)
		return og, nil
	}
	if og.ID, err = on.get("Id").str(); err != nil {
		return nil, err
	}
	if og.DomainName, err = on.get("DomainName").str(); err != nil {
		return nil, err
	}
	if og.Path, err = on.get("OriginPath").strOr(""); err != nil {
		return nil, err
	}
	if og.OAC, err = on.get("OriginAccessControlId").strOr(""); err != nil {
		return nil, err
	}
	s3c := on.get("S3OriginConfig")
	custom := on.get("CustomOriginConfig")
	oai := s3c.get("OriginAccessIdentity")
	if og.OAI, err = s.oaiOf(oai); err != nil {
		return nil, err
	}
	switch {
	case s3c.present():
		og.S3 = model.Known(true, s3c.src())
	case custom.present():
		og.S3 = model.Known(false, custom.src())
	case on.get("VpcOriginConfig").present():
		og.S3 = model.Known(false, on.get("VpcOriginConfig").src())
	default:
		// CloudFront needs one of the configurations; without either the
		// origin can only be S3 if an access control says so.
		isS3 := og.OAC.Known && og.OAC.V != "" && og.DomainName.Known &&
			model.ParseEndpoint(og.DomainName.V).Kind == model.S3Regional
		og.S3 = model.Known(isS3, on.src())
	}
	if custom.present() {
		co := &model.CustomOrigin{Src: custom.src()}
		if co.ProtocolPolicy, err = custom.get("OriginProtocolPolicy").enum(); err != nil {
			return nil, err
		}
		og.Custom = co
	}
	headers, _, err := on.get("OriginCustomHeaders").elems()
	if err != nil {
		return nil, err
	}
	for _, h := range headers {
		name, err := h.get("HeaderName").str()
		if err != nil {
			return nil, err
		}
		val, err := h.get("HeaderValue").str()
		if err != nil {
			return nil, err
		}
		og.CustomHeaders = append(og.CustomHeaders, model.CustomHeader{Name: name.V, Value: val.V, Src: h.src()})
	}
	return og, nil
}

// oaiOf reads S3OriginConfig.OriginAccessIdentity: an empty value (or
// none) is not an OAI; origin-access-identity/cloudfront/ID names one.
func (s *stack) oaiOf(oai obj) (model.Value[string], error) {
	if !oai.present() {
		return model.Defaulted("", oai.src()), nil
	}
	v, err := oai.str()
	if err != nil || !v.Known {
		return v, err
	}
	id, ok := model.OAIFromPath(v.V)
	if !ok {
		// CloudFront refuses the value when the stack deploys; cfn-lint
		// does not check it, so the template still loads.
		why := oai.path + " of " + oai.ref + " is " + ident.Render(v.V) + ", not origin-access-identity/cloudfront/ID: CloudFront rejects it when the stack is deployed" +
			" (write !Sub origin-access-identity/cloudfront/${OAI}, or \"\" for OAC)"
		s.l.unresolved("origin access identity of "+oai.ref+" "+oai.path, why, v.Src)
		return model.Unknown[string](v.Src, why), nil
	}
	return model.Known(id, v.Src), nil
}

// legacyS3Origin maps DistributionConfig.S3Origin {DNSName,
// OriginAccessIdentity} (the legacy form).
func (s *stack) legacyS3Origin(o obj) (*model.Origin, error) {
	og := &model.Origin{Src: o.src(), S3: model.Known(true, o.src())}
	var err error
	if og.DomainName, err = o.get("DNSName").str(); err != nil {
		return nil, err
	}
	og.ID = og.DomainName
	og.Path = model.Defaulted("", o.src())
	og.OAC = model.Defaulted("", o.src())
	if og.OAI, err = s.oaiOf(o.get("OriginAccessIdentity")); err != nil {
		return nil, err
	}
	return og, nil
}

// behavior maps DefaultCacheBehavior or an element of CacheBehaviors.
func (s *stack) behavior(bn obj, isDefault bool) (*model.Behavior, error) {
	b := &model.Behavior{Src: bn.src()}
	var err error
	if err := bn.object(); err != nil {
		return nil, err
	}
	if isDefault {
		b.PathPattern = model.Known("*", bn.src())
	} else if b.PathPattern, err = bn.get("PathPattern").str(); err != nil {
		return nil, err
	}
	if b.TargetOrigin, err = bn.get("TargetOriginId").str(); err != nil {
		return nil, err
	}
	if b.ViewerProtocolPolicy, err = bn.get("ViewerProtocolPolicy").enum(); err != nil {
		return nil, err
	}
	if b.AllowedMethods, err = bn.get("AllowedMethods").strListOr([]string{"GET", "HEAD"}); err != nil {
		return nil, err
	}
	if b.CachedMethods, err = bn.get("CachedMethods").strListOr([]string{"GET", "HEAD"}); err != nil {
		return nil, err
	}
	if b.CachePolicy, err = bn.get("CachePolicyId").strOr(""); err != nil {
		return nil, err
	}
	if b.OriginRequestPolicy, err = bn.get("OriginRequestPolicyId").strOr(""); err != nil {
		return nil, err
	}
	if fv := bn.get("ForwardedValues"); fv.present() {
		f := &model.ForwardedValues{Src: fv.src()}
		if f.Headers, err = fv.get("Headers").strListOr([]string{}); err != nil {
			return nil, err
		}
		if f.QueryString, err = fv.get("QueryString").boolean(); err != nil {
			return nil, err
		}
		if f.Cookies, err = fv.get("Cookies").get("Forward").enumOr("none"); err != nil {
			return nil, err
		}
		b.Forwarded = f
	}
	for _, assoc := range []struct{ key, arn, kind string }{
		{"LambdaFunctionAssociations", "LambdaFunctionARN", "lambda"},
		{"FunctionAssociations", "FunctionARN", "function"},
	} {
		es, _, err := bn.get(assoc.key).elems()
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			ef := model.EdgeFunction{Kind: assoc.kind, Src: e.src()}
			if ef.EventType, err = e.get("EventType").enum(); err != nil {
				return nil, err
			}
			if ef.ARN, err = e.get(assoc.arn).str(); err != nil {
				return nil, err
			}
			b.EdgeFunctions = append(b.EdgeFunctions, ef)
		}
	}
	b.Signed = model.Defaulted(false, bn.src())
	for _, key := range []string{"TrustedKeyGroups", "TrustedSigners"} {
		t := bn.get(key)
		if !t.present() {
			continue
		}
		es, known, err := t.elems()
		if err != nil {
			return nil, err
		}
		switch {
		case !known:
			b.Signed = model.Unknown[bool](t.src(), t.missing())
		case len(es) > 0:
			b.Signed = model.Known(true, t.src())
		}
		if b.Signed.Known && b.Signed.V {
			break
		}
	}
	return b, nil
}
