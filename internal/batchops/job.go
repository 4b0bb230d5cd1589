package batchops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// JobOptions configure the copy jobs.
type JobOptions struct {
	// Account is the account that runs the jobs (the bucket's).
	Account string
	// Partition is aws unless the bucket is elsewhere.
	Partition string
	// KeyARN and BucketKey are the encryption of the copies.
	KeyARN    string
	BucketKey bool
	// RoleARN is the role Batch Operations assumes ([RolePolicy]).
	RoleARN string
	// WorkBucket receives the manifests (under Prefix/manifests/) and the
	// completion reports (under Prefix/reports/); Prefix defaults to
	// s3front/reencrypt/BUCKET.
	WorkBucket string
	Prefix     string
	// Priority of the jobs; 0 means 10.
	Priority int32
}

func (o JobOptions) prefix(bucket string) string {
	if o.Prefix != "" {
		return strings.TrimSuffix(o.Prefix, "/")
	}
	return "s3front/reencrypt/" + bucket
}

func (o JobOptions) partition() string {
	if o.Partition == "" {
		return "aws"
	}
	return o.Partition
}

// Uploader puts a manifest into the work bucket.
type Uploader interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// JobCreator creates Batch Operations jobs.
type JobCreator interface {
	CreateJob(context.Context, *s3control.CreateJobInput, ...func(*s3control.Options)) (*s3control.CreateJobOutput, error)
}

// Job is one copy job: its manifest and the request that creates it.
type Job struct {
	StorageClass string
	Objects      int64
	Bytes        int64
	// ManifestKey is where the manifest goes in the work bucket; CSV its
	// content.
	ManifestKey string
	CSV         []byte
	// Request is the CreateJob request (its manifest ETag is filled in
	// when the manifest is uploaded); JobID is set once created.
	Request *s3control.CreateJobInput
	JobID   string
}

// Plan returns the jobs for m, one per storage class, without calling AWS.
func Plan(m *Manifest, o JobOptions) []*Job {
	var jobs []*Job
	pre := o.prefix(m.Bucket)
	for _, class := range m.Classes() {
		es := m.ByClass[class]
		j := &Job{StorageClass: class, CSV: CSV(es, m.Versioned)}
		for _, e := range es {
			j.Objects++
			j.Bytes += e.Size
		}
		sum := sha256.Sum256(j.CSV)
		j.ManifestKey = fmt.Sprintf("%s/manifests/%s-%s.csv", pre, strings.ToLower(class), hex.EncodeToString(sum[:8]))
		fields := []types.JobManifestFieldName{types.JobManifestFieldNameBucket, types.JobManifestFieldNameKey}
		if m.Versioned {
			fields = append(fields, types.JobManifestFieldNameVersionId)
		}
		prio := o.Priority
		if prio == 0 {
			prio = 10
		}
		j.Request = &s3control.CreateJobInput{
			AccountId:            aws.String(o.Account),
			ConfirmationRequired: aws.Bool(false),
			Description:          aws.String(fmt.Sprintf("s3front reencrypt %s under %s (%s, %d objects)", m.Bucket, o.KeyARN, class, j.Objects)),
			Priority:             aws.Int32(prio),
			RoleArn:              aws.String(o.RoleARN),
			// The same manifest and settings give the same token, so a
			// retried CreateJob does not start a second job.
			ClientRequestToken: aws.String(token(j.CSV, o, class)),
			Operation: &types.JobOperation{S3PutObjectCopy: &types.S3CopyObjectOperation{
				TargetResource:    aws.String("arn:" + o.partition() + ":s3:::" + m.Bucket),
				MetadataDirective: types.S3MetadataDirectiveCopy,
				SSEAwsKmsKeyId:    aws.String(o.KeyARN),
				BucketKeyEnabled:  o.BucketKey,
				StorageClass:      types.S3StorageClass(class),
			}},
			Manifest: &types.JobManifest{
				Spec:     &types.JobManifestSpec{Format: types.JobManifestFormatS3BatchOperationsCsv20180820, Fields: fields},
				Location: &types.JobManifestLocation{ObjectArn: aws.String("arn:" + o.partition() + ":s3:::" + o.WorkBucket + "/" + j.ManifestKey)},
			},
			Report: &types.JobReport{
				Enabled:     true,
				Bucket:      aws.String("arn:" + o.partition() + ":s3:::" + o.WorkBucket),
				Prefix:      aws.String(pre + "/reports"),
				Format:      types.JobReportFormatReportCsv20180820,
				ReportScope: types.JobReportScopeAllTasks,
			},
		}
		jobs = append(jobs, j)
	}
	return jobs
}

func token(csv []byte, o JobOptions, class string) string {
	h := sha256.New()
	h.Write(csv)
	fmt.Fprintf(h, "|%s|%v|%s|%s", o.KeyARN, o.BucketKey, class, o.RoleARN)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Create uploads each job's manifest and creates the job.
func Create(ctx context.Context, up Uploader, cj JobCreator, jobs []*Job, o JobOptions) error {
	for _, j := range jobs {
		out, err := up.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(o.WorkBucket), Key: aws.String(j.ManifestKey),
			Body: strings.NewReader(string(j.CSV)), ContentType: aws.String("text/csv"),
		})
		if err != nil {
			return fmt.Errorf("uploading the manifest s3://%s/%s: %w", o.WorkBucket, j.ManifestKey, err)
		}
		j.Request.Manifest.Location.ETag = out.ETag
		res, err := cj.CreateJob(ctx, j.Request)
		if err != nil {
			return fmt.Errorf("s3:CreateJob for the %s objects: %w", j.StorageClass, err)
		}
		j.JobID = aws.ToString(res.JobId)
	}
	return nil
}
