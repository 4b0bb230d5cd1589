package sim

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// Scenario names, as in RULES.md (`paths[].scenario`).
const (
	ViewerGetExisting  = "viewer-get-existing"
	ViewerGetNew       = "viewer-get-new"
	ViewerPut          = "viewer-put"
	ViewerDelete       = "viewer-delete"
	DirectAnonymousGet = "direct-anonymous-get"
)

// Outcome of a path.
type Outcome string

// Outcomes.
const (
	Allow   Outcome = "allow"
	Deny    Outcome = "deny"
	Unknown Outcome = "unknown"
)

// When a denied path fails.
const (
	Now        = "now"
	NextUpload = "next-upload"
)

// Path is one request replayed hop by hop.
type Path struct {
	Distribution *model.Distribution
	Behavior     *model.Behavior
	Origin       *model.Origin
	// Bucket is nil when the origin's bucket is not in the input.
	Bucket   *model.Bucket
	Scenario string
	// Uploader names the writer whose upload a viewer-get-new path reads;
	// empty for the bucket owner's own deployments.
	Uploader string
	// URLPath is the viewer's path (/index.html); Key the S3 key.
	URLPath string
	Key     string
	Outcome Outcome
	// Status and ErrorCode are what the viewer would see; Expected is true
	// when SEMANTICS marks them UNCONFIRMED (output says "expected").
	Status    int
	ErrorCode string
	Expected  bool
	// Basis says why an Expected response is expected: Observed (AWS
	// answered so in a public report, but does not document it) or
	// Inferred (derived from documented rules, not observed).
	Basis string
	// Intended is whether the outcome is the one the configuration
	// intends: viewer GETs allowed, the direct anonymous GET denied, a
	// viewer write allowed exactly where CloudFront is granted it. An
	// unknown outcome is never intended.
	Intended bool
	// Writes is, for viewer-put and viewer-delete, whether the
	// configuration grants CloudFront this write (bucket or key policy).
	Writes ident.Tri
	// When is now or next-upload for denied paths, "" otherwise.
	When string
	Hops []Hop
	// Cause is the root cause of a deny (or of an unknown); nil when allowed.
	Cause *Cause
	// Missing names the inputs that left the path unknown.
	Missing []string
	// CanList says whether the path's reader may s3:ListBucket the bucket
	// (missing objects then answer 404 instead of 403); set on GET paths
	// that reach S3.
	CanList ident.Tri
}

// HopResult is what one hop did with the request.
type HopResult string

// Hop results.
const (
	Pass    HopResult = "pass"
	Fail    HopResult = "fail"
	Maybe   HopResult = "unknown"
	Skipped HopResult = "skip"
	Info    HopResult = "note"
)

// Hop is one step of a path: a decision and what decided it.
type Hop struct {
	// Name is the component: viewer, cloudfront, origin, access, headers,
	// s3, ownership, object, kms, upload.
	Name   string
	Result HopResult
	Detail string
	// Evidence lists the statements and settings that decided the hop.
	Evidence []Evidence
}

// Evidence is one setting or statement with its provenance.
type Evidence struct {
	What string
	Src  model.Src
}

// Cause is the root cause of a failed (or undecidable) path, in the terms
// of the rule that reports it.
type Cause struct {
	// Rule is the ID of the rule that reports this cause (RULES.md).
	Rule string
	// At is the setting or statement to change: the finding's resource and
	// location.
	At model.Src
	// Related are the other resources in the chain.
	Related []model.Src
	// Message says what breaks and why, Fix what to change.
	Message string
	Fix     string
	// Statement is the policy statement at fault, when there is one;
	// Values are its condition values that did not match the request.
	Statement *iam.Statement
	Values    []string
	// Changes are the policy changes Fix proposes, structured (what
	// `s3front fix` writes); empty when Fix proposes none s3front can
	// write.
	Changes []Change
}

// propose records the structured changes of proposals that are needed.
func (c *Cause) propose(ps ...proposal) {
	for _, p := range ps {
		if p.needed && p.change != nil {
			c.Changes = append(c.Changes, *p.change)
		}
	}
}

// Bases of an expected response.
const (
	Observed = "observed"
	Inferred = "inferred"
)

// Response words what a viewer gets: "403 AccessDenied", or for a response
// AWS does not document, how s3front knows it, so that it never reads as
// the intended outcome.
func Response(status int, code string, expected bool, basis string) string {
	s := strings.TrimSpace(fmt.Sprintf("%d %s", status, code))
	if !expected {
		return s
	}
	if basis == Observed {
		return s + ", per AWS behaviour observed, not documented"
	}
	return s + ", inferred from AWS documentation, not observed"
}
