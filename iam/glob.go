package iam

import (
	"strings"
	"unicode/utf8"
)

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// glob matches s against an IAM wildcard pattern: * matches any run of
// characters (colons included), ? matches exactly one character. lit, when
// not nil, marks the bytes of p that are literal even if they are * or ?
// (text a policy variable put there). With fold, ASCII letters match
// regardless of case; p must then be lower case already. It allocates
// nothing.
func glob(p string, lit []bool, s string, fold bool) bool {
	var pi, si int
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			pc := p[pi]
			isLit := lit != nil && lit[pi]
			switch {
			case pc == '*' && !isLit:
				starP, starS = pi, si
				pi++
				continue
			case pc == '?' && !isLit:
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			default:
				sc := s[si]
				if fold {
					sc = lowerASCII(sc)
				}
				if pc == sc {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' && (lit == nil || !lit[pi]) {
		pi++
	}
	return pi == len(p)
}

// hasWild reports whether p holds a wildcard.
func hasWild(p string) bool { return strings.ContainsAny(p, "*?") }

// arnGlob matches an ARN against an ARN pattern the way IAM matches
// Resource elements and the Arn* condition operators: the first five
// colon-separated parts (arn, partition, service, region, account) are
// matched part by part, so a wildcard there stays inside its part; the
// resource part takes the rest, colons included. A pattern with fewer
// parts whose last part ends in * matches the rest of the ARN (AWS: "If
// the * wildcard is the last character of a resource ARN segment, it can
// expand to match beyond the colon boundaries").
func arnGlob(p string, lit []bool, v string) bool {
	for range 5 {
		pi := indexColon(p, lit)
		if pi < 0 {
			if strings.HasSuffix(p, "*") && (lit == nil || !lit[len(p)-1]) {
				return glob(p, lit, v, false)
			}
			return false
		}
		vi := strings.IndexByte(v, ':')
		if vi < 0 {
			return false
		}
		var l []bool
		if lit != nil {
			l = lit[:pi]
		}
		if !glob(p[:pi], l, v[:vi], false) {
			return false
		}
		p, v = p[pi+1:], v[vi+1:]
		if lit != nil {
			lit = lit[pi+1:]
		}
	}
	return glob(p, lit, v, false)
}

func indexColon(p string, lit []bool) int {
	if lit == nil {
		return strings.IndexByte(p, ':')
	}
	for i := 0; i < len(p); i++ {
		if p[i] == ':' && !lit[i] {
			return i
		}
	}
	return -1
}
