package edit

import (
	"encoding/json"
	"fmt"
	"strings"
)

// jnode is a JSON value with its byte span in the text it was read from,
// so that an edit can replace or extend it in place.
type jnode struct {
	kind   byte // '{', '[', '"', 'n' (number), 'l' (literal)
	start  int  // offset of the first byte
	end    int  // offset after the last byte
	str    string
	fields []jfield
	elems  []*jnode
}

type jfield struct {
	key      string
	keyStart int
	val      *jnode
}

// get returns the member named key (case-sensitive), or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != '{' {
		return nil
	}
	for _, f := range n.fields {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

// field returns the member named key with its key's offset.
func (n *jnode) field(key string) (jfield, bool) {
	if n != nil && n.kind == '{' {
		for _, f := range n.fields {
			if f.key == key {
				return f, true
			}
		}
	}
	return jfield{}, false
}

// at returns the innermost node starting at offset off, or nil.
func (n *jnode) at(off int) *jnode {
	if n == nil || off < n.start || off >= n.end {
		return nil
	}
	for _, f := range n.fields {
		if x := f.val.at(off); x != nil {
			return x
		}
	}
	for _, e := range n.elems {
		if x := e.at(off); x != nil {
			return x
		}
	}
	if n.start == off {
		return n
	}
	return nil
}

// fieldAtKey returns the member of an object inside n whose key starts at
// off, with the object holding it.
func (n *jnode) fieldAtKey(off int) (obj *jnode, f jfield, ok bool) {
	if n == nil {
		return nil, jfield{}, false
	}
	for _, x := range n.fields {
		if x.keyStart == off {
			return n, x, true
		}
		if o, g, ok := x.val.fieldAtKey(off); ok {
			return o, g, ok
		}
	}
	for _, e := range n.elems {
		if o, g, ok := e.fieldAtKey(off); ok {
			return o, g, ok
		}
	}
	return nil, jfield{}, false
}

// parent returns the node whose element or member value is c.
func (n *jnode) parent(c *jnode) *jnode {
	if n == nil {
		return nil
	}
	for _, f := range n.fields {
		if f.val == c {
			return n
		}
		if p := f.val.parent(c); p != nil {
			return p
		}
	}
	for _, e := range n.elems {
		if e == c {
			return n
		}
		if p := e.parent(c); p != nil {
			return p
		}
	}
	return nil
}

// parseJSONSpans reads the JSON value that fills text[start:end] (a
// file). Terraform interpolations inside strings are plain text here.
func parseJSONSpans(text string, start, end int) (*jnode, error) {
	p := &jscan{s: text[:end], i: start}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("offset %d: unexpected text after the JSON value", p.i)
	}
	return n, nil
}

// parseJSONAt reads the JSON value that starts at text[start] (in a
// heredoc: what follows it is not JSON).
func parseJSONAt(text string, start int) (*jnode, error) {
	p := &jscan{s: text, i: start}
	return p.value(0)
}

type jscan struct {
	s string
	i int
}

func (p *jscan) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *jscan) errf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{p.i}, args...)...)
}

func (p *jscan) value(depth int) (*jnode, error) {
	if depth > 200 {
		return nil, p.errf("nested too deeply")
	}
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end of JSON")
	}
	n := &jnode{start: p.i}
	switch c := p.s[p.i]; {
	case c == '{':
		n.kind = '{'
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			break
		}
		for {
			p.space()
			ks := p.i
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil, p.errf("expected a member name")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.errf("expected ':'")
			}
			p.i++
			p.space()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, jfield{key: k, keyStart: ks, val: v})
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				break
			}
			return nil, p.errf("expected ',' or '}'")
		}
	case c == '[':
		n.kind = '['
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			break
		}
		for {
			p.space()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				break
			}
			return nil, p.errf("expected ',' or ']'")
		}
	case c == '"':
		n.kind = '"'
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n.str = s
	case c == '-' || c >= '0' && c <= '9':
		n.kind = 'n'
		for p.i < len(p.s) && strings.IndexByte("+-.eE0123456789", p.s[p.i]) >= 0 {
			p.i++
		}
		n.str = p.s[n.start:p.i]
		if !json.Valid([]byte(n.str)) {
			return nil, p.errf("invalid number %q", n.str)
		}
	case strings.HasPrefix(p.s[p.i:], "true"), strings.HasPrefix(p.s[p.i:], "null"):
		n.kind = 'l'
		p.i += 4
		n.str = p.s[n.start:p.i]
	case strings.HasPrefix(p.s[p.i:], "false"):
		n.kind = 'l'
		p.i += 5
		n.str = p.s[n.start:p.i]
	default:
		return nil, p.errf("unexpected character %q", c)
	}
	n.end = p.i
	return n, nil
}

func (p *jscan) str() (string, error) {
	start := p.i
	p.i++
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			var out string
			if err := json.Unmarshal([]byte(p.s[start:p.i]), &out); err != nil {
				return "", p.errf("invalid string %s", p.s[start:p.i])
			}
			return out, nil
		}
		if p.s[p.i] < 0x20 {
			return "", p.errf("control character in string")
		}
		p.i++
	}
	return "", p.errf("unterminated string")
}
