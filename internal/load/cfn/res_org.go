package cfn

import (
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
)

type orgPolicyRes struct {
	s       *stack
	r       *template.Resource
	kind    iam.Kind
	doc     obj
	targets []model.Value[string]
}

// orgPolicy reads AWS::Organizations::Policy of the SCP and RCP types;
// the other policy types (tag, backup, AI opt-out) do not decide access.
func (s *stack) orgPolicy(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	o := s.root(s.ref(r.ID), p)
	typ, err := o.get("Type").enum()
	if err != nil {
		return err
	}
	op := &orgPolicyRes{s: s, r: r, doc: o.get("Content")}
	switch {
	case !typ.Known:
		s.l.unresolved("type of "+s.ref(r.ID), "the Type of organization policy "+s.ref(r.ID)+" is not known offline: "+typ.Missing, typ.Src)
		return nil
	case typ.V == "SERVICE_CONTROL_POLICY":
		op.kind = iam.SCP
	case typ.V == "RESOURCE_CONTROL_POLICY":
		op.kind = iam.RCP
	default:
		return nil
	}
	targets, known, err := o.get("TargetIds").elems()
	if err != nil {
		return err
	}
	if !known {
		s.l.unresolved("targets of "+s.ref(r.ID), "the TargetIds of "+s.ref(r.ID)+" are not known offline: "+o.get("TargetIds").missing(), o.get("TargetIds").src())
	}
	for _, t := range targets {
		v, err := t.str()
		if err != nil {
			return err
		}
		op.targets = append(op.targets, v)
	}
	s.l.orgPolicies = append(s.l.orgPolicies, op)
	return nil
}
