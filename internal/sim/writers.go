package sim

import (
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// writer is a principal that puts objects into a bucket.
type writer struct {
	// ref is empty for the bucket owner's own deployments.
	ref       string
	principal string
	account   model.Value[string]
	acl       model.Value[string]
	// enc is what the writer asks for; nil means the bucket default applies.
	enc *encryption
	src model.Src
	// cross is whether the writer is in another account than the bucket.
	cross ident.Tri
}

// writers lists who uploads into b: the bucket owner's deployments, every
// other-account principal the bucket policy allows s3:PutObject, and the
// writers the input declares.
func (s *simulator) writers(b *model.Bucket) []writer {
	part := partitionOf(b.Account.V)
	if a := s.accountOf(b.Meta); a != nil && a.Partition.Known {
		part = a.Partition.V
	}
	owner := writer{
		account: b.Account,
		acl:     model.Known("", b.Src),
		src:     b.Src,
		cross:   ident.False,
	}
	if b.Account.Known {
		owner.principal = model.RootARN(part, b.Account.V)
	}
	out := []writer{owner}
	seen := map[string]bool{}
	if b.Policy.HasDoc() {
		for _, st := range b.Policy.V.Statements {
			if st.Effect != iam.Allow || st.Principal == nil || st.Principal.AWS == nil || st.Action == nil {
				continue
			}
			if !actionsMatch(st.Action.Items, "s3:PutObject") {
				continue
			}
			acl := model.Unknown[string](model.Src{Resource: b.Policy.Src.Resource, Pos: st.Pos},
				"whether the writer sends x-amz-acl: bucket-owner-full-control is not in the input")
			for _, c := range st.Conditions {
				if strings.EqualFold(c.Key, "s3:x-amz-acl") && strings.HasPrefix(c.Operator, "StringEquals") && len(c.Values) == 1 {
					acl = model.Known(c.Values[0], model.Src{Resource: b.Policy.Src.Resource, Pos: c.Pos})
				}
			}
			for i, p := range st.Principal.AWS.Items {
				if p == "*" || seen[p] {
					continue
				}
				acct, ok := principalAccount(p)
				if !ok {
					continue
				}
				cross := ident.Unknown
				if b.Account.Known {
					cross = ident.Equal(acct, b.Account.V).Not()
				}
				if cross == ident.False {
					continue // the owner's own principals are the owner writer
				}
				seen[p] = true
				pos := st.Pos
				if i < len(st.Principal.AWS.Pos) {
					pos = st.Principal.AWS.Pos[i]
				}
				out = append(out, writer{
					ref: p, principal: p,
					account: model.Known(acct, model.Src{Resource: b.Policy.Src.Resource, Pos: pos}),
					acl:     acl,
					src:     model.Src{Resource: b.Policy.Src.Resource, Pos: pos},
					cross:   cross,
				})
			}
		}
	}
	for _, w := range s.cfg.Writers {
		if w.Bucket != b.Ref || seen[w.Principal.V] {
			continue
		}
		cross := ident.Unknown
		if w.Account.Known && b.Account.Known {
			cross = ident.Equal(w.Account.V, b.Account.V).Not()
		}
		wr := writer{ref: w.Ref, principal: w.Principal.V, account: w.Account, acl: w.ACL, src: w.Src, cross: cross}
		if w.Encryption.Algorithm.Known {
			e := encryption{alg: w.Encryption.Algorithm, keyID: w.Encryption.KeyID, bucketKey: w.Encryption.BucketKey, what: "the writer's encryption headers"}
			wr.enc = &e
		}
		out = append(out, wr)
	}
	return out
}

// actionsMatch reports whether any action pattern matches action
// (case-insensitive, with wildcards).
func actionsMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if ident.Like(p, action, true) == ident.True {
			return true
		}
	}
	return false
}

// principalAccount extracts the account of an AWS principal as written in
// a policy: 12 digits, an account root ARN or a user/role ARN.
func principalAccount(p string) (string, bool) {
	m, unmask := ident.Mask(p)
	if !strings.HasPrefix(m, "arn:") {
		if len(m) == 12 && strings.Trim(m, "0123456789") == "" {
			return p, true
		}
		if sym, ok := ident.IsSymbol(p); ok && (sym.Kind == ident.Account || sym.Kind == ident.Any) {
			return p, true
		}
		return "", false
	}
	parts := strings.SplitN(m, ":", 6)
	if len(parts) < 6 || parts[2] != "iam" && parts[2] != "sts" {
		return "", false
	}
	if parts[4] == "cloudfront" {
		return "", false // an origin access identity, not a writer
	}
	return unmask(parts[4]), parts[4] != ""
}

// objectFor describes an object a writer uploads: its encryption and owner.
func (w writer) object(b *model.Bucket) (encryption, model.Value[string], string) {
	enc := defaultEncryption(b)
	if w.enc != nil {
		enc = *w.enc
	}
	if w.cross != ident.False && enc.keyID.Known && strings.HasPrefix(enc.keyID.V, "alias/") {
		// An alias resolves in the requester's account [S3-BUCKETENC].
		enc.keyID = model.Unknown[string](enc.keyID.Src, "the key is named by alias "+enc.keyID.V+", which KMS resolves in the uploading account "+ident.Render(w.account.V))
	}
	own := b.Ownership
	if !own.Known {
		return enc, model.Unknown[string](own.Src, "object ownership of "+b.Ref+": "+own.Missing), ""
	}
	switch own.V {
	case "BucketOwnerEnforced":
		return enc, b.Account, "Object Ownership is BucketOwnerEnforced"
	case "BucketOwnerPreferred":
		if !w.acl.Known {
			return enc, model.Unknown[string](w.acl.Src, w.acl.Missing), ""
		}
		if w.acl.V == "bucket-owner-full-control" {
			return enc, b.Account, "BucketOwnerPreferred and the writer sends bucket-owner-full-control"
		}
		if w.cross == ident.False {
			return enc, b.Account, "the bucket owner uploads it"
		}
		return enc, w.account, "BucketOwnerPreferred but the writer does not send bucket-owner-full-control"
	case "ObjectWriter":
		if w.cross == ident.False {
			return enc, b.Account, "the bucket owner uploads it"
		}
		return enc, w.account, "Object Ownership is ObjectWriter: the uploading account owns what it writes"
	}
	return enc, model.Unknown[string](own.Src, "unknown object ownership setting "+quote(own.V)), ""
}

func (w writer) label() string {
	if w.ref == "" {
		return "the bucket owner's deployment"
	}
	return ident.Render(w.ref)
}
