package terraform

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// Suppressions are comments on the lines directly above a resource, data
// or module block:
//
//	# s3front:ignore:RULE-ID reason
//	// s3front:ignore:RULE-ID:exp:2026-12-31 reason
//
// The comment run directly above the block counts (other comment lines
// may sit between it and the block; a blank line ends the run). Only
// this exact form is read: RULE-ID is lower-case letters, digits and
// dashes, the date is a valid YYYY-MM-DD. A comment that starts with
// s3front:ignore but does not have this form is not a suppression and is
// ignored (so a typo never silences a finding).

type suppressionComment struct {
	rule, reason, expires string
	pos                   source.Pos
	// invalid says why a comment that starts with s3front:ignore: is not
	// a suppression.
	invalid string
}

// parseSuppression reads one comment line; ok is false when it is not a
// valid suppression.
func parseSuppression(line string) (suppressionComment, int, bool) {
	t := strings.TrimLeft(line, " \t")
	col := len(line) - len(t) + 1
	switch {
	case strings.HasPrefix(t, "#"):
		t = t[1:]
	case strings.HasPrefix(t, "//"):
		t = t[2:]
	default:
		return suppressionComment{}, 0, false
	}
	t = strings.TrimLeft(t, " \t")
	const prefix = "s3front:ignore:"
	if !strings.HasPrefix(t, prefix) {
		return suppressionComment{}, 0, false
	}
	t = t[len(prefix):]
	end := strings.IndexAny(t, " \t")
	head, reason := t, ""
	if end >= 0 {
		head, reason = t[:end], strings.TrimSpace(t[end:])
	}
	rule, exp, hasExp := strings.Cut(head, ":exp:")
	if !validRuleID(rule) {
		return suppressionComment{rule: rule, invalid: fmt.Sprintf("%q is not a rule ID (lower-case words joined by hyphens, then :exp:YYYY-MM-DD and the reason after a space)", head)}, col, true
	}
	if hasExp {
		if _, err := time.Parse("2006-01-02", exp); err != nil || len(exp) != 10 {
			return suppressionComment{rule: rule, invalid: fmt.Sprintf("the expiry date %q is not a date (YYYY-MM-DD)", exp)}, col, true
		}
	}
	return suppressionComment{rule: rule, reason: reason, expires: exp}, col, true
}

func validRuleID(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isCommentLine(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//")
}

// commentsAbove returns the suppressions in the comment run directly above
// the given line of file.
func (m *modCfg) commentsAbove(rng hcl.Range) []suppressionComment {
	lines := m.lines[rng.Filename]
	var out []suppressionComment
	for i := rng.Start.Line - 2; i >= 0 && i < len(lines); i-- {
		line := strings.TrimRight(lines[i], "\r")
		if !isCommentLine(line) {
			break
		}
		if s, col, ok := parseSuppression(line); ok {
			s.pos = source.Pos{File: rng.Filename, Line: i + 1, Col: col}
			out = append(out, s)
		}
	}
	return out
}

// suppressions lists the suppressions of a module instance's blocks, one
// per resource instance (module blocks: the module call's address, which
// covers every instance and resource under it).
func suppressions(mi *modInst) []model.Suppression {
	var out []model.Suppression
	for _, rc := range mi.cfg.resources {
		cs := mi.cfg.commentsAbove(rc.rng)
		if len(cs) == 0 {
			continue
		}
		var addrs []string
		if n := mi.res[rc.key()]; n != nil && len(n.insts) > 0 {
			for _, ri := range n.insts {
				addrs = append(addrs, ri.addr)
			}
		} else {
			addrs = []string{mi.prefix() + rc.key()}
		}
		for _, c := range cs {
			for _, a := range addrs {
				out = append(out, model.Suppression{Rule: c.rule, Resource: a, Reason: c.reason, Expires: c.expires,
					Src: model.Src{Resource: a, Pos: c.pos}, Invalid: c.invalid})
			}
		}
	}
	for _, cc := range mi.cfg.calls {
		for _, c := range mi.cfg.commentsAbove(cc.rng) {
			a := mi.prefix() + "module." + cc.name
			out = append(out, model.Suppression{Rule: c.rule, Resource: a, Reason: c.reason, Expires: c.expires,
				Src: model.Src{Resource: a, Pos: c.pos}, Invalid: c.invalid})
		}
	}
	return out
}

func sortSuppressions(s []model.Suppression) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Resource != s[j].Resource {
			return s[i].Resource < s[j].Resource
		}
		if s[i].Rule != s[j].Rule {
			return s[i].Rule < s[j].Rule
		}
		return source.Less(s[i].Src.Pos, s[j].Src.Pos)
	})
}
