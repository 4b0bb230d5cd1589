package cfn

import (
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

type keyRes struct {
	s *stack
	r *template.Resource
	k *model.Key
	// doc is the key policy as written; nil when the key has none and
	// gets the default key policy.
	doc obj
	// edits are the changes custom resources make at deploy time.
	edits []policyEdit
}

type aliasRes struct {
	s      *stack
	r      *template.Resource
	name   model.Value[string]
	target model.Value[string]
}

// key maps AWS::KMS::Key onto KMS's defaults for a new key.
func (s *stack) key(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, true)
	k, err := model.NewKey(m, s.l.partition)
	if err != nil {
		return err
	}
	k.ID = model.Known(s.keyID(r.ID), m.Src)
	k.ARN = model.Known(s.keyARN(r.ID), m.Src)
	o := s.root(m.Ref, p)
	if en := o.get("Enabled"); en.present() {
		v, err := en.boolean()
		if err != nil {
			return err
		}
		switch {
		case !v.Known:
			k.State = model.Unknown[string](v.Src, v.Missing)
		case v.V:
			k.State = model.Known("Enabled", v.Src)
		default:
			k.State = model.Known("Disabled", v.Src)
		}
	}
	if org := o.get("Origin"); org.present() {
		v, err := org.enum()
		if err != nil {
			return err
		}
		if !v.Known || v.V == "EXTERNAL" {
			k.State = model.Unknown[string](org.src(), "the key is created without key material (Origin EXTERNAL, state PendingImport) until material is imported outside CloudFormation")
		}
	}
	if k.Rotation, err = o.get("EnableKeyRotation").boolOr(false); err != nil {
		return err
	}
	if k.Spec, err = o.get("KeySpec").enumOr("SYMMETRIC_DEFAULT"); err != nil {
		return err
	}
	if k.MultiRegion, err = o.get("MultiRegion").boolOr(false); err != nil {
		return err
	}
	s.l.cfg.Keys = append(s.l.cfg.Keys, k)
	s.l.keys = append(s.l.keys, &keyRes{s: s, r: r, k: k, doc: o.get("KeyPolicy")})
	return nil
}

// alias reads AWS::KMS::Alias; it is attached to its key once every stack
// is loaded.
func (s *stack) alias(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	o := s.root(s.ref(r.ID), p)
	a := &aliasRes{s: s, r: r}
	if a.name, err = o.get("AliasName").str(); err != nil {
		return err
	}
	if a.target, err = o.get("TargetKeyId").str(); err != nil {
		return err
	}
	s.l.aliases = append(s.l.aliases, a)
	return nil
}

// defaultKeyPolicyNode is the document of the default key policy (as
// model.DefaultKeyPolicy writes it), for keys whose policy custom
// resources extend.
func defaultKeyPolicyNode(partition, account string, pos source.Pos) *source.Node {
	s := func(v string) *source.Node { return str(v, pos) }
	return object(pos,
		"Version", s("2012-10-17"),
		"Id", s("key-default-1"),
		"Statement", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{object(pos,
			"Sid", s("Enable IAM User Permissions"),
			"Effect", s("Allow"),
			"Principal", object(pos, "AWS", s(model.RootARN(partition, account))),
			"Action", s("kms:*"),
			"Resource", s("*"),
		)}},
	)
}

// object builds a mapping node from key, value pairs.
func object(pos source.Pos, kv ...any) *source.Node {
	n := &source.Node{Kind: source.Object, Pos: pos}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Fields = append(n.Fields, source.Field{Key: kv[i].(string), KeyPos: pos, Value: kv[i+1].(*source.Node)})
	}
	return n
}
