package emulate

import (
	"net/http"
	"strconv"
	"strings"
)

// Errors of the distribution operations.

func errNoSuchDistribution() *apiError {
	return errorf(http.StatusNotFound, "NoSuchDistribution", "The specified distribution does not exist.")
}

// errDistributionNotDisabled: AWS's message, seen in real responses.
func errDistributionNotDisabled() *apiError {
	return errorf(http.StatusConflict, "DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.")
}

// errOAIAndOAC: the code is the API model's error for "an origin cannot
// contain both an origin access control (OAC) and an origin access
// identity (OAI)"; the message is CloudFront's, as CloudFormation relays
// it ("Cannot use both Origin Access Control and Origin Access Identity on
// an origin", awslabs/aws-solutions-constructs#1206).
func errOAIAndOAC(originID string) *apiError {
	return errorf(http.StatusBadRequest, "IllegalOriginAccessConfiguration", "Cannot use both Origin Access Control and Origin Access Identity on an origin (origin %s).", originID)
}

// distributionNode renders <Distribution>.
func (s *Server) distributionNode(d *distribution) *node {
	inProgress := 0
	for _, inv := range d.invalidations {
		if !s.deployed(inv.created) {
			inProgress++
		}
	}
	return elem("Distribution",
		leaf("Id", d.id),
		leaf("ARN", d.arn),
		leaf("Status", s.distributionStatus(d)),
		leaf("LastModifiedTime", awsTime(d.modified)),
		leaf("InProgressInvalidationBatches", strconv.Itoa(inProgress)),
		leaf("DomainName", d.domain),
		elem("ActiveTrustedSigners", leaf("Enabled", "false"), leaf("Quantity", "0")),
		elem("ActiveTrustedKeyGroups", leaf("Enabled", "false"), leaf("Quantity", "0")),
		d.config.clone(),
	)
}

func (s *Server) distributionStatus(d *distribution) string {
	if s.deployed(d.modified) {
		return "Deployed"
	}
	return "InProgress"
}

// summaryMembers are the DistributionConfig members a DistributionSummary
// repeats, in the summary's order.
func summaryMembers() []string {
	return []string{"Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior", "CacheBehaviors",
		"CustomErrorResponses", "Comment", "PriceClass", "Enabled", "ViewerCertificate", "Restrictions", "WebACLId",
		"HttpVersion", "IsIPV6Enabled", "AliasICPRecordals", "Staging", "ConnectionMode", "AnycastIpListId",
		"ViewerMtlsConfig", "ConnectionFunctionAssociation"}
}

func (s *Server) summaryNode(d *distribution) *node {
	n := elem("DistributionSummary",
		leaf("Id", d.id),
		leaf("ARN", d.arn),
		leaf("ETag", d.etag),
		leaf("Status", s.distributionStatus(d)),
		leaf("LastModifiedTime", awsTime(d.modified)),
		leaf("DomainName", d.domain),
	)
	for _, m := range summaryMembers() {
		if c := d.config.child(m); c != nil {
			n.kids = append(n.kids, c.clone())
		} else if m == "Staging" {
			n.kids = append(n.kids, leaf("Staging", "false"))
		}
	}
	return n
}

func (s *Server) createDistribution(c *call) error {
	withTags := c.r.URL.Query().Has("WithTags")
	root := "DistributionConfig"
	if withTags {
		root = "DistributionConfigWithTags"
	}
	body, err := c.body(root)
	if err != nil {
		return err
	}
	cfg, tagsNode := body, (*node)(nil)
	if withTags {
		cfg, tagsNode = body.child("DistributionConfig"), body.child("Tags")
	}
	var tags []tag
	if tagsNode != nil {
		if tags, err = parseTags(tagsNode); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := cfg.value("CallerReference")
	for _, d := range s.st.distributions {
		if d.config.value("CallerReference") == ref {
			return errorf(http.StatusConflict, "DistributionAlreadyExists", "The caller reference you attempted to create the distribution with is associated with another distribution (%s).", d.id)
		}
	}
	if err := s.checkDistribution(cfg, ""); err != nil {
		return err
	}
	fillDistributionDefaults(cfg, s.schema)
	id := s.ids.resourceID()
	d := &distribution{
		id:       id,
		arn:      "arn:aws:cloudfront::" + s.account + ":distribution/" + id,
		domain:   s.ids.domainName(),
		etag:     s.ids.etag(),
		modified: s.now(),
		config:   cfg,
		tags:     tags,
	}
	s.st.distributions[id] = d
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusCreated, d.etag, c.location("distribution/"+id), s.distributionNode(d))
}

func (s *Server) distribution(c *call) (*distribution, error) {
	d, ok := s.st.distributions[pathID(c, "Id")]
	if !ok {
		return nil, errNoSuchDistribution()
	}
	return d, nil
}

func (s *Server) getDistribution(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, d.etag, "", s.distributionNode(d))
}

func (s *Server) getDistributionConfig(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, d.etag, "", d.config.clone())
}

func (s *Server) updateDistribution(c *call) error {
	cfg, err := c.body("DistributionConfig")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(d.etag); err != nil {
		return err
	}
	if cfg.value("CallerReference") != d.config.value("CallerReference") {
		return errorf(http.StatusBadRequest, "IllegalUpdate", "The CallerReference of a distribution cannot be changed.")
	}
	if err := s.checkDistribution(cfg, d.id); err != nil {
		return err
	}
	fillDistributionDefaults(cfg, s.schema)
	d.config, d.etag, d.modified = cfg, s.ids.etag(), s.now()
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusOK, d.etag, "", s.distributionNode(d))
}

func (s *Server) deleteDistribution(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(d.etag); err != nil {
		return err
	}
	// AWS deletes only a distribution that is disabled and deployed.
	if d.config.value("Enabled") != "false" || !s.deployed(d.modified) {
		return errDistributionNotDisabled()
	}
	delete(s.st.distributions, d.id)
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusNoContent, "", "", nil)
}

func (s *Server) listDistributions(c *call) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, truncated := pg.cut(sortedKeys(s.st.distributions))
	var items []*node
	for _, id := range ids {
		items = append(items, s.summaryNode(s.st.distributions[id]))
	}
	return c.reply(http.StatusOK, "", "", listNode("DistributionList", pg, ids, truncated, items, true))
}

// checkDistribution enforces the rules AWS applies to a configuration
// that is valid XML: references to origins, OACs, OAIs and policies, an
// OAI and an OAC on one origin, CNAMEs used elsewhere, cache settings.
// self is the ID of the distribution being updated ("" on create).
func (s *Server) checkDistribution(cfg *node, self string) error {
	if dro := cfg.value("DefaultRootObject"); strings.HasPrefix(dro, "/") || len(dro) > 255 {
		return errorf(http.StatusBadRequest, "InvalidDefaultRootObject", "The default root object file name is too big or contains an invalid character.")
	}
	targets := map[string]bool{}
	for _, o := range cfg.items("Origins") {
		id := o.value("Id")
		if id == "" {
			return errInvalidArgument("The parameter origin Id must not be empty.")
		}
		if targets[id] {
			return errInvalidArgument("The parameter origin Id must be unique: %s appears twice.", id)
		}
		targets[id] = true
		oai := o.value("S3OriginConfig", "OriginAccessIdentity")
		oac := o.value("OriginAccessControlId")
		if oai != "" && oac != "" {
			return errOAIAndOAC(id)
		}
		if oai != "" {
			oaiID, ok := strings.CutPrefix(oai, "origin-access-identity/cloudfront/")
			if _, exists := s.st.oais[oaiID]; !ok || !exists {
				return errorf(http.StatusBadRequest, "InvalidOriginAccessIdentity", "The origin access identity is not valid or doesn't exist: %s.", oai)
			}
		}
		if oac != "" {
			if _, exists := s.st.oacs[oac]; !exists {
				return errorf(http.StatusBadRequest, "InvalidOriginAccessControl", "The origin access control is not valid or doesn't exist: %s.", oac)
			}
		}
	}
	for _, g := range cfg.items("OriginGroups") {
		id := g.value("Id")
		if targets[id] {
			return errInvalidArgument("The parameter origin group Id must be unique: %s is already used.", id)
		}
		for _, m := range g.items("Members") {
			if !targets[m.value("OriginId")] {
				return errNoSuchOrigin()
			}
		}
	}
	for _, g := range cfg.items("OriginGroups") {
		targets[g.value("Id")] = true
	}
	for _, b := range behaviors(cfg) {
		if !targets[b.value("TargetOriginId")] {
			return errNoSuchOrigin()
		}
		cp := b.value("CachePolicyId")
		fv := b.child("ForwardedValues")
		switch {
		case cp == "" && fv == nil:
			return errInvalidArgument("The parameter ForwardedValues is required.")
		case cp != "" && fv != nil:
			return errInvalidArgument("The parameter ForwardedValues cannot be used when a cache policy is associated to the cache behavior.")
		}
		if cp != "" && s.lookupPolicy(cachePolicies, cp) == nil {
			return cachePolicies.errNoSuch()
		}
		if orp := b.value("OriginRequestPolicyId"); orp != "" && s.lookupPolicy(originRequestPolicies, orp) == nil {
			return originRequestPolicies.errNoSuch()
		}
		if fv != nil {
			ttl := func(name string, def int64) int64 {
				if v := b.value(name); v != "" {
					n, _ := strconv.ParseInt(v, 10, 64)
					return n
				}
				return def
			}
			lo, mid, hi := ttl("MinTTL", 0), ttl("DefaultTTL", 86400), ttl("MaxTTL", 31536000)
			if lo < 0 || lo > mid || mid > hi {
				return errorf(http.StatusBadRequest, "InvalidTTLOrder", "The TTL order specified is not valid: MinTTL <= DefaultTTL <= MaxTTL.")
			}
		}
	}
	for _, a := range cfg.items("Aliases") {
		alias := strings.ToLower(a.text)
		for _, id := range sortedKeys(s.st.distributions) {
			if id == self {
				continue
			}
			for _, other := range s.st.distributions[id].config.items("Aliases") {
				if strings.ToLower(other.text) == alias {
					return errorf(http.StatusConflict, "CNAMEAlreadyExists", "One or more of the CNAMEs you provided are already associated with a different resource (%s).", a.text)
				}
			}
		}
	}
	return nil
}

func errNoSuchOrigin() *apiError {
	return errorf(http.StatusNotFound, "NoSuchOrigin", "One or more of your origins or origin groups do not exist.")
}
