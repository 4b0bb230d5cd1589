package report

import (
	"fmt"
	"sort"
	"strings"
)

// Lane is one party of a request: the viewer, CloudFront, S3 or KMS.
type Lane int

// Lanes, in the order a request crosses them.
const (
	LaneViewer Lane = iota
	LaneCloudFront
	LaneS3
	LaneKMS
)

func (l Lane) String() string {
	return [...]string{"Viewer", "CloudFront", "S3", "KMS"}[l]
}

// HopLane says which party takes a trace hop.
func HopLane(hop string) Lane {
	switch hop {
	case "viewer":
		return LaneViewer
	case "cloudfront", "origin", "access", "headers":
		return LaneCloudFront
	case "kms":
		return LaneKMS
	}
	return LaneS3
}

// Step is one hop of a path drawn as a message between two parties.
type Step struct {
	From, To Lane
	Hop      Hop
	// Failed marks the hop that decided a denial (or left the path
	// unknown, with Unknown set).
	Failed  bool
	Unknown bool
}

// Flow is a path as a sequence of messages: the request, each hop, and
// the answer the viewer gets.
type Flow struct {
	// Anonymous is true for direct requests to the bucket (no CloudFront).
	Anonymous bool
	Method    string
	Steps     []Step
	// FailedAt is the index in Steps of the deciding hop, or -1.
	FailedAt int
	// Intended is true when the path ends as the configuration intends
	// (a refusal at FailedAt is then the protection working).
	Intended bool
	// Answer is what the viewer sees (200, 403 AccessDenied, cannot
	// determine).
	Answer string
}

// Method is the HTTP method of a scenario.
func Method(scenario string) string {
	switch scenario {
	case "viewer-put":
		return "PUT"
	case "viewer-delete":
		return "DELETE"
	}
	return "GET"
}

// PathFlow lays out a path's trace as messages between the parties: a hop
// on a new party is a message from the current one to it; a hop on the
// same party is a step within it. The first failing hop (or, for an
// unknown path, the first undecided one) is marked.
func PathFlow(p Path) Flow {
	fl := Flow{Anonymous: p.Scenario == "direct-anonymous-get", Method: Method(p.Scenario), FailedAt: -1, Answer: Answer(p), Intended: Healthy(p)}
	cur := LaneViewer
	for _, h := range p.Trace {
		to := HopLane(h.Hop)
		if fl.Anonymous && to == LaneCloudFront {
			to = LaneS3
		}
		st := Step{From: cur, To: to, Hop: h}
		if h.Result == "note" || h.Result == "skip" {
			// A remark (how the object got there, who asks): drawn on
			// its party, the request stays where it is.
			st.From = to
			fl.Steps = append(fl.Steps, st)
			continue
		}
		if fl.FailedAt < 0 {
			switch {
			case h.Result == "fail" && p.Outcome != "allow":
				st.Failed = true
			case h.Result == "unknown" && p.Outcome == "unknown":
				st.Failed, st.Unknown = true, true
			}
			if st.Failed {
				fl.FailedAt = len(fl.Steps)
			}
		}
		fl.Steps = append(fl.Steps, st)
		cur = to
	}
	return fl
}

// Answer is what the requester gets, in words.
func Answer(p Path) string {
	switch p.Outcome {
	case "allow":
		if p.Status > 0 {
			return fmt.Sprintf("%d", p.Status)
		}
		return "allowed"
	case "deny":
		if p.Status == 0 {
			return "cannot be deployed"
		}
		s := strings.TrimSpace(fmt.Sprintf("%d %s", p.Status, p.ErrorCode))
		if p.Expected {
			s += " (" + ExpectedText(p.ExpectedBasis) + ")"
		}
		return s
	}
	return "cannot determine"
}

// Causes indexes findings by the paths they explain: key path ID + "|" +
// rule.
func Causes(r *Report) map[string]*Finding {
	out := map[string]*Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		for _, id := range f.Paths {
			if _, ok := out[id+"|"+f.Rule]; !ok {
				out[id+"|"+f.Rule] = f
			}
		}
	}
	return out
}

// CauseOf returns the finding that explains path p, or nil.
func CauseOf(causes map[string]*Finding, p Path) *Finding {
	if p.Cause == "" {
		return nil
	}
	return causes[p.ID+"|"+p.Cause]
}

// ScenarioTitle names a path for people: "viewer-get-new /index.html
// (uploaded by …) via origin …, behavior …".
func ScenarioTitle(p Path) string {
	s := p.Scenario + " " + p.URL
	if p.Uploader != "" {
		s += " (uploaded by " + p.Uploader + ")"
	}
	return s
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// DistGroup is the paths of one distribution of one root.
type DistGroup struct {
	Root, Distribution string
	Paths              []Path
}

// Name is the distribution, prefixed by its root when there is one.
func (g DistGroup) Name() string {
	if g.Root == "" {
		return g.Distribution
	}
	return g.Root + ": " + g.Distribution
}

// Broken counts the paths that are not as intended (denied, unknown, or
// open when they should be refused).
func (g DistGroup) Broken() (broken, unknown int) {
	for _, p := range g.Paths {
		switch {
		case p.Outcome == "unknown":
			unknown++
		case !Healthy(p):
			broken++
		}
	}
	return broken, unknown
}

// Distributions groups paths by root and distribution, sorted by root
// then distribution; paths keep their report order within a group.
func Distributions(paths []Path) []DistGroup {
	var out []DistGroup
	idx := map[[2]string]int{}
	for _, p := range paths {
		k := [2]string{p.Root, p.Distribution}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, DistGroup{Root: p.Root, Distribution: p.Distribution})
		}
		out[i].Paths = append(out[i].Paths, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Root != out[j].Root {
			return out[i].Root < out[j].Root
		}
		return out[i].Distribution < out[j].Distribution
	})
	return out
}
