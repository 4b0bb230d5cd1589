package iam

import (
	"strings"

	"github.com/s3front/s3front/ident"
)

// compiledPolicy is a policy prepared for fast evaluation: actions split
// and lower-cased, resource patterns classified, condition operators
// resolved and their values parsed, keys folded.
type compiledPolicy struct {
	stmts []cStmt
}

type cStmt struct {
	st      *Statement
	deny    bool
	prin    *cPrincipals
	notPrin bool
	actions []cAction
	notAct  bool
	res     []cRes
	notRes  bool
	conds   []cCond
}

type cAction struct {
	all      bool
	raw      string
	svc      string
	svcWild  bool
	name     string
	nameAll  bool
	nameWild bool
	sym      bool
}

type cRes struct {
	all  bool
	s    string
	wild bool
	sym  bool
	tmpl *varTemplate
}

func compile(p *Policy) (*compiledPolicy, error) {
	var el errList
	vars := p.Version == Version2012
	cp := &compiledPolicy{stmts: make([]cStmt, len(p.Statements))}
	for i, st := range p.Statements {
		cs := &cp.stmts[i]
		cs.st = st
		cs.deny = st.Effect == Deny
		if st.Principal != nil {
			cs.prin = compilePrincipals(st.Principal)
		} else if st.NotPrincipal != nil {
			cs.prin = compilePrincipals(st.NotPrincipal)
			cs.notPrin = true
		}
		acts := st.Action
		if acts == nil {
			acts, cs.notAct = st.NotAction, true
		}
		for _, a := range acts.Items {
			cs.actions = append(cs.actions, compileAction(a))
		}
		res := st.Resource
		if res == nil {
			res, cs.notRes = st.NotResource, true
		}
		if res != nil {
			for _, r := range res.Items {
				cr := cRes{s: r, all: r == "*", wild: hasWild(r), sym: ident.Has(r)}
				if vars && !cr.sym {
					cr.tmpl = parseVars(r)
				}
				cs.res = append(cs.res, cr)
			}
		}
		for _, c := range st.Conditions {
			cs.conds = append(cs.conds, compileCondition(c, vars, &el))
		}
	}
	if err := el.err(); err != nil {
		return nil, err
	}
	return cp, nil
}

func compileAction(a string) cAction {
	if a == "*" {
		return cAction{all: true, raw: a}
	}
	ca := cAction{raw: a, sym: ident.Has(a)}
	svc, name, _ := strings.Cut(a, ":")
	ca.svc = strings.ToLower(svc)
	ca.svcWild = hasWild(svc)
	ca.name = strings.ToLower(name)
	ca.nameAll = name == "*"
	ca.nameWild = hasWild(name)
	return ca
}

// reqView is the request's action and resource taken apart once.
type reqView struct {
	action   string
	svc      string
	name     string
	actSym   bool
	resource string
	resSym   bool
}

func viewRequest(r *Request) reqView {
	v := reqView{action: r.Action, resource: r.Resource}
	v.svc, v.name, _ = strings.Cut(r.Action, ":")
	v.actSym = ident.Has(r.Action)
	v.resSym = ident.Has(r.Resource)
	return v
}

func (a *cAction) match(v *reqView) ident.Tri {
	if a.all {
		return ident.True
	}
	if a.sym || v.actSym {
		return ident.Like(a.raw, v.action, true)
	}
	if a.svcWild {
		if !glob(a.svc, nil, v.svc, true) {
			return ident.False
		}
	} else if !equalFoldASCII(a.svc, v.svc) {
		return ident.False
	}
	switch {
	case a.nameAll:
		return ident.True
	case a.nameWild:
		return ident.Of(glob(a.name, nil, v.name, true))
	}
	return ident.Of(equalFoldASCII(a.name, v.name))
}

func (r *cRes) match(rc *reqCtx, v *reqView) ident.Tri {
	if r.all {
		return ident.True
	}
	pat, lit, sym := r.s, []bool(nil), r.sym
	if r.tmpl != nil {
		var ok bool
		pat, lit, ok = r.tmpl.resolve(rc)
		if !ok {
			return ident.False
		}
		sym = ident.Has(pat)
	}
	if sym || v.resSym {
		return ident.ArnLike(pat, v.resource)
	}
	if lit == nil && !r.wild {
		return ident.Of(pat == v.resource)
	}
	return ident.Of(arnGlob(pat, lit, v.resource))
}

func (cs *cStmt) matchAction(v *reqView) ident.Tri {
	r := ident.False
	for i := range cs.actions {
		r = r.Or(cs.actions[i].match(v))
		if r == ident.True {
			break
		}
	}
	if cs.notAct {
		return r.Not()
	}
	return r
}

func (cs *cStmt) matchResource(rc *reqCtx, v *reqView) ident.Tri {
	if cs.res == nil {
		return ident.True
	}
	r := ident.False
	for i := range cs.res {
		r = r.Or(cs.res[i].match(rc, v))
		if r == ident.True {
			break
		}
	}
	if cs.notRes {
		return r.Not()
	}
	return r
}

// matchPrincipal returns how the statement's Principal or NotPrincipal
// element applies to the request. boundary says the principal has a
// permissions boundary: AWS then applies a Deny with NotPrincipal to it
// whatever the NotPrincipal element lists.
func (cs *cStmt) matchPrincipal(rc *reqCtx, boundary bool) grant {
	if cs.prin == nil {
		return grant{direct: ident.True}
	}
	if cs.notPrin {
		if cs.deny && boundary && rc.p.typ == IAM {
			return grant{direct: ident.True}
		}
		return grant{direct: excludedBy(cs.prin, &rc.p).Not()}
	}
	return matchPrincipal(cs.prin, &rc.p)
}

func (cs *cStmt) matchConditions(rc *reqCtx) ident.Tri {
	r := ident.True
	for i := range cs.conds {
		t, _ := cs.conds[i].eval(rc)
		r = r.And(t)
		if r == ident.False {
			return r
		}
	}
	return r
}

// applies evaluates the whole statement, cheapest element first, and
// stops at the first element that rules it out.
func (cs *cStmt) applies(rc *reqCtx, v *reqView, boundary bool) (ident.Tri, grant) {
	t := cs.matchAction(v)
	if t == ident.False {
		return t, grant{}
	}
	t = t.And(cs.matchResource(rc, v))
	if t == ident.False {
		return t, grant{}
	}
	g := cs.matchPrincipal(rc, boundary)
	t = t.And(g.any())
	if t == ident.False {
		return t, grant{}
	}
	t = t.And(cs.matchConditions(rc))
	if t == ident.False {
		return t, grant{}
	}
	g.direct = g.direct.And(t)
	g.role = g.role.And(t)
	g.account = g.account.And(t)
	return t, g
}
