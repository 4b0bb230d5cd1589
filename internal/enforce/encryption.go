package enforce

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/model"
)

// EncryptionOptions configure [Encryption].
type EncryptionOptions struct {
	// Key is the required key (ARN, key ID or alias); Keys maps bucket
	// names to their own key (a mapping file), overriding Key.
	Key  string
	Keys map[string]string
	// BucketKey requires (and applies) an S3 Bucket Key.
	BucketKey bool
	// Buckets limits the run to these buckets; empty means every bucket.
	Buckets []string
	// Apply switches the safe buckets (PutBucketEncryption with a Bucket
	// Key); FixFirst also applies the steps that make the unsafe ones
	// safe, in order, re-reading and re-simulating after each.
	Apply    bool
	FixFirst bool
	// MaxSteps bounds the prerequisite fixes per bucket; 0 means 6.
	MaxSteps int
}

// Plan is the verdict on every bucket, and what was done.
type Plan struct {
	Buckets []*BucketPlan `json:"buckets"`
}

// BucketPlan is one bucket's verdict and changes.
type BucketPlan struct {
	Verdict
	KeyARN string `json:"key"`
	Region string `json:"region,omitempty"`
	// Note says what was assumed or why nothing was done.
	Note string `json:"note,omitempty"`
	// Patch is the unified diff that switches the bucket (static input).
	Patch string `json:"patch,omitempty"`
}

// Settled reports whether every bucket is compliant.
func (p *Plan) Settled() bool {
	for _, b := range p.Buckets {
		if !b.Compliant {
			return false
		}
	}
	return true
}

// LiveAPI is what a live enforcement calls.
type LiveAPI struct {
	S3         BucketsAPI
	KMS        KeyPolicyAPI
	CloudFront DistributionAPI
	// Estate reads the account (a live read that includes the key).
	Estate func(ctx context.Context, keys []string) (*model.Config, error)
}

// BucketsAPI lists buckets and reads and writes their encryption and
// policy. S3 answers each bucket's calls in its own Region.
type BucketsAPI interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	PutBucketEncryption(context.Context, *s3.PutBucketEncryptionInput, ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

// EncryptionLive plans (and with Apply, carries out) the switch of every
// bucket of a live account to SSE-KMS under the key.
func EncryptionLive(ctx context.Context, api LiveAPI, kc KeyDescriber, o EncryptionOptions) (*Plan, error) {
	if o.Key == "" && len(o.Keys) == 0 {
		return nil, errors.New("no key: give --key (or a mapping file)")
	}
	keyOf := map[string]string{} // bucket -> key ARN
	arns := map[string]string{}  // ref -> ARN
	resolve := func(ref string) (string, error) {
		if a, ok := arns[ref]; ok {
			return a, nil
		}
		a, err := KeyARN(ctx, kc, ref)
		arns[ref] = a
		return a, err
	}
	var defaultARN string
	if o.Key != "" {
		var err error
		if defaultARN, err = resolve(o.Key); err != nil {
			return nil, err
		}
	}
	lb, err := api.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return nil, fmt.Errorf("s3:ListAllMyBuckets: %s", shortErr(err))
	}
	want := map[string]bool{}
	for _, b := range o.Buckets {
		want[b] = true
	}
	var names []string
	for _, b := range lb.Buckets {
		n := aws.ToString(b.Name)
		if len(want) > 0 && !want[n] {
			continue
		}
		names = append(names, n)
		k := defaultARN
		if ref, ok := o.Keys[n]; ok {
			if k, err = resolve(ref); err != nil {
				return nil, err
			}
		}
		if k == "" {
			continue
		}
		keyOf[n] = k
	}
	for b := range want {
		if !contains(names, b) {
			return nil, fmt.Errorf("bucket %s: not in the account's bucket list", b)
		}
	}
	sort.Strings(names)
	var keyList []string
	for _, k := range arns {
		if k != "" && !contains(keyList, k) {
			keyList = append(keyList, k)
		}
	}
	sort.Strings(keyList)
	estate, err := api.Estate(ctx, keyList)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	for _, name := range names {
		key, ok := keyOf[name]
		if !ok {
			continue
		}
		bp, err := planBucket(ctx, api.S3, estate, name, key, o.BucketKey)
		if err != nil {
			return nil, err
		}
		plan.Buckets = append(plan.Buckets, bp)
	}
	if !o.Apply {
		return plan, nil
	}
	for _, bp := range plan.Buckets {
		if bp.Compliant && bp.Status != interlock.Unsafe {
			continue
		}
		if !bp.Compliant && bp.Safe {
			if err := putEncryption(ctx, api.S3, bp, o.BucketKey); err != nil {
				return plan, err
			}
			continue
		}
		if !o.FixFirst {
			if !bp.Compliant {
				bp.Note = "not switched: unsafe (run with --fix-first to apply the first steps, or fix them by hand)"
			}
			continue
		}
		if err := fixThenSwitch(ctx, api, bp, o); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// planBucket gives one bucket's verdict: from the estate when a
// distribution reads it, otherwise from its encryption alone.
func planBucket(ctx context.Context, s3c BucketsAPI, estate *model.Config, name, key string, bk bool) (*BucketPlan, error) {
	region := regionOf(estate, name)
	if region == "" {
		r, err := location(ctx, s3c, name)
		if err != nil {
			return nil, err
		}
		region = r
	}
	v, note, err := VerdictFor(ctx, estate, true, name, key, bk, false)
	if err != nil {
		return nil, err
	}
	bp := &BucketPlan{Verdict: *v, KeyARN: key, Region: region, Note: note}
	bp.Bucket = name
	if v.Resource == name {
		// Read by no distribution: the live read holds no settings of it.
		enc, err := encryptionOf(ctx, s3c, name, region)
		if err != nil {
			return nil, err
		}
		bp.Current = enc.describe()
		bp.Compliant = enc.under(key, bk)
		bp.Resource = "arn:aws:s3:::" + name
		if bp.Compliant {
			bp.Status = interlock.Compliant
		}
	}
	return bp, nil
}

func regionOf(estate *model.Config, name string) string {
	for _, b := range estate.Buckets {
		if b.Name.Known && b.Name.V == name && b.Region.Known {
			return b.Region.V
		}
	}
	return ""
}

func location(ctx context.Context, s3c BucketsAPI, name string) (string, error) {
	out, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("bucket %s: s3:GetBucketLocation: %s", name, shortErr(err))
	}
	r := string(out.LocationConstraint)
	switch r {
	case "":
		r = "us-east-1"
	case "EU":
		r = "eu-west-1"
	}
	return r, nil
}

type bucketEnc struct {
	alg, key string
	bk       bool
}

func (e bucketEnc) under(key string, bk bool) bool {
	return strings.HasPrefix(e.alg, "aws:kms") && sameKeyRef(e.key, key) && (!bk || e.bk)
}

func (e bucketEnc) describe() string {
	switch {
	case e.alg == "":
		return "none"
	case e.alg == "AES256":
		return "SSE-S3 (AES256)"
	case e.key == "":
		return e.alg + " with the AWS managed key aws/s3"
	}
	s := e.alg + " with " + e.key
	if e.bk {
		s += " and a Bucket Key"
	}
	return s
}

func encryptionOf(ctx context.Context, s3c BucketsAPI, name, region string) (bucketEnc, error) {
	out, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)}, inRegion(region))
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ServerSideEncryptionConfigurationNotFoundError" {
		return bucketEnc{}, nil
	}
	if err != nil {
		return bucketEnc{}, fmt.Errorf("bucket %s: s3:GetEncryptionConfiguration: %s", name, shortErr(err))
	}
	var e bucketEnc
	if c := out.ServerSideEncryptionConfiguration; c != nil && len(c.Rules) > 0 {
		if d := c.Rules[0].ApplyServerSideEncryptionByDefault; d != nil {
			e.alg, e.key = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
		}
		e.bk = aws.ToBool(c.Rules[0].BucketKeyEnabled)
	}
	return e, nil
}

func inRegion(region string) func(*s3.Options) {
	return func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

func putEncryption(ctx context.Context, s3c BucketsAPI, bp *BucketPlan, bk bool) error {
	_, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(bp.Bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(bp.KeyARN)},
			BucketKeyEnabled:                   aws.Bool(bk),
		}}},
	}, inRegion(bp.Region))
	if err != nil {
		return fmt.Errorf("bucket %s: s3:PutEncryptionConfiguration: %s", bp.Bucket, shortErr(err))
	}
	bp.Applied = append(bp.Applied, fmt.Sprintf("PutBucketEncryption: SSE-KMS under %s%s", bp.KeyARN, map[bool]string{true: " with a Bucket Key", false: ""}[bk]))
	bp.Compliant, bp.Safe, bp.Status = true, true, interlock.Compliant
	bp.Current = "aws:kms with " + bp.KeyARN
	if bk {
		bp.Current += " and a Bucket Key"
	}
	return nil
}

// sameKeyRef compares a key reference (ARN or ID) with a key ARN.
func sameKeyRef(have, want string) bool {
	if have == want {
		return true
	}
	hid := have[strings.LastIndex(have, "/")+1:]
	wid := want[strings.LastIndex(want, "/")+1:]
	return !strings.Contains(have, "alias/") && hid != "" && hid == wid
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
