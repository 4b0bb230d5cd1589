package emulate

import (
	"net/http"
	"strings"
)

// routes registers every emulated operation. Paths and methods are those
// of the API model (version 2020-05-31).
func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m
	const v = "/2020-05-31"
	paths := map[string]bool{}
	on := func(method, path, op string, f func(*call) error) {
		m.Handle(method+" "+v+path, s.handle(op, f))
		paths[v+path] = true
	}

	// Distributions.
	on("POST", "/distribution", "CreateDistribution", s.createDistribution)
	on("GET", "/distribution", "ListDistributions", s.listDistributions)
	on("GET", "/distribution/{Id}", "GetDistribution", s.getDistribution)
	on("GET", "/distribution/{Id}/config", "GetDistributionConfig", s.getDistributionConfig)
	on("PUT", "/distribution/{Id}/config", "UpdateDistribution", s.updateDistribution)
	on("DELETE", "/distribution/{Id}", "DeleteDistribution", s.deleteDistribution)

	// Invalidations.
	on("POST", "/distribution/{Id}/invalidation", "CreateInvalidation", s.createInvalidation)
	on("GET", "/distribution/{Id}/invalidation", "ListInvalidations", s.listInvalidations)
	on("GET", "/distribution/{Id}/invalidation/{InvalidationId}", "GetInvalidation", s.getInvalidation)

	// Origin access controls.
	on("POST", "/origin-access-control", "CreateOriginAccessControl", s.createOAC)
	on("GET", "/origin-access-control", "ListOriginAccessControls", s.listOACs)
	on("GET", "/origin-access-control/{Id}", "GetOriginAccessControl", s.getOAC)
	on("GET", "/origin-access-control/{Id}/config", "GetOriginAccessControlConfig", s.getOACConfig)
	on("PUT", "/origin-access-control/{Id}/config", "UpdateOriginAccessControl", s.updateOAC)
	on("DELETE", "/origin-access-control/{Id}", "DeleteOriginAccessControl", s.deleteOAC)

	// Origin access identities.
	on("POST", "/origin-access-identity/cloudfront", "CreateCloudFrontOriginAccessIdentity", s.createOAI)
	on("GET", "/origin-access-identity/cloudfront", "ListCloudFrontOriginAccessIdentities", s.listOAIs)
	on("GET", "/origin-access-identity/cloudfront/{Id}", "GetCloudFrontOriginAccessIdentity", s.getOAI)
	on("GET", "/origin-access-identity/cloudfront/{Id}/config", "GetCloudFrontOriginAccessIdentityConfig", s.getOAIConfig)
	on("PUT", "/origin-access-identity/cloudfront/{Id}/config", "UpdateCloudFrontOriginAccessIdentity", s.updateOAI)
	on("DELETE", "/origin-access-identity/cloudfront/{Id}", "DeleteCloudFrontOriginAccessIdentity", s.deleteOAI)

	// Cache, origin request and response headers policies.
	for _, k := range allPolicyKinds() {
		k := k
		p := "/" + k.pathSegment()
		on("POST", p, "Create"+k.objectName(), func(c *call) error { return s.createPolicy(c, k) })
		on("GET", p, "List"+k.pluralName(), func(c *call) error { return s.listPolicies(c, k) })
		on("GET", p+"/{Id}", "Get"+k.objectName(), func(c *call) error { return s.getPolicy(c, k, false) })
		on("GET", p+"/{Id}/config", "Get"+k.objectName()+"Config", func(c *call) error { return s.getPolicy(c, k, true) })
		on("PUT", p+"/{Id}", "Update"+k.objectName(), func(c *call) error { return s.updatePolicy(c, k) })
		on("DELETE", p+"/{Id}", "Delete"+k.objectName(), func(c *call) error { return s.deletePolicy(c, k) })
		on("GET", "/distributionsBy"+k.objectName()+"Id/{Id}", "ListDistributionsBy"+k.objectName()+"Id", func(c *call) error { return s.listDistributionsByPolicy(c, k) })
	}

	// Tags.
	on("GET", "/tagging", "ListTagsForResource", s.listTags)
	on("POST", "/tagging", "TagResource", s.tagging)

	// Anything else, including a known path with another method.
	notEmulated := s.handle("unknown", func(c *call) error { return errNotEmulated(c.r) })
	for p := range paths {
		m.Handle(p, notEmulated)
	}
	m.Handle("/", notEmulated)
}

// pathID is the {Id} path value (path values are already unescaped).
func pathID(c *call, name string) string { return strings.TrimSpace(c.r.PathValue(name)) }
