package main

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/internal/deploy"
	"github.com/s3front/s3front/report"
)

// writeDeploy prints what a deploy did, stage by stage.
func writeDeploy(e *env, res *deploy.Result, bucket string, dry, strict bool) {
	var b strings.Builder
	who := res.Caller
	if who == "" {
		who = "an unknown caller"
	}
	fmt.Fprintf(&b, "deploy to s3://%s as %s\n", bucket, who)
	up, skip, del, keep := 0, 0, 0, 0
	for _, f := range res.Files {
		switch f.Action {
		case deploy.ActUpload:
			up++
		case deploy.ActSkip:
			skip++
		case deploy.ActDelete:
			del++
		case deploy.ActKeep:
			keep++
		}
	}
	fmt.Fprintf(&b, "  plan: %d to upload, %d unchanged, %d to delete", up, skip, del)
	if keep > 0 {
		fmt.Fprintf(&b, ", %d removed file(s) kept (--delete deletes them)", keep)
	}
	b.WriteString("\n")
	for _, f := range res.Files {
		if f.Action == deploy.ActUpload || f.Action == deploy.ActDelete {
			line := fmt.Sprintf("    %-6s %s", f.Action, f.Key)
			if f.Action == deploy.ActUpload {
				line += fmt.Sprintf(" (%s, %s", f.Why, f.ContentType)
				if f.CacheControl != "" {
					line += ", Cache-Control: " + f.CacheControl
				}
				line += ")"
			}
			b.WriteString(line + "\n")
		}
	}
	for _, w := range res.Upload.Why {
		b.WriteString("  upload: " + w + "\n")
	}
	pf := res.Preflight
	switch {
	case pf == nil:
	case pf.Skipped != "":
		b.WriteString("  pre-flight: " + pf.Skipped + "\n")
	default:
		fmt.Fprintf(&b, "  pre-flight through %s: %d path(s) served, %d not servable, %d undecided\n", strings.Join(pf.Distributions, ", "), pf.Allowed, len(pf.Denied), len(pf.Unknown))
	}
	if pf.Blocked(false) {
		if res.Refused {
			b.WriteString("refused: these uploads will not be servable because\n")
		} else {
			b.WriteString("warning: these uploads will not be servable (uploading anyway: --force) because\n")
		}
		writeCauses(&b, pf.Denied, pf.Findings)
	}
	if pf != nil && len(pf.Unknown) > 0 {
		if strict && res.Refused {
			b.WriteString("refused (--strict): the pre-flight cannot decide whether these uploads will be servable:\n")
		} else {
			b.WriteString("  pre-flight cannot decide:\n")
		}
		for _, p := range pf.Unknown {
			fmt.Fprintf(&b, "    %s via %s: %s\n", p.URL, shortDist(p.Distribution), strings.Join(p.Missing, "; "))
		}
	}
	if res.Refused {
		b.WriteString("nothing was uploaded; fix the cause, or pass --force to upload anyway\n")
	}
	if res.Refused || dry {
		if dry && !res.Refused {
			b.WriteString("dry run: nothing uploaded\n")
		}
		fmt.Fprint(e.stdout, b.String())
		return
	}
	if res.Uploaded+res.Deleted > 0 {
		fmt.Fprintf(&b, "  uploaded %d object(s), deleted %d\n", res.Uploaded, res.Deleted)
	} else if up+del == 0 {
		b.WriteString("  nothing changed\n")
	}
	for _, inv := range res.Invalidations {
		fmt.Fprintf(&b, "  invalidated %s: %s, %d path(s), %s\n", inv.Distribution, inv.ID, len(inv.Paths), inv.Status)
	}
	writeProbes(&b, res.Probes)
	for _, n := range res.Notes {
		b.WriteString("  note: " + n + "\n")
	}
	switch {
	case res.Failed():
		b.WriteString("deployed, but not proven: see the failed probes above\n")
	case up+del > 0:
		b.WriteString("deployed and proven: the new objects are served and the bucket refuses anonymous readers\n")
	}
	fmt.Fprint(e.stdout, b.String())
}

// writeCauses groups denied paths by their cause and prints each cause's
// finding once.
func writeCauses(b *strings.Builder, paths []report.Path, findings []report.Finding) {
	var order []string
	byCause := map[string][]report.Path{}
	for _, p := range paths {
		c := p.Cause
		if c == "" {
			c = p.ErrorCode
		}
		if _, ok := byCause[c]; !ok {
			order = append(order, c)
		}
		byCause[c] = append(byCause[c], p)
	}
	for _, c := range order {
		ps := byCause[c]
		p := ps[0]
		exp := ""
		if p.Expected {
			exp = " (" + report.ExpectedText(p.ExpectedBasis) + ")"
		}
		fmt.Fprintf(b, "  %s: %d %s%s\n", c, p.Status, p.ErrorCode, exp)
		for i, q := range ps {
			if i == 10 {
				fmt.Fprintf(b, "    ... and %d more\n", len(ps)-10)
				break
			}
			fmt.Fprintf(b, "    %s via %s\n", q.URL, shortDist(q.Distribution))
		}
		if f := deploy.FindingFor(findings, p); f != nil {
			fmt.Fprintf(b, "    %s (%s)\n", strings.TrimSpace(f.Message), f.Location)
			if f.Fix != "" {
				fmt.Fprintf(b, "    fix: %s\n", strings.ReplaceAll(f.Fix, "\n", "\n         "))
			}
		}
	}
}

// writeProbes prints each probe, and the trace of each failed one.
func writeProbes(b *strings.Builder, ps []deploy.Probe) {
	for _, p := range ps {
		mark := "ok  "
		if !p.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(b, "  probe %s %-7s %s: %s\n", mark, p.Want, p.URL, p.Detail)
		if p.OK {
			continue
		}
		if p.Reason != "" {
			fmt.Fprintf(b, "    the edge says: %s", p.Reason)
			if p.Rule != "" {
				fmt.Fprintf(b, " [%s]", p.Rule)
			}
			b.WriteString("\n")
		}
		if p.Path != nil {
			writePath(b, *p.Path, p.Finding, "    ")
		}
	}
}

// writePath prints one simulated path hop by hop, as `s3front trace`.
func writePath(b *strings.Builder, p report.Path, f *report.Finding, indent string) {
	fmt.Fprintf(b, "%s%s %s  via behavior %q, origin %q, bucket %s\n", indent, p.Scenario, p.URL, p.Behavior, p.Origin, orDash(p.Bucket))
	for i, h := range p.Trace {
		fmt.Fprintf(b, "%s  %d. %-9s %-7s %s\n", indent, i+1, h.Hop, h.Result, h.Detail)
		for _, ev := range h.Evidence {
			fmt.Fprintf(b, "%s     %-17s %s (%s)\n", indent, "", ev.Location.String(), ev.What)
		}
	}
	switch p.Outcome {
	case "allow":
		fmt.Fprintf(b, "%s  => allowed (%d)\n", indent, p.Status)
	case "deny":
		exp := ""
		if p.Expected {
			exp = " (" + report.ExpectedText(p.ExpectedBasis) + ")"
		}
		fmt.Fprintf(b, "%s  => denied: %d %s%s\n", indent, p.Status, p.ErrorCode, exp)
	default:
		fmt.Fprintf(b, "%s  => cannot determine: %s\n", indent, strings.Join(p.Missing, "; "))
	}
	if f != nil {
		fmt.Fprintf(b, "%s  cause %s at %s (%s): %s\n", indent, f.Rule, f.Resource, f.Location, strings.TrimSpace(f.Message))
		if f.Fix != "" {
			fmt.Fprintf(b, "%s  fix: %s\n", indent, strings.ReplaceAll(f.Fix, "\n", "\n"+indent+"       "))
		}
	}
}

// shortDist is a distribution's ID when it is named by its ARN.
func shortDist(ref string) string {
	if i := strings.LastIndex(ref, ":distribution/"); i >= 0 {
		return ref[i+len(":distribution/"):]
	}
	return ref
}
