package reencrypt

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// multipart copies o onto itself with UploadPartCopy ranges. A multipart
// upload carries over nothing from its source, so every setting a
// CopyObject with COPY directives would keep is given to
// CreateMultipartUpload: metadata, the content headers, tags, storage
// class, website redirect, Object Lock settings.
func (r *run) multipart(ctx context.Context, o *object, acl *aclRecord) (string, error) {
	create := &s3.CreateMultipartUploadInput{
		Bucket:               aws.String(r.opts.Bucket),
		Key:                  aws.String(o.Key),
		Metadata:             o.Metadata,
		ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:          aws.String(r.opts.KeyARN),
		BucketKeyEnabled:     aws.Bool(r.opts.BucketKey),
		Expires:              o.Expires,
		ChecksumAlgorithm:    o.ChecksumAlgorithm,
	}
	setStr := func(dst **string, v string) {
		if v != "" {
			*dst = aws.String(v)
		}
	}
	setStr(&create.ContentType, o.ContentType)
	setStr(&create.CacheControl, o.CacheControl)
	setStr(&create.ContentEncoding, o.ContentEncoding)
	setStr(&create.ContentDisposition, o.ContentDisposition)
	setStr(&create.ContentLanguage, o.ContentLanguage)
	setStr(&create.WebsiteRedirectLocation, o.WebsiteRedirect)
	if o.StorageClass != "" {
		create.StorageClass = types.StorageClass(o.StorageClass)
	}
	if o.LockMode != "" && o.RetainUntil != nil && o.RetainUntil.After(time.Now()) {
		create.ObjectLockMode = types.ObjectLockMode(o.LockMode)
		create.ObjectLockRetainUntilDate = o.RetainUntil
	}
	if o.LegalHold != "" {
		create.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatus(o.LegalHold)
	}
	if !acl.private() {
		create.GrantFullControl, create.GrantRead, create.GrantReadACP, create.GrantWriteACP = acl.grants()
	}
	if o.TagCount > 0 {
		var tags *s3.GetObjectTaggingOutput
		err := r.read(ctx, "GetObjectTagging", func(c context.Context) (err error) {
			in := &s3.GetObjectTaggingInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(o.Key)}
			if o.VersionID != "" {
				in.VersionId = aws.String(o.VersionID)
			}
			tags, err = r.api.GetObjectTagging(c, in)
			return err
		})
		if err != nil {
			return "", err
		}
		v := url.Values{}
		for _, t := range tags.TagSet {
			v.Add(aws.ToString(t.Key), aws.ToString(t.Value))
		}
		create.Tagging = aws.String(v.Encode())
	}
	var cu *s3.CreateMultipartUploadOutput
	if err := r.write(ctx, r.opts.callTimeout(), func(c context.Context) (err error) {
		cu, err = r.api.CreateMultipartUpload(c, create)
		return err
	}); err != nil {
		return "", err
	}
	id := aws.ToString(cu.UploadId)
	if err := r.j.append(record{Op: "upload", Key: o.Key, UploadID: id}); err != nil {
		r.abort(o.Key, id)
		return "", err
	}
	parts, err := r.copyParts(ctx, o, id)
	if err != nil {
		r.abort(o.Key, id)
		return "", err
	}
	var done *s3.CompleteMultipartUploadOutput
	err = r.write(ctx, r.opts.copyTimeout(), func(c context.Context) (err error) {
		done, err = r.api.CompleteMultipartUpload(c, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(r.opts.Bucket), Key: aws.String(o.Key), UploadId: aws.String(id),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
		return err
	})
	if err != nil {
		// Whether it completed is unknown; an abort of a completed
		// upload fails harmlessly, and the object is looked at again.
		r.abort(o.Key, id)
		return "", err
	}
	r.count(func(res *Result) { res.Multipart++ })
	return aws.ToString(done.VersionId), nil
}

// copyParts copies the ranges of o into upload id, a few at a time.
func (r *run) copyParts(ctx context.Context, o *object, id string) ([]types.CompletedPart, error) {
	ps := r.opts.partSize(o.Size)
	n := int((o.Size + ps - 1) / ps)
	if n == 0 {
		n = 1
	}
	parts := make([]types.CompletedPart, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, r.opts.partConcurrency())
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		start := int64(i) * ps
		end := min(start+ps, o.Size) - 1
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var out *s3.UploadPartCopyOutput
			err := r.read(ctx, "UploadPartCopy", func(c context.Context) (err error) {
				c, cancelCall := context.WithTimeout(c, r.opts.copyTimeout())
				defer cancelCall()
				out, err = r.api.UploadPartCopy(c, &s3.UploadPartCopyInput{
					Bucket: aws.String(r.opts.Bucket), Key: aws.String(o.Key), UploadId: aws.String(id),
					PartNumber:        aws.Int32(int32(i + 1)),
					CopySource:        aws.String(copySource(r.opts.Bucket, o.Key, "")),
					CopySourceIfMatch: aws.String(o.ETag),
					CopySourceRange:   aws.String(fmt.Sprintf("bytes=%d-%d", start, end)),
				})
				return err
			})
			if err != nil {
				once.Do(func() { first = err; cancel(err) })
				return
			}
			p := types.CompletedPart{PartNumber: aws.Int32(int32(i + 1))}
			if out.CopyPartResult != nil {
				p.ETag = out.CopyPartResult.ETag
				p.ChecksumCRC32 = out.CopyPartResult.ChecksumCRC32
				p.ChecksumCRC32C = out.CopyPartResult.ChecksumCRC32C
				p.ChecksumCRC64NVME = out.CopyPartResult.ChecksumCRC64NVME
				p.ChecksumSHA1 = out.CopyPartResult.ChecksumSHA1
				p.ChecksumSHA256 = out.CopyPartResult.ChecksumSHA256
			}
			parts[i] = p
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(parts, func(a, b int) bool { return aws.ToInt32(parts[a].PartNumber) < aws.ToInt32(parts[b].PartNumber) })
	return parts, nil
}

// abort abandons an upload, best effort, with a context of its own so
// that it also runs when the run is stopping.
func (r *run) abort(key, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.callTimeout())
	defer cancel()
	_, _ = r.api.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(key), UploadId: aws.String(id)})
}

// abortOpen aborts the uploads an earlier run left open.
func (r *run) abortOpen(ctx context.Context, uploads map[string][]string) error {
	if !r.opts.Apply {
		return nil
	}
	for key, ids := range uploads {
		for _, id := range ids {
			err := r.read(ctx, "AbortMultipartUpload", func(c context.Context) error {
				_, err := r.api.AbortMultipartUpload(c, &s3.AbortMultipartUploadInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(key), UploadId: aws.String(id)})
				return err
			})
			if err != nil && classify(err) != gone {
				return fmt.Errorf("aborting the multipart upload %s of %s left by the earlier run: %s", id, key, short(err))
			}
		}
	}
	return nil
}
