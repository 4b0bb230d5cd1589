package terraform

import (
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

func (b *builder) bucket(in *instance) {
	body := in.body
	bk := model.NewBucket(b.meta(in))
	name := in.comp("bucket")
	if a := body.attr("bucket"); isSet(a) {
		bk.Name, _ = b.identity(in, a)
		if !bk.Name.Known && name != "" {
			// A name not known offline (var.x.name of an unset variable)
			// is the bucket's own identity, as its ARN and domain are.
			bk.Name = model.Known(name, in.at(a))
		}
	} else {
		bk.Name = model.Known(name, in.src)
	}
	// Provider v3 inline settings.
	if a := body.attr("acl"); isSet(a) {
		bk.ACL.Canned, _ = b.setting(in, a)
	}
	for _, g := range body.sub("grant") {
		bk.ACL.Grants = append(bk.ACL.Grants, b.grants(in, g)...)
	}
	if len(body.sub("grant")) > 0 && !isSet(body.attr("acl")) {
		bk.ACL.Canned = model.Known("", in.src)
	}
	if a := body.attr("policy"); isSet(a) {
		bk.Policy = b.policy(in, a, iam.Resource)
	}
	if sse := body.first("server_side_encryption_configuration"); sse != nil {
		if r := sse.first("rule"); r != nil {
			b.encryptionRule(in, r, &bk.Encryption)
		}
	}
	if w := body.first("website"); w != nil {
		bk.Website = model.Known(true, in.blockSrc(w))
	}
	if v := body.first("versioning"); v != nil {
		if e, ok := b.boolean(in, v.attr("enabled")); ok {
			bk.Versioning = model.Value[string]{Known: e.Known, Src: e.Src, Missing: e.Missing}
			if e.V {
				bk.Versioning.V = "Enabled"
			}
		}
	}
	if a := body.attr("request_payer"); isSet(a) {
		s, _ := b.setting(in, a)
		bk.RequesterPays = model.Value[bool]{V: s.V == "Requester", Known: s.Known, Src: s.Src, Missing: s.Missing}
	}
	if a := body.attr("object_lock_enabled"); isSet(a) {
		bk.ObjectLock, _ = b.boolean(in, a)
	}
	if ol := body.first("object_lock_configuration"); ol != nil {
		if s, ok := b.setting(in, ol.attr("object_lock_enabled")); ok {
			bk.ObjectLock = model.Value[bool]{V: s.V == "Enabled", Known: s.Known, Src: s.Src, Missing: s.Missing}
		}
	}
	b.buckets = append(b.buckets, bk)
	if _, dup := b.byName[bk.Name.V]; !dup && bk.Name.Known {
		b.byName[bk.Name.V] = bk
	}
	b.cfg.Buckets = append(b.cfg.Buckets, bk)
}

// encryptionRule reads a server-side encryption rule into enc.
func (b *builder) encryptionRule(in *instance, r *evBlock, enc *model.Encryption) {
	rs := in.blockSrc(r)
	enc.BucketKey = model.Known(false, rs)
	if v, ok := b.boolean(in, r.attr("bucket_key_enabled")); ok {
		enc.BucketKey = v
	}
	def := r.first("apply_server_side_encryption_by_default")
	if def == nil {
		return
	}
	ds := in.blockSrc(def)
	if v, ok := b.setting(in, def.attr("sse_algorithm")); ok {
		enc.Algorithm = v
	} else {
		enc.Algorithm = model.Unknown[string](ds, in.addr+" sets no sse_algorithm")
	}
	if v, ok := b.identity(in, def.attr("kms_master_key_id")); ok {
		enc.KeyID = v
	} else {
		// aws:kms without a key ID means the AWS managed key aws/s3.
		enc.KeyID = model.Known("", ds)
	}
}

func (b *builder) grants(in *instance, g *evBlock) []model.Grant {
	src := in.blockSrc(g)
	var grantee model.Value[string]
	if v, ok := b.identity(in, g.attr("id")); ok {
		grantee = v
	} else if v, ok := b.identity(in, g.attr("uri")); ok {
		grantee = v
	} else if v, ok := b.identity(in, g.attr("email_address")); ok {
		grantee = v
	} else {
		grantee = model.Unknown[string](src, in.addr+": the grant names no grantee")
	}
	perms, ok := b.list(in, g.attr("permissions"))
	if !ok {
		if p, ok := b.setting(in, g.attr("permission")); ok {
			return []model.Grant{{Grantee: grantee, Permission: p, Src: src}}
		}
		return nil
	}
	if !perms.Known {
		return []model.Grant{{Grantee: grantee, Permission: model.Unknown[string](perms.Src, perms.Missing), Src: src}}
	}
	var out []model.Grant
	for _, p := range perms.V {
		out = append(out, model.Grant{Grantee: grantee, Permission: model.Known(p, perms.Src), Src: src})
	}
	return out
}

// bucketSetting applies a resource that configures a bucket.
func (b *builder) bucketSetting(in *instance) {
	bk := b.findBucket(in)
	if bk == nil {
		return
	}
	body := in.body
	switch in.typ {
	case "aws_s3_bucket_policy":
		bk.Policy = b.policy(in, body.attr("policy"), iam.Resource)
	case "aws_s3_bucket_public_access_block":
		bk.PublicAccessBlock = b.pab(in)
	case "aws_s3_bucket_ownership_controls":
		r := body.first("rule")
		if r == nil {
			bk.Ownership = model.Unknown[string](in.src, in.addr+" has no rule block")
			return
		}
		if v, ok := b.setting(in, r.attr("object_ownership")); ok {
			bk.Ownership = v
		} else {
			bk.Ownership = model.Unknown[string](in.blockSrc(r), in.addr+" sets no object_ownership")
		}
	case "aws_s3_bucket_acl":
		acl := model.ACL{Canned: model.Known("", in.src)}
		if v, ok := b.setting(in, body.attr("acl")); ok {
			acl.Canned = v
		}
		if acp := body.first("access_control_policy"); acp != nil {
			for _, g := range acp.sub("grant") {
				gs := in.blockSrc(g)
				gr := model.Grant{Src: gs}
				gr.Permission, _ = b.setting(in, g.attr("permission"))
				if ge := g.first("grantee"); ge != nil {
					for _, n := range []string{"id", "uri", "email_address"} {
						if v, ok := b.identity(in, ge.attr(n)); ok {
							gr.Grantee = v
							break
						}
					}
				}
				acl.Grants = append(acl.Grants, gr)
			}
		}
		bk.ACL = acl
	case "aws_s3_bucket_server_side_encryption_configuration":
		rules := body.sub("rule")
		if len(rules) == 0 {
			return
		}
		enc := model.Encryption{}
		b.encryptionRule(in, rules[0], &enc)
		bk.Encryption = enc
	case "aws_s3_bucket_website_configuration":
		bk.Website = model.Known(true, in.src)
	case "aws_s3_bucket_request_payment_configuration":
		if s, ok := b.setting(in, body.attr("payer")); ok {
			bk.RequesterPays = model.Value[bool]{V: s.V == "Requester", Known: s.Known, Src: s.Src, Missing: s.Missing}
		}
	case "aws_s3_bucket_versioning":
		if vc := body.first("versioning_configuration"); vc != nil {
			if s, ok := b.setting(in, vc.attr("status")); ok {
				if s.V == "Disabled" {
					s.V = ""
				}
				bk.Versioning = s
			}
		}
	case "aws_s3_bucket_object_lock_configuration":
		s, ok := b.setting(in, body.attr("object_lock_enabled"))
		if !ok {
			s = model.Known("Enabled", in.src)
		}
		bk.ObjectLock = model.Value[bool]{V: s.V == "Enabled", Known: s.Known, Src: s.Src, Missing: s.Missing}
	case "aws_s3_object", "aws_s3_bucket_object":
		b.object(in, bk)
	}
}

func (b *builder) pab(in *instance) model.PublicAccessBlock {
	get := func(n string) model.Value[bool] {
		v, ok := b.boolean(in, in.body.attr(n))
		// The provider sends false for an argument left out.
		return orKnown(v, ok, false, in.src)
	}
	return model.PublicAccessBlock{
		BlockPublicACLs:       get("block_public_acls"),
		IgnorePublicACLs:      get("ignore_public_acls"),
		BlockPublicPolicy:     get("block_public_policy"),
		RestrictPublicBuckets: get("restrict_public_buckets"),
	}
}

func (b *builder) accountPAB(in *instance) {
	w := in.w
	if v, ok := b.identity(in, in.body.attr("account_id")); ok && v.Known {
		w.account = v
	}
	b.account(w).PublicAccessBlock = b.pab(in)
}

func (b *builder) object(in *instance, bk *model.Bucket) {
	body := in.body
	o := &model.Object{Src: in.src}
	o.Key, _ = b.identity(in, body.attr("key"))
	o.Owner = in.w.account
	s, ok := b.setting(in, body.attr("acl"))
	o.ACL.Canned = orDefault(s, ok, "private", in.src)
	p := &pendingObject{bucket: bk, obj: o}
	if v, ok := b.setting(in, body.attr("server_side_encryption")); ok {
		o.Encryption.Algorithm = v
		k, ok := b.identity(in, body.attr("kms_key_id"))
		o.Encryption.KeyID = orKnown(k, ok, "", in.src)
		bkv, ok := b.boolean(in, body.attr("bucket_key_enabled"))
		o.Encryption.BucketKey = orKnown(bkv, ok, false, in.src)
	} else {
		p.inherits = true
	}
	b.objects = append(b.objects, p)
}

// data maps the data sources that stand for resources outside the input.
func (b *builder) data(in *instance) {
	switch in.typ {
	case "aws_kms_key":
		id, arn := in.comp("id"), in.comp("arn")
		meta := b.meta(in)
		k := &model.Key{Meta: meta}
		why := in.addr + " is a key outside this configuration; its policy and state are read only by a live scan or from plan JSON"
		k.ID = model.Known(id, in.src)
		k.ARN = model.Known(arn, in.src)
		kid, _ := strVal(attrVal(in.body.attr("key_id")))
		if strings.HasPrefix(kid, "alias/aws/") || strings.Contains(kid, ":alias/aws/") {
			k.Manager = model.Known("AWS", in.at(in.body.attr("key_id")))
		} else {
			k.Manager = model.Unknown[string](in.src, why)
		}
		if strings.HasPrefix(kid, "alias/") {
			k.Aliases = append(k.Aliases, model.Known(kid, in.at(in.body.attr("key_id"))))
		}
		k.State = model.Unknown[string](in.src, why)
		k.Policy = model.Policy{Value: model.Unknown[*iam.Policy](in.src, why)}
		k.Spec = model.Unknown[string](in.src, why)
		k.Rotation = model.Unknown[bool](in.src, why)
		k.MultiRegion = model.Unknown[bool](in.src, why)
		b.addKey(k)
		b.l.unresolvedAt(in.src.Pos, in.addr, why)
	case "aws_s3_bucket":
		bk := model.NewBucket(b.meta(in))
		why := in.addr + " is a bucket outside this configuration; its settings are read only by a live scan or from plan JSON"
		bk.Name, _ = b.identity(in, in.body.attr("bucket"))
		u := model.Unknown[bool](in.src, why)
		us := model.Unknown[string](in.src, why)
		bk.Policy = model.Policy{Value: model.Unknown[*iam.Policy](in.src, why)}
		bk.PublicAccessBlock = model.PublicAccessBlock{BlockPublicACLs: u, IgnorePublicACLs: u, BlockPublicPolicy: u, RestrictPublicBuckets: u}
		bk.Ownership = us
		bk.ACL = model.ACL{Canned: us}
		bk.Encryption = model.Encryption{Algorithm: us, KeyID: us, BucketKey: u}
		bk.Website, bk.RequesterPays, bk.ObjectLock = u, u, u
		bk.Versioning = us
		b.buckets = append(b.buckets, bk)
		if _, dup := b.byName[bk.Name.V]; !dup && bk.Name.Known && ident.Concrete(bk.Name.V) {
			b.byName[bk.Name.V] = bk
		}
		b.cfg.Buckets = append(b.cfg.Buckets, bk)
		b.l.unresolvedAt(in.src.Pos, in.addr, why)
	}
}
