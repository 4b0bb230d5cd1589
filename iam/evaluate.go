package iam

import (
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
)

// Evaluate decides a request the way AWS does (see the package
// documentation for the order). It evaluates every statement of every
// policy that takes part, so the reasons are complete: every statement
// that applies (or may apply, when symbols leave it open) is a reason,
// and a deny also gets a [NoAllow] reason for each policy or level that
// failed to allow, with a Fix sentence saying what would have to change.
//
// Evaluate is safe for concurrent use; it does not modify in.
func Evaluate(in *Input) Result {
	e := newEvaluator(in, false)
	return e.run()
}

// Explain is [Evaluate] plus a [Match] for every statement of every policy
// that took part, element by element, for traces and near-miss
// explanations.
func Explain(in *Input) (Result, []Match) {
	e := newEvaluator(in, true)
	r := e.run()
	return r, e.matches
}

type evaluator struct {
	in       *Input
	rc       reqCtx
	v        reqView
	boundary bool
	explain  bool
	matches  []Match
	reasons  []Reason
}

func newEvaluator(in *Input, explain bool) *evaluator {
	e := &evaluator{in: in, explain: explain}
	e.rc = reqCtx{in: in, p: analysePrincipal(&in.Request.Principal)}
	e.v = viewRequest(&in.Request)
	e.boundary = len(in.PermissionBoundaries) > 0
	return e
}

// polResult is what one policy says about the request.
type polResult struct {
	allow ident.Tri
	deny  ident.Tri
	g     grant
}

func (e *evaluator) policy(p *Policy, kind Kind, level int) polResult {
	res := polResult{}
	if p == nil || p.compiled == nil {
		return res
	}
	for i := range p.compiled.stmts {
		cs := &p.compiled.stmts[i]
		var t ident.Tri
		var g grant
		if e.explain {
			t, g = e.explainStatement(p, kind, level, cs)
		} else {
			t, g = cs.applies(&e.rc, &e.v, e.boundary)
		}
		if t == ident.False {
			continue
		}
		if cs.deny {
			res.deny = res.deny.Or(t)
		} else {
			res.allow = res.allow.Or(t)
			res.g.direct = res.g.direct.Or(g.direct)
			res.g.role = res.g.role.Or(g.role)
			res.g.account = res.g.account.Or(g.account)
		}
		e.reasons = append(e.reasons, e.statementReason(p, kind, level, cs, t))
	}
	return res
}

// run combines the policies.
func (e *evaluator) run() Result {
	if r, ok := e.unauthorized(); ok {
		return r
	}
	in := e.in
	p := &e.rc.p
	iamP := p.typ == IAM
	deny := ident.False
	trust := in.TrustPolicy || (in.ResourcePolicy != nil && in.ResourcePolicy.Kind == Trust)
	strict := in.KeyPolicy || trust

	// Organization levels.
	rcpApplies := in.RCPs != nil && !in.AWSManagedResource && !in.ServiceLinkedRole
	scpApplies := in.SCPs != nil && iamP && !in.ServiceLinkedRole
	rcp, rcpFail := e.levels(in.RCPs, RCP, rcpApplies, &deny)
	scp, scpFail := e.levels(in.SCPs, SCP, scpApplies, &deny)

	// VPC endpoint policies: each must allow.
	ep := ident.True
	epFail := -1
	for i, pol := range in.EndpointPolicies {
		r := e.policy(pol, Endpoint, -1)
		deny = deny.Or(r.deny)
		ep = ep.And(r.allow)
		if r.allow != ident.True && epFail < 0 {
			epFail = i
		}
	}

	// Identity side: only IAM principals have one.
	idAllow, bnd, sess := ident.False, ident.True, ident.True
	bndFail := -1
	if iamP {
		for _, pol := range in.IdentityPolicies {
			r := e.policy(pol, Identity, -1)
			deny = deny.Or(r.deny)
			idAllow = idAllow.Or(r.allow)
		}
		if p.kind == pkAccount {
			// The account root user has full access in its own account.
			idAllow = ident.True
		}
		for i, pol := range in.PermissionBoundaries {
			r := e.policy(pol, Boundary, -1)
			deny = deny.Or(r.deny)
			bnd = bnd.And(r.allow)
			if r.allow != ident.True && bndFail < 0 {
				bndFail = i
			}
		}
		if in.SessionPolicy != nil {
			r := e.policy(in.SessionPolicy, Session, -1)
			deny = deny.Or(r.deny)
			sess = r.allow
		}
	}
	identityEff := idAllow.And(bnd).And(sess)

	// Resource side.
	var g grant
	if in.ResourcePolicy != nil {
		r := e.policy(in.ResourcePolicy, resourceKind(trust), -1)
		deny = deny.Or(r.deny)
		g = r.g
	}

	var core, same ident.Tri
	if !iamP {
		core = g.direct
	} else {
		same = ident.True
		if in.Request.ResourceAccount != "" && p.account != "" {
			same = eqT(in.Request.ResourceAccount, p.account)
		}
		roleEff := g.role.And(bnd).And(sess)
		cross := identityEff.And(g.any())
		var sameCore ident.Tri
		switch {
		case trust:
			// A trust policy naming the user still needs the user's
			// permissions boundary to allow the action.
			sameCore = g.direct.And(bnd).Or(roleEff).Or(g.account.And(identityEff))
		case in.KeyPolicy:
			sameCore = g.direct.Or(roleEff).Or(g.account.And(identityEff))
		default:
			sameCore = identityEff.Or(g.direct).Or(roleEff)
		}
		core = same.And(sameCore).Or(same.Not().And(cross))
		if trust && e.rootAssumesRole() {
			core = ident.False
		}
	}
	allowed := rcp.And(scp).And(ep).And(core)

	var d Decision
	switch {
	case deny == ident.True:
		d = ExplicitDeny
	case allowed == ident.False:
		d = ImplicitDeny
	case deny == ident.False && allowed == ident.True:
		d = Allowed
	default:
		d = Unknown
	}
	if d == ImplicitDeny || d == Unknown {
		e.explainDeny(rcpFail, scpFail, epFail, bndFail, rcp, scp, ep, core, idAllow, bnd, sess, g, same, strict, trust)
	}
	return Result{Decision: d, Reasons: e.reasons}
}

// resourceKind is the kind the resource policy is reported as.
func resourceKind(trust bool) Kind {
	if trust {
		return Trust
	}
	return Resource
}

// rootAssumesRole reports whether the account root user calls
// sts:AssumeRole, which STS refuses: "You cannot use AWS account root
// user credentials to call AssumeRole" (STS API reference, AssumeRole).
func (e *evaluator) rootAssumesRole() bool {
	return e.rc.p.typ == IAM && e.rc.p.kind == pkAccount && !e.v.actSym && equalFoldASCII(e.v.action, "sts:AssumeRole")
}

// levels evaluates organization levels; each must allow. It returns the
// conjunction and the first level that does not allow (-1 if none).
func (e *evaluator) levels(lv [][]*Policy, kind Kind, applies bool, deny *ident.Tri) (ident.Tri, int) {
	if !applies {
		return ident.True, -1
	}
	all := ident.True
	fail := -1
	for i, pols := range lv {
		a := ident.False
		if kind == RCP {
			// AWS attaches RCPFullAWSAccess at every level and it can't
			// be detached: every RCP level allows, and only its Deny
			// statements can refuse a request.
			a = ident.True
		}
		for _, pol := range pols {
			r := e.policy(pol, kind, i)
			*deny = deny.Or(r.deny)
			a = a.Or(r.allow)
		}
		all = all.And(a)
		if a != ident.True && fail < 0 {
			fail = i
		}
	}
	return all, fail
}

func (e *evaluator) statementReason(p *Policy, kind Kind, level int, cs *cStmt, t ident.Tri) Reason {
	r := Reason{Policy: p.Name, PolicyKind: kind, Level: level, Statement: cs.st, Pos: cs.st.Pos}
	verb := "allows"
	r.Kind = StatementAllows
	if cs.deny {
		verb = "denies"
		r.Kind = StatementDenies
	}
	if t == ident.Unknown {
		r.Kind = MaybeApplies
		verb = "may " + verb[:len(verb)-1]
		r.Message = stmtName(cs.st) + " of " + policyLabel(p.Name, kind, level) + " " + verb + " " + e.requestText() + ": " + e.unknownDetail(cs)
		r.Fix = "fix the unknown value (a variable or a resource not yet created) to know whether it applies"
		return r
	}
	r.Message = stmtName(cs.st) + " of " + policyLabel(p.Name, kind, level) + " " + verb + " " + e.requestText()
	if cs.deny {
		r.Message += e.denyConditions(cs)
		r.Fix = "remove or narrow " + stmtName(cs.st) + ", or change the request so that it no longer matches (its Deny wins over every Allow)"
	}
	return r
}

func (e *evaluator) requestText() string {
	return ident.Render(e.in.Request.Action) + " on " + ident.Render(e.in.Request.Resource) + " for " + principalText(&e.in.Request.Principal)
}

func principalText(p *Principal) string {
	switch p.Type {
	case Anonymous:
		return "anonymous"
	case Service:
		return "service principal " + ident.Render(p.ARN)
	case OAI:
		return "origin access identity " + ident.Render(p.ARN)
	}
	return ident.Render(p.ARN)
}

func stmtName(st *Statement) string {
	if st.Sid != "" {
		return "statement " + strconv.Quote(st.Sid)
	}
	return "statement #" + strconv.Itoa(st.Index+1)
}

func policyLabel(name string, kind Kind, level int) string {
	s := kind.String()
	if level >= 0 {
		s += " (organization level " + strconv.Itoa(level) + ")"
	}
	if name != "" {
		s += " " + strconv.Quote(name)
	}
	return s
}

// denyConditions says why the conditions of a Deny statement hold, for
// example that a negated operator's key is missing from the request.
func (e *evaluator) denyConditions(cs *cStmt) string {
	var parts []string
	for i := range cs.conds {
		c := &cs.conds[i]
		_, v := c.eval(&e.rc)
		s := c.c.Operator + " " + c.c.Key + " " + listText(c.c.Values)
		switch {
		case v.n < 0 && c.base == opNull:
			s += " holds: the request has no " + c.c.Key
		case v.n < 0:
			s += " holds because the request has no " + c.c.Key + " (a missing key makes negated and IfExists conditions true)"
		default:
			vals := make([]string, v.n)
			for j := range vals {
				vals[j] = v.at(j)
			}
			s += " holds for the request's value " + listText(vals)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return ": its condition " + strings.Join(parts, ", and ")
}
