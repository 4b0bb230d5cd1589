package emulate

import (
	"net/http"
	"strconv"
	"strings"
)

// policyKind is one of the three policy resources, which share their API
// shape (Create/Get/GetConfig/Update/Delete/List, managed and custom).
type policyKind int

const (
	cachePolicies policyKind = iota
	originRequestPolicies
	responseHeadersPolicies
)

func allPolicyKinds() []policyKind {
	return []policyKind{cachePolicies, originRequestPolicies, responseHeadersPolicies}
}

// objectName: CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy.
func (k policyKind) objectName() string {
	return [...]string{"CachePolicy", "OriginRequestPolicy", "ResponseHeadersPolicy"}[k]
}

func (k policyKind) pluralName() string {
	return [...]string{"CachePolicies", "OriginRequestPolicies", "ResponseHeadersPolicies"}[k]
}

func (k policyKind) pathSegment() string {
	return [...]string{"cache-policy", "origin-request-policy", "response-headers-policy"}[k]
}

func (k policyKind) configName() string { return k.objectName() + "Config" }

// behaviorField is the cache behavior element naming a policy of the kind.
func (k policyKind) behaviorField() string { return k.objectName() + "Id" }

func (k policyKind) String() string { return k.pathSegment() }

func parsePolicyKind(s string) (policyKind, bool) {
	for _, k := range allPolicyKinds() {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

func (k policyKind) errNoSuch() *apiError {
	msg := [...]string{"The cache policy does not exist.", "The origin request policy does not exist.", "The response headers policy does not exist."}[k]
	return errorf(http.StatusNotFound, "NoSuch"+k.objectName(), "%s", msg)
}

func (k policyKind) errAlreadyExists(name string) *apiError {
	return errorf(http.StatusConflict, k.objectName()+"AlreadyExists", "A %s with the name %s already exists. You must provide a unique name. To modify an existing %s, use Update%s.", k.human(), name, k.human(), k.objectName())
}

func (k policyKind) errInUse() *apiError {
	return errorf(http.StatusConflict, k.objectName()+"InUse", "Cannot delete the %s because it is attached to one or more cache behaviors.", k.human())
}

func (k policyKind) human() string {
	return [...]string{"cache policy", "origin request policy", "response headers policy"}[k]
}

// lookupPolicy finds a custom or managed policy.
func (s *Server) lookupPolicy(k policyKind, id string) *policy {
	if p, ok := s.st.policies[k][id]; ok {
		return p
	}
	for _, p := range managedPolicies(k) {
		if p.id == id {
			return p
		}
	}
	return nil
}

// policyNode renders <CachePolicy>: Id, LastModifiedTime, the config.
func (k policyKind) policyNode(p *policy) *node {
	return elem(k.objectName(), leaf("Id", p.id), leaf("LastModifiedTime", awsTime(p.modified)), p.config.clone())
}

// checkPolicyConfig applies AWS's defaults and rules to a policy config.
func (s *Server) checkPolicyConfig(k policyKind, cfg *node, selfID string) error {
	name := cfg.value("Name")
	if strings.TrimSpace(name) == "" {
		return errInvalidArgument("The %s name must not be empty.", k.human())
	}
	for _, p := range append(managedPolicies(k), s.customPolicies(k)...) {
		if p.id != selfID && p.config.value("Name") == name {
			return k.errAlreadyExists(name)
		}
	}
	if k == cachePolicies {
		// Defaults documented for CachePolicyConfig: DefaultTTL 86400 (or
		// MinTTL when larger), MaxTTL 31536000 (or DefaultTTL when larger).
		sh := s.schema[k.configName()]
		minTTL, _ := strconv.ParseInt(cfg.value("MinTTL"), 10, 64)
		if cfg.child("DefaultTTL") == nil {
			insertOrdered(cfg, sh, leaf("DefaultTTL", strconv.FormatInt(max(86400, minTTL), 10)))
		}
		defTTL, _ := strconv.ParseInt(cfg.value("DefaultTTL"), 10, 64)
		if cfg.child("MaxTTL") == nil {
			insertOrdered(cfg, sh, leaf("MaxTTL", strconv.FormatInt(max(31536000, defTTL), 10)))
		}
		maxTTL, _ := strconv.ParseInt(cfg.value("MaxTTL"), 10, 64)
		if minTTL < 0 || minTTL > defTTL || defTTL > maxTTL {
			return errorf(http.StatusBadRequest, "InvalidArgument", "The TTL values must satisfy MinTTL <= DefaultTTL <= MaxTTL.")
		}
	}
	return nil
}

func (s *Server) customPolicies(k policyKind) []*policy {
	var out []*policy
	for _, id := range sortedKeys(s.st.policies[k]) {
		out = append(out, s.st.policies[k][id])
	}
	return out
}

func (s *Server) createPolicy(c *call, k policyKind) error {
	cfg, err := c.body(k.configName())
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkPolicyConfig(k, cfg, ""); err != nil {
		return err
	}
	p := &policy{id: s.ids.uuid(), etag: s.ids.etag(), modified: s.now(), config: cfg}
	s.st.policies[k][p.id] = p
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusCreated, p.etag, c.location(k.pathSegment()+"/"+p.id), k.policyNode(p))
}

func (s *Server) getPolicy(c *call, k policyKind, configOnly bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupPolicy(k, pathID(c, "Id"))
	if p == nil {
		return k.errNoSuch()
	}
	if configOnly {
		return c.reply(http.StatusOK, p.etag, "", p.config.clone())
	}
	return c.reply(http.StatusOK, p.etag, "", k.policyNode(p))
}

func (s *Server) updatePolicy(c *call, k policyKind) error {
	cfg, err := c.body(k.configName())
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := pathID(c, "Id")
	p := s.lookupPolicy(k, id)
	if p == nil {
		return k.errNoSuch()
	}
	if p.managed {
		return errorf(http.StatusBadRequest, "IllegalUpdate", "You can't update a managed %s.", k.human())
	}
	if err := c.ifMatch(p.etag); err != nil {
		return err
	}
	if err := s.checkPolicyConfig(k, cfg, id); err != nil {
		return err
	}
	p.config, p.etag, p.modified = cfg, s.ids.etag(), s.now()
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusOK, p.etag, "", k.policyNode(p))
}

func (s *Server) deletePolicy(c *call, k policyKind) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := pathID(c, "Id")
	p := s.lookupPolicy(k, id)
	if p == nil {
		return k.errNoSuch()
	}
	if p.managed {
		return errorf(http.StatusBadRequest, "IllegalDelete", "You can't delete a managed %s.", k.human())
	}
	if err := c.ifMatch(p.etag); err != nil {
		return err
	}
	if len(s.distributionsUsingPolicy(k, id)) > 0 {
		return k.errInUse()
	}
	delete(s.st.policies[k], id)
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusNoContent, "", "", nil)
}

func (s *Server) listPolicies(c *call, k policyKind) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	typ := c.r.URL.Query().Get("Type")
	if typ != "" && typ != "managed" && typ != "custom" {
		return errInvalidArgument("Type must be managed or custom, not %q.", clip(typ))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := map[string]*policy{}
	if typ != "custom" {
		for _, p := range managedPolicies(k) {
			all[p.id] = p
		}
	}
	if typ != "managed" {
		for id, p := range s.st.policies[k] {
			all[id] = p
		}
	}
	ids, truncated := pg.cut(sortedKeys(all))
	var items []*node
	for _, id := range ids {
		p := all[id]
		t := "custom"
		if p.managed {
			t = "managed"
		}
		items = append(items, elem(k.objectName()+"Summary", leaf("Type", t), k.policyNode(p)))
	}
	return c.reply(http.StatusOK, "", "", listNode(k.objectName()+"List", pg, ids, truncated, items, false))
}

// distributionsUsingPolicy lists (sorted) the distributions whose cache
// behaviors name the policy.
func (s *Server) distributionsUsingPolicy(k policyKind, id string) []string {
	var out []string
	for _, did := range sortedKeys(s.st.distributions) {
		for _, b := range behaviors(s.st.distributions[did].config) {
			if b.value(k.behaviorField()) == id {
				out = append(out, did)
				break
			}
		}
	}
	return out
}

func (s *Server) listDistributionsByPolicy(c *call, k policyKind) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := pathID(c, "Id")
	if k != responseHeadersPolicies && s.lookupPolicy(k, id) == nil {
		return k.errNoSuch()
	}
	ids, truncated := pg.cut(s.distributionsUsingPolicy(k, id))
	var items []*node
	for _, did := range ids {
		items = append(items, leaf("DistributionId", did))
	}
	return c.reply(http.StatusOK, "", "", listNode("DistributionIdList", pg, ids, truncated, items, true))
}
