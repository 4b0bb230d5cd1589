package enforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/internal/batchops"
	"github.com/s3front/s3front/internal/reencrypt"
)

// BatchS3 is what a Batch Operations run needs of S3.
type BatchS3 interface {
	ReencryptS3
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Caller names the calling account.
type Caller interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// BatchOptions configure a Batch Operations run.
type BatchOptions struct {
	// RoleARN is the role the jobs run as; WorkBucket holds manifests and
	// completion reports.
	RoleARN    string
	WorkBucket string
	// Inventory is the s3:// URL of an S3 Inventory report's manifest.json
	// to build the manifest from; "" lists the bucket (with a HEAD per
	// object) instead.
	Inventory string
	// Account runs the jobs; "" is the caller's.
	Account string
}

// BatchReport is what a Batch Operations run did (or, dry, would do).
type BatchReport struct {
	*ReencryptReport
	Jobs     []BatchJob        `json:"jobs"`
	Excluded batchops.Excluded `json:"excluded,omitempty"`
	Role     string            `json:"role_policy"`
	Trust    string            `json:"trust_policy"`
	Listing  *reencrypt.Result `json:"listing,omitempty"`
}

// BatchJob is one job, planned or created.
type BatchJob struct {
	StorageClass string `json:"storage_class"`
	Objects      int64  `json:"objects"`
	Bytes        int64  `json:"bytes"`
	Manifest     string `json:"manifest"`
	JobID        string `json:"job_id,omitempty"`
	// Request is the CreateJob request sent (or that would be).
	Request *s3control.CreateJobInput `json:"-"`
}

// ReencryptBatch re-encrypts with S3 Batch Operations: the manifest from
// a listing or an inventory, one copy job per storage class.
func ReencryptBatch(ctx context.Context, s3c BatchS3, kc KeyDescriber, sc batchops.JobCreator, caller Caller, o ReencryptOptions, b BatchOptions) (*BatchReport, error) {
	if b.WorkBucket == "" {
		return nil, errors.New("--batch needs --work-bucket: the bucket that receives the manifests and completion reports")
	}
	if b.RoleARN == "" && o.Apply {
		return nil, errors.New("--batch --apply needs --batch-role: the IAM role the jobs run as (its policies: --format json prints them, docs/enforce.md explains them)")
	}
	rep, err := prepare(ctx, s3c, kc, &o)
	out := &BatchReport{ReencryptReport: rep}
	if err != nil {
		return out, err
	}
	acls, versioned, err := bucketSettings(ctx, s3c, o.Bucket)
	if err != nil {
		return out, err
	}
	if acls {
		return out, fmt.Errorf("bucket %s has ACLs enabled: a Batch Operations copy gives every copy the same grants, so objects would lose theirs\nhint: re-encrypt in process (without --batch), which keeps each object's grants, or set Object Ownership to BucketOwnerEnforced first", o.Bucket)
	}
	var m *batchops.Manifest
	if b.Inventory != "" {
		m, err = fromInventory(ctx, s3c, b.Inventory, versioned)
		if err != nil {
			return out, err
		}
	} else {
		var planned []reencrypt.Planned
		lo := o.Options
		lo.Apply, lo.Checkpoint = false, ""
		lo.Plan = func(p reencrypt.Planned) { planned = append(planned, p) }
		res, err := reencrypt.Run(ctx, s3c, lo)
		out.Listing = res
		if err != nil {
			return out, err
		}
		ex := map[string]int64{}
		if res.UnderKey > 0 {
			ex[batchops.ExUnderKey] = res.UnderKey
		}
		for _, p := range res.Problems {
			ex[p.Reason]++
		}
		m = batchops.FromObjects(o.Bucket, versioned, planned, ex)
	}
	out.Excluded = m.Excluded
	acct := b.Account
	if acct == "" && caller != nil {
		id, err := caller.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return out, fmt.Errorf("sts:GetCallerIdentity: %s\nhint: name the account with --account", shortErr(err))
		}
		acct = aws.ToString(id.Account)
	}
	jo := batchops.JobOptions{Account: acct, Partition: partitionOf(o.KeyARN), KeyARN: o.KeyARN, BucketKey: o.BucketKey, RoleARN: b.RoleARN, WorkBucket: b.WorkBucket}
	jobs := batchops.Plan(m, jo)
	out.Role = batchops.RolePolicy(batchops.RoleInput{Partition: jo.Partition, Bucket: o.Bucket, WorkBucket: b.WorkBucket, KeyARN: o.KeyARN})
	out.Trust = batchops.TrustPolicy()
	if o.Apply && len(jobs) > 0 {
		err = batchops.Create(ctx, s3c, sc, jobs, jo)
	}
	for _, j := range jobs {
		out.Jobs = append(out.Jobs, BatchJob{StorageClass: j.StorageClass, Objects: j.Objects, Bytes: j.Bytes, Manifest: "s3://" + b.WorkBucket + "/" + j.ManifestKey, JobID: j.JobID, Request: j.Request})
	}
	return out, err
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) == 3 && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// bucketSettings reads whether the bucket has ACLs enabled and is
// versioned.
func bucketSettings(ctx context.Context, s3c reencrypt.S3, bucket string) (acls, versioned bool, err error) {
	v, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		return false, false, fmt.Errorf("bucket %s: s3:GetBucketVersioning: %s", bucket, shortErr(err))
	}
	oc, err := s3c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	var ae smithy.APIError
	switch {
	case err == nil:
		acls = true
		if oc.OwnershipControls != nil {
			for _, r := range oc.OwnershipControls.Rules {
				if r.ObjectOwnership == types.ObjectOwnershipBucketOwnerEnforced {
					acls = false
				}
			}
		}
	case errors.As(err, &ae) && ae.ErrorCode() == "OwnershipControlsNotFoundError":
		acls = true
	default:
		return false, false, fmt.Errorf("bucket %s: s3:GetBucketOwnershipControls: %s", bucket, shortErr(err))
	}
	return acls, v.Status != "", nil
}

// fromInventory reads an inventory report named by the s3:// URL of its
// manifest.json.
func fromInventory(ctx context.Context, s3c BatchS3, inv string, versioned bool) (*batchops.Manifest, error) {
	u, err := url.Parse(inv)
	if err != nil || u.Scheme != "s3" || u.Host == "" || !strings.HasSuffix(u.Path, "manifest.json") {
		return nil, fmt.Errorf("--inventory %q: want the s3:// URL of an inventory's manifest.json (s3://BUCKET/PREFIX/SOURCE/CONFIG/DATE/manifest.json)", inv)
	}
	get := func(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
		out, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, fmt.Errorf("s3:GetObject s3://%s/%s: %s", bucket, key, shortErr(err))
		}
		return out.Body, nil
	}
	rc, err := get(ctx, u.Host, strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	rc.Close()
	if err != nil {
		return nil, err
	}
	im, err := batchops.ParseInventoryManifest(inv, data)
	if err != nil {
		return nil, err
	}
	// Data files live in the destination bucket (an ARN in manifest.json).
	dest := strings.TrimPrefix(im.DestinationBucket, "arn:aws:s3:::")
	if i := strings.LastIndex(dest, ":"); i >= 0 {
		dest = dest[i+1:]
	}
	if dest == "" {
		dest = u.Host
	}
	return batchops.FromInventory(ctx, im, versioned, func(ctx context.Context, key string) (io.ReadCloser, error) {
		return get(ctx, dest, key)
	})
}
