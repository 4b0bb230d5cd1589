package awslive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// provisioner creates a scenario's model in moto (S3, KMS) and the
// CloudFront emulator through the SDK, replacing the identities the
// static input leaves symbolic (IDs, ARNs, names) by the real ones as
// they are created.
type provisioner struct {
	t          *testing.T
	ctx        context.Context
	s3         *s3.Client
	cfg        aws.Config
	keyClients map[string]*kms.Client
	cf         *cloudfront.Client
	subst      map[string]string
	dists      map[string]string // static Ref -> live ARN
	n          int
}

// real replaces every symbol of s by the value created for it.
func (p *provisioner) real(s string) string {
	for _, sym := range ident.Symbols(s) {
		mark := ident.New(sym.Kind, sym.Name)
		v, ok := p.subst[mark]
		if !ok {
			switch sym.Kind {
			case ident.Account:
				v = awstest.Account
			case ident.Region:
				v = "us-east-1"
			case ident.Partition:
				v = "aws"
			default:
				continue
			}
		}
		s = strings.ReplaceAll(s, mark, v)
	}
	return s
}

// realJSON replaces the symbols of every string of a JSON document.
func (p *provisioner) realJSON(doc []byte) string {
	var v any
	p.must(json.Unmarshal(doc, &v), "policy document")
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			return p.real(x)
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	p.must(err, "policy document")
	return string(out)
}

func (p *provisioner) must(err error, what string) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func (p *provisioner) provision(cfg *model.Config) {
	p.subst = map[string]string{}
	p.keyClients = map[string]*kms.Client{}
	p.dists = map[string]string{}
	for _, k := range cfg.Keys {
		region := p.real(k.Region.V)
		if !k.Region.Known || region == "" || ident.Has(region) {
			region = "us-east-1"
		}
		kc := kms.NewFromConfig(p.cfg, func(o *kms.Options) { o.Region = region })
		p.keyClients[k.Ref] = kc
		out, err := kc.CreateKey(p.ctx, &kms.CreateKeyInput{Description: aws.String(k.Ref)})
		p.must(err, "CreateKey "+k.Ref)
		id, arn := aws.ToString(out.KeyMetadata.KeyId), aws.ToString(out.KeyMetadata.Arn)
		if k.ID.Known {
			p.subst[k.ID.V] = id
		}
		if k.ARN.Known && ident.Has(k.ARN.V) {
			p.subst[k.ARN.V] = arn
		}
		if k.Rotation.Is(true) {
			_, err := kc.EnableKeyRotation(p.ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(id)})
			p.must(err, "EnableKeyRotation")
		}
		if k.State.Is("Disabled") {
			_, err := kc.DisableKey(p.ctx, &kms.DisableKeyInput{KeyId: aws.String(id)})
			p.must(err, "DisableKey")
		}
		for _, a := range k.Aliases {
			if a.Known {
				_, err := kc.CreateAlias(p.ctx, &kms.CreateAliasInput{AliasName: aws.String(p.real(a.V)), TargetKeyId: aws.String(id)})
				p.must(err, "CreateAlias")
			}
		}
	}
	for _, o := range cfg.OAIs {
		out, err := p.cf.CreateCloudFrontOriginAccessIdentity(p.ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &cftypes.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String(o.Ref), Comment: aws.String(o.Ref)}})
		p.must(err, "CreateCloudFrontOriginAccessIdentity")
		p.subst[o.ID.V] = aws.ToString(out.CloudFrontOriginAccessIdentity.Id)
		if o.CanonicalUser.Known {
			p.subst[o.CanonicalUser.V] = aws.ToString(out.CloudFrontOriginAccessIdentity.S3CanonicalUserId)
		}
	}
	for _, o := range cfg.OACs {
		p.n++
		out, err := p.cf.CreateOriginAccessControl(p.ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
			Name: aws.String(fmt.Sprintf("oac-%d", p.n)), OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypes(o.OriginType.V),
			SigningBehavior: cftypes.OriginAccessControlSigningBehaviors(o.SigningBehavior.V), SigningProtocol: cftypes.OriginAccessControlSigningProtocolsSigv4}})
		p.must(err, "CreateOriginAccessControl")
		p.subst[o.ID.V] = aws.ToString(out.OriginAccessControl.Id)
	}
	for _, c := range cfg.OriginRequestPolicies {
		hc := &cftypes.OriginRequestPolicyHeadersConfig{HeaderBehavior: cftypes.OriginRequestPolicyHeaderBehavior(c.HeaderBehavior.V)}
		if len(c.Headers.V) > 0 {
			hc.Headers = &cftypes.Headers{Quantity: aws.Int32(int32(len(c.Headers.V))), Items: c.Headers.V}
		}
		p.n++
		out, err := p.cf.CreateOriginRequestPolicy(p.ctx, &cloudfront.CreateOriginRequestPolicyInput{OriginRequestPolicyConfig: &cftypes.OriginRequestPolicyConfig{
			Name: aws.String(fmt.Sprintf("orp-%d", p.n)), HeadersConfig: hc,
			CookiesConfig:      &cftypes.OriginRequestPolicyCookiesConfig{CookieBehavior: cftypes.OriginRequestPolicyCookieBehaviorNone},
			QueryStringsConfig: &cftypes.OriginRequestPolicyQueryStringsConfig{QueryStringBehavior: cftypes.OriginRequestPolicyQueryStringBehaviorNone}}})
		p.must(err, "CreateOriginRequestPolicy")
		p.subst[c.ID.V] = aws.ToString(out.OriginRequestPolicy.Id)
	}
	bad := regexp.MustCompile(`[^a-z0-9.-]+`)
	for _, b := range cfg.Buckets {
		name := p.real(b.Name.V)
		if ident.Has(name) || name == "" {
			p.n++
			name = fmt.Sprintf("%s-%d", strings.Trim(bad.ReplaceAllString(strings.ToLower(b.Ref), "-"), "-"), p.n)
			if len(name) > 63 {
				name = name[len(name)-63:]
			}
			name = strings.Trim(name, "-.")
		}
		p.subst[b.Name.V] = name
		bk := aws.String(name)
		in := &s3.CreateBucketInput{Bucket: bk}
		if r := p.real(b.Region.V); b.Region.Known && r != "us-east-1" && r != "" && !ident.Has(r) {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(r)}
		}
		_, err := p.s3.CreateBucket(p.ctx, in)
		p.must(err, "CreateBucket "+name)
		if b.Ownership.Known {
			_, err := p.s3.PutBucketOwnershipControls(p.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bk, OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(b.Ownership.V)}}}})
			p.must(err, "PutBucketOwnershipControls")
		}
		pab := b.PublicAccessBlock
		_, err = p.s3.PutPublicAccessBlock(p.ctx, &s3.PutPublicAccessBlockInput{Bucket: bk, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(pab.BlockPublicACLs.V), IgnorePublicAcls: aws.Bool(pab.IgnorePublicACLs.V), BlockPublicPolicy: aws.Bool(pab.BlockPublicPolicy.V), RestrictPublicBuckets: aws.Bool(pab.RestrictPublicBuckets.V)}})
		p.must(err, "PutPublicAccessBlock")
		if c := b.ACL.Canned; c.Known && c.V != "" && c.V != "private" {
			_, err := p.s3.PutBucketAcl(p.ctx, &s3.PutBucketAclInput{Bucket: bk, ACL: s3types.BucketCannedACL(c.V)})
			p.must(err, "PutBucketAcl")
		}
		if b.Website.Is(true) {
			_, err := p.s3.PutBucketWebsite(p.ctx, &s3.PutBucketWebsiteInput{Bucket: bk, WebsiteConfiguration: &s3types.WebsiteConfiguration{IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")}}})
			p.must(err, "PutBucketWebsite")
		}
		if e := b.Encryption; e.Algorithm.Known && e.Algorithm.V != "" {
			def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(e.Algorithm.V)}
			if e.KeyID.Known && e.KeyID.V != "" {
				def.KMSMasterKeyID = aws.String(p.real(e.KeyID.V))
			}
			_, err := p.s3.PutBucketEncryption(p.ctx, &s3.PutBucketEncryptionInput{Bucket: bk, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: def, BucketKeyEnabled: aws.Bool(e.BucketKey.Is(true))}}}})
			p.must(err, "PutBucketEncryption")
		}
	}
	for _, d := range cfg.Distributions {
		out, err := p.cf.CreateDistribution(p.ctx, &cloudfront.CreateDistributionInput{DistributionConfig: p.distConfig(d)})
		p.must(err, "CreateDistribution "+d.Ref)
		p.subst[d.ID.V] = aws.ToString(out.Distribution.Id)
		if d.DomainName.Known {
			p.subst[d.DomainName.V] = aws.ToString(out.Distribution.DomainName)
		}
		p.dists[d.Ref] = aws.ToString(out.Distribution.ARN)
	}
	// Objects first: moto enforces some bucket-policy Denies on uploads,
	// without their conditions; the objects exist before the policy.
	for _, b := range cfg.Buckets {
		objs := b.Objects
		if len(objs) == 0 {
			// A deploy of the site: uploaded as the bucket encrypts by default.
			objs = []*model.Object{{Key: model.Known("index.html", model.Src{})}}
		}
		for _, o := range objs {
			in := &s3.PutObjectInput{Bucket: aws.String(p.subst[b.Name.V]), Key: aws.String(p.real(o.Key.V)), Body: strings.NewReader("<html></html>")}
			if e := o.Encryption; e.Algorithm.Known && e.Algorithm.V != "" {
				in.ServerSideEncryption = s3types.ServerSideEncryption(e.Algorithm.V)
				if e.KeyID.Known && e.KeyID.V != "" {
					in.SSEKMSKeyId = aws.String(p.real(e.KeyID.V))
				}
			} else if d := b.Encryption; d.Algorithm.Known && d.Algorithm.V != "" {
				// Sent as the bucket encrypts by default, as a careful
				// deploy does (a policy may deny uploads without it).
				in.ServerSideEncryption = s3types.ServerSideEncryption(d.Algorithm.V)
				if d.KeyID.Known && d.KeyID.V != "" {
					in.SSEKMSKeyId = aws.String(p.real(d.KeyID.V))
				}
			}
			_, err := p.s3.PutObject(p.ctx, in)
			p.must(err, "PutObject")
		}
	}
	// Policies last: they name the distributions, OAIs and keys.
	for _, b := range cfg.Buckets {
		if b.Policy.HasDoc() {
			doc, _ := model.PolicyDocument(b.Policy.V)
			_, err := p.s3.PutBucketPolicy(p.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(p.subst[b.Name.V]), Policy: aws.String(p.realJSON(doc))})
			p.must(err, "PutBucketPolicy "+b.Ref)
		}
	}
	for _, k := range cfg.Keys {
		if k.Policy.HasDoc() && !k.Policy.Default {
			doc, _ := model.PolicyDocument(k.Policy.V)
			_, err := p.keyClients[k.Ref].PutKeyPolicy(p.ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(p.real(k.ID.V)), PolicyName: aws.String("default"), Policy: aws.String(p.realJSON(doc))})
			p.must(err, "PutKeyPolicy "+k.Ref)
		}
	}
}

func (p *provisioner) distConfig(d *model.Distribution) *cftypes.DistributionConfig {
	c := &cftypes.DistributionConfig{CallerReference: aws.String(d.Ref), Comment: aws.String(""), Enabled: aws.Bool(!d.Enabled.Known || d.Enabled.V),
		DefaultRootObject: aws.String(p.real(d.DefaultRootObject.V)), Origins: &cftypes.Origins{}}
	for _, o := range d.Origins {
		og := cftypes.Origin{Id: aws.String(p.real(o.ID.V)), DomainName: aws.String(p.real(o.DomainName.V)), OriginPath: aws.String(p.real(o.Path.V)),
			OriginAccessControlId: aws.String(p.real(o.OAC.V))}
		switch {
		case o.Custom != nil:
			og.CustomOriginConfig = &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: cftypes.OriginProtocolPolicy(o.Custom.ProtocolPolicy.V)}
		default:
			path := ""
			if o.OAI.V != "" {
				path = model.OAIPath(p.real(o.OAI.V))
			}
			og.S3OriginConfig = &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String(path)}
		}
		c.Origins.Items = append(c.Origins.Items, og)
	}
	c.Origins.Quantity = aws.Int32(int32(len(c.Origins.Items)))
	c.DefaultCacheBehavior = p.behavior(d.DefaultBehavior).(*cftypes.DefaultCacheBehavior)
	c.CacheBehaviors = &cftypes.CacheBehaviors{Quantity: aws.Int32(int32(len(d.Behaviors)))}
	for _, b := range d.Behaviors {
		c.CacheBehaviors.Items = append(c.CacheBehaviors.Items, *p.behavior(b).(*cftypes.CacheBehavior))
	}
	if len(d.CustomErrors) > 0 {
		c.CustomErrorResponses = &cftypes.CustomErrorResponses{Quantity: aws.Int32(int32(len(d.CustomErrors)))}
		for _, e := range d.CustomErrors {
			ce := cftypes.CustomErrorResponse{ErrorCode: aws.Int32(int32(e.ErrorCode.V)), ResponsePagePath: aws.String(p.real(e.ResponsePagePath.V))}
			if e.ResponseCode.V != 0 {
				ce.ResponseCode = aws.String(fmt.Sprint(e.ResponseCode.V))
			}
			c.CustomErrorResponses.Items = append(c.CustomErrorResponses.Items, ce)
		}
	}
	return c
}

func (p *provisioner) behavior(b *model.Behavior) any {
	methods := func(v model.Value[[]string]) []cftypes.Method {
		var out []cftypes.Method
		for _, m := range v.V {
			out = append(out, cftypes.Method(m))
		}
		return out
	}
	am := &cftypes.AllowedMethods{Items: methods(b.AllowedMethods), Quantity: aws.Int32(int32(len(b.AllowedMethods.V))),
		CachedMethods: &cftypes.CachedMethods{Items: methods(b.CachedMethods), Quantity: aws.Int32(int32(len(b.CachedMethods.V)))}}
	var fv *cftypes.ForwardedValues
	var minTTL *int64
	cp := p.real(b.CachePolicy.V)
	if b.Forwarded != nil || cp == "" {
		fv = &cftypes.ForwardedValues{QueryString: aws.Bool(false), Cookies: &cftypes.CookiePreference{Forward: cftypes.ItemSelectionNone}}
		if f := b.Forwarded; f != nil {
			fv.QueryString = aws.Bool(f.QueryString.V)
			if f.Cookies.V != "" {
				fv.Cookies.Forward = cftypes.ItemSelection(f.Cookies.V)
			}
			if len(f.Headers.V) > 0 {
				fv.Headers = &cftypes.Headers{Items: f.Headers.V, Quantity: aws.Int32(int32(len(f.Headers.V)))}
			}
		}
		minTTL = aws.Int64(0)
	}
	var ptr *string
	if cp != "" {
		ptr = aws.String(cp)
	}
	var orp *string
	if v := p.real(b.OriginRequestPolicy.V); v != "" {
		orp = aws.String(v)
	}
	if b.PathPattern.V == "*" && b.PathPattern.Default || b.PathPattern.V == "*" {
		return &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String(p.real(b.TargetOrigin.V)), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicy(b.ViewerProtocolPolicy.V),
			AllowedMethods: am, CachePolicyId: ptr, OriginRequestPolicyId: orp, ForwardedValues: fv, MinTTL: minTTL}
	}
	return &cftypes.CacheBehavior{PathPattern: aws.String(b.PathPattern.V), TargetOriginId: aws.String(p.real(b.TargetOrigin.V)), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicy(b.ViewerProtocolPolicy.V),
		AllowedMethods: am, CachePolicyId: ptr, OriginRequestPolicyId: orp, ForwardedValues: fv, MinTTL: minTTL}
}

// pathKey identifies a path across the static and the live check.
func pathKey(dist string, p report.Path) string {
	return strings.Join([]string{dist, p.Behavior, p.Scenario, p.Uploader, p.URL}, " ")
}

func outcome(p report.Path) string {
	return strings.Join([]string{p.Outcome, p.ErrorCode, p.When, p.Cause}, " ")
}

// liveDecidesMore lists, per rule, why a live check may report it where the
// static check of the same scenario does not, or the reverse.
var liveDecidesMore = map[string]string{
	// Live: the default root object is not in ListDistributions, so the
	// "/ has no default root object" half of the rule cannot fire.
	"missing-object-403": "the default root object is not read live",
	// Live data has objects: old ones may differ from the default.
	"mixed-encryption": "objects are read live",
	// Live: the account-level Block Public Access settings are read (moto
	// has none), so a bucket that lacks one setting is reported.
	"bpa-incomplete": "account-level Block Public Access is read live",
	// Live: the account is a known ID, so KMS's lockout check on a key
	// policy can be decided (moto stores policies AWS would refuse).
	"policy-invalid": "the key policy's account is known live",
}

// TestScenariosLive loads every shared scenario into moto and the
// CloudFront emulator, checks it with --aws, and compares with the static
// check of the same scenario: every path but viewer-get-existing has the
// same outcome, error code, `when` and cause; viewer-get-existing, unknown
// statically (no objects declared), is decided live from the uploaded
// objects; the rules are the same except those liveDecidesMore names.
func TestScenariosLive(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "scenarios", "[0-9]*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
	if err != nil {
		t.Fatal(err)
	}
	env := awstest.Start(t, em)
	env.Env(t)
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			env.Reset(t)
			em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
			if err != nil {
				t.Fatal(err)
			}
			env.Route("cloudfront", em)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			input := dir
			if ts, _ := filepath.Glob(filepath.Join(dir, "template.*")); len(ts) == 1 {
				input = ts[0]
			}
			static, err := s3front.Load(ctx, []string{input}, s3front.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			srep, err := check.Run(ctx, static, check.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cfg := env.Config(t)
			p := &provisioner{t: t, ctx: ctx, cfg: cfg, s3: s3.NewFromConfig(cfg), cf: cloudfront.NewFromConfig(cfg)}
			p.provision(static)
			live, _, lrep := load(t, opts())
			if len(live.Distributions) != len(static.Distributions) || len(live.Buckets) == 0 {
				t.Fatalf("live: %d distributions, %d buckets; static: %d distributions", len(live.Distributions), len(live.Buckets), len(static.Distributions))
			}
			lpaths := map[string]report.Path{}
			for _, lp := range lrep.Paths {
				lpaths[pathKey(lp.Distribution, lp)] = lp
			}
			compared := 0
			for _, sp := range srep.Paths {
				arn := p.dists[sp.Distribution]
				sp.Uploader = p.real(sp.Uploader)
				if sp.Scenario == "viewer-get-existing" {
					continue
				}
				lp, ok := lpaths[pathKey(arn, sp)]
				if !ok {
					t.Errorf("%s %s: no live path", sp.Distribution, pathKey("", sp))
					continue
				}
				if sp.Outcome == "unknown" && lp.Outcome != "unknown" {
					// Live data decides what the static input leaves open
					// (account-level Block Public Access, ...).
					t.Logf("%s %s: unknown statically (%v), %s live", sp.Distribution, pathKey("", sp), sp.Missing, outcome(lp))
					continue
				}
				compared++
				if outcome(sp) != outcome(lp) {
					t.Errorf("%s %s: static %q, live %q", sp.Distribution, pathKey("", sp), outcome(sp), outcome(lp))
				}
			}
			if compared == 0 {
				t.Error("no path compared")
			}
			for _, lp := range lrep.Paths {
				if lp.Scenario == "viewer-get-existing" && lp.Outcome == "unknown" {
					t.Errorf("%s %s: unknown live (missing %v): the uploaded objects decide it", lp.Distribution, lp.URL, lp.Missing)
				}
			}
			rules := func(r *report.Report) map[string]bool {
				m := map[string]bool{}
				for _, f := range r.Findings {
					if f.Rule != "unresolved-input" {
						m[f.Rule] = true
					}
				}
				return m
			}
			sr, lr := rules(srep), rules(lrep)
			var diff []string
			for r := range sr {
				if !lr[r] && liveDecidesMore[r] == "" {
					diff = append(diff, "static only: "+r)
				}
			}
			for r := range lr {
				if !sr[r] && liveDecidesMore[r] == "" {
					diff = append(diff, "live only: "+r)
				}
			}
			sort.Strings(diff)
			if len(diff) > 0 {
				t.Errorf("rules differ: %v", diff)
			}
			if os.Getenv("S3FRONT_DEBUG_SCENARIO") != "" {
				for _, f := range lrep.Findings {
					t.Logf("live finding %s %s: %s", f.Rule, f.Resource, f.Message)
				}
				for _, lp := range lrep.Paths {
					t.Logf("live path %s %s %s %v", lp.Scenario, lp.URL, lp.Outcome, lp.Missing)
				}
			}
			for _, u := range live.Unresolved {
				t.Errorf("unresolved live: %s: %s", u.What, u.Why)
			}
		})
	}
}
