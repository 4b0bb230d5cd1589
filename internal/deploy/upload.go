package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// upload writes every file to upload (large ones in parallel multipart
// parts) and deletes the objects to delete.
func upload(ctx context.Context, o Options, res *Result) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Concurrency)
	var noteMu sync.Mutex
	for _, f := range res.Files {
		if f.Action != ActUpload {
			continue
		}
		g.Go(func() error {
			var err error
			if f.Size > o.PartSize {
				err = putMultipart(gctx, o, res.Upload, f)
				if errCode(err) == "AccessDenied" && f.Size <= maxSinglePut {
					// A bucket policy that denies uploads without an
					// encryption header also denies UploadPart, which
					// carries none (boto/botocore#471): one request then.
					if err = putSingle(gctx, o, res.Upload, f); err == nil {
						noteMu.Lock()
						res.Notes = append(res.Notes, f.Key+": multipart parts were refused (AccessDenied); uploaded in one request")
						noteMu.Unlock()
					}
				}
			} else {
				err = putSingle(gctx, o, res.Upload, f)
			}
			if err != nil {
				return fmt.Errorf("uploading %s to s3://%s/%s: %w", f.Path, o.Bucket, f.Key, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	res.Uploaded = count(res.Files, ActUpload)
	var dels []string
	for _, f := range res.Files {
		if f.Action == ActDelete {
			dels = append(dels, f.Key)
		}
	}
	sort.Strings(dels)
	for len(dels) > 0 {
		n := min(len(dels), 1000)
		batch := dels[:n]
		dels = dels[n:]
		ids := make([]s3types.ObjectIdentifier, len(batch))
		for i, k := range batch {
			ids[i] = s3types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := o.Clients.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(o.Bucket), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("deleting from s3://%s: %w", o.Bucket, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("deleting s3://%s/%s: %s: %s", o.Bucket, aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		res.Deleted += n
	}
	logf(o.Log, "upload: %d object(s) uploaded, %d deleted", res.Uploaded, res.Deleted)
	return nil
}

// maxSinglePut is the largest object one PutObject can write.
const maxSinglePut = 5 << 30

func putSingle(ctx context.Context, o Options, up Upload, f *File) error {
	fh, err := os.Open(f.abs)
	if err != nil {
		return err
	}
	defer fh.Close()
	in := &s3.PutObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key), Body: fh, ContentLength: aws.Int64(f.Size),
		ContentType: aws.String(f.ContentType), Metadata: map[string]string{metaSHA: f.SHA256}}
	if f.CacheControl != "" {
		in.CacheControl = aws.String(f.CacheControl)
	}
	if up.ACL != "" {
		in.ACL = s3types.ObjectCannedACL(up.ACL)
	}
	if up.Encryption != "" {
		in.ServerSideEncryption = s3types.ServerSideEncryption(up.Encryption)
		if up.KeyID != "" {
			in.SSEKMSKeyId = aws.String(up.KeyID)
		}
		if up.BucketKey {
			in.BucketKeyEnabled = aws.Bool(true)
		}
	}
	_, err = o.Clients.S3.PutObject(ctx, in)
	return err
}

// putMultipart uploads a large file in parts of Options.PartSize, the
// parts in parallel; a failure aborts the upload.
func putMultipart(ctx context.Context, o Options, up Upload, f *File) error {
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key), ContentType: aws.String(f.ContentType),
		Metadata: map[string]string{metaSHA: f.SHA256}}
	if f.CacheControl != "" {
		in.CacheControl = aws.String(f.CacheControl)
	}
	if up.ACL != "" {
		in.ACL = s3types.ObjectCannedACL(up.ACL)
	}
	if up.Encryption != "" {
		in.ServerSideEncryption = s3types.ServerSideEncryption(up.Encryption)
		if up.KeyID != "" {
			in.SSEKMSKeyId = aws.String(up.KeyID)
		}
		if up.BucketKey {
			in.BucketKeyEnabled = aws.Bool(true)
		}
	}
	mu, err := o.Clients.S3.CreateMultipartUpload(ctx, in)
	if err != nil {
		return err
	}
	abort := func() {
		_, _ = o.Clients.S3.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key), UploadId: mu.UploadId})
	}
	n := int((f.Size + o.PartSize - 1) / o.PartSize)
	parts := make([]s3types.CompletedPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := 0; i < n; i++ {
		g.Go(func() error {
			fh, err := os.Open(f.abs)
			if err != nil {
				return err
			}
			defer fh.Close()
			off := int64(i) * o.PartSize
			size := min(o.PartSize, f.Size-off)
			out, err := o.Clients.S3.UploadPart(gctx, &s3.UploadPartInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key), UploadId: mu.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: io.NewSectionReader(fh, off, size), ContentLength: aws.Int64(size)})
			if err != nil {
				return fmt.Errorf("part %d: %w", i+1, err)
			}
			parts[i] = s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		abort()
		return err
	}
	_, err = o.Clients.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key), UploadId: mu.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		abort()
	}
	return err
}
