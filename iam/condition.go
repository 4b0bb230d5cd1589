package iam

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// opBase is a condition operator without negation, set prefix or IfExists.
type opBase uint8

const (
	opString opBase = iota
	opStringFold
	opStringLike
	opNumEq
	opNumLT
	opNumLE
	opNumGT
	opNumGE
	opDateEq
	opDateLT
	opDateLE
	opDateGT
	opDateGE
	opBool
	opBinary
	opIP
	opArn
	opNull
)

type opInfo struct {
	base opBase
	neg  bool
}

// operators maps every condition operator AWS documents (lower-cased) to
// its meaning. It is a read-only table.
var operators = map[string]opInfo{
	"stringequals":              {opString, false},
	"stringnotequals":           {opString, true},
	"stringequalsignorecase":    {opStringFold, false},
	"stringnotequalsignorecase": {opStringFold, true},
	"stringlike":                {opStringLike, false},
	"stringnotlike":             {opStringLike, true},
	"numericequals":             {opNumEq, false},
	"numericnotequals":          {opNumEq, true},
	"numericlessthan":           {opNumLT, false},
	"numericlessthanequals":     {opNumLE, false},
	"numericgreaterthan":        {opNumGT, false},
	"numericgreaterthanequals":  {opNumGE, false},
	"dateequals":                {opDateEq, false},
	"datenotequals":             {opDateEq, true},
	"datelessthan":              {opDateLT, false},
	"datelessthanequals":        {opDateLE, false},
	"dategreaterthan":           {opDateGT, false},
	"dategreaterthanequals":     {opDateGE, false},
	"bool":                      {opBool, false},
	"binaryequals":              {opBinary, false},
	"ipaddress":                 {opIP, false},
	"notipaddress":              {opIP, true},
	"arnequals":                 {opArn, false},
	"arnlike":                   {opArn, false},
	"arnnotequals":              {opArn, true},
	"arnnotlike":                {opArn, true},
	"null":                      {opNull, false},
}

// operatorNames lists the operators as AWS spells them, for hints.
var operatorNames = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// setKind is the ForAllValues:/ForAnyValue: prefix of an operator.
type setKind uint8

const (
	setNone setKind = iota
	setAll
	setAny
)

// parseOperator splits an operator such as "ForAnyValue:StringLikeIfExists".
// Operator names are matched without regard to case.
func parseOperator(name string) (op opInfo, set setKind, ifExists bool, ok bool) {
	s := name
	switch {
	case len(s) > 13 && equalFoldASCII(s[:13], "ForAllValues:"):
		set, s = setAll, s[13:]
	case len(s) > 12 && equalFoldASCII(s[:12], "ForAnyValue:"):
		set, s = setAny, s[12:]
	}
	if len(s) > 8 && equalFoldASCII(s[len(s)-8:], "IfExists") {
		ifExists, s = true, s[:len(s)-8]
	}
	op, ok = operators[strings.ToLower(s)]
	if ok && op.base == opNull && ifExists {
		ok = false
	}
	return op, set, ifExists, ok
}

// parseConditions reads a Condition element: operator → key → value(s).
func parseConditions(n *source.Node, el *errList) []*Condition {
	if n.Kind != source.Object {
		el.add(n.Pos, "Syntax errors in policy: Condition must be an object, found "+n.Describe(), `write "Condition": {"StringEquals": {"aws:SourceArn": "..."}}`)
		return nil
	}
	checkDuplicateKeys(n, el)
	var out []*Condition
	for _, of := range n.Fields {
		if _, _, _, ok := parseOperator(of.Key); !ok {
			el.add(of.KeyPos, "Invalid Condition type : "+of.Key, operatorHint(of.Key))
			continue
		}
		if of.Value.Kind != source.Object {
			el.add(of.Value.Pos, "Syntax errors in policy: the value of condition operator "+of.Key+" must be an object of condition keys, found "+of.Value.Describe(),
				`write "`+of.Key+`": {"aws:SourceArn": "arn:..."}`)
			continue
		}
		if len(of.Value.Fields) == 0 {
			el.add(of.Value.Pos, "Syntax errors in policy: condition operator "+of.Key+" names no condition key", "add a key and its values, or remove the operator")
			continue
		}
		checkDuplicateKeys(of.Value, el)
		for _, kf := range of.Value.Fields {
			c := &Condition{Operator: of.Key, Key: kf.Key, Pos: kf.KeyPos}
			if kf.Key == "" {
				el.add(kf.KeyPos, "Syntax errors in policy: empty condition key", "")
				continue
			}
			switch kf.Value.Kind {
			case source.Array:
				for _, e := range kf.Value.Elems {
					s, ok := scalar(e)
					if !ok {
						el.add(e.Pos, "Syntax errors in policy: condition values must be strings, numbers or booleans, found "+e.Describe(), "")
						continue
					}
					c.Values = append(c.Values, s)
					c.ValuePos = append(c.ValuePos, e.Pos)
				}
			default:
				s, ok := scalar(kf.Value)
				if !ok {
					el.add(kf.Value.Pos, "Syntax errors in policy: the value of condition key "+kf.Key+" must be a string, a number, a boolean or an array of them, found "+kf.Value.Describe(), "")
					continue
				}
				c.Values = []string{s}
				c.ValuePos = []source.Pos{kf.Value.Pos}
			}
			out = append(out, c)
		}
	}
	return out
}

func operatorHint(name string) string {
	base := name
	prefix := ""
	if i := strings.IndexByte(base, ':'); i >= 0 {
		prefix, base = base[:i+1], base[i+1:]
	}
	if strings.EqualFold(base, "NullIfExists") || strings.EqualFold(base, "nullifexists") {
		return "Null can't take IfExists: Null already tests whether the key exists"
	}
	if prefix != "" && !strings.EqualFold(prefix, "ForAllValues:") && !strings.EqualFold(prefix, "ForAnyValue:") {
		return "the set operators are ForAllValues: and ForAnyValue:"
	}
	suffix := ""
	if len(base) > 8 && strings.EqualFold(base[len(base)-8:], "IfExists") {
		suffix, base = "IfExists", base[:len(base)-8]
	}
	best, bestD := "", 4
	for _, n := range operatorNames {
		if d := editDistance(base, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return "did you mean " + prefix + best + suffix + "?"
	}
	return "supported operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null, with an optional IfExists suffix and ForAllValues:/ForAnyValue: prefix"
}

// cCond is a compiled condition.
type cCond struct {
	c        *Condition
	base     opBase
	neg      bool
	ifExists bool
	set      setKind
	key      string
	vals     []cVal
}

// cVal is one compiled condition value.
type cVal struct {
	s    string
	sym  bool
	tmpl *varTemplate
	num  float64
	t    time.Time
	pfx  netip.Prefix
	b    bool
}

func compileCondition(c *Condition, vars bool, el *errList) cCond {
	op, set, ifExists, _ := parseOperator(c.Operator)
	cc := cCond{c: c, base: op.base, neg: op.neg, ifExists: ifExists, set: set, key: foldKey(c.Key)}
	cc.vals = make([]cVal, len(c.Values))
	for i, s := range c.Values {
		v := &cc.vals[i]
		v.s = s
		v.sym = ident.Has(s)
		pos := c.ValuePos[i]
		if v.sym {
			continue
		}
		switch op.base {
		case opString, opStringFold, opStringLike, opArn:
			if vars {
				v.tmpl = parseVars(s)
			}
		case opNumEq, opNumLT, opNumLE, opNumGT, opNumGE:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				el.add(pos, "Invalid Condition value: "+quoteStr(s)+" is not a number, as "+c.Operator+" needs", "write a number such as 10 or 3.5")
			}
			v.num = f
		case opDateEq, opDateLT, opDateLE, opDateGT, opDateGE:
			t, ok := parseDate(s)
			if !ok {
				el.add(pos, "Invalid Condition value: "+quoteStr(s)+" is not a date, as "+c.Operator+" needs", `write an ISO 8601 date such as "2026-01-31T12:00:00Z" or epoch seconds`)
			}
			v.t = t
		case opBool, opNull:
			switch strings.ToLower(s) {
			case "true":
				v.b = true
			case "false":
			default:
				el.add(pos, "Invalid Condition value: "+quoteStr(s)+" is not a boolean, as "+c.Operator+" needs", `write "true" or "false"`)
			}
		case opIP:
			p, ok := parseCIDR(s)
			if !ok {
				el.add(pos, "Invalid Condition value: "+quoteStr(s)+" is not an IP address or CIDR block", `write "203.0.113.0/24" or "2001:db8::/32"`)
			}
			v.pfx = p
		}
	}
	return cc
}

func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z07:00",
}

// parseDate reads the date forms the Date* operators accept: ISO 8601
// (with or without time, seconds or zone) and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	digits := true
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && !(i == 0 && s[i] == '-') {
			digits = false
			break
		}
	}
	if digits {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// eval evaluates the condition against the request. It returns the
// result and the request's values for the key.
func (c *cCond) eval(rc *reqCtx) (ident.Tri, kv) {
	v := rc.lookup(c.key)
	if c.base == opNull {
		missing := v.n <= 0
		r := ident.False
		for i := range c.vals {
			if c.vals[i].sym {
				r = r.Or(ident.Unknown)
				continue
			}
			r = r.Or(ident.Of(c.vals[i].b == missing))
		}
		return r, v
	}
	if v.n <= 0 {
		switch {
		case c.ifExists:
			return ident.True, v
		case c.set == setAll:
			return ident.True, v
		case c.set == setAny:
			return ident.False, v
		}
		return ident.Of(c.neg), v
	}
	switch c.set {
	case setAll:
		r := ident.True
		for i := 0; i < v.n && r != ident.False; i++ {
			p := c.anyValue(rc, v.at(i))
			if c.neg {
				p = p.Not()
			}
			r = r.And(p)
		}
		return r, v
	case setAny:
		r := ident.False
		for i := 0; i < v.n && r != ident.True; i++ {
			p := c.anyValue(rc, v.at(i))
			if c.neg {
				p = p.Not()
			}
			r = r.Or(p)
		}
		return r, v
	}
	r := ident.False
	for i := 0; i < v.n && r != ident.True; i++ {
		r = r.Or(c.anyValue(rc, v.at(i)))
	}
	if c.neg {
		r = r.Not()
	}
	return r, v
}

// anyValue reports whether the request value s matches any of the
// condition's values under the positive form of the operator.
func (c *cCond) anyValue(rc *reqCtx, s string) ident.Tri {
	r := ident.False
	sSym := ident.Has(s)
	for i := range c.vals {
		r = r.Or(c.one(rc, &c.vals[i], s, sSym))
		if r == ident.True {
			break
		}
	}
	return r
}

func (c *cCond) one(rc *reqCtx, v *cVal, s string, sSym bool) ident.Tri {
	switch c.base {
	case opString, opStringFold, opStringLike, opArn:
		pat, lit := v.s, []bool(nil)
		sym := v.sym
		if v.tmpl != nil {
			var ok bool
			pat, lit, ok = v.tmpl.resolve(rc)
			if !ok {
				return ident.False
			}
			sym = ident.Has(pat)
		}
		if sym || sSym {
			switch c.base {
			case opString:
				return ident.Equal(pat, s)
			case opStringFold:
				return ident.EqualFold(pat, s)
			case opStringLike:
				return ident.Like(pat, s, false)
			}
			return ident.ArnLike(pat, s)
		}
		switch c.base {
		case opString:
			return ident.Of(pat == s)
		case opStringFold:
			return ident.Of(strings.EqualFold(pat, s))
		case opStringLike:
			if lit == nil && !hasWild(pat) {
				return ident.Of(pat == s)
			}
			return ident.Of(glob(pat, lit, s, false))
		}
		return ident.Of(arnGlob(pat, lit, s))
	case opBinary:
		if v.sym || sSym {
			return ident.Equal(v.s, s)
		}
		return ident.Of(v.s == s)
	}
	if v.sym || sSym {
		return ident.Unknown
	}
	switch c.base {
	case opNumEq, opNumLT, opNumLE, opNumGT, opNumGE:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return ident.False
		}
		switch c.base {
		case opNumEq:
			return ident.Of(f == v.num)
		case opNumLT:
			return ident.Of(f < v.num)
		case opNumLE:
			return ident.Of(f <= v.num)
		case opNumGT:
			return ident.Of(f > v.num)
		}
		return ident.Of(f >= v.num)
	case opDateEq, opDateLT, opDateLE, opDateGT, opDateGE:
		t, ok := parseDate(s)
		if !ok {
			return ident.False
		}
		switch c.base {
		case opDateEq:
			return ident.Of(t.Equal(v.t))
		case opDateLT:
			return ident.Of(t.Before(v.t))
		case opDateLE:
			return ident.Of(!t.After(v.t))
		case opDateGT:
			return ident.Of(t.After(v.t))
		}
		return ident.Of(!t.Before(v.t))
	case opBool:
		switch {
		case equalFoldASCII(s, "true"):
			return ident.Of(v.b)
		case equalFoldASCII(s, "false"):
			return ident.Of(!v.b)
		}
		return ident.False
	case opIP:
		a, err := netip.ParseAddr(s)
		if err != nil {
			p, ok := parseCIDR(s)
			if !ok {
				return ident.False
			}
			return ident.Of(v.pfx.Bits() <= p.Bits() && v.pfx.Contains(p.Addr()))
		}
		return ident.Of(v.pfx.Contains(a.Unmap()))
	}
	return ident.False
}
