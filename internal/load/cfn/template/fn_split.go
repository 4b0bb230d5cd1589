package template

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnSplit resolves Fn::Split: [delimiter, string]. A string with symbols
// is split on its literal text when no occurrence of the delimiter can
// overlap a symbol (a distribution ID never holds a "/"); otherwise the
// result is unknown.
func (e *Evaluator) fnSplit(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::Split", arg, 2, 2, "Fn::Split: [\"delimiter\", \"a,b\"]")
	if err != nil {
		return nil, err
	}
	_, delim, err := e.stringArg(a[0], "Fn::Split", "the delimiter")
	if err != nil {
		return nil, err
	}
	if delim == "" {
		return nil, source.Errorf(a[0].Pos, "", "Fn::Split delimiter must not be empty")
	}
	sv, s, err := e.stringArg(a[1], "Fn::Split", "the string")
	if err != nil {
		return nil, err
	}
	toks := tokens(s)
	d := []rune(delim)
	if splitUncertain(toks, d) {
		return e.derived("Fn::Split", sv, call.Pos), nil
	}
	out := &source.Node{Kind: source.Array, Pos: call.Pos}
	var cur strings.Builder
	for i := 0; i < len(toks); {
		if matchAt(toks, i, d) {
			out.Elems = append(out.Elems, &source.Node{Kind: source.String, Pos: call.Pos, Text: cur.String()})
			cur.Reset()
			i += len(d)
			continue
		}
		if toks[i].sym != nil {
			cur.WriteString(ident.New(toks[i].sym.Kind, toks[i].sym.Name))
		} else {
			cur.WriteRune(toks[i].r)
		}
		i++
	}
	out.Elems = append(out.Elems, &source.Node{Kind: source.String, Pos: call.Pos, Text: cur.String()})
	return out, nil
}

// tok is one character or one symbol of a string.
type tok struct {
	r   rune
	sym *ident.Sym
}

// tokens splits s into characters and symbols.
func tokens(s string) []tok {
	var out []tok
	pos := 0
	for _, sym := range ident.Symbols(s) {
		enc := ident.New(sym.Kind, sym.Name)
		i := strings.Index(s[pos:], enc)
		if i < 0 {
			break
		}
		for _, r := range s[pos : pos+i] {
			out = append(out, tok{r: r})
		}
		sym := sym
		out = append(out, tok{sym: &sym})
		pos += i + len(enc)
	}
	for _, r := range s[pos:] {
		out = append(out, tok{r: r})
	}
	return out
}

// matchAt reports whether the literal characters at toks[i:] are d.
func matchAt(toks []tok, i int, d []rune) bool {
	if i+len(d) > len(toks) {
		return false
	}
	for k, r := range d {
		if toks[i+k].sym != nil || toks[i+k].r != r {
			return false
		}
	}
	return true
}

// splitUncertain reports whether an occurrence of d could overlap a
// symbol: the part inside the symbol would have to be made of characters
// the symbol can hold, and the rest would have to match the text around
// it. Neighbouring symbols are assumed to match anything.
func splitUncertain(toks []tok, d []rune) bool {
	before := func(p, i int) bool { // d[:i] can end right before p
		for k := i - 1; k >= 0; k-- {
			p--
			if p < 0 {
				return false
			}
			if toks[p].sym != nil {
				return true
			}
			if toks[p].r != d[k] {
				return false
			}
		}
		return true
	}
	after := func(p, j int) bool { // d[j:] can start right after p
		for k := j; k < len(d); k++ {
			p++
			if p >= len(toks) {
				return false
			}
			if toks[p].sym != nil {
				return true
			}
			if toks[p].r != d[k] {
				return false
			}
		}
		return true
	}
	for p, t := range toks {
		if t.sym == nil {
			continue
		}
		for i := 0; i < len(d); i++ {
			for j := i + 1; j <= len(d); j++ {
				if allIn(t.sym.Kind, d[i:j]) && before(p, i) && after(p, j) {
					return true
				}
			}
		}
	}
	return false
}

// allIn reports whether a symbol of kind k may hold every rune of rs.
func allIn(k ident.Kind, rs []rune) bool {
	for _, r := range rs {
		if !symbolMayContain(k, string(r)) {
			return false
		}
	}
	return true
}

// symbolMayContain reports whether a symbol of kind k may hold a
// character of s.
func symbolMayContain(k ident.Kind, s string) bool {
	var allowed func(r rune) bool
	lower := func(r rune) bool { return r >= 'a' && r <= 'z' }
	upper := func(r rune) bool { return r >= 'A' && r <= 'Z' }
	digit := func(r rune) bool { return r >= '0' && r <= '9' }
	switch k {
	case ident.Account:
		allowed = digit
	case ident.Region, ident.KeyID:
		allowed = func(r rune) bool { return lower(r) || digit(r) || r == '-' }
	case ident.Partition:
		allowed = func(r rune) bool { return lower(r) || r == '-' }
	case ident.DistributionID, ident.OAIID, ident.OACID:
		allowed = func(r rune) bool { return upper(r) || digit(r) }
	case ident.CanonicalUser:
		allowed = func(r rune) bool { return digit(r) || (r >= 'a' && r <= 'f') }
	case ident.BucketName:
		allowed = func(r rune) bool { return lower(r) || digit(r) || r == '.' || r == '-' }
	case ident.OrgID:
		allowed = func(r rune) bool { return lower(r) || digit(r) || r == '-' }
	case ident.PolicyID:
		allowed = func(r rune) bool { return lower(r) || upper(r) || digit(r) || r == '-' || r == '_' }
	default:
		return true
	}
	for _, r := range s {
		if allowed(r) {
			return true
		}
	}
	return false
}
