package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// TextOptions configure [WriteText].
type TextOptions struct {
	// Color adds ANSI colours; set it only for terminals.
	Color bool
	// Verbose prints every path's hop-by-hop trace.
	Verbose bool
	// All prints paths that work as intended too (by default only broken
	// and unknown paths are listed, with a count of the rest).
	All bool
}

// WriteJSON writes the report as one indented JSON object.
func WriteJSON(w io.Writer, r *Report) error {
	b, err := marshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

type painter struct{ on bool }

func (p painter) c(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (p painter) red(s string) string    { return p.c("31", s) }
func (p painter) yellow(s string) string { return p.c("33", s) }
func (p painter) green(s string) string  { return p.c("32", s) }
func (p painter) dim(s string) string    { return p.c("2", s) }
func (p painter) bold(s string) string   { return p.c("1", s) }

// Healthy reports whether a path ended as the configuration intends (its
// Intended member): viewer GETs served, anonymous direct access refused,
// viewer writes served exactly where CloudFront is granted them.
func Healthy(p Path) bool { return p.Intended && p.Outcome != "unknown" }

// WriteText writes the report for a person at a terminal: paths grouped
// by distribution with the broken ones first and their one-line cause,
// then the findings with their fixes, then a summary.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	var b strings.Builder
	writeBody(&b, r, o)
	writeSummary(&b, r.Summary, o)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeBody writes the paths and the findings of a report.
func writeBody(b *strings.Builder, r *Report, o TextOptions) {
	pt := painter{o.Color}
	causes := map[string]*Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		for _, id := range f.Paths {
			if _, ok := causes[id+"|"+f.Rule]; !ok {
				causes[id+"|"+f.Rule] = f
			}
		}
	}
	// Paths, by distribution.
	byDist := map[string][]Path{}
	var dists []string
	for _, p := range r.Paths {
		if _, ok := byDist[p.Distribution]; !ok {
			dists = append(dists, p.Distribution)
		}
		byDist[p.Distribution] = append(byDist[p.Distribution], p)
	}
	sort.Strings(dists)
	for _, d := range dists {
		paths := byDist[d]
		sort.SliceStable(paths, func(i, j int) bool { return rank(paths[i]) < rank(paths[j]) })
		healthy, unknown := 0, 0
		for _, p := range paths {
			switch {
			case p.Outcome == "unknown":
				unknown++
			case Healthy(p):
				healthy++
			}
		}
		fmt.Fprintf(b, "%s  %s\n", pt.bold(d), pt.dim(fmt.Sprintf("%d paths: %d broken, %d unknown, %d as intended", len(paths), len(paths)-healthy-unknown, unknown, healthy)))
		hidden := 0
		for _, p := range paths {
			if Healthy(p) && !o.All && !o.Verbose {
				hidden++
				continue
			}
			writePath(b, pt, p, causes, o.Verbose)
		}
		if hidden > 0 {
			fmt.Fprintf(b, "  %s\n", pt.dim(fmt.Sprintf("(%d more as intended; -v or --all shows them)", hidden)))
		}
		b.WriteString("\n")
	}
	if len(r.Paths) == 0 {
		b.WriteString(pt.dim("no CloudFront distribution with an S3 origin in the input") + "\n\n")
	}
	// Findings.
	shown := 0
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			continue
		}
		shown++
		sev := string(f.Severity)
		switch f.Severity {
		case Error:
			sev = pt.red(sev)
		case Warning:
			sev = pt.yellow(sev)
		default:
			sev = pt.dim(sev)
		}
		fmt.Fprintf(b, "%s %s %s\n", sev, pt.bold(f.Rule), pt.dim(f.Location.String()))
		fmt.Fprintf(b, "  %s: %s\n", f.Resource, f.Message)
		if len(f.Related) > 0 {
			var rel []string
			for _, x := range f.Related {
				rel = append(rel, x.Resource)
			}
			fmt.Fprintf(b, "  %s %s\n", pt.dim("related:"), strings.Join(rel, ", "))
		}
		if f.Fix != "" {
			lines := strings.Split(f.Fix, "\n")
			fmt.Fprintf(b, "  %s %s\n", pt.green("fix:"), lines[0])
			for _, l := range lines[1:] {
				if l == "" {
					b.WriteString("\n")
					continue
				}
				fmt.Fprintf(b, "       %s\n", l)
			}
		}
		b.WriteString("\n")
	}
}

// writeSummary writes the closing counts and what was not evaluated.
func writeSummary(b *strings.Builder, s Summary, o TextOptions) {
	parts := []string{
		count(s.Errors, "error"), count(s.Warnings, "warning"), count(s.Notes, "note"),
	}
	if s.Suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", s.Suppressed))
	}
	fmt.Fprintf(b, "%s · paths: %d broken, %d unknown, %d as intended\n", strings.Join(parts, ", "), s.Broken, s.Unknown, s.Intended)
	writeIncomplete(b, painter{o.Color}, s.Incomplete)
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// rank orders paths: broken first, then unknown, then healthy.
func rank(p Path) int {
	switch {
	case Healthy(p):
		return 2
	case p.Outcome == "unknown":
		return 1
	}
	return 0
}

func writePath(b *strings.Builder, pt painter, p Path, causes map[string]*Finding, verbose bool) {
	mark := pt.green("ok ")
	switch {
	case p.Outcome == "unknown":
		mark = pt.yellow("?  ")
	case !Healthy(p):
		mark = pt.red("✗  ")
	}
	who := ""
	if p.Uploader != "" {
		who = " (uploaded by " + p.Uploader + ")"
	}
	result := p.Outcome
	switch p.Outcome {
	case "allow":
		result = fmt.Sprintf("%d", p.Status)
		if p.Scenario == "direct-anonymous-get" {
			result = "readable by anyone"
		}
	case "deny":
		result = strings.TrimSpace(fmt.Sprintf("%d %s", p.Status, p.ErrorCode))
		if p.Status == 0 {
			result = "cannot be deployed"
		}
		if p.Expected {
			result += " (" + ExpectedText(p.ExpectedBasis) + ")"
		}
		if p.When == "next-upload" {
			result += ", from the next upload"
		}
		if Healthy(p) {
			result = "refused (" + result + ")"
		}
	case "unknown":
		result = "cannot determine"
	}
	fmt.Fprintf(b, "  %s%-21s %s%s  %s\n", mark, p.Scenario, p.URL, who, result)
	if p.Cause != "" {
		if f := causes[p.ID+"|"+p.Cause]; f != nil {
			fmt.Fprintf(b, "       %s %s\n", pt.dim("cause "+p.Cause+":"), f.Title+" ("+f.Resource+")")
		} else {
			fmt.Fprintf(b, "       %s\n", pt.dim("cause "+p.Cause))
		}
	}
	for _, m := range p.Missing {
		fmt.Fprintf(b, "       %s %s\n", pt.dim("missing:"), m)
	}
	if verbose {
		for _, h := range p.Trace {
			res := h.Result
			switch h.Result {
			case "fail":
				res = pt.red(res)
			case "pass":
				res = pt.green(res)
			case "unknown":
				res = pt.yellow(res)
			}
			fmt.Fprintf(b, "       %-9s %-7s %s\n", h.Hop, res, h.Detail)
			for _, e := range h.Evidence {
				fmt.Fprintf(b, "       %9s %7s %s %s\n", "", "", pt.dim(e.Location.String()), pt.dim(e.What))
			}
		}
	}
}

// ExpectedText says how s3front knows a response AWS does not document
// (a path's ExpectedBasis), in words that can't be read as "intended".
func ExpectedText(basis string) string {
	if basis == "observed" {
		return "per AWS behaviour observed, not documented"
	}
	return "inferred from AWS documentation, not observed"
}
