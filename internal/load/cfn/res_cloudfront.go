package cfn

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
)

// oai maps AWS::CloudFront::CloudFrontOriginAccessIdentity.
func (s *stack) oai(r *template.Resource) error {
	if _, err := s.props(r); err != nil {
		return err
	}
	m := s.meta(r, false)
	id := s.oaiID(r.ID)
	s.l.cfg.OAIs = append(s.l.cfg.OAIs, &model.OAI{
		Meta:          m,
		ID:            model.Known(id, m.Src),
		IAMARN:        model.Known(model.OAIARN(id), m.Src),
		CanonicalUser: model.Known(ident.New(ident.CanonicalUser, m.Ref+".s3_canonical_user_id"), m.Src),
	})
	return nil
}

// oac maps AWS::CloudFront::OriginAccessControl.
func (s *stack) oac(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, false)
	o := s.root(m.Ref, p).get("OriginAccessControlConfig")
	if err := o.object(); err != nil {
		return err
	}
	oac := &model.OAC{Meta: m, ID: model.Known(s.oacID(r.ID), m.Src)}
	if oac.Name, err = o.get("Name").str(); err != nil {
		return err
	}
	if oac.OriginType, err = o.get("OriginAccessControlOriginType").enum(); err != nil {
		return err
	}
	if oac.SigningBehavior, err = o.get("SigningBehavior").enum(); err != nil {
		return err
	}
	if oac.SigningProtocol, err = o.get("SigningProtocol").enumOr("sigv4"); err != nil {
		return err
	}
	s.l.cfg.OACs = append(s.l.cfg.OACs, oac)
	return nil
}

// cachePolicy maps AWS::CloudFront::CachePolicy.
func (s *stack) cachePolicy(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, false)
	c := s.root(m.Ref, p).get("CachePolicyConfig")
	if err := c.object(); err != nil {
		return err
	}
	cp := &model.CachePolicy{Meta: m, ID: model.Known(s.policyID(r.ID), m.Src)}
	if cp.Name, err = c.get("Name").str(); err != nil {
		return err
	}
	if cp.DefaultTTL, err = c.get("DefaultTTL").intOr(86400); err != nil {
		return err
	}
	if cp.MaxTTL, err = c.get("MaxTTL").intOr(31536000); err != nil {
		return err
	}
	if cp.MinTTL, err = c.get("MinTTL").integer(); err != nil {
		return err
	}
	h := c.get("ParametersInCacheKeyAndForwardedToOrigin").get("HeadersConfig")
	if cp.HeaderBehavior, err = h.get("HeaderBehavior").enumOr("none"); err != nil {
		return err
	}
	if cp.Headers, err = h.get("Headers").strListOr([]string{}); err != nil {
		return err
	}
	s.l.cfg.CachePolicies = append(s.l.cfg.CachePolicies, cp)
	return nil
}

// originRequestPolicy maps AWS::CloudFront::OriginRequestPolicy.
func (s *stack) originRequestPolicy(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, false)
	c := s.root(m.Ref, p).get("OriginRequestPolicyConfig")
	if err := c.object(); err != nil {
		return err
	}
	op := &model.OriginRequestPolicy{Meta: m, ID: model.Known(s.policyID(r.ID), m.Src)}
	if op.Name, err = c.get("Name").str(); err != nil {
		return err
	}
	h := c.get("HeadersConfig")
	if op.HeaderBehavior, err = h.get("HeaderBehavior").enum(); err != nil {
		return err
	}
	if op.Headers, err = h.get("Headers").strListOr([]string{}); err != nil {
		return err
	}
	s.l.cfg.OriginRequestPolicies = append(s.l.cfg.OriginRequestPolicies, op)
	return nil
}
