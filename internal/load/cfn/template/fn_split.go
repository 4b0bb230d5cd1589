package template

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnSplit resolves Fn::Split: [delimiter, string]. A string with symbols
// is split on its literal parts when no symbol can contain the delimiter
// (a distribution ID never holds a "/"); otherwise the result is unknown.
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
	for _, sym := range ident.Symbols(s) {
		if symbolMayContain(sym.Kind, delim) {
			return e.derived("Fn::Split", sv, call.Pos), nil
		}
	}
	masked, unmask := ident.Mask(s)
	out := &source.Node{Kind: source.Array, Pos: call.Pos}
	for _, p := range strings.Split(masked, delim) {
		out.Elems = append(out.Elems, &source.Node{Kind: source.String, Pos: call.Pos, Text: unmask(p)})
	}
	return out, nil
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
