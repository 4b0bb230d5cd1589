package check

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/rules"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/report"
)

// ReportPaths converts simulated paths to their report form; symbols are
// rendered for people (${aws_cloudfront_distribution.web.id}).
func ReportPaths(paths []*sim.Path) []report.Path {
	out := make([]report.Path, 0, len(paths))
	for _, p := range paths {
		rp := report.Path{
			ID:            rules.PathID(p),
			Distribution:  p.Distribution.Ref,
			Scenario:      p.Scenario,
			Uploader:      ident.Render(p.Uploader),
			URL:           p.URLPath,
			Key:           ident.Render(p.Key),
			Outcome:       string(p.Outcome),
			Intended:      p.Intended,
			Status:        p.Status,
			ErrorCode:     p.ErrorCode,
			Expected:      p.Expected,
			ExpectedBasis: p.Basis,
			When:          p.When,
			Missing:       p.Missing,
			Trace:         make([]report.Hop, 0, len(p.Hops)),
		}
		if p.Origin != nil && p.Origin.ID.Known {
			rp.Origin = ident.Render(p.Origin.ID.V)
		}
		if p.Bucket != nil {
			rp.Bucket = p.Bucket.Ref
		}
		rp.Behavior = "*"
		if p.Behavior != nil && p.Behavior.PathPattern.Known && p.Behavior.PathPattern.V != "" {
			rp.Behavior = p.Behavior.PathPattern.V
		}
		if p.Cause != nil {
			rp.Cause = p.Cause.Rule
		}
		for _, h := range p.Hops {
			hop := report.Hop{Hop: h.Name, Result: string(h.Result), Detail: ident.Render(h.Detail)}
			for _, e := range h.Evidence {
				if e.Src.IsZero() {
					continue
				}
				hop.Evidence = append(hop.Evidence, report.Evidence{What: ident.Render(e.What), Resource: e.Src.Resource, Location: rules.Location(e.Src)})
			}
			rp.Trace = append(rp.Trace, hop)
		}
		out = append(out, rp)
	}
	return out
}
