package model

import (
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// Loaders call the constructors below for every resource they create, then
// overwrite what the input sets. This keeps AWS's documented defaults in
// one place, each marked Default so output can say "AWS default" rather
// than pointing at a line that does not exist.

// NewBucket returns a bucket with the settings AWS gives a bucket created
// today when the request sets nothing else [S3-NEWDEF] [S3-DEFENC]:
// Object Ownership BucketOwnerEnforced and all four Block Public Access
// settings on (since April 2023), SSE-S3 default encryption (since January
// 2023), no policy, private ACL, no website, no Requester Pays,
// versioning never enabled, no Object Lock.
func NewBucket(meta Meta) *Bucket {
	d := meta.Src
	return &Bucket{
		Meta:   meta,
		Policy: Policy{Value: Defaulted[*iam.Policy](nil, d)},
		PublicAccessBlock: PublicAccessBlock{
			BlockPublicACLs:       Defaulted(true, d),
			IgnorePublicACLs:      Defaulted(true, d),
			BlockPublicPolicy:     Defaulted(true, d),
			RestrictPublicBuckets: Defaulted(true, d),
		},
		Ownership: Defaulted("BucketOwnerEnforced", d),
		ACL:       ACL{Canned: Defaulted("private", d)},
		Encryption: Encryption{
			Algorithm: Defaulted("AES256", d),
			KeyID:     Defaulted("", d),
			BucketKey: Defaulted(false, d),
		},
		Website:       Defaulted(false, d),
		RequesterPays: Defaulted(false, d),
		Versioning:    Defaulted("", d),
		ObjectLock:    Defaulted(false, d),
	}
}

// NewKey returns a customer managed, enabled, symmetric, single-Region key
// without rotation and with AWS's default key policy, which gives the
// account (and through it IAM policies) full access [KMS-KP].
func NewKey(meta Meta, partition string) (*Key, error) {
	d := meta.Src
	k := &Key{
		Meta:        meta,
		Manager:     Defaulted("CUSTOMER", d),
		State:       Defaulted("Enabled", d),
		Spec:        Defaulted("SYMMETRIC_DEFAULT", d),
		Rotation:    Defaulted(false, d),
		MultiRegion: Defaulted(false, d),
	}
	if meta.Account.Known {
		doc, err := DefaultKeyPolicy(partition, meta.Account.V, meta.Ref, d.Pos)
		if err != nil {
			return nil, err
		}
		k.Policy = Policy{Value: Defaulted(doc, d)}
	} else {
		k.Policy = Policy{Value: Unknown[*iam.Policy](d, "the key's account is unknown, so its default key policy is too: "+meta.Account.Missing)}
	}
	return k, nil
}

// DefaultKeyPolicy is the policy KMS gives a key created without one:
// one statement allowing the account root kms:* on the key.
func DefaultKeyPolicy(partition, account, name string, pos source.Pos) (*iam.Policy, error) {
	str := func(s string) *source.Node { return source.StringNode(s, pos) }
	obj := func(kv ...any) *source.Node {
		n := &source.Node{Kind: source.Object, Pos: pos}
		for i := 0; i+1 < len(kv); i += 2 {
			n.Fields = append(n.Fields, source.Field{Key: kv[i].(string), KeyPos: pos, Value: kv[i+1].(*source.Node)})
		}
		return n
	}
	doc := obj(
		"Version", str("2012-10-17"),
		"Id", str("key-default-1"),
		"Statement", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{obj(
			"Sid", str("Enable IAM User Permissions"),
			"Effect", str("Allow"),
			"Principal", obj("AWS", str(RootARN(partition, account))),
			"Action", str("kms:*"),
			"Resource", str("*"),
		)}},
	)
	return iam.FromNode(doc, iam.Resource, name+" (default key policy)")
}

// accountName names an account for people: "account 111122223333", or,
// for an account known only as the one a provider configuration or stack
// deploys to, "the account of provider.aws".
func accountName(id string) string {
	if sym, ok := ident.IsSymbol(id); ok {
		return "the account of " + sym.Name
	}
	return "account " + ident.Render(id)
}

// NewAccount returns an account whose Block Public Access settings and
// organization are unknown until the input says otherwise: the account
// level is not part of most configurations, and s3front never assumes it.
func NewAccount(id Value[string], partition string, src Src) *Account {
	missing := "account-level Block Public Access of " + accountName(id.V) + " is not in the input (aws_s3_account_public_access_block or a live scan)"
	org := "the account's AWS Organizations membership is not in the input"
	return &Account{
		ID:        id,
		Partition: Known(partition, src),
		PublicAccessBlock: PublicAccessBlock{
			BlockPublicACLs:       Unknown[bool](src, missing),
			IgnorePublicACLs:      Unknown[bool](src, missing),
			BlockPublicPolicy:     Unknown[bool](src, missing),
			RestrictPublicBuckets: Unknown[bool](src, missing),
		},
		OrgID: Unknown[string](src, org),
		SCPs:  Unknown[[]OrgLevel](src, org),
		RCPs:  Unknown[[]OrgLevel](src, org),
		Src:   src,
	}
}

// NewDistribution returns a distribution with CloudFront's defaults for
// what a configuration may leave out: enabled, no default root object, no
// web ACL, no aliases.
func NewDistribution(meta Meta) *Distribution {
	d := meta.Src
	return &Distribution{
		Meta:              meta,
		Enabled:           Defaulted(true, d),
		DefaultRootObject: Defaulted("", d),
		WebACL:            Defaulted("", d),
		Aliases:           Defaulted([]string(nil), d),
	}
}

// NewOrigin returns an origin with no origin access control or identity,
// no origin path and no custom settings.
func NewOrigin(src Src) *Origin {
	return &Origin{
		Src:  src,
		Path: Defaulted("", src),
		OAC:  Defaulted("", src),
		OAI:  Defaulted("", src),
		S3:   Defaulted(true, src),
	}
}

// NewBehavior returns a cache behavior with CloudFront's defaults: GET and
// HEAD allowed and cached, no cache or origin request policy, no signed
// URLs.
func NewBehavior(src Src) *Behavior {
	return &Behavior{
		Src:                 src,
		PathPattern:         Defaulted("*", src),
		AllowedMethods:      Defaulted([]string{"GET", "HEAD"}, src),
		CachedMethods:       Defaulted([]string{"GET", "HEAD"}, src),
		CachePolicy:         Defaulted("", src),
		OriginRequestPolicy: Defaulted("", src),
		Signed:              Defaulted(false, src),
	}
}

// Complete derives the identities a configuration can leave implicit,
// the way AWS derives them: a distribution's ARN from its account and ID,
// a key's ARN from its region, account and ID, an OAI's IAM ARN from its
// ID, and a key's default policy when it has none. Values already set are
// kept.
func (c *Config) Complete() error {
	part := func(m Meta) string {
		for _, a := range c.Accounts {
			if a.ID.Known && m.Account.Known && a.ID.V == m.Account.V && a.Partition.Known {
				return a.Partition.V
			}
		}
		return "aws"
	}
	for _, d := range c.Distributions {
		if !d.ARN.Known && d.ID.Known && d.Account.Known {
			d.ARN = Known(DistributionARN(part(d.Meta), d.Account.V, d.ID.V), d.ID.Src)
		}
	}
	for _, o := range c.OAIs {
		if !o.IAMARN.Known && o.ID.Known {
			o.IAMARN = Known(OAIARN(o.ID.V), o.ID.Src)
		}
	}
	for _, k := range c.Keys {
		if !k.ARN.Known && k.ID.Known && k.Account.Known && k.Region.Known {
			k.ARN = Known(KeyARN(part(k.Meta), k.Region.V, k.Account.V, k.ID.V), k.ID.Src)
		}
		if !k.Policy.Known && k.Policy.Missing == "" && k.Policy.Err == nil && k.Account.Known {
			doc, err := DefaultKeyPolicy(part(k.Meta), k.Account.V, k.Ref, k.Src.Pos)
			if err != nil {
				return err
			}
			k.Policy = Policy{Value: Defaulted(doc, k.Src)}
		}
	}
	return nil
}
