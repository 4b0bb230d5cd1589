package config

import (
	"fmt"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/s3front/s3front/report"
	"github.com/s3front/s3front/source"
)

// Entry is one .s3frontignore entry: findings of Rule ("*": any rule) at
// a resource matching Resource, or located in a file matching Path, are
// suppressed with Reason until Expires (YYYY-MM-DD, optional; the entry
// applies through that day).
type Entry struct {
	Rule     string
	Resource string
	Path     string
	Reason   string
	Expires  string
	Pos      source.Pos
}

// Ignore is a parsed .s3frontignore.
type Ignore struct {
	// File is the path as shown (relative to the working directory), Dir
	// the directory path globs are relative to.
	File    string
	Dir     string
	Entries []Entry
}

// LoadIgnore reads an ignore file: a YAML list of entries.
//
//   - rule: oai-legacy
//     resource: aws_cloudfront_distribution.site
//     reason: migrating to OAC in Q1
//     expires: 2027-03-31
//   - rule: bucket-not-kms
//     path: legacy/**
//     reason: public marketing assets, SSE-S3 by design
func LoadIgnore(p string, ruleIDs []string) (*Ignore, []Warning, error) {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	data, err := readSmall(p)
	if err != nil {
		return nil, nil, err
	}
	name := display(p)
	ig := &Ignore{File: name, Dir: filepath.Dir(p)}
	root, err := parse(name, data)
	if err != nil || root == nil {
		return ig, nil, err
	}
	if root.Kind != yaml.SequenceNode {
		return nil, nil, errAt(name, root, "expected a list of entries (- rule: ID, resource: GLOB or path: GLOB, reason: TEXT, expires: YYYY-MM-DD)")
	}
	known := map[string]bool{"*": true}
	for _, id := range ruleIDs {
		known[id] = true
	}
	var warns []Warning
	for _, n := range root.Content {
		if n.Kind != yaml.MappingNode {
			return nil, nil, errAt(name, n, "an entry must be a mapping with rule, resource or path, reason and expires")
		}
		e := Entry{Pos: pos(name, n)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, nil, errAt(name, v, "%s must be a string", k.Value)
			}
			switch k.Value {
			case "rule":
				e.Rule = v.Value
			case "resource":
				e.Resource = v.Value
			case "path":
				e.Path = v.Value
			case "reason":
				e.Reason = v.Value
			case "expires":
				if _, err := time.Parse("2006-01-02", v.Value); err != nil {
					return nil, nil, errAt(name, v, "expires must be a date YYYY-MM-DD, not %q", v.Value)
				}
				e.Expires = v.Value
			default:
				warns = append(warns, unknownKey(name, k, "an entry", []string{"rule", "resource", "path", "reason", "expires"}))
			}
		}
		switch {
		case e.Rule == "":
			return nil, nil, errAt(name, n, "an entry needs a rule (a rule ID, or \"*\" for any)")
		case e.Resource == "" && e.Path == "":
			return nil, nil, errAt(name, n, "an entry needs a resource or a path glob: an entry for everything would hide every finding of the rule")
		case !known[e.Rule]:
			warns = append(warns, Warning{e.Pos, fmt.Sprintf("unknown rule %q: the entry matches nothing (see `s3front explain`)", e.Rule)})
			continue
		}
		if e.Reason == "" {
			warns = append(warns, Warning{e.Pos, "entry without a reason: say why the finding is accepted"})
		}
		ig.Entries = append(ig.Entries, e)
	}
	return ig, warns, nil
}

// matches says whether e covers finding f.
func (ig *Ignore) matches(e Entry, f report.Finding) bool {
	if e.Rule != "*" && e.Rule != f.Rule {
		return false
	}
	if e.Resource != "" && !MatchName(e.Resource, f.Resource) {
		return false
	}
	if e.Path != "" {
		rel, ok := relTo(ig.Dir, f.Location.File)
		if !ok || !MatchPath(e.Path, rel) {
			return false
		}
	}
	return true
}

// Apply suppresses the findings the entries cover (findings already
// suppressed inline keep their own suppression) and re-sorts the report.
// It warns of expired entries (which no longer apply) and of entries that
// match no finding (stale).
func (ig *Ignore) Apply(r *report.Report, now time.Time) []Warning {
	if ig == nil {
		return nil
	}
	matched := make([]int, len(ig.Entries))
	ig.Suppress(r, now, matched)
	return ig.Warnings(matched, now)
}

// Suppress is the first half of [Ignore.Apply], for a run of several
// reports (one per root): it suppresses the findings of r the entries
// cover and adds to matched (one count per entry) the findings each
// entry matched.
func (ig *Ignore) Suppress(r *report.Report, now time.Time, matched []int) {
	if ig == nil {
		return
	}
	today := now.UTC().Format("2006-01-02")
	for k, e := range ig.Entries {
		for i := range r.Findings {
			f := &r.Findings[i]
			if !ig.matches(e, *f) {
				continue
			}
			matched[k]++
			if e.Expires != "" && e.Expires < today {
				continue
			}
			if f.Suppressed == nil {
				f.Suppressed = &report.Suppression{Reason: e.Reason, Expires: e.Expires, Kind: "ignore-file",
					Location: report.Location{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col}}
			}
		}
	}
	r.Sort()
}

// Warnings is the second half of [Ignore.Apply]: entries that expired,
// and entries that matched no finding, given the counts Suppress added.
func (ig *Ignore) Warnings(matched []int, now time.Time) []Warning {
	if ig == nil {
		return nil
	}
	today := now.UTC().Format("2006-01-02")
	var warns []Warning
	for k, e := range ig.Entries {
		switch {
		case e.Expires != "" && e.Expires < today:
			warns = append(warns, Warning{e.Pos, fmt.Sprintf("entry for %s expired on %s: %d finding(s) are reported again", e.Rule, e.Expires, matched[k])})
		case matched[k] == 0:
			warns = append(warns, Warning{e.Pos, fmt.Sprintf("stale entry: no %s finding matches it; remove it", ruleName(e.Rule))})
		}
	}
	return warns
}

func ruleName(id string) string {
	if id == "*" {
		return "such"
	}
	return id
}
