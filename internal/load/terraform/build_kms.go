package terraform

import (
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

func (b *builder) key(in *instance) {
	body := in.body
	k, err := model.NewKey(b.meta(in), in.w.partition)
	if err != nil || k == nil {
		k = &model.Key{Meta: b.meta(in)}
		k.Policy = model.Policy{Value: model.Known[*iam.Policy](nil, in.src), Err: err}
	}
	k.ID = model.Known(in.comp("id"), in.src)
	k.ARN = model.Known(in.comp("arn"), in.src)
	if a := body.attr("policy"); isSet(a) {
		k.Policy = b.policy(in, a, iam.Resource)
	}
	if v, ok := b.boolean(in, body.attr("is_enabled")); ok {
		switch {
		case !v.Known:
			k.State = model.Unknown[string](v.Src, v.Missing)
		case v.V:
			k.State = model.Known("Enabled", v.Src)
		default:
			k.State = model.Known("Disabled", v.Src)
		}
	}
	if v, ok := b.boolean(in, body.attr("enable_key_rotation")); ok {
		k.Rotation = v
	}
	if v, ok := b.boolean(in, body.attr("multi_region")); ok {
		k.MultiRegion = v
	}
	for _, n := range []string{"customer_master_key_spec", "key_spec"} {
		if v, ok := b.setting(in, body.attr(n)); ok {
			k.Spec = v
		}
	}
	b.addKey(k)
}

func (b *builder) addKey(k *model.Key) {
	b.keys = append(b.keys, k)
	for _, s := range []string{k.ID.V, k.ARN.V} {
		if s != "" {
			if _, dup := b.keyIndex[s]; !dup {
				b.keyIndex[s] = k
			}
		}
	}
	b.cfg.Keys = append(b.cfg.Keys, k)
}

// keySetting applies a resource that configures a key.
func (b *builder) keySetting(in *instance) {
	attr := "key_id"
	if in.typ == "aws_kms_alias" {
		attr = "target_key_id"
	}
	k := b.findKey(in, attr)
	if k == nil {
		return
	}
	body := in.body
	switch in.typ {
	case "aws_kms_key_policy":
		k.Policy = b.policy(in, body.attr("policy"), iam.Resource)
	case "aws_kms_alias":
		name := in.comp("name")
		a := body.attr("name")
		k.Aliases = append(k.Aliases, model.Known(name, in.at(a)))
	case "aws_kms_grant":
		g := &model.KeyGrant{Ref: in.addr, Src: in.src}
		g.Grantee, _ = b.identity(in, body.attr("grantee_principal"))
		g.Operations, _ = b.list(in, body.attr("operations"))
		if c := body.first("constraints"); c != nil {
			g.ContextEquals = b.stringMap(in, c.attr("encryption_context_equals"))
			g.ContextSubset = b.stringMap(in, c.attr("encryption_context_subset"))
		}
		k.Grants = append(k.Grants, g)
	}
}

func (b *builder) stringMap(in *instance, a *evAttr) model.Value[map[string]string] {
	if !isSet(a) {
		return model.Known[map[string]string](nil, in.src)
	}
	v := a.val
	if !v.IsWhollyKnown() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return model.Unknown[map[string]string](in.at(a), b.missing(in, a))
	}
	m := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		s, ok := strVal(x)
		if !ok {
			return model.Unknown[map[string]string](in.at(a), b.missing(in, a))
		}
		m[k.AsString()] = s
	}
	return model.Known(m, in.at(a))
}

func (b *builder) orgPolicy(in *instance) {
	typ, ok := strVal(attrVal(in.body.attr("type")))
	if !ok {
		typ = "SERVICE_CONTROL_POLICY"
	}
	var kind iam.Kind
	var name string
	switch typ {
	case "SERVICE_CONTROL_POLICY":
		kind, name = iam.SCP, "scp"
	case "RESOURCE_CONTROL_POLICY":
		kind, name = iam.RCP, "rcp"
	default:
		return
	}
	b.orgPols[in.comp("id")] = &orgPolicy{ref: in.addr, kind: name, id: in.comp("id"),
		policy: b.policy(in, in.body.attr("content"), kind)}
}

// orgLevels attaches organization policies to the accounts they apply
// to. A policy attached to the account itself is a known level; one
// attached to an OU or the root applies only if the account is under it,
// which the input does not say: the account's policies are then unknown.
// Levels without an attachment in the input carry AWS's default
// FullAWSAccess only, which never denies.
func (b *builder) orgLevels() {
	if len(b.orgAtt) == 0 {
		return
	}
	type att struct {
		in     *instance
		pol    *orgPolicy
		target string
	}
	var atts []att
	for _, in := range b.orgAtt {
		pid, _ := strVal(attrVal(in.body.attr("policy_id")))
		tgt, ok := strVal(attrVal(in.body.attr("target_id")))
		p := b.orgPols[pid]
		if p == nil {
			for id, q := range b.orgPols {
				if ident.Equal(pid, id) == ident.True {
					p = q
				}
			}
		}
		if p == nil || !ok {
			b.l.unresolvedAt(in.src.Pos, in.addr, "the policy or target of this attachment is not declared in this configuration")
			continue
		}
		atts = append(atts, att{in: in, pol: p, target: tgt})
	}
	for _, acct := range b.accounts {
		for _, kind := range []string{"scp", "rcp"} {
			var level model.OrgLevel
			unknown := ""
			var src model.Src
			for _, a := range atts {
				if a.pol.kind != kind {
					continue
				}
				switch ident.Equal(a.target, acct.ID.V) {
				case ident.True:
					level.Target = acct.ID.V
					level.Policies = append(level.Policies, model.OrgPolicy{Ref: a.pol.ref, Policy: a.pol.policy})
					src = a.in.src
				case ident.Unknown:
					unknown = a.in.addr + " attaches " + a.pol.ref + " to " + ident.Render(a.target) + "; whether account " + ident.Render(acct.ID.V) + " is under it is not in the input"
					src = a.in.src
				default:
					if !isAccountID(a.target) && !ident.Has(a.target) {
						unknown = a.in.addr + " attaches " + a.pol.ref + " to " + a.target + "; whether account " + ident.Render(acct.ID.V) + " is under it is not in the input"
						src = a.in.src
					}
				}
			}
			var v model.Value[[]model.OrgLevel]
			switch {
			case unknown != "":
				v = model.Unknown[[]model.OrgLevel](src, unknown)
			case level.Target != "":
				v = model.Known([]model.OrgLevel{level}, src)
			default:
				continue
			}
			if kind == "scp" {
				acct.SCPs = v
			} else {
				acct.RCPs = v
			}
		}
	}
}
