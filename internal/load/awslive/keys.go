package awslive

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// keyUse is one way a bucket names a key: a key ARN, key ID, alias name
// or alias ARN, resolved in the bucket's account and Region.
type keyUse struct {
	ref     string
	region  string
	account string // the bucket's account ("" unknown)
	src     model.Src
}

// readKeys reads every customer key the buckets and their sampled objects
// use: DescribeKey per distinct reference, then the key policy and the
// rotation status per distinct key (KeyCalls in all).
func (r *reader) readKeys(ctx context.Context, accts []*account, buckets []*model.Bucket) []*model.Key {
	byID := map[string]*account{}
	for _, a := range accts {
		byID[a.id] = a
	}
	uses := map[string]keyUse{}
	add := func(b *model.Bucket, e model.Encryption) {
		if !e.Algorithm.Known || !strings.HasPrefix(e.Algorithm.V, "aws:kms") || !e.KeyID.Known || e.KeyID.V == "" || ident.Has(e.KeyID.V) {
			return
		}
		u := keyUse{ref: e.KeyID.V, src: e.KeyID.Src}
		if b.Region.Known {
			u.region = b.Region.V
		}
		if b.Account.Known && !ident.Has(b.Account.V) {
			u.account = b.Account.V
		}
		if arn := parseKeyARN(u.ref); arn.ok {
			u.region, u.account = arn.region, arn.account
		} else if !isAlias(u.ref) && u.region != "" && u.account != "" {
			// A bare key ID names a key of the bucket's account and
			// Region: read it once, under its ARN.
			u.ref = model.KeyARN(accts[0].partition, u.region, u.account, u.ref)
		}
		k := u.account + "|" + u.region + "|" + u.ref
		if _, ok := uses[k]; !ok {
			uses[k] = u
		}
	}
	for _, b := range buckets {
		if b == nil {
			continue
		}
		add(b, b.Encryption)
		for _, o := range b.Objects {
			add(b, o.Encryption)
		}
	}
	// Keys asked for by name (the key buckets are to be switched to).
	for _, ref := range r.opts.Keys {
		u := keyUse{ref: ref, src: model.Src{Resource: ref}}
		if arn := parseKeyARN(ref); arn.ok {
			u.region, u.account = arn.region, arn.account
		}
		k := u.account + "|" + u.region + "|" + u.ref
		if _, ok := uses[k]; !ok {
			uses[k] = u
		}
	}
	var keysOrder []string
	for k := range uses {
		keysOrder = append(keysOrder, k)
	}
	sort.Strings(keysOrder)
	r.prog.stage("keys", len(keysOrder))
	type described struct {
		use  keyUse
		meta *kms.DescribeKeyOutput
		via  *account
	}
	results := make([]described, len(keysOrder))
	var wg sync.WaitGroup
	for i, k := range keysOrder {
		u := uses[k]
		via := byID[u.account]
		if via == nil {
			via = accts[0]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.prog.step()
			region := u.region
			if region == "" {
				region = via.home
			}
			out, _, f := do(ctx, r, "kms", "DescribeKey", u.ref, nil, func(c context.Context) (*kms.DescribeKeyOutput, error) {
				return via.kmsFor(region).DescribeKey(c, &kms.DescribeKeyInput{KeyId: aws.String(u.ref)})
			})
			if f != nil {
				r.fail(f, u.src)
				return
			}
			results[i] = described{use: u, meta: out, via: via}
		}()
	}
	wg.Wait()
	// One model key per key ARN, with the aliases it was named by.
	keys := map[string]*model.Key{}
	var order []string
	for _, d := range results {
		if d.meta == nil || d.meta.KeyMetadata == nil {
			continue
		}
		m := d.meta.KeyMetadata
		arn := aws.ToString(m.Arn)
		k := keys[arn]
		if k == nil {
			parsed := parseKeyARN(arn)
			src := at(arn, "")
			p := func(ptr string) model.Src { return at(arn, "/KeyMetadata"+ptr) }
			meta := model.Meta{Ref: arn, Type: "AWS::KMS::Key", Src: src,
				Account: model.Known(aws.ToString(m.AWSAccountId), p("/AWSAccountId")), Region: model.Known(parsed.region, p("/Arn"))}
			k = &model.Key{Meta: meta,
				ID:          model.Known(aws.ToString(m.KeyId), p("/KeyId")),
				ARN:         model.Known(arn, p("/Arn")),
				Manager:     model.Known(string(m.KeyManager), p("/KeyManager")),
				State:       model.Known(string(m.KeyState), p("/KeyState")),
				Spec:        model.Known(string(m.KeySpec), p("/KeySpec")),
				MultiRegion: model.Known(aws.ToBool(m.MultiRegion), p("/MultiRegion")),
			}
			keys[arn] = k
			order = append(order, arn)
			if d.via.id != k.Account.V {
				// Not an account being read: the key policy can only be
				// read in the key's own account.
				miss := "the key policy of " + arn + ": kms:GetKeyPolicy works only in the key's account " + k.Account.V + " (add it to --accounts)"
				r.noteNames("key policy of "+arn, miss, src)
				k.Policy = model.Policy{Value: model.Unknown[*iam.Policy](src, miss)}
			}
			if owner := byID[k.Account.V]; owner != nil {
				d.via = owner
			}
			k.Rotation = model.Unknown[bool](src, "")
			kk, via, region := k, d.via, parsed.region
			if kk.Manager.V == "AWS" {
				kk.Policy = model.Policy{Value: model.Unknown[*iam.Policy](src, "the key policy of the AWS managed key "+arn+" (not read: it cannot admit CloudFront)")}
				kk.Rotation = model.Known(true, p("/KeyManager"))
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.keyDetails(ctx, via, region, kk)
			}()
		}
		if isAlias(d.use.ref) {
			name := d.use.ref
			if i := strings.Index(name, ":alias/"); i >= 0 {
				name = name[i+1:]
			}
			k.Aliases = append(k.Aliases, model.Known(name, d.use.src))
		}
	}
	wg.Wait()
	out := make([]*model.Key, 0, len(order))
	for _, arn := range order {
		out = append(out, keys[arn])
	}
	return out
}

// keyDetails reads a key's policy and rotation status.
func (r *reader) keyDetails(ctx context.Context, via *account, region string, k *model.Key) {
	arn := k.ARN.V
	calls := 1
	client := via.kmsFor(region)
	if !k.Policy.Known && k.Policy.Missing == "" {
		calls++
		out, _, f := do(ctx, r, "kms", "GetKeyPolicy", arn, nil, func(c context.Context) (*kms.GetKeyPolicyOutput, error) {
			return client.GetKeyPolicy(c, &kms.GetKeyPolicyInput{KeyId: aws.String(arn), PolicyName: aws.String("default")})
		})
		if f != nil {
			k.Policy = model.Policy{Value: model.Unknown[*iam.Policy](at(arn, "/Policy"), r.fail(f, at(arn, "/Policy")))}
		} else {
			k.Policy = parsePolicy(arn, "/Policy", aws.ToString(out.Policy), iam.Resource)
		}
	}
	calls++
	rot, _, f := do(ctx, r, "kms", "GetKeyRotationStatus", arn, nil, func(c context.Context) (*kms.GetKeyRotationStatusOutput, error) {
		return client.GetKeyRotationStatus(c, &kms.GetKeyRotationStatusInput{KeyId: aws.String(arn)})
	})
	if f != nil {
		k.Rotation = model.Unknown[bool](at(arn, "/KeyRotationEnabled"), r.fail(f, at(arn, "/KeyRotationEnabled")))
	} else {
		k.Rotation = model.Known(rot.KeyRotationEnabled, at(arn, "/KeyRotationEnabled"))
	}
	r.stats.maxOf(&r.stats.MaxKeyCalls, calls)
}

type keyARN struct {
	region, account string
	ok              bool
}

// parseKeyARN splits arn:partition:kms:region:account:key/id (or alias/...).
func parseKeyARN(s string) keyARN {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" {
		return keyARN{}
	}
	return keyARN{region: parts[3], account: parts[4], ok: true}
}

func isAlias(ref string) bool {
	return strings.HasPrefix(ref, "alias/") || strings.Contains(ref, ":alias/")
}
