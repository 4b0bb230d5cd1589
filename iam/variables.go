package iam

import "strings"

// varTemplate is a string with policy variables: ${aws:username},
// ${aws:PrincipalTag/team, 'default'} and the escapes ${*}, ${?}, ${$}.
// Variables are replaced at evaluation time from the request; text that a
// variable or an escape produces is literal, so a user name holding a *
// is never a wildcard.
type varTemplate struct {
	parts []varPart
}

type varPart struct {
	text   string // literal text (wildcards active), when key == ""
	key    string // folded condition key
	def    string
	hasDef bool
	// escaped is the character produced by ${*}, ${?} or ${$}.
	escaped byte
}

// parseVars splits s into a template, or returns nil when s holds no
// variable. Only policies with Version 2012-10-17 have variables; under
// 2008-10-17 (or no Version) the text is literal and parseVars is not
// called.
func parseVars(s string) *varTemplate {
	if !strings.Contains(s, "${") {
		return nil
	}
	t := &varTemplate{}
	found := false
	for len(s) > 0 {
		i := strings.Index(s, "${")
		if i < 0 {
			t.parts = append(t.parts, varPart{text: s})
			break
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			t.parts = append(t.parts, varPart{text: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, varPart{text: s[:i]})
		}
		inner := strings.TrimSpace(s[i+2 : i+2+end])
		switch inner {
		case "*", "?", "$":
			t.parts = append(t.parts, varPart{escaped: inner[0]})
		default:
			p := varPart{key: inner}
			if k, d, ok := strings.Cut(inner, ","); ok {
				d = strings.TrimSpace(d)
				if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
					p.key, p.def, p.hasDef = strings.TrimSpace(k), d[1:len(d)-1], true
				}
			}
			p.key = foldKey(p.key)
			t.parts = append(t.parts, p)
		}
		found = true
		s = s[i+2+end+1:]
	}
	if !found {
		return nil
	}
	return t
}

// resolve substitutes the variables from the request. It returns the
// pattern, the mask of its literal bytes, and false when a variable names
// a key the request lacks (and has no default): AWS then treats the
// element as not matching.
func (t *varTemplate) resolve(rc *reqCtx) (string, []bool, bool) {
	var b strings.Builder
	var lit []bool
	for _, p := range t.parts {
		switch {
		case p.escaped != 0:
			b.WriteByte(p.escaped)
			lit = append(lit, true)
		case p.key == "":
			b.WriteString(p.text)
			for range len(p.text) {
				lit = append(lit, false)
			}
		default:
			v := rc.lookup(p.key)
			var s string
			switch {
			case v.n == 1:
				s = v.at(0)
			case p.hasDef:
				s = p.def
			default:
				return "", nil, false
			}
			b.WriteString(s)
			for range len(s) {
				lit = append(lit, true)
			}
		}
	}
	return b.String(), lit, true
}
