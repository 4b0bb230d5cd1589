package awslive

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3front/s3front/model"
)

// candidate is an object the sample may read.
type candidate struct {
	key      string
	modified time.Time
	owner    string // canonical user ID from the listing, "" if none
	listed   bool
}

// sample reads the newest objects under each origin path of the bucket
// (up to Options.Sample, found in at most Options.ListPages listing pages),
// and the error pages the distributions serve from it: a HEAD for the
// encryption, and the object ACL for the owner unless ACLs are disabled.
func (a *account) sample(ctx context.Context, br *bucketRead, refs []originRef) {
	n := a.r.opts.sample()
	if n == 0 || br.client == nil {
		return
	}
	b := br.b
	calls := 0
	prefixes := map[string]bool{}
	var extra []string
	for _, ref := range refs {
		prefixes[ref.prefix] = true
		extra = append(extra, ref.pages...)
		if ref.dro != "" {
			extra = append(extra, ref.dro)
		}
	}
	var pl []string
	for p := range prefixes {
		pl = append(pl, p)
	}
	sort.Strings(pl)
	byKey := map[string]*candidate{}
	pages := a.r.opts.listPages()
	for _, prefix := range pl {
		var token *string
		for pages > 0 {
			pages--
			out, _, f := do(ctx, a.r, "s3", "ListObjectsV2", br.arn, nil, func(c context.Context) (*s3.ListObjectsV2Output, error) {
				in := &s3.ListObjectsV2Input{Bucket: aws.String(b.Name.V), FetchOwner: aws.Bool(true), ContinuationToken: token}
				if prefix != "" {
					in.Prefix = aws.String(prefix)
				}
				return br.client.ListObjectsV2(c, in)
			})
			calls++
			if f != nil {
				a.r.fail(f, at(br.arn, "/Contents"))
				break
			}
			for _, o := range out.Contents {
				k := aws.ToString(o.Key)
				c := &candidate{key: k, modified: aws.ToTime(o.LastModified), listed: true}
				if o.Owner != nil {
					c.owner = aws.ToString(o.Owner.ID)
				}
				byKey[k] = c
			}
			if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
				break
			}
			token = out.NextContinuationToken
		}
	}
	cands := make([]*candidate, 0, len(byKey))
	for _, c := range byKey {
		if len(c.key) > 0 && c.key[len(c.key)-1] == '/' {
			continue // folder placeholder
		}
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool {
		if !cands[i].modified.Equal(cands[j].modified) {
			return cands[i].modified.After(cands[j].modified)
		}
		return cands[i].key < cands[j].key
	})
	if len(cands) > n {
		cands = cands[:n]
	}
	chosen := map[string]bool{}
	for _, c := range cands {
		chosen[c.key] = true
	}
	for _, k := range extra {
		if !chosen[k] {
			chosen[k] = true
			if c := byKey[k]; c != nil {
				cands = append(cands, c)
			} else {
				cands = append(cands, &candidate{key: k})
			}
		}
	}
	objs := make([]*model.Object, len(cands))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, n := a.object(ctx, br, c)
			objs[i] = o
			mu.Lock()
			calls += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, o := range objs {
		if o != nil {
			b.Objects = append(b.Objects, o)
		}
	}
	sort.Slice(b.Objects, func(i, j int) bool { return b.Objects[i].Key.V < b.Objects[j].Key.V })
	a.r.stats.maxOf(&a.r.stats.MaxSampleCalls, calls)
}

// object reads one sampled object; nil when it does not exist (an error
// page that was never uploaded).
func (a *account) object(ctx context.Context, br *bucketRead, c *candidate) (*model.Object, int) {
	b := br.b
	arn := model.ObjectARN(a.partition, b.Name.V, c.key)
	calls := 1
	o := &model.Object{Key: model.Known(c.key, at(arn, "/Key")), Src: at(arn, "")}
	head, _, f := do(ctx, a.r, "s3", "HeadObject", arn, nil, func(cx context.Context) (*s3.HeadObjectOutput, error) {
		return br.client.HeadObject(cx, &s3.HeadObjectInput{Bucket: aws.String(b.Name.V), Key: aws.String(c.key)})
	})
	switch {
	case f != nil && f.Kind == failNotFound:
		return nil, calls
	case f != nil:
		miss := a.r.fail(f, at(arn, ""))
		o.Encryption = model.Encryption{Algorithm: model.Unknown[string](o.Src, miss), KeyID: model.Unknown[string](o.Src, miss), BucketKey: model.Unknown[bool](o.Src, miss)}
	default:
		alg := string(head.ServerSideEncryption)
		o.Encryption = model.Encryption{
			Algorithm: model.Known(alg, at(arn, "/ServerSideEncryption")),
			KeyID:     model.Known(aws.ToString(head.SSEKMSKeyId), at(arn, "/SSEKMSKeyId")),
			BucketKey: model.Known(aws.ToBool(head.BucketKeyEnabled), at(arn, "/BucketKeyEnabled")),
		}
	}
	// The owner: with ACLs disabled the bucket owner owns every object;
	// otherwise the object ACL says (the listing's owner is kept when the
	// ACL cannot be read).
	owner := c.owner
	ownerSrc := at(arn, "/Owner/ID")
	switch {
	case b.Ownership.Is("BucketOwnerEnforced"):
		o.Owner = model.Known(b.Account.V, b.Ownership.Src)
		o.ACL = model.ACL{Canned: model.Known("private", b.Ownership.Src)}
		return o, calls
	case !b.Ownership.Known:
		// Whether ACLs are disabled is unknown: read the ACL anyway.
	}
	calls++
	acl, _, f := do(ctx, a.r, "s3", "GetObjectAcl", arn, nil, func(cx context.Context) (*s3.GetObjectAclOutput, error) {
		return br.client.GetObjectAcl(cx, &s3.GetObjectAclInput{Bucket: aws.String(b.Name.V), Key: aws.String(c.key)})
	})
	if f != nil {
		miss := a.r.fail(f, at(arn, "/AccessControlPolicy"))
		o.ACL = model.ACL{Canned: model.Unknown[string](o.Src, miss)}
		if owner == "" {
			o.Owner = model.Unknown[string](o.Src, miss)
			return o, calls
		}
	} else {
		if acl.Owner != nil && acl.Owner.ID != nil {
			owner = *acl.Owner.ID
			ownerSrc = at(arn, "/AccessControlPolicy/Owner/ID")
		}
		o.ACL = aclOf(arn, "/AccessControlPolicy", owner, acl.Grants)
	}
	switch {
	case owner == "":
		o.Owner = model.Unknown[string](o.Src, "the owner of "+arn+" (S3 returned none)")
	case br.ownerCanon == "":
		o.Owner = model.Unknown[string](o.Src, "whether the bucket owner owns "+arn+": the bucket owner's canonical ID was not read (s3:GetBucketAcl of "+br.arn+")")
	case owner == br.ownerCanon:
		o.Owner = model.Known(b.Account.V, ownerSrc)
	default:
		// Another account's canonical user: not the bucket owner.
		o.Owner = model.Known("canonical user "+owner, ownerSrc)
	}
	return o, calls
}
