package iam

import (
	"net/netip"
	"strings"

	"github.com/s3front/s3front/ident"
)

// Public classifies a bucket policy the way S3 Block Public Access does
// (BlockPublicPolicy, RestrictPublicBuckets): a policy is public unless
// every Allow statement is restricted to fixed values (no wildcard, no
// policy variable) of its principal, or of one of these condition keys:
// aws:SourceIp (no wider than /8 for IPv4 or /32 for IPv6, and outside
// the RFC 1918 private ranges), aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
// s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid (a
// wildcard is allowed only in the form AROLEID:*), s3:DataAccessPointArn
// (a wildcard access point name is allowed when the account is fixed) and
// s3:DataAccessPointAccount. Service principals count as fixed values.
//
// Strings holding an [ident] symbol of kind [ident.Any] are not known to
// be fixed, which can make the answer [ident.Unknown]; symbols of other
// kinds (an account, a distribution ID) stand for one fixed value.
//
// Public returns the statements that make the policy public, or may.
func Public(p *Policy) (ident.Tri, []*Statement) {
	if p == nil {
		return ident.False, nil
	}
	res := ident.False
	var out []*Statement
	for _, st := range p.Statements {
		if st.Effect != Allow {
			continue
		}
		t := publicStatement(st, p.Version == Version2012)
		if t != ident.False {
			out = append(out, st)
		}
		res = res.Or(t)
	}
	return res, out
}

func publicStatement(st *Statement, vars bool) ident.Tri {
	restricted := ident.False
	if st.Principal != nil && !st.Principal.Wildcard {
		restricted = ident.True
		for _, vs := range []*Values{st.Principal.AWS, st.Principal.Service, st.Principal.Federated, st.Principal.CanonicalUser} {
			if vs == nil {
				continue
			}
			for _, v := range vs.Items {
				restricted = restricted.And(fixedValue(v, false))
			}
		}
	}
	if st.NotPrincipal != nil {
		restricted = ident.False
	}
	for _, c := range st.Conditions {
		if restricted == ident.True {
			break
		}
		restricted = restricted.Or(restrictingCondition(c, vars))
	}
	return restricted.Not()
}

// fixedValue reports whether s is one fixed value: no wildcard, no policy
// variable, no unknown symbol.
func fixedValue(s string, vars bool) ident.Tri {
	if ident.Has(s) {
		for _, sym := range ident.Symbols(s) {
			if sym.Kind == ident.Any {
				return ident.Unknown
			}
		}
		s = ident.Render(s) // symbols other than Any are fixed values
		s = strings.NewReplacer("${", "", "}", "").Replace(s)
	}
	if strings.ContainsAny(s, "*?") {
		return ident.False
	}
	if vars && strings.Contains(s, "${") {
		return ident.False
	}
	return ident.True
}

// restrictingCondition reports whether a condition restricts a statement
// to fixed values of one of the keys Block Public Access recognises.
func restrictingCondition(c *Condition, vars bool) ident.Tri {
	op, set, ifExists, ok := parseOperator(c.Operator)
	if !ok || op.neg || ifExists || set == setAll || len(c.Values) == 0 {
		return ident.False
	}
	switch op.base {
	case opString, opStringFold, opStringLike, opArn, opIP:
	default:
		return ident.False
	}
	key := foldKey(c.Key)
	all := ident.True
	for _, v := range c.Values {
		var t ident.Tri
		switch key {
		case "aws:sourceip":
			if op.base != opIP {
				return ident.False
			}
			t = fixedCIDR(v)
		case "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
			"s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:dataaccesspointaccount":
			t = fixedValue(v, vars)
		case "aws:userid":
			t = fixedValue(v, vars)
			if t == ident.False {
				if id, rest, ok := strings.Cut(v, ":"); ok && rest == "*" && id != "" && !strings.ContainsAny(id, "*?$") {
					t = ident.True
				}
			}
		case "s3:dataaccesspointarn":
			// The access point name may be a wildcard when the account is fixed.
			parts := strings.SplitN(v, ":", 6)
			if len(parts) < 6 {
				return ident.False
			}
			t = fixedValue(strings.Join(parts[:5], ":"), vars)
		default:
			return ident.False
		}
		all = all.And(t)
	}
	return all
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

func fixedCIDR(v string) ident.Tri {
	if ident.Has(v) {
		return fixedValue(v, false)
	}
	p, ok := parseCIDR(v)
	if !ok {
		return ident.False
	}
	if p.Addr().Is4() {
		if p.Bits() < 8 {
			return ident.False
		}
		for _, r := range privateRanges {
			if r.Overlaps(p) {
				return ident.False
			}
		}
		return ident.True
	}
	return ident.Of(p.Bits() >= 32)
}
