// Package check runs the simulator and the rules over a model and builds
// the report: the pipeline behind `s3front check` and the library's
// [github.com/s3front/s3front.Check].
package check

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/s3front/s3front/internal/rules"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// Options configure [Run].
type Options struct {
	// Now is the time of the check: suppressions past their expiry date
	// stop applying. The zero value means time.Now().
	Now time.Time
	// Rules restricts the rules run (IDs); empty means all. It filters
	// findings only: every path is still simulated, and a path whose cause
	// is a rule that did not run names no cause.
	Rules []string
	// Distribution and URLPath restrict the simulation to one
	// distribution (by Ref) and one viewer path (as `s3front trace` does).
	Distribution string
	URLPath      string
}

// Run simulates every request path of cfg and applies the rules. The
// report is sorted and deterministic.
func Run(ctx context.Context, cfg *model.Config, opts Options) (*report.Report, error) {
	rep, _, err := RunSim(ctx, cfg, opts)
	return rep, err
}

// RunSim is [Run] that also returns the simulation the report comes
// from (what `s3front fix` edits from).
func RunSim(ctx context.Context, cfg *model.Config, opts Options) (*report.Report, *sim.Result, error) {
	res, err := sim.Simulate(ctx, cfg, sim.Options{Distribution: opts.Distribution, URLPath: opts.URLPath})
	if err != nil {
		return nil, nil, err
	}
	rs := rules.All()
	if len(opts.Rules) > 0 {
		var keep []*rules.Rule
		for _, id := range opts.Rules {
			r := rules.Find(rs, id)
			if r == nil {
				return nil, nil, fmt.Errorf("unknown rule %q (see `s3front explain`)", id)
			}
			keep = append(keep, r)
		}
		rs = keep
	}
	findings, err := rules.Run(ctx, cfg, res, rs)
	if err != nil {
		return nil, nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	applySuppressions(findings, cfg.Suppressions, now)
	rep := &report.Report{Findings: findings, Paths: ReportPaths(res.Paths)}
	if len(opts.Rules) > 0 {
		ran := map[string]bool{}
		for _, r := range rs {
			ran[r.ID] = true
		}
		for i := range rep.Paths {
			if p := &rep.Paths[i]; p.Cause != "" && !ran[p.Cause] {
				p.Cause = ""
			}
		}
	}
	if rep.Findings == nil {
		rep.Findings = []report.Finding{}
	}
	if rep.Paths == nil {
		rep.Paths = []report.Path{}
	}
	rep.Summary.Incomplete = Incomplete(cfg)
	rep.Warnings = SuppressionWarnings(cfg.Suppressions, now)
	rep.Sort()
	return rep, res, nil
}

// SuppressionWarnings lists the suppressions that silence nothing: not
// one at all (an impossible date, a malformed rule ID), naming a rule
// that doesn't exist, or expired. One warning per comment, however many
// resources it covers.
func SuppressionWarnings(sups []model.Suppression, now time.Time) []report.InputWarning {
	if len(sups) == 0 {
		return nil
	}
	today := now.UTC().Format("2006-01-02")
	all := rules.All()
	var out []report.InputWarning
	seen := map[string]bool{}
	for _, s := range sups {
		var msg string
		switch {
		case s.Invalid != "":
			msg = "this s3front:ignore comment is not a suppression and silences nothing: " + s.Invalid
		case rules.Find(all, s.Rule) == nil:
			msg = fmt.Sprintf("suppression of unknown rule %q silences nothing (see `s3front explain` for the rule IDs)", s.Rule)
		case s.Expires != "" && s.Expires < today:
			msg = fmt.Sprintf("suppression of %s expired on %s: its findings are reported again", s.Rule, s.Expires)
		default:
			continue
		}
		loc := rules.Location(s.Src)
		k := loc.String() + "|" + msg
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, report.InputWarning{Location: loc, Message: msg})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Location, out[j].Location
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out
}

// ValidateRules checks rule IDs (Options.Rules) before a run.
func ValidateRules(ids []string) error {
	rs := rules.All()
	for _, id := range ids {
		if rules.Find(rs, id) == nil {
			return fmt.Errorf("unknown rule %q (see `s3front explain`)", id)
		}
	}
	return nil
}

// Incomplete lists what the loaders could not evaluate (a module they
// could not read, a resource they dropped), for the report's summary.
func Incomplete(cfg *model.Config) []report.Incomplete {
	out := []report.Incomplete{}
	for _, u := range cfg.Unresolved {
		if u.Incomplete == "" {
			continue
		}
		out = append(out, report.Incomplete{Kind: u.Incomplete, What: u.What, Why: u.Why, Location: rules.Location(u.Src)})
	}
	return out
}

// applySuppressions marks findings silenced by an unexpired suppression of
// their rule on their resource (or, for a module address, any resource
// inside it).
func applySuppressions(fs []report.Finding, sups []model.Suppression, now time.Time) {
	today := now.UTC().Format("2006-01-02")
	for i := range fs {
		f := &fs[i]
		for _, s := range sups {
			if s.Invalid != "" || s.Rule != f.Rule || !resourceMatches(s.Resource, f.Resource) {
				continue
			}
			if s.Expires != "" && s.Expires < today {
				continue
			}
			f.Suppressed = &report.Suppression{Reason: s.Reason, Expires: s.Expires, Location: rules.Location(s.Src)}
			break
		}
	}
}

func resourceMatches(sup, res string) bool {
	return sup == res || strings.HasPrefix(res, sup+".") || strings.HasPrefix(res, sup+"[") || strings.HasPrefix(res, sup+"/")
}
