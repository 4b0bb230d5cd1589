// Package rules turns a simulated model into findings. Each rule is a plain
// value ([Rule]) with its ID from RULES.md, severity, title and
// documentation; [All] returns them as a fresh slice and [Run] applies a
// slice of them. Rules read only the model and the simulation result: no
// files, no network.
package rules

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

//go:embed docs/*.md
var docsFS embed.FS

// Rule is one check.
type Rule struct {
	// ID is the stable identifier from RULES.md.
	ID       string
	Severity report.Severity
	// Title is a one-line summary: lower case, no full stop.
	Title string
	// Doc is the rule's documentation in Markdown (what it means, why AWS
	// does it, how to fix it), shown by `s3front explain`.
	Doc string
	// Sections are the SEMANTICS.md sections the rule rests on.
	Sections []string
	// Codes are the AWS error codes a viewer sees when the rule's problem
	// bites; `s3front explain CODE` lists the rules that produce it.
	Codes []string
	// FromPaths marks rules whose findings come from simulated paths.
	FromPaths bool

	check func(*pass)
}

// pass is one rule's run over one simulation.
type pass struct {
	rule     *Rule
	cfg      *model.Config
	res      *sim.Result
	findings []report.Finding
}

func (p *pass) report(at model.Src, msg, fix string, related []model.Src, paths ...string) {
	f := report.Finding{
		Rule:     p.rule.ID,
		Severity: p.rule.Severity,
		Title:    p.rule.Title,
		Resource: at.Resource,
		Location: Location(at),
		Message:  msg,
		Fix:      fix,
		Related:  []report.Related{},
		Paths:    paths,
	}
	seen := map[string]bool{at.Resource: true}
	for _, r := range related {
		if r.Resource == "" || seen[r.Resource] {
			continue
		}
		seen[r.Resource] = true
		f.Related = append(f.Related, report.Related{Resource: r.Resource, Location: Location(r)})
	}
	p.findings = append(p.findings, f)
}

// Location converts a model source to a report location.
func Location(s model.Src) report.Location {
	return report.Location{File: s.File, Line: s.Line, Col: s.Col, Pointer: s.Pointer}
}

// Run applies rules to a simulation and returns their findings, unsorted
// and unsuppressed.
func Run(ctx context.Context, cfg *model.Config, res *sim.Result, rules []*Rule) ([]report.Finding, error) {
	var out []report.Finding
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := &pass{rule: r, cfg: cfg, res: res}
		if r.FromPaths {
			pathRule(p)
		}
		if r.check != nil {
			r.check(p)
		}
		out = append(out, p.findings...)
	}
	return out, nil
}

// PathID is the key of a path in report output.
func PathID(p *sim.Path) string {
	parts := []string{p.Distribution.Ref, originLabel(p.Origin), behaviorLabel(p.Behavior), p.Scenario}
	if p.Uploader != "" {
		parts = append(parts, p.Uploader)
	}
	if p.Scenario == sim.ViewerGetExisting {
		parts = append(parts, p.Key)
	}
	return ident.Render(strings.Join(parts, " "))
}

func originLabel(o *model.Origin) string {
	if o != nil && o.ID.Known {
		return o.ID.V
	}
	return "?"
}

func behaviorLabel(b *model.Behavior) string {
	if b != nil && b.PathPattern.Known && b.PathPattern.V != "" {
		return b.PathPattern.V
	}
	return "*"
}

// pathRule reports one finding per distinct root cause among the paths
// whose cause names the rule: one broken hop, one finding, at the
// resource to change, listing every path it breaks.
func pathRule(p *pass) {
	type group struct {
		cause *sim.Cause
		paths []string
	}
	var order []string
	groups := map[string]*group{}
	for _, path := range p.res.Paths {
		c := path.Cause
		if c == nil || c.Rule != p.rule.ID {
			continue
		}
		k := fmt.Sprintf("%s|%s|%d|%d", c.At.Resource, c.At.File, c.At.Line, c.At.Col)
		if c.Rule == "oai-sse-kms" || c.Rule == "website-endpoint-origin" || c.Rule == "host-header-forwarded" || c.Rule == "s3-origin-unsigned" {
			// Same resource, but each origin is its own root cause.
			k += "|" + originLabel(path.Origin)
		}
		g := groups[k]
		if g == nil {
			g = &group{cause: c}
			groups[k] = g
			order = append(order, k)
		}
		g.paths = append(g.paths, PathID(path))
	}
	for _, k := range order {
		g := groups[k]
		sort.Strings(g.paths)
		p.report(g.cause.At, g.cause.Message, g.cause.Fix, g.cause.Related, dedupe(g.paths)...)
	}
	for _, c := range p.res.Causes {
		k := fmt.Sprintf("%s|%s|%d|%d", c.At.Resource, c.At.File, c.At.Line, c.At.Col)
		if c.Rule == p.rule.ID && groups[k] == nil {
			groups[k] = &group{cause: c}
			p.report(c.At, c.Message, c.Fix, c.Related)
		}
	}
}

func dedupe(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Find returns the rule with the given ID from rules, or nil.
func Find(rules []*Rule, id string) *Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// ForCode returns the rules that explain an AWS error code.
func ForCode(rules []*Rule, code string) []*Rule {
	var out []*Rule
	for _, r := range rules {
		for _, c := range r.Codes {
			if strings.EqualFold(c, code) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// doc returns a rule's documentation.
func doc(id string) (title, body string) {
	d := ruleDocs()[id]
	return d.title, d.body
}

type ruleDoc struct{ title, body string }

// ruleDocs returns the rules' documentations by ID, read once, on first
// use (every check of every root lists the rules). The map is read-only.
var ruleDocs = sync.OnceValue(func() map[string]ruleDoc {
	ents, _ := docsFS.ReadDir("docs")
	m := make(map[string]ruleDoc, len(ents))
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok {
			continue
		}
		m[id] = readDoc(id)
	}
	return m
})

// readDoc loads a rule's documentation; the first line is "# id: title".
func readDoc(id string) ruleDoc {
	b, err := docsFS.ReadFile("docs/" + id + ".md")
	if err != nil {
		return ruleDoc{}
	}
	var d ruleDoc
	first, rest, _ := strings.Cut(string(b), "\n")
	first = strings.TrimPrefix(first, "# ")
	if _, t, ok := strings.Cut(first, ": "); ok {
		d.title = t
	}
	d.body = strings.TrimSpace(rest)
	return d
}

// Validate checks a rule set: unique, well-formed IDs, a title and a
// documentation for each, a known severity, something to run.
func Validate(rules []*Rule) error {
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case r.ID == "" || strings.ToLower(r.ID) != r.ID || strings.ContainsAny(r.ID, " _."):
			return fmt.Errorf("rule %q: IDs are lower-case words joined by hyphens", r.ID)
		case seen[r.ID]:
			return fmt.Errorf("rule %q: duplicate ID", r.ID)
		case r.Severity.Rank() == 0:
			return fmt.Errorf("rule %q: unknown severity %q", r.ID, r.Severity)
		case r.Title == "" || strings.HasSuffix(r.Title, "."):
			return fmt.Errorf("rule %q: a title is required and has no full stop", r.ID)
		case r.Doc == "":
			return fmt.Errorf("rule %q: docs/%s.md is missing", r.ID, r.ID)
		case r.check == nil && !r.FromPaths:
			return fmt.Errorf("rule %q: nothing to run", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}
