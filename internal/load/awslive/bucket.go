package awslive

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// bucketRead is what readBucket keeps for sampling.
type bucketRead struct {
	b      *model.Bucket
	arn    string
	client s3API
	// ownerCanon is the bucket owner's canonical user ID ("" unknown).
	ownerCanon string
	calls      int
}

// readBucket reads one origin bucket: at most BucketCalls calls, then its
// object sample.
func (a *account) readBucket(ctx context.Context, name string, refs []originRef) *model.Bucket {
	arn := model.BucketARN(a.partition, name)
	src := at(arn, "")
	br := &bucketRead{arn: arn, ownerCanon: a.ownerCanon}
	meta := model.Meta{Ref: arn, Type: "AWS::S3::Bucket", Src: src}
	region, owned := a.owned[name]
	switch {
	case owned:
		meta.Account = model.Known(a.id, at(model.RootARN(a.partition, a.id), "/ListBuckets"))
	default:
		// Another account's bucket (or the bucket list failed): its
		// account is an identity, the same for the bucket and the objects
		// its owner owns, but not a known ID.
		sym := "account of bucket " + name
		meta.Account = model.Known(ident.New(ident.Account, sym), src)
		why := "it is not in the bucket list of any account read: add its account to --accounts"
		if !a.ownedKnown {
			why = "s3:ListBuckets of account " + a.id + " failed"
		}
		a.r.noteNames("owner account of bucket "+name, why, src, sym)
		br.ownerCanon = ""
	}
	if region == "" {
		out, _, f := do(ctx, a.r, "s3", "GetBucketLocation", arn, nil, func(c context.Context) (*s3.GetBucketLocationOutput, error) {
			return a.s3home.GetBucketLocation(c, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
		})
		br.calls++
		if f != nil {
			miss := a.r.fail(f, at(arn, "/LocationConstraint"))
			meta.Region = model.Unknown[string](src, miss)
			if f.Kind == failNotFound {
				return a.absentBucket(meta, name, miss)
			}
		} else {
			region = string(out.LocationConstraint)
			switch region {
			case "":
				region = "us-east-1"
			case "EU":
				region = "eu-west-1"
			}
		}
	}
	if region != "" {
		meta.Region = model.Known(region, at(arn, "/LocationConstraint"))
	}
	b := model.NewBucket(meta)
	b.Name = model.Known(name, at(arn, "/Name"))
	b.Versioning = model.Unknown[string](src, "versioning of "+name+" (not read: outside the call budget)")
	b.ObjectLock = model.Unknown[bool](src, "Object Lock of "+name+" (not read: outside the call budget)")
	br.b = b
	if len(a.r.opts.Regions) > 0 && region != "" && !contains(a.r.opts.Regions, region) {
		miss := "bucket " + name + " is in " + region + ", outside --regions"
		a.r.note("bucket "+name, miss+": its settings were not read", src)
		return a.absentBucket(meta, name, miss)
	}
	clientRegion := region
	if clientRegion == "" {
		// The Region the origin's domain names, else the home Region:
		// S3 refuses calls in the wrong Region, so a wrong guess only
		// fails calls, never yields wrong values.
		clientRegion = a.home
		for _, ref := range refs {
			if ref.region != "" {
				clientRegion = ref.region
			}
		}
	}
	br.client = a.s3For(clientRegion)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, read := range []func(context.Context, *bucketRead){a.bucketPolicy, a.bucketEncryption, a.bucketOwnership, a.bucketPAB, a.bucketACL, a.bucketWebsite, a.bucketRequestPayment} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			read(ctx, br)
		}()
	}
	wg.Wait()
	mu.Lock()
	a.r.stats.maxOf(&a.r.stats.MaxBucketCalls, br.calls+7)
	mu.Unlock()
	a.sample(ctx, br, refs)
	return b
}

// absentBucket is a bucket whose settings could not be read at all.
func (a *account) absentBucket(meta model.Meta, name, miss string) *model.Bucket {
	src := meta.Src
	b := &model.Bucket{Meta: meta, Name: model.Known(name, at(meta.Ref, "/Name"))}
	b.Policy = model.Policy{Value: model.Unknown[*iam.Policy](src, miss)}
	for _, v := range []*model.Value[bool]{&b.PublicAccessBlock.BlockPublicACLs, &b.PublicAccessBlock.IgnorePublicACLs, &b.PublicAccessBlock.BlockPublicPolicy, &b.PublicAccessBlock.RestrictPublicBuckets, &b.Website, &b.RequesterPays, &b.ObjectLock, &b.Encryption.BucketKey} {
		*v = model.Unknown[bool](src, miss)
	}
	for _, v := range []*model.Value[string]{&b.Ownership, &b.ACL.Canned, &b.Encryption.Algorithm, &b.Encryption.KeyID, &b.Versioning} {
		*v = model.Unknown[string](src, miss)
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *account) bucketPolicy(ctx context.Context, br *bucketRead) {
	out, absent, f := do(ctx, a.r, "s3", "GetBucketPolicy", br.arn, []string{"NoSuchBucketPolicy"}, func(c context.Context) (*s3.GetBucketPolicyOutput, error) {
		return br.client.GetBucketPolicy(c, &s3.GetBucketPolicyInput{Bucket: aws.String(br.b.Name.V)})
	})
	switch {
	case f != nil:
		br.b.Policy = model.Policy{Value: model.Unknown[*iam.Policy](at(br.arn, "/Policy"), a.r.fail(f, at(br.arn, "/Policy")))}
	case absent:
		br.b.Policy = model.NoPolicy(at(br.arn, "/Policy"))
	default:
		br.b.Policy = parsePolicy(br.arn, "/Policy", aws.ToString(out.Policy), iam.Resource)
	}
}

func (a *account) bucketEncryption(ctx context.Context, br *bucketRead) {
	out, absent, f := do(ctx, a.r, "s3", "GetBucketEncryption", br.arn, []string{"ServerSideEncryptionConfigurationNotFoundError"}, func(c context.Context) (*s3.GetBucketEncryptionOutput, error) {
		return br.client.GetBucketEncryption(c, &s3.GetBucketEncryptionInput{Bucket: aws.String(br.b.Name.V)})
	})
	e := &br.b.Encryption
	switch {
	case f != nil:
		miss := a.r.fail(f, at(br.arn, "/Encryption"))
		s := at(br.arn, "/Encryption")
		e.Algorithm, e.KeyID, e.BucketKey = model.Unknown[string](s, miss), model.Unknown[string](s, miss), model.Unknown[bool](s, miss)
	case absent || out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0:
		// No default encryption configured (buckets from before 2023 on
		// S3-compatible endpoints): new objects are stored unencrypted.
		s := at(br.arn, "/Encryption")
		e.Algorithm, e.KeyID, e.BucketKey = model.Known("", s), model.Known("", s), model.Known(false, s)
	default:
		const p = "/Encryption/Rules/0"
		r := out.ServerSideEncryptionConfiguration.Rules[0]
		alg, key := "", ""
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			alg, key = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
		}
		e.Algorithm = model.Known(alg, at(br.arn, p+"/ApplyServerSideEncryptionByDefault/SSEAlgorithm"))
		e.KeyID = model.Known(key, at(br.arn, p+"/ApplyServerSideEncryptionByDefault/KMSMasterKeyID"))
		e.BucketKey = model.Known(aws.ToBool(r.BucketKeyEnabled), at(br.arn, p+"/BucketKeyEnabled"))
	}
}

func (a *account) bucketOwnership(ctx context.Context, br *bucketRead) {
	out, absent, f := do(ctx, a.r, "s3", "GetBucketOwnershipControls", br.arn, []string{"OwnershipControlsNotFoundError"}, func(c context.Context) (*s3.GetBucketOwnershipControlsOutput, error) {
		return br.client.GetBucketOwnershipControls(c, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(br.b.Name.V)})
	})
	s := at(br.arn, "/OwnershipControls/Rules/0/ObjectOwnership")
	switch {
	case f != nil:
		br.b.Ownership = model.Unknown[string](s, a.r.fail(f, s))
	case absent || out.OwnershipControls == nil || len(out.OwnershipControls.Rules) == 0:
		// Without ownership controls a bucket behaves as ObjectWriter.
		br.b.Ownership = model.Known("ObjectWriter", at(br.arn, "/OwnershipControls"))
	default:
		br.b.Ownership = model.Known(string(out.OwnershipControls.Rules[0].ObjectOwnership), s)
	}
}

func (a *account) bucketPAB(ctx context.Context, br *bucketRead) {
	out, absent, f := do(ctx, a.r, "s3", "GetPublicAccessBlock", br.arn, []string{"NoSuchPublicAccessBlockConfiguration"}, func(c context.Context) (*s3.GetPublicAccessBlockOutput, error) {
		return br.client.GetPublicAccessBlock(c, &s3.GetPublicAccessBlockInput{Bucket: aws.String(br.b.Name.V)})
	})
	pab := &br.b.PublicAccessBlock
	const p = "/PublicAccessBlockConfiguration"
	switch {
	case f != nil:
		miss := a.r.fail(f, at(br.arn, p))
		for _, v := range []*model.Value[bool]{&pab.BlockPublicACLs, &pab.IgnorePublicACLs, &pab.BlockPublicPolicy, &pab.RestrictPublicBuckets} {
			*v = model.Unknown[bool](at(br.arn, p), miss)
		}
	case absent || out.PublicAccessBlockConfiguration == nil:
		s := at(br.arn, p)
		*pab = model.PublicAccessBlock{BlockPublicACLs: model.Known(false, s), IgnorePublicACLs: model.Known(false, s), BlockPublicPolicy: model.Known(false, s), RestrictPublicBuckets: model.Known(false, s)}
	default:
		c := out.PublicAccessBlockConfiguration
		*pab = model.PublicAccessBlock{
			BlockPublicACLs:       model.Known(aws.ToBool(c.BlockPublicAcls), at(br.arn, p+"/BlockPublicAcls")),
			IgnorePublicACLs:      model.Known(aws.ToBool(c.IgnorePublicAcls), at(br.arn, p+"/IgnorePublicAcls")),
			BlockPublicPolicy:     model.Known(aws.ToBool(c.BlockPublicPolicy), at(br.arn, p+"/BlockPublicPolicy")),
			RestrictPublicBuckets: model.Known(aws.ToBool(c.RestrictPublicBuckets), at(br.arn, p+"/RestrictPublicBuckets")),
		}
	}
}

func (a *account) bucketACL(ctx context.Context, br *bucketRead) {
	out, _, f := do(ctx, a.r, "s3", "GetBucketAcl", br.arn, nil, func(c context.Context) (*s3.GetBucketAclOutput, error) {
		return br.client.GetBucketAcl(c, &s3.GetBucketAclInput{Bucket: aws.String(br.b.Name.V)})
	})
	if f != nil {
		br.b.ACL = model.ACL{Canned: model.Unknown[string](at(br.arn, "/AccessControlPolicy"), a.r.fail(f, at(br.arn, "/AccessControlPolicy")))}
		return
	}
	owner := ""
	if out.Owner != nil {
		owner = aws.ToString(out.Owner.ID)
	}
	if owner != "" {
		br.ownerCanon = owner
	}
	br.b.ACL = aclOf(br.arn, "/AccessControlPolicy", owner, out.Grants)
}

// aclOf maps an access control list. A list that only gives the owner
// full control is the canned ACL "private"; any other list is kept as
// explicit grants.
func aclOf(arn, base, owner string, grants []s3types.Grant) model.ACL {
	acl := model.ACL{Canned: model.Known("", at(arn, base))}
	private := true
	for i, g := range grants {
		s := at(arn, fmt.Sprintf("%s/Grants/%d", base, i))
		grantee := ""
		if g.Grantee != nil {
			switch {
			case g.Grantee.URI != nil:
				grantee = *g.Grantee.URI
			case g.Grantee.ID != nil:
				grantee = *g.Grantee.ID
			case g.Grantee.EmailAddress != nil:
				grantee = *g.Grantee.EmailAddress
			}
		}
		if grantee != owner || g.Permission != s3types.PermissionFullControl {
			private = false
		}
		acl.Grants = append(acl.Grants, model.Grant{Grantee: model.Known(grantee, s), Permission: model.Known(string(g.Permission), s), Src: s})
	}
	if private {
		acl.Canned = model.Known("private", at(arn, base))
		acl.Grants = nil
	}
	return acl
}

func (a *account) bucketWebsite(ctx context.Context, br *bucketRead) {
	_, absent, f := do(ctx, a.r, "s3", "GetBucketWebsite", br.arn, []string{"NoSuchWebsiteConfiguration"}, func(c context.Context) (*s3.GetBucketWebsiteOutput, error) {
		return br.client.GetBucketWebsite(c, &s3.GetBucketWebsiteInput{Bucket: aws.String(br.b.Name.V)})
	})
	s := at(br.arn, "/WebsiteConfiguration")
	switch {
	case f != nil:
		br.b.Website = model.Unknown[bool](s, a.r.fail(f, s))
	default:
		br.b.Website = model.Known(!absent, s)
	}
}

func (a *account) bucketRequestPayment(ctx context.Context, br *bucketRead) {
	out, _, f := do(ctx, a.r, "s3", "GetBucketRequestPayment", br.arn, nil, func(c context.Context) (*s3.GetBucketRequestPaymentOutput, error) {
		return br.client.GetBucketRequestPayment(c, &s3.GetBucketRequestPaymentInput{Bucket: aws.String(br.b.Name.V)})
	})
	s := at(br.arn, "/RequestPaymentConfiguration/Payer")
	if f != nil {
		br.b.RequesterPays = model.Unknown[bool](s, a.r.fail(f, s))
		return
	}
	br.b.RequesterPays = model.Known(strings.EqualFold(string(out.Payer), "Requester"), s)
}
