package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

var cty0 = cty.NilVal

// instance is one resource or data source instance as the builders see
// it, whatever the input: HCL evaluation and plan JSON both produce it.
type instance struct {
	addr     string
	typ      string
	mode     resMode
	body     *evBlock
	computed map[string]cty.Value
	w        where
	src      model.Src
	// modPrefix is the address prefix of the module instance ("" at the
	// root, module.a["x"]. below it).
	modPrefix string
	// res is the evaluated instance this one was made from (HCL input
	// only), released once the builders are done with it.
	res *resInst
}

func (ri *resInst) instance() *instance {
	return &instance{
		addr:      ri.addr,
		typ:       ri.typ(),
		mode:      ri.mode(),
		body:      ri.body,
		computed:  ri.extra,
		w:         whereOf(ri.prov, ri.body),
		src:       model.Src{Resource: ri.addr, Pos: ri.body.pos},
		modPrefix: ri.node.mi.prefix(),
		res:       ri,
	}
}

// release drops the evaluated values of b.all[i] once the builders no
// longer read them: evaluation is over when the builders run, so nothing
// refers to them again, and keeping every resource's evaluated body (and
// the syntax of what it kept for messages and policies) until the end of
// loading set the loader's peak memory.
func (b *builder) release(i int) {
	in := b.all[i]
	b.all[i] = nil
	if ri := in.res; ri != nil {
		ri.body, ri.extra = nil, nil
		ri.node.val = cty.NilVal
	}
}

// comp returns a computed attribute as a string (symbols included).
func (in *instance) comp(name string) string {
	if v, ok := in.computed[name]; ok {
		s, _ := strVal(v)
		return s
	}
	return ""
}

// builder maps instances to the model. Resources that configure another
// resource (a bucket policy, a key policy, an alias) are applied after all
// primary resources exist, whatever their order in the input.
type builder struct {
	l   *loader
	cfg *model.Config

	all      []*instance
	accounts map[string]*model.Account
	buckets  []*model.Bucket
	byName   map[string]*model.Bucket
	keys     []*model.Key
	keyIndex map[string]*model.Key
	orgPols  map[string]*orgPolicy
	orgAtt   []*instance
	objects  []*pendingObject
}

type orgPolicy struct {
	ref    string
	kind   string // scp or rcp
	policy model.Policy
	id     string
}

type pendingObject struct {
	bucket   *model.Bucket
	obj      *model.Object
	inherits bool
}

func newBuilder(l *loader) *builder {
	return &builder{
		l:        l,
		cfg:      &model.Config{},
		accounts: map[string]*model.Account{},
		byName:   map[string]*model.Bucket{},
		keyIndex: map[string]*model.Key{},
		orgPols:  map[string]*orgPolicy{},
	}
}

func (b *builder) add(in *instance) { b.all = append(b.all, in) }

// primary resources create model entities; the others configure them.
var primary = map[string]bool{
	"aws_cloudfront_distribution":           true,
	"aws_cloudfront_origin_access_identity": true,
	"aws_cloudfront_origin_access_control":  true,
	"aws_cloudfront_cache_policy":           true,
	"aws_cloudfront_origin_request_policy":  true,
	"aws_s3_bucket":                         true,
	"aws_kms_key":                           true,
	"aws_kms_replica_key":                   true,
	"aws_organizations_policy":              true,
}

func (b *builder) finish() *model.Config {
	for i, in := range b.all {
		if in.mode == dataMode {
			b.data(in)
			b.release(i)
			continue
		}
		if !primary[in.typ] {
			continue
		}
		b.account(in.w)
		switch in.typ {
		case "aws_cloudfront_distribution":
			b.distribution(in)
		case "aws_cloudfront_origin_access_identity":
			b.oai(in)
		case "aws_cloudfront_origin_access_control":
			b.oac(in)
		case "aws_cloudfront_cache_policy":
			b.cachePolicy(in)
		case "aws_cloudfront_origin_request_policy":
			b.originRequestPolicy(in)
		case "aws_s3_bucket":
			b.bucket(in)
		case "aws_kms_key", "aws_kms_replica_key":
			b.key(in)
		case "aws_organizations_policy":
			b.orgPolicy(in)
		}
		b.release(i)
	}
	for i, in := range b.all {
		if in == nil {
			continue
		}
		switch in.typ {
		case "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
			"aws_s3_bucket_acl", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_website_configuration",
			"aws_s3_bucket_request_payment_configuration", "aws_s3_bucket_versioning", "aws_s3_bucket_object_lock_configuration",
			"aws_s3_object", "aws_s3_bucket_object":
			b.bucketSetting(in)
		case "aws_s3_account_public_access_block":
			b.accountPAB(in)
		case "aws_kms_key_policy", "aws_kms_alias", "aws_kms_grant":
			b.keySetting(in)
		case "aws_organizations_policy_attachment":
			b.orgAtt = append(b.orgAtt, in)
			continue
		}
		b.release(i)
	}
	for _, p := range b.objects {
		if p.inherits {
			p.obj.Encryption = p.bucket.Encryption
		}
		p.bucket.Objects = append(p.bucket.Objects, p.obj)
	}
	b.orgLevels()
	ids := make([]string, 0, len(b.accounts))
	for id := range b.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.cfg.Accounts = append(b.cfg.Accounts, b.accounts[id])
	}
	return b.cfg
}

// account returns (creating) the account of a provider configuration.
func (b *builder) account(w where) *model.Account {
	id := w.account.V
	if a, ok := b.accounts[id]; ok {
		return a
	}
	a := model.NewAccount(w.account, w.partition, w.account.Src)
	b.accounts[id] = a
	return a
}

func (b *builder) meta(in *instance) model.Meta {
	return model.Meta{Ref: in.addr, Type: in.typ, Src: in.src, Account: in.w.account, Region: in.w.region}
}

// src is where attribute a of in is set (the block when a is nil).
func (in *instance) at(a *evAttr) model.Src {
	if a == nil {
		return in.src
	}
	return model.Src{Resource: in.addr, Pos: a.pos}
}

func (in *instance) blockSrc(blk *evBlock) model.Src {
	if blk == nil {
		return in.src
	}
	return model.Src{Resource: in.addr, Pos: blk.pos}
}

// isSet reports whether the attribute is written and not null.
func isSet(a *evAttr) bool {
	return a != nil && (!a.val.IsKnown() || !a.val.IsNull())
}

// missing explains why an attribute's value is unknown, naming the
// inputs it depends on as ${name}, as unresolved-input findings name them.
func (b *builder) missing(in *instance, a *evAttr) string {
	what := in.addr + "." + a.name
	if x := a.x(); x.expr == nil && x.rng == nil {
		return what + " is known only after apply"
	}
	if names := inputNames(a.marked()); len(names) > 0 {
		text := b.l.attrText(a)
		if len(names) == 1 && names[0] == text {
			return what + " is ${" + text + "}, which the input does not fix"
		}
		for i, n := range names {
			names[i] = "${" + n + "}"
		}
		return what + " = " + text + " depends on " + strings.Join(names, ", ") + ", which the input does not fix"
	}
	return what + " = " + b.l.attrText(a) + " is not known before apply"
}

// setting reads a string setting: symbols of unresolved input make it
// unknown (an enum like sse_algorithm is never compared with a symbol).
func (b *builder) setting(in *instance, a *evAttr) (model.Value[string], bool) {
	if !isSet(a) {
		return model.Value[string]{}, false
	}
	s, ok := strVal(a.val)
	if !ok || !ident.Concrete(s) {
		return model.Unknown[string](in.at(a), b.missing(in, a)), true
	}
	return model.Known(s, in.at(a)), true
}

// identity reads a string that may name another resource: symbols stay
// (they are identities), only an unknown value is unknown.
func (b *builder) identity(in *instance, a *evAttr) (model.Value[string], bool) {
	if !isSet(a) {
		return model.Value[string]{}, false
	}
	s, ok := strVal(a.val)
	if !ok {
		return model.Unknown[string](in.at(a), b.missing(in, a)), true
	}
	return model.Known(s, in.at(a)), true
}

func (b *builder) boolean(in *instance, a *evAttr) (model.Value[bool], bool) {
	if !isSet(a) {
		return model.Value[bool]{}, false
	}
	v, ok := boolVal(a.val)
	if !ok {
		return model.Unknown[bool](in.at(a), b.missing(in, a)), true
	}
	return model.Known(v, in.at(a)), true
}

func (b *builder) integer(in *instance, a *evAttr) (model.Value[int], bool) {
	if !isSet(a) {
		return model.Value[int]{}, false
	}
	v, ok := intVal(a.val)
	if !ok {
		if s, isStr := strVal(a.val); isStr && s == "" {
			return model.Known(0, in.at(a)), true
		}
		return model.Unknown[int](in.at(a), b.missing(in, a)), true
	}
	return model.Known(int(v), in.at(a)), true
}

func (b *builder) list(in *instance, a *evAttr) (model.Value[[]string], bool) {
	if !isSet(a) {
		return model.Value[[]string]{}, false
	}
	l := stringList(a.val)
	if l == nil && !(listKnown(a.val) && a.val.LengthInt() == 0) {
		return model.Unknown[[]string](in.at(a), b.missing(in, a)), true
	}
	if l == nil {
		l = []string{}
	}
	return model.Known(l, in.at(a)), true
}

// orDefault returns v when set, else AWS's (or the provider's) default.
func orDefault[T any](v model.Value[T], set bool, d T, src model.Src) model.Value[T] {
	if set {
		return v
	}
	return model.Defaulted(d, src)
}

// orKnown returns v when set, else a value the resource itself sends (a
// provider default that is part of the API request).
func orKnown[T any](v model.Value[T], set bool, d T, src model.Src) model.Value[T] {
	if set {
		return v
	}
	return model.Known(d, src)
}

// findBucket links a resource to the bucket its bucket argument names.
func (b *builder) findBucket(in *instance) *model.Bucket {
	a := in.body.attr("bucket")
	name, ok := strVal(attrVal(a))
	if !ok {
		why := "the bucket it configures is not known from the input"
		if isSet(a) {
			why = "the bucket it configures is not known from the input (" + b.missing(in, a) + ")"
		}
		b.l.unresolvedAt(in.src.Pos, in.addr, why+", so the setting is not applied to any bucket")
		return nil
	}
	if bk, ok := b.byName[name]; ok {
		return bk
	}
	var maybe []string
	for _, bk := range b.buckets {
		switch ident.Equal(name, bk.Name.V) {
		case ident.True:
			return bk
		case ident.Unknown:
			maybe = append(maybe, bk.Ref)
		}
	}
	if len(maybe) > 0 {
		b.l.unresolvedAt(in.src.Pos, in.addr, "cannot tell which bucket "+strconvQuote(ident.Render(name))+" is ("+strings.Join(maybe, ", ")+"), so the setting is not applied")
		return nil
	}
	b.l.unresolvedAt(in.src.Pos, in.addr, "bucket "+strconvQuote(ident.Render(name))+" is not declared in this configuration, so the setting is not checked")
	return nil
}

func attrVal(a *evAttr) cty.Value {
	if a == nil {
		return cty.NilVal
	}
	return a.val
}

// findKey links a resource to the key its key_id (or target_key_id)
// argument names: a key ID or ARN.
func (b *builder) findKey(in *instance, attr string) *model.Key {
	a := in.body.attr(attr)
	id, ok := strVal(attrVal(a))
	if !ok {
		why := "the KMS key it refers to is not known from the input"
		if isSet(a) {
			why += " (" + b.missing(in, a) + ")"
		}
		b.l.unresolvedAt(in.src.Pos, in.addr, why)
		return nil
	}
	if k, ok := b.keyIndex[id]; ok {
		return k
	}
	var maybe []string
	for _, k := range b.keys {
		for _, cand := range []string{k.ID.V, k.ARN.V} {
			switch ident.Equal(id, cand) {
			case ident.True:
				return k
			case ident.Unknown:
				maybe = append(maybe, k.Ref)
			}
		}
	}
	if len(maybe) > 0 {
		b.l.unresolvedAt(in.src.Pos, in.addr, "cannot tell which key "+strconvQuote(ident.Render(id))+" is ("+strings.Join(maybe, ", ")+")")
		return nil
	}
	b.l.unresolvedAt(in.src.Pos, in.addr, "key "+strconvQuote(ident.Render(id))+" is not declared in this configuration")
	return nil
}

// exprText returns the source text of an expression, shortened.
func (l *loader) exprText(e hcl.Expression) string { return l.rangeSrc(e.Range()) }

// attrText is the source text of an attribute's expression (see
// exprText).
func (l *loader) attrText(a *evAttr) string {
	x := a.x()
	if x.expr != nil {
		return l.exprText(x.expr)
	}
	return l.rangeSrc(*x.rng)
}

// rangeSrc is the source text of r (see exprText).
func (l *loader) rangeSrc(r hcl.Range) string {
	src := l.source(r.Filename)
	if src == nil || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return rangeString(r)
	}
	t := strings.Join(strings.Fields(string(src[r.Start.Byte:r.End.Byte])), " ")
	if len(t) > 80 {
		t = t[:77] + "..."
	}
	return t
}

func (l *loader) source(file string) []byte { return l.srcCache[file] }
