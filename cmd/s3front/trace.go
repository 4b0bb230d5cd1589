package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

func newTraceCmd(e *env) *cobra.Command {
	var (
		in     inputFlags
		color  colorFlag
		dist   string
		url    string
		format string
	)
	c := &cobra.Command{
		Use:   "trace [PATH...] --distribution REF [--url /path]",
		Short: "show every scenario for one distribution and URL path, hop by hop",
		Long: `trace answers "why is this a 403?": it simulates every scenario of one
distribution for one viewer path (the behavior that serves it, every origin it
can reach) and prints each hop with its decision and the statements or settings
that decided it, with their locations.

--distribution takes the distribution's Terraform address, CloudFormation
logical ID, ARN, or a unique part of one of them. It may be left out when the
input has a single distribution.`,
		Example: `  s3front trace ./infra --distribution aws_cloudfront_distribution.web --url /index.html
  s3front trace template.yaml --distribution SiteDistribution --format json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			useColor, err := color.enabled(e)
			if err != nil {
				return err
			}
			cfg, d, err := in.loadDistribution(cmd.Context(), e, args, dist)
			if err != nil {
				return err
			}
			rep, err := s3front.Check(cmd.Context(), cfg, s3front.CheckOptions{Distribution: d.Ref, URLPath: url})
			if err != nil {
				return err
			}
			if format == "json" {
				return report.WriteJSON(e.stdout, &report.Report{Paths: rep.Paths, Findings: causeFindings(rep), Summary: rep.Summary})
			}
			return writeTrace(e, rep, d, url, useColor)
		},
	}
	in.register(c)
	color.register(c)
	c.Flags().StringVarP(&dist, "distribution", "d", "", "the distribution: Terraform address, logical ID, ARN or a unique part")
	c.Flags().StringVar(&url, "url", "", "the viewer `path` to trace, e.g. /assets/app.js (default: each behavior's sample object)")
	c.Flags().StringVar(&format, "format", "text", "output `format`: text or json")
	return c
}

// loadDistribution loads the root that holds the distribution: the one
// root under paths, or, among several, the one root where want matches.
func (f *inputFlags) loadDistribution(ctx context.Context, e *env, paths []string, want string) (*model.Config, *model.Distribution, error) {
	d, err := f.discover(ctx, e, paths)
	if err != nil {
		return nil, nil, err
	}
	if len(d.Roots) == 1 {
		cfg, err := s3front.LoadRoot(ctx, d.Roots[0], f.options())
		if err != nil {
			return nil, nil, inputError{err}
		}
		dist, err := pickDistribution(cfg, want)
		return cfg, dist, err
	}
	if want == "" {
		return nil, nil, usageError{fmt.Errorf("%d roots under the paths: choose a distribution with --distribution, or name one root", len(d.Roots))}
	}
	var (
		hitCfg  *model.Config
		hit     *model.Distribution
		hitRoot string
	)
	for _, r := range d.Roots {
		cfg, err := s3front.LoadRoot(ctx, r, f.options())
		if err != nil {
			return nil, nil, inputError{err}
		}
		dist, err := pickDistribution(cfg, want)
		if err != nil {
			continue
		}
		if hit != nil {
			return nil, nil, usageError{fmt.Errorf("--distribution %q matches in %s and in %s: name the root", want, hitRoot, r.Path)}
		}
		hitCfg, hit, hitRoot = cfg, dist, r.Path
	}
	if hit == nil {
		return nil, nil, usageError{fmt.Errorf("no distribution %q in any of the %d roots under the paths", want, len(d.Roots))}
	}
	return hitCfg, hit, nil
}

// causeFindings keeps the findings that explain some path.
func causeFindings(rep *report.Report) []report.Finding {
	out := []report.Finding{}
	for _, f := range rep.Findings {
		if len(f.Paths) > 0 {
			out = append(out, f)
		}
	}
	return out
}

func pickDistribution(cfg *model.Config, want string) (*model.Distribution, error) {
	var refs []string
	for _, d := range cfg.Distributions {
		refs = append(refs, d.Ref)
	}
	sort.Strings(refs)
	if want == "" {
		if len(cfg.Distributions) == 1 {
			return cfg.Distributions[0], nil
		}
		if len(cfg.Distributions) == 0 {
			return nil, usageError{fmt.Errorf("the input has no CloudFront distribution")}
		}
		return nil, usageError{fmt.Errorf("the input has %d distributions; choose one with --distribution: %s", len(refs), strings.Join(refs, ", "))}
	}
	var hits []*model.Distribution
	for _, d := range cfg.Distributions {
		if d.Ref == want || (d.ARN.Known && d.ARN.V == want) || (d.ID.Known && d.ID.V == want) {
			return d, nil
		}
		if strings.Contains(d.Ref, want) {
			hits = append(hits, d)
		}
	}
	if len(hits) == 1 {
		return hits[0], nil
	}
	if len(hits) > 1 {
		var names []string
		for _, h := range hits {
			names = append(names, h.Ref)
		}
		return nil, usageError{fmt.Errorf("--distribution %q matches %d distributions: %s", want, len(hits), strings.Join(names, ", "))}
	}
	return nil, usageError{fmt.Errorf("no distribution %q in the input; it has: %s", want, strings.Join(refs, ", "))}
}

func writeTrace(e *env, rep *report.Report, d *model.Distribution, url string, useColor bool) error {
	var b strings.Builder
	byRule := map[string]*report.Finding{}
	for i := range rep.Findings {
		for _, id := range rep.Findings[i].Paths {
			byRule[id+"|"+rep.Findings[i].Rule] = &rep.Findings[i]
		}
	}
	target := url
	if target == "" {
		target = "each behavior's sample object"
	}
	fmt.Fprintf(&b, "%s, %s\n\n", d.Ref, target)
	if len(rep.Paths) == 0 {
		b.WriteString("no S3 origin serves this path\n")
	}
	for _, p := range rep.Paths {
		head := fmt.Sprintf("%s %s", p.Scenario, p.URL)
		if p.Key != strings.TrimPrefix(p.URL, "/") {
			head += " (S3 key " + strconv.Quote(p.Key) + ")"
		}
		if p.Uploader != "" {
			head += " (uploaded by " + p.Uploader + ")"
		}
		fmt.Fprintf(&b, "%s  via behavior %q, origin %q, bucket %s\n", head, p.Behavior, p.Origin, orDash(p.Bucket))
		for i, h := range p.Trace {
			fmt.Fprintf(&b, "  %d. %-9s %-7s %s\n", i+1, h.Hop, h.Result, h.Detail)
			for _, ev := range h.Evidence {
				fmt.Fprintf(&b, "     %-17s %s (%s)\n", "", ev.Location.String(), ev.What)
			}
		}
		switch p.Outcome {
		case "allow":
			fmt.Fprintf(&b, "  => allowed (%d)%s\n", p.Status, intendedText(p))
		case "deny":
			exp := ""
			if p.Expected {
				exp = " (" + report.ExpectedText(p.ExpectedBasis) + ")"
			}
			when := ""
			if p.When == "next-upload" {
				when = ", from the next upload on"
			}
			fmt.Fprintf(&b, "  => denied: %d %s%s%s%s\n", p.Status, p.ErrorCode, exp, when, intendedText(p))
		default:
			fmt.Fprintf(&b, "  => cannot determine: %s\n", strings.Join(p.Missing, "; "))
		}
		if f := byRule[p.ID+"|"+p.Cause]; f != nil {
			fmt.Fprintf(&b, "  cause %s at %s (%s): %s\n", f.Rule, f.Resource, f.Location, f.Message)
			fmt.Fprintf(&b, "  fix: %s\n", indentFix(f.Fix))
		}
		b.WriteString("\n")
	}
	_, err := fmt.Fprint(e.stdout, b.String())
	_ = useColor
	return err
}

// intendedText says whether a path's outcome is the intended one.
func intendedText(p report.Path) string {
	if p.Intended {
		return "; as intended"
	}
	return "; not as intended"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// indentFix indents the continuation lines of a fix under its first,
// leaving blank lines blank.
func indentFix(fix string) string {
	lines := strings.Split(fix, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = "       " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
