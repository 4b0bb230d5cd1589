package iam

import (
	"errors"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// OAIPrefix starts the IAM-style ARN of every CloudFront origin access
// identity; the identity's ID follows it.
const OAIPrefix = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity "

// parsePrincipals reads a Principal or NotPrincipal element.
func parsePrincipals(f source.Field, el *errList) *Principals {
	pr := &Principals{At: f.KeyPos}
	v := f.Value
	switch v.Kind {
	case source.String:
		if v.Text != "*" {
			el.add(v.Pos, "Invalid principal in policy: "+v.Describe(),
				`a principal is "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "cloudfront.amazonaws.com"}`)
			return pr
		}
		pr.Wildcard = true
		return pr
	case source.Object:
	default:
		el.add(v.Pos, "Invalid principal in policy: "+f.Key+" must be \"*\" or an object, found "+v.Describe(), "")
		return pr
	}
	if len(v.Fields) == 0 {
		el.add(v.Pos, "Invalid principal in policy: "+f.Key+" is empty", `name at least one principal, e.g. {"Service": "cloudfront.amazonaws.com"}`)
		return pr
	}
	checkDuplicateKeys(v, el)
	for _, pf := range v.Fields {
		vals := stringValues(pf, el)
		if vals == nil {
			continue
		}
		for i, s := range vals.Items {
			checkPrincipalValue(pf.Key, s, vals.Pos[i], el)
		}
		switch pf.Key {
		case "AWS":
			pr.AWS = vals
			for _, s := range vals.Items {
				if s == "*" {
					pr.Wildcard = true
				}
			}
		case "Service":
			pr.Service = vals
		case "Federated":
			pr.Federated = vals
		case "CanonicalUser":
			pr.CanonicalUser = vals
		default:
			hint := `the principal types are "AWS", "Service", "Federated" and "CanonicalUser"`
			for _, k := range []string{"AWS", "Service", "Federated", "CanonicalUser"} {
				if equalFoldASCII(k, pf.Key) {
					hint = "principal types are case-sensitive: write " + quoteStr(k)
				}
			}
			el.add(pf.KeyPos, "Invalid principal in policy: unknown principal type "+quoteStr(pf.Key), hint)
		}
	}
	return pr
}

// iamARN is an IAM or STS principal ARN taken apart.
type iamARN struct {
	kind      prinKind
	partition string
	account   string
	// name is the user name or role name (without path) of users, roles
	// and assumed-role sessions; the whole resource part otherwise.
	name    string
	session string
}

// parseIAMARN takes apart arn:P:iam::A:root|user/...|role/... and
// arn:P:sts::A:assumed-role/R/S|federated-user/N.
func parseIAMARN(s string) (iamARN, bool) {
	var a iamARN
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return a, false
	}
	var svc, region string
	a.partition, rest, _ = strings.Cut(rest, ":")
	svc, rest, _ = strings.Cut(rest, ":")
	region, rest, _ = strings.Cut(rest, ":")
	var res string
	var found bool
	a.account, res, found = strings.Cut(rest, ":")
	if !found || a.partition == "" || region != "" || a.account == "" {
		return a, false
	}
	switch svc {
	case "iam":
		switch {
		case res == "root":
			a.kind = pkAccount
		case strings.HasPrefix(res, "user/"):
			a.kind = pkUser
			if a.account == "cloudfront" && strings.HasPrefix(s, OAIPrefix) {
				a.kind = pkOAI
			}
			a.name = res[strings.LastIndexByte(res, '/')+1:]
		case strings.HasPrefix(res, "role/"):
			a.kind = pkRole
			a.name = res[strings.LastIndexByte(res, '/')+1:]
		default:
			return a, false
		}
	case "sts":
		switch {
		case strings.HasPrefix(res, "assumed-role/"):
			role, sess, ok := strings.Cut(res[len("assumed-role/"):], "/")
			if !ok || role == "" || sess == "" {
				return a, false
			}
			a.kind, a.name, a.session = pkSession, role, sess
		case strings.HasPrefix(res, "federated-user/"):
			a.kind = pkFederatedUser
			a.name = res[len("federated-user/"):]
		default:
			return a, false
		}
	default:
		return a, false
	}
	if a.name == "" && a.kind != pkAccount {
		return a, false
	}
	if !ident.Has(a.account) && a.kind != pkOAI && !isAccountID(a.account) {
		return a, false
	}
	return a, true
}

// ParsePrincipal reads a request principal as written on the command line
// or in a simulation input:
//
//   - "anonymous" or "*": an unauthenticated request;
//   - a service principal such as "cloudfront.amazonaws.com" (any name
//     ending in .amazonaws.com, or a dotted name without colons);
//   - "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E..."
//     (see [OAIPrefix]): an origin access identity;
//   - an IAM ARN: arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME,
//     arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or
//     :federated-user/NAME;
//   - a 12-digit account ID: that account's root user.
func ParsePrincipal(s string) (Principal, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Principal{}, errors.New("the principal is empty: give an IAM ARN, a service principal such as cloudfront.amazonaws.com, or \"anonymous\"")
	case s == "*" || strings.EqualFold(s, "anonymous"):
		return Principal{Type: Anonymous}, nil
	case isAccountID(s):
		return Principal{Type: IAM, ARN: "arn:aws:iam::" + s + ":root", Account: s}, nil
	case strings.HasPrefix(s, OAIPrefix):
		return Principal{Type: OAI, ARN: s}, nil
	case strings.HasPrefix(s, "arn:"):
		a, ok := parseIAMARN(s)
		if !ok || a.kind == pkOAI {
			return Principal{}, errors.New("unrecognised principal ARN " + quoteStr(ident.Render(s)) + ": expected arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or :federated-user/NAME")
		}
		return Principal{Type: IAM, ARN: s, Account: a.account}, nil
	case !strings.ContainsAny(s, ":/ ") && strings.Contains(s, "."):
		return Principal{Type: Service, ARN: s}, nil
	}
	return Principal{}, errors.New("unrecognised principal " + quoteStr(ident.Render(s)) + ": give an IAM ARN, an account ID, a service principal such as cloudfront.amazonaws.com, an origin access identity ARN, or \"anonymous\"")
}

// prinKind says what a principal value names.
type prinKind uint8

const (
	pkAccount prinKind = iota
	pkUser
	pkRole
	pkSession
	pkFederatedUser
	pkOAI
	pkService
	pkFederated
	pkCanonical
	pkUniqueID
)

// cPrin is one compiled principal value.
type cPrin struct {
	kind    prinKind
	value   string // the value as written (service names lower-cased)
	account string
	name    string
	pos     source.Pos
}

type cPrincipals struct {
	wildcard bool
	items    []cPrin
}

func compilePrincipals(p *Principals) *cPrincipals {
	if p == nil {
		return nil
	}
	c := &cPrincipals{wildcard: p.Wildcard}
	add := func(vs *Values, f func(s string) cPrin) {
		if vs == nil {
			return
		}
		for i, s := range vs.Items {
			it := f(s)
			it.pos = vs.Pos[i]
			c.items = append(c.items, it)
		}
	}
	add(p.AWS, func(s string) cPrin {
		switch {
		case isAccountID(s) || (ident.Has(s) && !strings.HasPrefix(s, "arn:")):
			return cPrin{kind: pkAccount, value: s, account: s}
		case isUniqueID(s):
			return cPrin{kind: pkUniqueID, value: s}
		}
		a, ok := parseIAMARN(s)
		if !ok {
			return cPrin{kind: pkUniqueID, value: s}
		}
		return cPrin{kind: a.kind, value: s, account: a.account, name: a.name}
	})
	add(p.Service, func(s string) cPrin { return cPrin{kind: pkService, value: strings.ToLower(s)} })
	add(p.Federated, func(s string) cPrin { return cPrin{kind: pkFederated, value: s} })
	add(p.CanonicalUser, func(s string) cPrin { return cPrin{kind: pkCanonical, value: strings.ToLower(s)} })
	return c
}

// reqPrincipal is the request's principal taken apart once per evaluation.
type reqPrincipal struct {
	typ       PrincipalType
	arn       string
	account   string
	roleName  string
	kind      prinKind // for IAM: pkAccount (root), pkUser, pkRole, pkSession, pkFederatedUser
	canonical string
}

func analysePrincipal(p *Principal) reqPrincipal {
	r := reqPrincipal{typ: p.Type, arn: p.ARN, account: p.Account, canonical: strings.ToLower(p.CanonicalUser), kind: pkUser}
	if p.Type == IAM {
		if a, ok := parseIAMARN(p.ARN); ok {
			r.kind = a.kind
			if r.account == "" {
				r.account = a.account
			}
			if a.kind == pkRole || a.kind == pkSession {
				r.roleName = a.name
			}
		} else if isAccountID(p.ARN) {
			r.kind = pkAccount
			if r.account == "" {
				r.account = p.ARN
			}
		}
	}
	return r
}

// grant is how a matching principal value lets a resource policy grant.
type grant struct {
	// direct: the statement names the principal itself (its user ARN,
	// session ARN, service, OAI, canonical ID, or "*").
	direct ident.Tri
	// role: the statement names the role of an assumed-role session;
	// permissions boundaries and session policies still limit it.
	role ident.Tri
	// account: the statement names the principal's account, which
	// delegates to the account's identity policies.
	account ident.Tri
}

func (g grant) any() ident.Tri { return g.direct.Or(g.role).Or(g.account) }

// matchPrincipal compares a Principal element with the request's principal.
func matchPrincipal(c *cPrincipals, r *reqPrincipal) grant {
	g := grant{}
	if c.wildcard {
		g.direct = ident.True
		return g
	}
	for i := range c.items {
		it := &c.items[i]
		switch it.kind {
		case pkAccount:
			if r.typ == IAM {
				g.account = g.account.Or(eqT(r.account, it.account))
			}
		case pkUser, pkSession, pkFederatedUser:
			if r.typ == IAM {
				g.direct = g.direct.Or(eqT(r.arn, it.value))
			}
		case pkRole:
			if r.typ == IAM {
				if r.kind == pkSession {
					g.role = g.role.Or(eqT(r.account, it.account).And(eqT(r.roleName, it.name)))
				} else {
					g.role = g.role.Or(eqT(r.arn, it.value))
				}
			}
		case pkOAI:
			if r.typ == OAI {
				g.direct = g.direct.Or(eqT(r.arn, it.value))
			}
		case pkService:
			if r.typ == Service {
				g.direct = g.direct.Or(eqFoldT(r.arn, it.value))
			}
		case pkFederated:
			if r.typ == IAM {
				g.direct = g.direct.Or(eqT(r.arn, it.value))
			}
		case pkCanonical:
			if r.canonical != "" {
				g.direct = g.direct.Or(eqT(r.canonical, it.value))
			}
		}
	}
	return g
}

// excludedBy reports whether a NotPrincipal element exempts the request's
// principal. AWS checks an assumed-role session at three levels (account,
// role, session) and a user at two (account, user): the principal is
// exempt only when every level is listed, which is why AWS's NotPrincipal
// examples list the account ARN beside the role and session ARNs.
func excludedBy(c *cPrincipals, r *reqPrincipal) ident.Tri {
	if c.wildcard {
		return ident.True
	}
	listed := func(kinds ...prinKind) ident.Tri {
		t := ident.False
		for i := range c.items {
			it := &c.items[i]
			for _, k := range kinds {
				if it.kind != k {
					continue
				}
				switch k {
				case pkAccount:
					t = t.Or(eqT(r.account, it.account))
				case pkRole:
					if r.kind == pkSession {
						t = t.Or(eqT(r.account, it.account).And(eqT(r.roleName, it.name)))
					} else {
						t = t.Or(eqT(r.arn, it.value))
					}
				case pkService:
					t = t.Or(eqFoldT(r.arn, it.value))
				case pkCanonical:
					if r.canonical != "" {
						t = t.Or(eqT(r.canonical, it.value))
					}
				default:
					t = t.Or(eqT(r.arn, it.value))
				}
			}
		}
		return t
	}
	switch r.typ {
	case Service:
		return listed(pkService)
	case OAI:
		return listed(pkOAI, pkCanonical)
	case IAM:
		acc := listed(pkAccount)
		switch r.kind {
		case pkAccount:
			return acc
		case pkSession:
			return acc.And(listed(pkRole)).And(listed(pkSession))
		case pkRole:
			return acc.And(listed(pkRole))
		default:
			return acc.And(listed(pkUser, pkFederatedUser, pkFederated, pkCanonical))
		}
	}
	return ident.False
}

// eqT compares two strings exactly; symbols make it three-valued.
func eqT(a, b string) ident.Tri {
	if a == b {
		return ident.True
	}
	if !ident.Has(a) && !ident.Has(b) {
		return ident.False
	}
	return ident.Equal(a, b)
}

// eqFoldT compares two strings ignoring case.
func eqFoldT(a, b string) ident.Tri {
	if !ident.Has(a) && !ident.Has(b) {
		return ident.Of(strings.EqualFold(a, b))
	}
	return ident.EqualFold(a, b)
}
