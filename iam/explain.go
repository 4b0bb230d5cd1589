package iam

import (
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
)

// elementMatch is a statement compared with the request element by
// element, without stopping early.
type elementMatch struct {
	action, resource ident.Tri
	g                grant
	principal        ident.Tri
	conds            []ConditionMatch
	condAll          ident.Tri
}

func (e *evaluator) compare(cs *cStmt, withValues bool) elementMatch {
	m := elementMatch{action: cs.matchAction(&e.v), resource: cs.matchResource(&e.rc, &e.v)}
	m.g = cs.matchPrincipal(&e.rc, e.boundary)
	m.principal = m.g.any()
	m.condAll = ident.True
	for i := range cs.conds {
		t, v := cs.conds[i].eval(&e.rc)
		m.condAll = m.condAll.And(t)
		cm := ConditionMatch{Condition: cs.conds[i].c, Result: t, Present: v.n >= 0}
		if withValues && v.n > 0 {
			cm.Values = make([]string, v.n)
			for j := range v.n {
				cm.Values[j] = v.at(j)
			}
		}
		m.conds = append(m.conds, cm)
	}
	return m
}

func (m *elementMatch) applies() ident.Tri {
	return m.action.And(m.resource).And(m.principal).And(m.condAll)
}

func (e *evaluator) explainStatement(p *Policy, kind Kind, level int, cs *cStmt) (ident.Tri, grant) {
	m := e.compare(cs, true)
	t := m.applies()
	e.matches = append(e.matches, Match{
		Policy: p.Name, PolicyKind: kind, Level: level, Statement: cs.st,
		Principal: m.principal, Action: m.action, Resource: m.resource,
		Conditions: m.conds, Applies: t,
	})
	g := grant{direct: m.g.direct.And(t), role: m.g.role.And(t), account: m.g.account.And(t)}
	return t, g
}

// nearMissFix is the fix when the Allow statement of p that comes closest
// to applying names the request's principal, action and resource and
// fails only on string or ARN conditions whose keys the request has: the
// condition values change, no new statement is needed ("" otherwise).
func (e *evaluator) nearMissFix(p *Policy) string {
	best, m := e.closest(p)
	if best < 0 || m.action != ident.True || m.resource != ident.True || m.principal != ident.True {
		return ""
	}
	var changes []string
	for _, c := range m.conds {
		if c.Result == ident.True {
			continue
		}
		op := strings.TrimSuffix(c.Condition.Operator, "IfExists")
		switch op {
		case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
		default:
			return ""
		}
		if c.Result != ident.False || !c.Present || len(c.Values) == 0 {
			return ""
		}
		changes = append(changes, "set its "+c.Condition.Operator+" "+c.Condition.Key+" to "+listText(c.Values)+" (now "+listText(c.Condition.Values)+")")
	}
	if len(changes) == 0 {
		return ""
	}
	return stmtName(p.compiled.stmts[best].st) + " already names the principal, the action and the resource: " + strings.Join(changes, " and ") +
		"; keep the old value too if what it names must keep access. No new statement is needed"
}

// closest returns the index of the Allow statement of p that comes
// closest to applying without applying, and its comparison (-1 when p has
// none that matches anything).
func (e *evaluator) closest(p *Policy) (int, elementMatch) {
	if p == nil || p.compiled == nil {
		return -1, elementMatch{}
	}
	best, bestScore := -1, -1
	var bestM elementMatch
	for i := range p.compiled.stmts {
		cs := &p.compiled.stmts[i]
		if cs.deny {
			continue
		}
		m := e.compare(cs, true)
		score := 0
		for _, t := range []ident.Tri{m.action, m.resource, m.principal} {
			if t == ident.True {
				score += 4
			}
		}
		for _, c := range m.conds {
			if c.Result == ident.True {
				score++
			}
		}
		if m.applies() != ident.True && score > bestScore {
			best, bestScore, bestM = i, score, m
		}
	}
	if best < 0 || bestScore == 0 {
		return -1, elementMatch{}
	}
	return best, bestM
}

// nearMiss describes the Allow statement of p that comes closest to
// applying, and what keeps it from applying ("" when p has none).
func (e *evaluator) nearMiss(p *Policy) string {
	best, bestM := e.closest(p)
	if best < 0 {
		return ""
	}
	cs := &p.compiled.stmts[best]
	var ok, bad []string
	add := func(t ident.Tri, name, why string) {
		switch t {
		case ident.True:
			ok = append(ok, name)
		case ident.False:
			bad = append(bad, why)
		default:
			bad = append(bad, why+" (depending on a value the input does not fix)")
		}
	}
	act := "Action"
	if cs.notAct {
		act = "NotAction"
	}
	add(bestM.action, "the action", "its "+act+" "+valuesText(cs.st.Action, cs.st.NotAction)+" does not cover "+ident.Render(e.in.Request.Action))
	res := "Resource"
	if cs.notRes {
		res = "NotResource"
	}
	add(bestM.resource, "the resource", "its "+res+" "+valuesText(cs.st.Resource, cs.st.NotResource)+" does not cover "+ident.Render(e.in.Request.Resource))
	if cs.prin != nil {
		add(bestM.principal, "the principal", "its Principal "+principalsText(cs.st.Principal)+" does not name "+principalText(&e.in.Request.Principal))
	}
	for _, c := range bestM.conds {
		if c.Result == ident.True {
			continue
		}
		why := "its condition " + c.Condition.Operator + " " + c.Condition.Key + " " + listText(c.Condition.Values)
		switch {
		case !c.Present:
			why += " needs the key, which the request does not have"
		case len(c.Values) == 0:
			why += " fails: the request has an empty set"
		default:
			why += " fails for the request's value " + listText(c.Values)
		}
		add(c.Result, "", why)
	}
	s := "closest: " + stmtName(cs.st)
	var okNames []string
	for _, n := range ok {
		if n != "" {
			okNames = append(okNames, n)
		}
	}
	if len(okNames) > 0 {
		s += " matches " + joinWords(okNames) + ", but"
	}
	return s + " " + strings.Join(bad, "; and ")
}

func valuesText(a, b *Values) string {
	v := a
	if v == nil {
		v = b
	}
	if v == nil {
		return "[]"
	}
	return listText(v.Items)
}

func listText(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = quoteStr(ident.Render(s))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func principalsText(p *Principals) string {
	if p == nil {
		return "none"
	}
	if p.Wildcard {
		return `"*"`
	}
	var parts []string
	for _, x := range []struct {
		k string
		v *Values
	}{{"AWS", p.AWS}, {"Service", p.Service}, {"Federated", p.Federated}, {"CanonicalUser", p.CanonicalUser}} {
		if x.v != nil {
			parts = append(parts, x.k+": "+listText(x.v.Items))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (e *evaluator) noAllow(p *Policy, kind Kind, level int, msg, fix string) {
	r := Reason{Kind: NoAllow, PolicyKind: kind, Level: level, Message: msg, Fix: fix}
	if p != nil {
		r.Policy = p.Name
		r.Pos = p.Pos
		if nm := e.nearMiss(p); nm != "" {
			r.Message += "; " + nm
		}
	}
	e.reasons = append(e.reasons, r)
}

// explainDeny adds a NoAllow reason for every gate that did not allow.
func (e *evaluator) explainDeny(rcpFail, scpFail, epFail, bndFail int, rcp, scp, ep, core, idAllow, bnd, sess ident.Tri, g grant, same ident.Tri, strict, trust bool) {
	in := e.in
	req := e.requestText()
	act := ident.Render(in.Request.Action)
	resource := ident.Render(in.Request.Resource)
	if rcp != ident.True && rcpFail >= 0 {
		e.noAllow(firstPolicy(in.RCPs[rcpFail]), RCP, rcpFail, "no resource control policy at organization level "+itoa(rcpFail)+" allows "+req,
			"add an Allow for "+act+" to a resource control policy at that level (every level must allow; AWS attaches RCPFullAWSAccess, which allows everything)")
	}
	if scp != ident.True && scpFail >= 0 {
		e.noAllow(firstPolicy(in.SCPs[scpFail]), SCP, scpFail, "no service control policy at organization level "+itoa(scpFail)+" allows "+req,
			"add an Allow for "+act+" to a service control policy at that level (every level from the root to the account must allow)")
	}
	if ep != ident.True && epFail >= 0 {
		e.noAllow(in.EndpointPolicies[epFail], Endpoint, -1, "the VPC endpoint policy does not allow "+req,
			"add a statement to the VPC endpoint policy that allows "+act+" on "+resource)
	}
	if core == ident.True {
		return
	}
	p := &e.rc.p
	rp := in.ResourcePolicy
	rk := resourceKind(trust)
	switch {
	case p.typ != IAM:
		who := principalText(&in.Request.Principal)
		if rp == nil {
			e.noAllow(nil, rk, -1, "the resource has no resource policy, and only a resource policy can allow "+who+" (it has no identity policies)",
				"attach a resource policy with a statement that allows "+act+" on "+resource+" for "+principalElement(&in.Request.Principal))
			return
		}
		fix := e.nearMissFix(rp)
		if fix == "" {
			fix = "add a statement that allows " + act + " on " + resource + " for " + principalElement(&in.Request.Principal)
		}
		e.noAllow(rp, rk, -1, "no statement of the "+policyLabel(rp.Name, rk, -1)+" allows "+req+" ("+withArticle(in.Request.Principal.Type.String())+" has no identity policies: the resource policy alone decides)", fix)
		return
	}
	acct := ident.Render(p.account)
	identityFix := "add an Allow for " + act + " on " + resource + " to an identity policy of " + ident.Render(p.arn)
	if idAllow == ident.True && bnd != ident.True && bndFail >= 0 {
		e.noAllow(in.PermissionBoundaries[bndFail], Boundary, -1, "the permissions boundary does not allow "+req+" (a boundary caps what identity policies grant)",
			"add "+act+" to the permissions boundary, or remove the boundary")
	}
	if idAllow == ident.True && sess != ident.True {
		e.noAllow(in.SessionPolicy, Session, -1, "the session policy does not allow "+req+" (a session policy caps what the role's policies grant)",
			"add "+act+" to the session policy passed when the session was created")
	}
	if trust && e.rootAssumesRole() {
		e.noAllow(nil, Trust, -1, "the account root user can't assume a role: STS refuses sts:AssumeRole called with root user credentials (STS API reference, AssumeRole)",
			"call sts:AssumeRole with the credentials of an IAM user or a role that the trust policy allows")
		return
	}
	if strict {
		noun, what, fix := "key policy", "the key", "give the key policy in the input (resource_policy)"
		if trust {
			noun, what, fix = "trust policy", "the role", "give the role's trust policy in the input (trust_policy, or --trust-policy FILE)"
		}
		if rp == nil {
			if trust {
				e.noAllow(nil, Trust, -1, "the role has no trust policy in the input; a role can be assumed only when its trust policy allows it", fix)
			} else {
				e.noAllow(nil, Resource, -1, "the KMS key has no key policy in the input; a key policy must allow every use of a key", fix)
			}
			return
		}
		if trust && g.direct == ident.True && bnd != ident.True && bndFail >= 0 && idAllow != ident.True {
			e.noAllow(in.PermissionBoundaries[bndFail], Boundary, -1, "the trust policy allows "+ident.Render(p.arn)+" by name, but its permissions boundary does not allow "+act+" (a boundary also caps what a trust policy grants a user)",
				"add "+act+" to the permissions boundary, or remove the boundary")
			return
		}
		if g.any() == ident.False {
			msg := "the key policy neither allows " + ident.Render(p.arn) + " nor delegates to its account " + acct + "; unless the key policy allows it, IAM policies can't give access to a KMS key"
			if trust {
				msg = "the trust policy neither allows " + ident.Render(p.arn) + " nor delegates to its account " + acct + "; a role trust policy must name the principal or its account, even within the role's own account"
			}
			e.noAllow(rp, rk, -1, msg,
				"add a "+noun+" statement that allows "+act+" for "+principalElement(&in.Request.Principal)+`, or one that allows the account principal {"AWS": "arn:aws:iam::`+acct+`:root"} so that IAM policies can grant it`)
			return
		}
		if idAllow != ident.True {
			if same == ident.False && g.account != ident.True {
				e.noAllow(firstOf(in.IdentityPolicies), Identity, -1, "cross-account request ("+acct+" → "+ident.Render(in.Request.ResourceAccount)+"): the "+noun+" allows "+ident.Render(p.arn)+", but an identity policy of the caller must allow "+act+" as well, and none does",
					identityFix)
				return
			}
			e.noAllow(firstOf(in.IdentityPolicies), Identity, -1, "the "+noun+" delegates to account "+acct+", but no identity policy of "+ident.Render(p.arn)+" allows "+act+" on "+what,
				identityFix+", or allow the principal by name in the "+noun)
		}
		return
	}
	if same != ident.False {
		if idAllow != ident.True && g.direct != ident.True && g.role != ident.True {
			msg := "no identity policy allows " + req
			if rp != nil {
				msg += ", and no statement of the " + policyLabel(rp.Name, rk, -1) + " allows it by naming the principal"
				if g.account == ident.True {
					msg += " (it names account " + acct + ", which only delegates to the account's identity policies)"
				}
			}
			e.noAllow(firstOf(in.IdentityPolicies), Identity, -1, msg, identityFix+", or to the resource policy naming "+principalElement(&in.Request.Principal))
			if rp != nil {
				if nm := e.nearMiss(rp); nm != "" {
					e.reasons[len(e.reasons)-1].Message += "; in the resource policy, " + nm
				}
			}
		}
		return
	}
	// Cross-account: both sides must allow.
	if idAllow != ident.True {
		e.noAllow(firstOf(in.IdentityPolicies), Identity, -1, "cross-account request ("+acct+" → "+ident.Render(in.Request.ResourceAccount)+"): an identity policy of the caller must allow "+act+" as well as the resource policy, and none does",
			identityFix)
	}
	if g.any() != ident.True {
		if rp == nil {
			e.noAllow(nil, rk, -1, "cross-account request ("+acct+" → "+ident.Render(in.Request.ResourceAccount)+"): the resource has no resource policy, so nothing in its account allows the caller",
				"attach a resource policy that allows "+act+" for "+principalElement(&in.Request.Principal)+` or for {"AWS": "arn:aws:iam::`+acct+`:root"}`)
			return
		}
		e.noAllow(rp, rk, -1, "cross-account request ("+acct+" → "+ident.Render(in.Request.ResourceAccount)+"): the "+policyLabel(rp.Name, rk, -1)+" does not allow "+req,
			"add a statement that allows "+act+" on "+resource+" for "+principalElement(&in.Request.Principal)+` or for the account {"AWS": "arn:aws:iam::`+acct+`:root"}`)
	}
}

// principalElement renders the Principal element that would name p.
func principalElement(p *Principal) string {
	switch p.Type {
	case Anonymous:
		return `"Principal": "*"`
	case Service:
		return `{"Service": "` + ident.Render(p.ARN) + `"}`
	}
	return `{"AWS": "` + ident.Render(p.ARN) + `"}`
}

func firstPolicy(ps []*Policy) *Policy {
	if len(ps) > 0 {
		return ps[0]
	}
	return nil
}

func firstOf(ps []*Policy) *Policy { return firstPolicy(ps) }

func itoa(i int) string { return strconv.Itoa(i) }

// withArticle prefixes a noun phrase with "a" or "an".
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// unknownDetail says which comparisons of a statement can't be decided
// with the values the input fixes, e.g. a literal distribution ID against
// the ID of a distribution not yet created.
func (e *evaluator) unknownDetail(cs *cStmt) string {
	m := e.compare(cs, true)
	var parts []string
	if m.principal == ident.Unknown {
		parts = append(parts, "whether its Principal names "+principalText(&e.in.Request.Principal))
	}
	if m.action == ident.Unknown {
		parts = append(parts, "whether its Action covers "+ident.Render(e.in.Request.Action))
	}
	if m.resource == ident.Unknown {
		parts = append(parts, "whether its Resource covers "+ident.Render(e.in.Request.Resource))
	}
	for _, c := range m.conds {
		if c.Result != ident.Unknown {
			continue
		}
		var vals []string
		for _, v := range c.Condition.Values {
			vals = append(vals, strconv.Quote(ident.Render(v)))
		}
		req := "the request's value"
		if len(c.Values) > 0 {
			var rv []string
			for _, v := range c.Values {
				rv = append(rv, strconv.Quote(ident.Render(v)))
			}
			req = "the request's " + strings.Join(rv, ", ")
		}
		parts = append(parts, "whether "+c.Condition.Operator+" "+c.Condition.Key+" "+strings.Join(vals, ", ")+" matches "+req)
	}
	if len(parts) == 0 {
		return "it depends on a value the input does not fix"
	}
	return "cannot determine " + strings.Join(parts, "; ") + " (a value is not known until the resources exist, or an input is unset)"
}
