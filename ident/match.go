package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Equal compares two strings exactly (case-sensitive).
func Equal(a, b string) Tri { return match(a, b, false, false) }

// EqualFold compares two strings ignoring case.
func EqualFold(a, b string) Tri { return match(a, b, false, true) }

// Like matches value against an IAM wildcard pattern, where * matches any
// run of characters and ? matches one character. With fold, case is ignored.
func Like(pattern, value string, fold bool) Tri { return match(pattern, value, true, fold) }

// ArnLike matches value against an ARN pattern as the IAM ArnLike and
// ArnEquals operators do: both are split into their six colon-separated
// parts and each part is matched with wildcards, case-sensitively. A value
// that is not an ARN never matches.
func ArnLike(pattern, value string) Tri {
	if !Has(pattern) && !Has(value) {
		return Of(arnLikeConcrete(pattern, value))
	}
	var pb, vb [128]token
	pt, vt := tokenizeInto(pb[:0], pattern), tokenizeInto(vb[:0], value)
	pp, pok := splitARN(pt)
	vp, vok := splitARN(vt)
	if !pok || !vok {
		// An unknown value before the fifth colon may itself hold colons:
		// the split is unknowable, so only a whole-string comparison can
		// say anything.
		if hasAnySymbolBeforeResource(pt) || hasAnySymbolBeforeResource(vt) {
			if sure(pt, vt, true, false) {
				return True
			}
			if !possible(pt, vt, true, false) {
				return False
			}
			return Unknown
		}
		return False
	}
	res := True
	for i := range 6 {
		var r Tri
		if sure(pp[i], vp[i], true, false) {
			r = True
		} else if possible(pp[i], vp[i], true, false) {
			r = Unknown
		} else {
			r = False
		}
		res = res.And(r)
		if res == False {
			return False
		}
	}
	return res
}

func hasAnySymbolBeforeResource(toks []token) bool {
	colons := 0
	for _, t := range toks {
		if t.sym == nil && t.r == ':' {
			colons++
			if colons == 5 {
				return false
			}
		}
		if t.sym != nil && t.sym.Kind == Any {
			return true
		}
	}
	return false
}

// splitARN splits tokens into the six parts of an ARN; the resource part
// keeps any further colons. It fails when there are fewer than five colons
// or a symbol of unknown content sits where the split depends on it.
func splitARN(toks []token) ([6][]token, bool) {
	var parts [6][]token
	start, n := 0, 0
	for i, t := range toks {
		if n == 5 {
			break
		}
		if t.sym != nil && t.sym.Kind == Any {
			return parts, false
		}
		if t.sym == nil && t.r == ':' {
			parts[n] = toks[start:i]
			n++
			start = i + 1
		}
	}
	if n < 5 {
		return parts, false
	}
	parts[5] = toks[start:]
	return parts, true
}

func arnLikeConcrete(pattern, value string) bool {
	for range 5 {
		pi := strings.IndexByte(pattern, ':')
		vi := strings.IndexByte(value, ':')
		if pi < 0 || vi < 0 {
			return false
		}
		if !globConcrete(pattern[:pi], value[:vi], false) {
			return false
		}
		pattern, value = pattern[pi+1:], value[vi+1:]
	}
	return globConcrete(pattern, value, false)
}

func match(pattern, value string, glob, fold bool) Tri {
	if !Has(pattern) && !Has(value) {
		if glob {
			return Of(globConcrete(pattern, value, fold))
		}
		if fold {
			return Of(strings.EqualFold(pattern, value))
		}
		return Of(pattern == value)
	}
	var pb, vb [128]token
	pt, vt := tokenizeInto(pb[:0], pattern), tokenizeInto(vb[:0], value)
	if sure(pt, vt, glob, fold) {
		return True
	}
	if possible(pt, vt, glob, fold) {
		return Unknown
	}
	return False
}

// globConcrete matches a wildcard pattern against a string without symbols.
func globConcrete(p, s string, fold bool) bool {
	if !strings.ContainsAny(p, "*?") {
		if fold {
			return strings.EqualFold(p, s)
		}
		return p == s
	}
	// Iterative matcher with single-star backtracking; ? matches one rune.
	var pi, si int
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			pc, psz := utf8.DecodeRuneInString(p[pi:])
			sc, ssz := utf8.DecodeRuneInString(s[si:])
			switch {
			case pc == '*':
				starP, starS = pi, si
				pi += psz
				continue
			case pc == '?' || runeEq(pc, sc, fold):
				pi += psz
				si += ssz
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, ssz := utf8.DecodeRuneInString(s[starS:])
		starS += ssz
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func runeEq(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	return fold && unicode.ToLower(a) == unicode.ToLower(b)
}

// sure reports whether the pattern matches the value whatever the symbols
// stand for: symbols are opaque tokens that match only themselves, and a
// pattern * matches any run of tokens.
func sure(p, v []token, glob, fold bool) bool {
	// dp[j] = pattern prefix p[:i] matches value prefix v[:j]
	prev := make([]bool, len(v)+1)
	cur := make([]bool, len(v)+1)
	prev[0] = true
	for i := range p {
		pt := p[i]
		star := glob && pt.sym == nil && pt.r == '*'
		one := glob && pt.sym == nil && pt.r == '?'
		cur[0] = star && prev[0]
		for j := 1; j <= len(v); j++ {
			vt := v[j-1]
			switch {
			case star:
				cur[j] = prev[j] || cur[j-1]
			case one:
				cur[j] = prev[j-1] && vt.sym == nil
			case pt.sym != nil:
				cur[j] = prev[j-1] && vt.sym != nil && *vt.sym == *pt.sym
			default:
				cur[j] = prev[j-1] && vt.sym == nil && runeEq(pt.r, vt.r, fold)
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(v)]
}
