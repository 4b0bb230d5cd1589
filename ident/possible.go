package ident

import "unicode"

// charset is a set of characters: a bitmap of ASCII plus one flag for all
// other runes (symbols' domains are ASCII; an unknown value may hold anything).
type charset struct {
	lo, hi   uint64
	nonASCII bool
}

func (c *charset) add(r rune) {
	switch {
	case r < 64:
		c.lo |= 1 << uint(r)
	case r < 128:
		c.hi |= 1 << uint(r-64)
	default:
		c.nonASCII = true
	}
}

func (c *charset) addRange(a, b rune) {
	for r := a; r <= b; r++ {
		c.add(r)
	}
}

func (c charset) has(r rune) bool {
	switch {
	case r < 64:
		return c.lo&(1<<uint(r)) != 0
	case r < 128:
		return c.hi&(1<<uint(r-64)) != 0
	}
	return c.nonASCII
}

func set(ranges ...rune) charset {
	var c charset
	for i := 0; i+1 < len(ranges); i += 2 {
		c.addRange(ranges[i], ranges[i+1])
	}
	return c
}

var anyChar = charset{lo: ^uint64(0), hi: ^uint64(0), nonASCII: true}

// atom is one step of a string's shape: a literal rune, or a run of
// min..max characters from a set (max < 0: unbounded).
type atom struct {
	lit      rune // >= 0 for a literal
	set      charset
	min, max int
	sym      *Sym // the symbol this atom belongs to, if any
	symFirst bool
	symLast  bool
}

// domain returns the shape of the values a symbol of kind k can take.
func domain(k Kind) []atom {
	lower, upper, digit := set('a', 'z'), set('A', 'Z'), set('0', '9')
	union := func(cs ...charset) charset {
		var u charset
		for _, c := range cs {
			u.lo |= c.lo
			u.hi |= c.hi
			u.nonASCII = u.nonASCII || c.nonASCII
		}
		return u
	}
	run := func(c charset, min, max int) atom { return atom{lit: -1, set: c, min: min, max: max} }
	lit := func(r rune) atom { return atom{lit: r, min: 1, max: 1} }
	switch k {
	case Account:
		return []atom{run(digit, 12, 12)}
	case Region:
		return []atom{run(union(lower, digit, set('-', '-')), 9, 20)}
	case Partition:
		return []atom{run(union(lower, set('-', '-')), 3, 12)}
	case DistributionID, OAIID:
		return []atom{lit('E'), run(union(upper, digit), 8, 20)}
	case OACID:
		return []atom{run(union(upper, digit), 9, 21)}
	case KeyID:
		return []atom{run(union(lower, digit, set('-', '-')), 36, 36)}
	case CanonicalUser:
		return []atom{run(union(digit, set('a', 'f')), 64, 64)}
	case BucketName:
		return []atom{run(union(lower, digit, set('.', '.', '-', '-')), 3, 63)}
	case OrgID:
		return []atom{lit('o'), lit('-'), run(union(lower, digit), 10, 32)}
	case PolicyID:
		return []atom{run(union(lower, upper, digit, set('-', '-', '_', '_')), 1, 64)}
	case Name:
		return []atom{run(anyChar, 1, -1)}
	}
	return []atom{run(anyChar, 0, -1)}
}

func foldSet(c charset) charset {
	for r := 'a'; r <= 'z'; r++ {
		if c.has(r) || c.has(unicode.ToUpper(r)) {
			c.add(r)
			c.add(unicode.ToUpper(r))
		}
	}
	return c
}

// atoms turns tokens into a shape. In a glob pattern, * and ? become runs.
func atoms(toks []token, glob, fold bool) []atom {
	out := make([]atom, 0, len(toks))
	for i := range toks {
		t := toks[i]
		if t.sym == nil {
			switch {
			case glob && t.r == '*':
				out = append(out, atom{lit: -1, set: anyChar, min: 0, max: -1})
			case glob && t.r == '?':
				out = append(out, atom{lit: -1, set: anyChar, min: 1, max: 1})
			default:
				r := t.r
				if fold {
					r = unicode.ToLower(r)
				}
				out = append(out, atom{lit: r, min: 1, max: 1})
			}
			continue
		}
		d := domain(t.sym.Kind)
		for k := range d {
			a := d[k]
			if fold {
				if a.lit >= 0 {
					a.lit = unicode.ToLower(a.lit)
				} else {
					a.set = foldSet(a.set)
				}
			}
			a.sym = t.sym
			a.symFirst = k == 0
			a.symLast = k == len(d)-1
			out = append(out, a)
		}
	}
	return out
}

func meets(a, b *atom) bool {
	switch {
	case a.lit >= 0 && b.lit >= 0:
		return a.lit == b.lit
	case a.lit >= 0:
		return b.set.has(a.lit)
	case b.lit >= 0:
		return a.set.has(b.lit)
	}
	return a.lo()&b.lo() != 0 || a.hi()&b.hi() != 0 || (a.set.nonASCII && b.set.nonASCII)
}

func (a *atom) lo() uint64 { return a.set.lo }
func (a *atom) hi() uint64 { return a.set.hi }

// lock states of the distinct-symbol constraint, see possible.
const (
	lockNone = iota
	lockBoth
	lockAOut
	lockBOut
)

// maxProduct bounds the work of possible on pathological inputs.
const (
	maxProduct = 1 << 16
	maxStates  = 1 << 18
)

type state struct {
	ai, ac, bj, bc int
	lock           int
}

// possible reports whether some values of the symbols make the pattern
// match the value. It explores the product of the two shapes; two different
// symbols of the same unique kind are never allowed to align exactly (start
// together and end together), because they can't hold the same value.
func possible(p, v []token, glob, fold bool) bool {
	A := atoms(p, glob, fold)
	B := atoms(v, false, fold)
	if len(A)*len(B) > maxProduct {
		// Too large to explore: say "possible", which callers report as
		// unknown. Real ARNs and names are far below the bound.
		return true
	}
	seen := make(map[state]bool)
	stack := []state{{}}
	budget := maxStates
	push := func(s state) {
		if !seen[s] {
			budget--
			seen[s] = true
			stack = append(stack, s)
		}
	}
	seen[state{}] = true
	bump := func(a *atom, c int) int {
		if a.max < 0 && c >= a.min {
			return c
		}
		return c + 1
	}
	for len(stack) > 0 {
		if budget < 0 {
			return true // undecided within the bound: possible
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.ai == len(A) && s.bj == len(B) {
			return true
		}
		// Leave the current atom of A.
		if s.ai < len(A) && s.ac >= A[s.ai].min {
			n := s
			n.ai, n.ac = s.ai+1, 0
			ok := true
			if A[s.ai].symLast {
				switch s.lock {
				case lockBoth:
					n.lock = lockAOut
				case lockBOut:
					ok = false
				}
			}
			if ok {
				push(n)
			}
		}
		// Leave the current atom of B.
		if s.bj < len(B) && s.bc >= B[s.bj].min {
			n := s
			n.bj, n.bc = s.bj+1, 0
			ok := true
			if B[s.bj].symLast {
				switch s.lock {
				case lockBoth:
					n.lock = lockBOut
				case lockAOut:
					ok = false
				}
			}
			if ok {
				push(n)
			}
		}
		// Consume one character on both sides.
		if s.ai < len(A) && s.bj < len(B) {
			a, b := &A[s.ai], &B[s.bj]
			if (a.max < 0 || s.ac < a.max) && (b.max < 0 || s.bc < b.max) && meets(a, b) {
				n := state{ai: s.ai, ac: bump(a, s.ac), bj: s.bj, bc: bump(b, s.bc)}
				switch s.lock {
				case lockBoth:
					n.lock = lockBoth
				case lockNone:
					if a.symFirst && b.symFirst && s.ac == 0 && s.bc == 0 &&
						a.sym.Kind == b.sym.Kind && a.sym.Kind.Unique() && a.sym.Name != b.sym.Name {
						n.lock = lockBoth
					}
				}
				push(n)
			}
		}
	}
	return false
}
