// Package ident represents values that are known by what they are rather
// than by their text: the ID of *that* distribution, the account of *that*
// provider configuration, a variable nobody set. Such a value is a symbol
// embedded in an ordinary Go string, so a distribution ARN can be composed
// the way AWS composes it,
//
//	"arn:aws:cloudfront::" + ident.New(ident.Account, "provider.aws") +
//	    ":distribution/" + ident.New(ident.DistributionID, "aws_cloudfront_distribution.web")
//
// and compared with whatever a policy says, before anything is deployed.
//
// Comparisons are three-valued ([Tri]): [True] when every possible
// deployment makes the two strings match, [False] when none can, and
// [Unknown] otherwise. Two symbols with the same kind and name always
// stand for the same value; two different symbols of a kind whose values
// are unique (distribution IDs, key IDs, bucket names...) never do; and a
// literal is compared with a symbol through the symbol's value domain, so
// the literal "d303chch2n9rqs" can never be a distribution ID (they start
// with "E") while "E2QWRUHAPOMQZL" might be.
//
// Strings without symbols cost one byte scan ([Has]); callers keep their
// fast paths for concrete strings and call into this package only when a
// symbol is present.
package ident

import (
	"strings"
	"unicode/utf8"
)

// Tri is a three-valued truth value.
type Tri int8

// The three truth values.
const (
	False Tri = iota
	True
	Unknown
)

func (t Tri) String() string {
	switch t {
	case False:
		return "false"
	case True:
		return "true"
	}
	return "unknown"
}

// Of converts a bool.
func Of(b bool) Tri {
	if b {
		return True
	}
	return False
}

// And is three-valued conjunction.
func (t Tri) And(u Tri) Tri {
	if t == False || u == False {
		return False
	}
	if t == True && u == True {
		return True
	}
	return Unknown
}

// Or is three-valued disjunction.
func (t Tri) Or(u Tri) Tri {
	if t == True || u == True {
		return True
	}
	if t == False && u == False {
		return False
	}
	return Unknown
}

// Not is three-valued negation.
func (t Tri) Not() Tri {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

// Kind says what a symbol stands for, which fixes the set of strings it can
// take (its domain) and whether two different symbols of the kind can hold
// the same value.
type Kind byte

// The kinds of symbol. The byte values are part of the encoding; never
// change one.
const (
	// Any is a value nothing is known about: an unset variable, an
	// unresolvable expression. Not unique.
	Any Kind = 'a'
	// Account is a 12-digit AWS account ID. Not unique: two provider
	// configurations can point at the same account.
	Account Kind = 'c'
	// Region is an AWS Region name. Not unique.
	Region Kind = 'r'
	// Partition is an AWS partition ("aws", "aws-cn", "aws-us-gov"). Not unique.
	Partition Kind = 'p'
	// DistributionID is a CloudFront distribution ID (E...). Unique.
	DistributionID Kind = 'd'
	// OAIID is a CloudFront origin access identity ID (E...). Unique.
	OAIID Kind = 'i'
	// OACID is a CloudFront origin access control ID (E...). Unique.
	OACID Kind = 'o'
	// KeyID is a KMS key ID (UUID or mrk-...). Unique.
	KeyID Kind = 'k'
	// CanonicalUser is an S3 canonical user ID (64 hex digits). Unique.
	CanonicalUser Kind = 'u'
	// BucketName is an S3 bucket name chosen by AWS or the provider. Unique.
	BucketName Kind = 'b'
	// OrgID is an AWS Organizations ID (o-...). Not unique.
	OrgID Kind = 'g'
	// PolicyID is the ID of a cache, origin request or organization policy. Unique.
	PolicyID Kind = 'y'
	// Name is any other generated, unique resource name or ID.
	Name Kind = 'n'
)

// Unique reports whether two different symbols of kind k always hold
// different values.
func (k Kind) Unique() bool {
	switch k {
	case DistributionID, OAIID, OACID, KeyID, CanonicalUser, BucketName, PolicyID, Name:
		return true
	}
	return false
}

func (k Kind) String() string {
	switch k {
	case Any:
		return "value"
	case Account:
		return "account ID"
	case Region:
		return "region"
	case Partition:
		return "partition"
	case DistributionID:
		return "distribution ID"
	case OAIID:
		return "origin access identity ID"
	case OACID:
		return "origin access control ID"
	case KeyID:
		return "KMS key ID"
	case CanonicalUser:
		return "canonical user ID"
	case BucketName:
		return "bucket name"
	case OrgID:
		return "organization ID"
	case PolicyID:
		return "policy ID"
	case Name:
		return "name"
	}
	return "symbol"
}

func validKind(k Kind) bool {
	switch k {
	case Any, Account, Region, Partition, DistributionID, OAIID, OACID, KeyID, CanonicalUser, BucketName, OrgID, PolicyID, Name:
		return true
	}
	return false
}

const (
	openMark  = '\uE000'
	closeMark = '\uE001'
	// openByte is the first byte of the UTF-8 encoding of openMark and closeMark.
	openByte = 0xEE
)

// New returns a string that stands for the value of kind k named name.
// The name says what the value is in words a user recognises, e.g.
// "aws_cloudfront_distribution.web.id" or "var.bucket_name"; it is what
// [Render] shows.
func New(k Kind, name string) string {
	if !validKind(k) {
		k = Any
	}
	name = strings.Map(func(r rune) rune {
		if r == openMark || r == closeMark {
			return '?'
		}
		return r
	}, name)
	return string(openMark) + string(rune(k)) + name + string(closeMark)
}

// Has reports whether s contains a symbol.
func Has(s string) bool {
	return strings.IndexByte(s, openByte) >= 0 && strings.ContainsRune(s, openMark)
}

// Sym is one symbol found in a string.
type Sym struct {
	Kind Kind
	Name string
}

func (s Sym) String() string { return "${" + s.Name + "}" }

// Symbols lists the symbols of s in order of appearance.
func Symbols(s string) []Sym {
	if !Has(s) {
		return nil
	}
	var out []Sym
	var buf [128]token
	for _, t := range tokenizeInto(buf[:0], s) {
		if t.sym != nil {
			out = append(out, *t.sym)
		}
	}
	return out
}

// IsSymbol reports whether s is exactly one symbol, and returns it.
func IsSymbol(s string) (Sym, bool) {
	if !strings.HasPrefix(s, string(openMark)) {
		return Sym{}, false
	}
	var buf [128]token
	toks := tokenizeInto(buf[:0], s)
	if len(toks) == 1 && toks[0].sym != nil {
		return *toks[0].sym, true
	}
	return Sym{}, false
}

// Render replaces every symbol of s by ${name}, for people to read.
func Render(s string) string {
	if !Has(s) {
		return s
	}
	var b strings.Builder
	var buf [128]token
	for _, t := range tokenizeInto(buf[:0], s) {
		if t.sym != nil {
			b.WriteString("${")
			b.WriteString(t.sym.Name)
			b.WriteString("}")
		} else {
			b.WriteRune(t.r)
		}
	}
	return b.String()
}

// Concrete reports whether s is free of symbols that stand for unknown
// input ([Any]); s may still hold identities of other kinds.
func Concrete(s string) bool {
	for _, sym := range Symbols(s) {
		if sym.Kind == Any {
			return false
		}
	}
	return true
}

// token is one character or one symbol of a string.
type token struct {
	r   rune
	sym *Sym
}

// tokenizeInto appends the tokens of s to toks. Callers pass a buffer
// on their own stack, so that the comparisons the simulator makes by the
// thousand allocate nothing for short strings.
func tokenizeInto(toks []token, s string) []token {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == openMark {
			if end := strings.IndexRune(s[i+size:], closeMark); end >= 1 {
				body := s[i+size : i+size+end]
				k := Kind(body[0])
				if !validKind(k) {
					k = Any
				}
				toks = append(toks, token{sym: &Sym{Kind: k, Name: body[1:]}})
				i += size + end + utf8.RuneLen(closeMark)
				continue
			}
		}
		toks = append(toks, token{r: r})
		i += size
	}
	return toks
}

// Mask replaces every symbol of s by one private-use rune, so that code
// which cuts strings at literal separators (dots of a domain name, colons
// of an ARN) can work on the result without looking inside symbol names.
// Unmask restores the symbols in any substring of the masked string.
func Mask(s string) (masked string, unmask func(string) string) {
	if !Has(s) {
		return s, func(x string) string { return x }
	}
	var b strings.Builder
	var syms []string
	var buf [128]token
	for _, t := range tokenizeInto(buf[:0], s) {
		if t.sym == nil {
			b.WriteRune(t.r)
			continue
		}
		b.WriteRune(maskBase + rune(len(syms)))
		syms = append(syms, New(t.sym.Kind, t.sym.Name))
	}
	return b.String(), func(x string) string {
		var o strings.Builder
		for _, r := range x {
			if i := int(r - maskBase); i >= 0 && i < len(syms) {
				o.WriteString(syms[i])
				continue
			}
			o.WriteRune(r)
		}
		return o.String()
	}
}

// maskBase is the first rune Mask uses (Supplementary Private Use Area-A).
const maskBase = '\U000F0000'
