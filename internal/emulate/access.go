package emulate

import (
	"net/http"
	"strings"
)

// Origin access controls (OACs) and origin access identities (OAIs).

func errNoSuchOAC() *apiError {
	return errorf(http.StatusNotFound, "NoSuchOriginAccessControl", "The origin access control does not exist.")
}

func errNoSuchOAI() *apiError {
	return errorf(http.StatusNotFound, "NoSuchCloudFrontOriginAccessIdentity", "The specified origin access identity does not exist.")
}

func oacNode(o *originAccessControl) *node {
	return elem("OriginAccessControl", leaf("Id", o.id), o.config.clone())
}

// oacUsers lists (sorted) the distributions with an origin using the OAC.
func (s *Server) oacUsers(id string) []string {
	var out []string
	for _, did := range sortedKeys(s.st.distributions) {
		for _, o := range s.st.distributions[did].config.items("Origins") {
			if o.value("OriginAccessControlId") == id {
				out = append(out, did)
				break
			}
		}
	}
	return out
}

func (s *Server) checkOACName(cfg *node, self string) error {
	name := cfg.value("Name")
	if strings.TrimSpace(name) == "" {
		return errInvalidArgument("The origin access control name must not be empty.")
	}
	for _, id := range sortedKeys(s.st.oacs) {
		if id != self && s.st.oacs[id].config.value("Name") == name {
			return errorf(http.StatusConflict, "OriginAccessControlAlreadyExists", "An origin access control with the name %s already exists.", name)
		}
	}
	return nil
}

func (s *Server) createOAC(c *call) error {
	cfg, err := c.body("OriginAccessControlConfig")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOACName(cfg, ""); err != nil {
		return err
	}
	o := &originAccessControl{id: s.ids.resourceID(), etag: s.ids.etag(), config: cfg}
	s.st.oacs[o.id] = o
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusCreated, o.etag, c.location("origin-access-control/"+o.id), oacNode(o))
}

func (s *Server) oac(c *call) (*originAccessControl, error) {
	o, ok := s.st.oacs[pathID(c, "Id")]
	if !ok {
		return nil, errNoSuchOAC()
	}
	return o, nil
}

func (s *Server) getOAC(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oac(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", oacNode(o))
}

func (s *Server) getOACConfig(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oac(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", o.config.clone())
}

func (s *Server) updateOAC(c *call) error {
	cfg, err := c.body("OriginAccessControlConfig")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oac(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(o.etag); err != nil {
		return err
	}
	if err := s.checkOACName(cfg, o.id); err != nil {
		return err
	}
	o.config, o.etag = cfg, s.ids.etag()
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", oacNode(o))
}

func (s *Server) deleteOAC(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oac(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(o.etag); err != nil {
		return err
	}
	if users := s.oacUsers(o.id); len(users) > 0 {
		return errorf(http.StatusConflict, "OriginAccessControlInUse", "Cannot delete the origin access control because it's in use by one or more distributions (%s).", strings.Join(users, ", "))
	}
	delete(s.st.oacs, o.id)
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusNoContent, "", "", nil)
}

func (s *Server) listOACs(c *call) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, truncated := pg.cut(sortedKeys(s.st.oacs))
	var items []*node
	for _, id := range ids {
		o := s.st.oacs[id]
		sum := elem("OriginAccessControlSummary", leaf("Id", o.id))
		for _, m := range []string{"Description", "Name", "SigningProtocol", "SigningBehavior", "OriginAccessControlOriginType"} {
			sum.kids = append(sum.kids, leaf(m, o.config.value(m)))
		}
		items = append(items, sum)
	}
	return c.reply(http.StatusOK, "", "", listNode("OriginAccessControlList", pg, ids, truncated, items, true))
}

// OAIs.

func oaiNode(o *originAccessIdentity) *node {
	return elem("CloudFrontOriginAccessIdentity", leaf("Id", o.id), leaf("S3CanonicalUserId", o.canonicalUser), o.config.clone())
}

// oaiUsers lists (sorted) the distributions with an origin using the OAI.
func (s *Server) oaiUsers(id string) []string {
	var out []string
	ref := "origin-access-identity/cloudfront/" + id
	for _, did := range sortedKeys(s.st.distributions) {
		for _, o := range s.st.distributions[did].config.items("Origins") {
			if o.value("S3OriginConfig", "OriginAccessIdentity") == ref {
				out = append(out, did)
				break
			}
		}
	}
	return out
}

func (s *Server) createOAI(c *call) error {
	cfg, err := c.body("CloudFrontOriginAccessIdentityConfig")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The same CallerReference again: the same identity when the
	// configuration is the same, an error when it differs (API reference).
	for _, id := range sortedKeys(s.st.oais) {
		o := s.st.oais[id]
		if o.config.value("CallerReference") == cfg.value("CallerReference") {
			if o.config.String() == cfg.String() {
				return c.reply(http.StatusCreated, o.etag, c.location("origin-access-identity/cloudfront/"+o.id), oaiNode(o))
			}
			return errorf(http.StatusConflict, "CloudFrontOriginAccessIdentityAlreadyExists", "The CallerReference %s was already used for origin access identity %s with another configuration.", cfg.value("CallerReference"), o.id)
		}
	}
	o := &originAccessIdentity{id: s.ids.resourceID(), etag: s.ids.etag(), canonicalUser: s.ids.canonicalUserID(), config: cfg}
	s.st.oais[o.id] = o
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusCreated, o.etag, c.location("origin-access-identity/cloudfront/"+o.id), oaiNode(o))
}

func (s *Server) oai(c *call) (*originAccessIdentity, error) {
	o, ok := s.st.oais[pathID(c, "Id")]
	if !ok {
		return nil, errNoSuchOAI()
	}
	return o, nil
}

func (s *Server) getOAI(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oai(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", oaiNode(o))
}

func (s *Server) getOAIConfig(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oai(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", o.config.clone())
}

func (s *Server) updateOAI(c *call) error {
	cfg, err := c.body("CloudFrontOriginAccessIdentityConfig")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oai(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(o.etag); err != nil {
		return err
	}
	if cfg.value("CallerReference") != o.config.value("CallerReference") {
		return errorf(http.StatusBadRequest, "IllegalUpdate", "The CallerReference of an origin access identity cannot be changed.")
	}
	o.config, o.etag = cfg, s.ids.etag()
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusOK, o.etag, "", oaiNode(o))
}

func (s *Server) deleteOAI(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.oai(c)
	if err != nil {
		return err
	}
	if err := c.ifMatch(o.etag); err != nil {
		return err
	}
	if users := s.oaiUsers(o.id); len(users) > 0 {
		return errorf(http.StatusConflict, "CloudFrontOriginAccessIdentityInUse", "The Origin Access Identity specified is already in use (%s).", strings.Join(users, ", "))
	}
	delete(s.st.oais, o.id)
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusNoContent, "", "", nil)
}

func (s *Server) listOAIs(c *call) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, truncated := pg.cut(sortedKeys(s.st.oais))
	var items []*node
	for _, id := range ids {
		o := s.st.oais[id]
		items = append(items, elem("CloudFrontOriginAccessIdentitySummary",
			leaf("Id", o.id), leaf("S3CanonicalUserId", o.canonicalUser), leaf("Comment", o.config.value("Comment"))))
	}
	return c.reply(http.StatusOK, "", "", listNode("CloudFrontOriginAccessIdentityList", pg, ids, truncated, items, true))
}
