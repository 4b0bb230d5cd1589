package rules

import "strings"

//go:generate go run ../../cmd/s3front explain --markdown --write ../../docs/rules

// Pages renders docs/rules: one Markdown page per rule (<ID>.md) and the
// index (README.md), from the same text `s3front explain` prints.
// `go generate ./internal/rules` (s3front explain --markdown --write DIR)
// writes them; TestDocs fails when the committed ones are stale.
func Pages(rs []*Rule) map[string]string {
	out := map[string]string{}
	var index strings.Builder
	index.WriteString("# Rules\n\nGenerated from `internal/rules/docs` by `go generate ./internal/rules` (`s3front explain --markdown --write docs/rules`); do not edit.\n\n| ID | severity | title |\n|---|---|---|\n")
	for _, r := range rs {
		out[r.ID+".md"] = Page(r)
		index.WriteString("| [`" + r.ID + "`](" + r.ID + ".md) | " + string(r.Severity) + " | " + r.Title + " |\n")
	}
	out["README.md"] = index.String()
	return out
}

// Page is a rule's documentation page.
func Page(r *Rule) string {
	s := "# " + r.ID + ": " + r.Title + "\n\nSeverity: **" + string(r.Severity) + "**"
	if len(r.Sections) > 0 {
		s += " · SEMANTICS §" + strings.Join(r.Sections, ", §")
	}
	if len(r.Codes) > 0 {
		s += " · error codes: `" + strings.Join(r.Codes, "`, `") + "`"
	}
	return s + "\n\n" + r.Doc + "\n"
}
