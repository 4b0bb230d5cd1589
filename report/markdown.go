package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// CommentLimit is GitHub's limit on the body of an issue or pull-request
// comment: 65,536 characters (the API answers 422 "Body is too long
// (maximum is 65536 characters)").
const CommentLimit = 65536

// MarkdownOptions configure [WriteMarkdown].
type MarkdownOptions struct {
	// Limit caps the output in characters; past it the report summarises
	// (paths without diagrams, then counts only). 0 means CommentLimit.
	Limit int
	// Rules gives the links to each rule's documentation (optional).
	Rules []RuleInfo
}

// WriteMarkdown writes the report for a pull-request comment: a summary
// table, each broken path with a Mermaid sequence diagram of the request
// (the failing hop marked), its cause and the fix in a collapsible block,
// then the other findings. It never exceeds the limit: past it, paths are
// listed without diagrams, and then only counted.
func WriteMarkdown(w io.Writer, r *Report, o MarkdownOptions) error {
	limit := o.Limit
	if limit <= 0 {
		limit = CommentLimit
	}
	uris := map[string]string{}
	for _, ri := range o.Rules {
		uris[ri.ID] = ri.HelpURI
	}
	ruleLink := func(id string) string {
		u, ok := uris[id]
		if !ok && len(o.Rules) == 0 {
			u = DocsURI + id + ".md"
		}
		if u == "" {
			return "`" + id + "`"
		}
		return "[`" + id + "`](" + u + ")"
	}
	causes := Causes(r)
	s := r.Summary

	var head strings.Builder
	verdict := "✅ no broken path"
	var broken, unknown []Path
	for _, p := range r.Paths {
		switch {
		case p.Outcome == "unknown":
			unknown = append(unknown, p)
		case !Healthy(p):
			broken = append(broken, p)
		}
	}
	switch {
	case len(broken) > 0:
		verdict = fmt.Sprintf("❌ %d broken %s", len(broken), plural(len(broken), "path", "paths"))
	case s.Errors > 0:
		verdict = fmt.Sprintf("❌ %s", count(s.Errors, "error"))
	case len(unknown) > 0:
		// Never green when something could not be decided.
		verdict = fmt.Sprintf("❔ %d %s cannot be determined", len(unknown), plural(len(unknown), "path", "paths"))
	case len(s.Incomplete) > 0:
		verdict = "❔ incomplete"
	}
	fmt.Fprintf(&head, "## s3front: %s\n\n", verdict)
	fmt.Fprintf(&head, "%s · paths: %d broken, %d unknown, %d as intended", strings.Join([]string{count(s.Errors, "error"), count(s.Warnings, "warning"), count(s.Notes, "note")}, ", "), s.Broken, s.Unknown, s.Intended)
	if s.Suppressed > 0 {
		fmt.Fprintf(&head, " · %d suppressed", s.Suppressed)
	}
	head.WriteString("\n\n")
	if len(s.Incomplete) > 0 {
		fmt.Fprintf(&head, "> [!WARNING]\n> Incomplete: %d %s could not be evaluated.\n", len(s.Incomplete), plural(len(s.Incomplete), "thing", "things"))
		for _, in := range s.Incomplete {
			fmt.Fprintf(&head, "> - %s: %s\n", mdInline(in.What), mdInline(in.Why))
		}
		head.WriteString("\n")
	}
	groups := Distributions(r.Paths)
	if len(groups) > 0 {
		head.WriteString("| distribution | paths | as intended | broken | unknown |\n|---|--:|--:|--:|--:|\n")
		for _, g := range groups {
			b, u := g.Broken()
			mark := "✅"
			if b > 0 {
				mark = "❌"
			} else if u > 0 {
				mark = "❔"
			}
			fmt.Fprintf(&head, "| %s `%s` | %d | %d | %d | %d |\n", mark, mdCode(g.Name()), len(g.Paths), len(g.Paths)-b-u, b, u)
		}
		head.WriteString("\n")
	} else {
		head.WriteString("No CloudFront distribution with an S3 origin in the input.\n\n")
	}

	// The tail is written whatever happens; sections go between within
	// the budget.
	tail := "\n<sub>s3front simulates every request a distribution serves (viewer → CloudFront → S3 → KMS). `s3front check -v` prints every trace; `s3front explain RULE` explains a rule.</sub>\n"
	budget := limit - runes(head.String()) - runes(tail) - 400 // room for the "not shown" lines
	var body strings.Builder
	add := func(s string) bool {
		if runes(s) > budget {
			return false
		}
		budget -= runes(s)
		body.WriteString(s)
		return true
	}

	var skippedPaths []Path
	if len(broken) > 0 {
		add("### Broken paths\n\n")
		for _, p := range broken {
			sec := mdPathSection(p, CauseOf(causes, p), ruleLink, true)
			if add(sec) {
				continue
			}
			if add(mdPathSection(p, CauseOf(causes, p), ruleLink, false)) {
				continue
			}
			skippedPaths = append(skippedPaths, p)
		}
	}
	if len(unknown) > 0 {
		if add(fmt.Sprintf("### Cannot determine (%d)\n\n", len(unknown))) {
			for _, p := range unknown {
				line := fmt.Sprintf("- ❔ `%s` %s: missing %s\n", mdCode(p.Distribution), mdInline(ScenarioTitle(p)), mdInline(strings.Join(p.Missing, "; ")))
				if !add(line) {
					skippedPaths = append(skippedPaths, p)
				}
			}
			add("\n")
		} else {
			skippedPaths = append(skippedPaths, unknown...)
		}
	}
	// Findings that don't explain a listed broken path.
	var others []Finding
	suppressed := 0
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			suppressed++
			continue
		}
		others = append(others, f)
	}
	skippedFindings := 0
	header := "### Findings\n\n| | rule | resource | where |\n|---|---|---|---|\n"
	roots := r.SeveralRoots()
	if roots {
		header = "### Findings\n\n| | rule | root | resource | where |\n|---|---|---|---|---|\n"
	}
	if len(others) > 0 && add(header) {
		for i, f := range others {
			row := fmt.Sprintf("| %s | %s | `%s` | `%s` |\n", sevIcon(f.Severity), ruleLink(f.Rule), mdCode(f.Resource), mdCode(f.Location.String()))
			if roots {
				row = fmt.Sprintf("| %s | %s | `%s` | `%s` | `%s` |\n", sevIcon(f.Severity), ruleLink(f.Rule), mdCode(f.Root), mdCode(f.Resource), mdCode(f.Location.String()))
			}
			if !add(row) {
				skippedFindings = len(others) - i
				break
			}
		}
		add("\n")
		shownAsCause := map[*Finding]bool{}
		for _, p := range broken {
			if f := CauseOf(causes, p); f != nil {
				shownAsCause[f] = true
			}
		}
		for i := range r.Findings {
			f := r.Findings[i]
			if f.Suppressed != nil || f.Fix == "" || shownAsCause[&r.Findings[i]] {
				continue
			}
			det := fmt.Sprintf("<details><summary>%s <code>%s</code> on <code>%s</code>: %s</summary>\n\n%s\n\n**Fix**\n\n```\n%s\n```\n\n</details>\n\n",
				sevIcon(f.Severity), htmlEscape(f.Rule), htmlEscape(f.Resource), htmlEscape(f.Title), mdInline(f.Message), fence(f.Fix))
			if !add(det) {
				break
			}
		}
	} else if len(others) > 0 {
		skippedFindings = len(others)
	}
	var out strings.Builder
	out.WriteString(head.String())
	out.WriteString(body.String())
	if len(skippedPaths) > 0 || skippedFindings > 0 {
		fmt.Fprintf(&out, "> [!NOTE]\n> Summarised to stay under %d characters: %d more %s and %d more %s are not shown; run `s3front check` (or `--format html`) for all of them.\n",
			limit, len(skippedPaths), plural(len(skippedPaths), "path", "paths"), skippedFindings, plural(skippedFindings, "finding", "findings"))
	}
	out.WriteString(tail)
	_, err := io.WriteString(w, out.String())
	return err
}

func mdPathSection(p Path, cause *Finding, ruleLink func(string) string, diagram bool) string {
	var b strings.Builder
	when := ""
	if p.When == "next-upload" {
		when = ", from the next upload"
	}
	fmt.Fprintf(&b, "#### ❌ `%s` %s → %s%s\n\n", mdCode(p.Distribution), mdInline(ScenarioTitle(p)), mdInline(Answer(p)), when)
	fmt.Fprintf(&b, "origin `%s` · behavior `%s` · bucket `%s`\n\n", mdCode(p.Origin), mdCode(p.Behavior), mdCode(p.Bucket))
	fl := PathFlow(p)
	if fl.FailedAt >= 0 {
		h := fl.Steps[fl.FailedAt].Hop
		fmt.Fprintf(&b, "**Failed at %s (%s):** %s\n\n", fl.Steps[fl.FailedAt].To, h.Hop, mdInline(h.Detail))
	}
	if diagram {
		b.WriteString("```mermaid\n")
		b.WriteString(Mermaid(p))
		b.WriteString("```\n\n")
	}
	if cause != nil {
		fmt.Fprintf(&b, "**Cause** %s at `%s` (`%s`): %s\n\n", ruleLink(cause.Rule), mdCode(cause.Resource), mdCode(cause.Location.String()), mdInline(cause.Message))
		if cause.Fix != "" {
			fmt.Fprintf(&b, "<details><summary>Fix</summary>\n\n```\n%s\n```\n\n</details>\n\n", fence(cause.Fix))
		}
	} else if p.Cause != "" {
		fmt.Fprintf(&b, "**Cause** %s\n\n", ruleLink(p.Cause))
	}
	return b.String()
}

// Mermaid renders a path as a Mermaid sequenceDiagram: the requester,
// CloudFront, S3 and KMS as participants, one message per hop, the
// deciding hop in a red box with a note saying what failed there, and the
// answer back to the requester.
func Mermaid(p Path) string {
	fl := PathFlow(p)
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	b.WriteString("    autonumber\n")
	requester := "Viewer"
	if fl.Anonymous {
		requester = "Anonymous"
	}
	used := map[Lane]bool{LaneViewer: true}
	for _, st := range fl.Steps {
		used[st.To] = true
	}
	ids := map[Lane]string{LaneViewer: "V", LaneCloudFront: "CF", LaneS3: "S3", LaneKMS: "KMS"}
	label := map[Lane]string{LaneViewer: requester, LaneCloudFront: "CloudFront<br/>" + p.Distribution, LaneS3: "S3<br/>" + p.Bucket, LaneKMS: "KMS"}
	for _, l := range []Lane{LaneViewer, LaneCloudFront, LaneS3, LaneKMS} {
		if used[l] {
			kind := "participant"
			if l == LaneViewer {
				kind = "actor"
			}
			fmt.Fprintf(&b, "    %s %s as %s\n", kind, ids[l], mmText(label[l]))
		}
	}
	first := fl.Method + " " + p.URL
	last := LaneViewer
	shown := false
	for i, st := range fl.Steps {
		text := st.Hop.Hop + ": " + shorten(st.Hop.Detail, 90)
		if !shown && st.From != st.To {
			text = first + " · " + text
			shown = true
		}
		arrow := "->>"
		if i == fl.FailedAt && !st.Unknown {
			arrow = "-x"
		} else if i == fl.FailedAt {
			arrow = "-)"
		}
		if i == fl.FailedAt {
			color := "rgb(255, 228, 228)"
			if st.Unknown {
				color = "rgb(255, 246, 214)"
			}
			fmt.Fprintf(&b, "    rect %s\n", color)
		}
		if st.From == st.To {
			fmt.Fprintf(&b, "    Note over %s: %s\n", ids[st.To], mmText(text))
		} else {
			fmt.Fprintf(&b, "    %s%s%s: %s\n", ids[st.From], arrow, ids[st.To], mmText(text))
		}
		if i == fl.FailedAt {
			what := "✗ FAILED HERE"
			if st.Unknown {
				what = "? CANNOT DETERMINE"
			}
			span := ids[st.To]
			if st.From != st.To {
				span = ids[st.From] + "," + ids[st.To]
			}
			fmt.Fprintf(&b, "    Note over %s: %s: %s\n", span, what, mmText(fl.Answer))
			b.WriteString("    end\n")
		}
		last = st.To
		if i == fl.FailedAt {
			break
		}
	}
	// The answer goes back to the requester.
	back := []Lane{}
	for l := last; l > LaneViewer; l-- {
		if used[l] {
			back = append(back, l)
		}
	}
	if fl.Anonymous {
		back = []Lane{last}
	}
	ret := "-->>"
	if p.Outcome == "deny" {
		ret = "--x"
	} else if p.Outcome == "unknown" {
		ret = "--)"
	}
	prev := last
	for i, l := range back {
		if i == 0 {
			continue
		}
		fmt.Fprintf(&b, "    %s%s%s: %s\n", ids[prev], ret, ids[l], mmText(fl.Answer))
		prev = l
	}
	if last != LaneViewer {
		fmt.Fprintf(&b, "    %s%sV: %s\n", ids[prev], ret, mmText(fl.Answer))
	}
	return b.String()
}

// mmText makes s safe inside a Mermaid message or participant label:
// Mermaid entity codes for the characters its grammar uses.
func mmText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer("#", "#35;", ";", "#59;", "<br/>", "<br/>", "<", "#lt;", ">", "#gt;", "\"", "#quot;", "%", "#37;", "{", "#123;", "}", "#125;")
	return r.Replace(s)
}

func mdCode(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.Join(strings.Fields(s), " ")
}

// mdInline makes s safe in a table cell or a line of Markdown.
func mdInline(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "`", "\\`")
	return r.Replace(s)
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;")
	return r.Replace(s)
}

// fence keeps s from closing a ``` block.
func fence(s string) string {
	return strings.ReplaceAll(s, "```", "'''")
}

func sevIcon(s Severity) string {
	switch s {
	case Error:
		return "🔴 error"
	case Warning:
		return "🟠 warning"
	}
	return "🔵 note"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func runes(s string) int { return utf8.RuneCountInString(s) }
