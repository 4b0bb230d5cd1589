package reencrypt

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// process brings one key under the key; it returns the result, the bytes
// copied (or that would be) and, for skipped and failed objects, why.
func (r *run) process(ctx context.Context, key string) (string, int64, string) {
	var sent *intent
	if in, ok := r.recovered[key]; ok {
		sent = &in
	}
	attempt := 0
	for {
		o, err := r.head(ctx, key)
		switch {
		case err != nil && classify(err) == gone:
			return resGone, 0, ""
		case err != nil:
			return resFailed, 0, "HeadObject: " + short(err)
		}
		v, why := decide(o, r.opts.KeyARN)
		switch v {
		case underKey:
			if sent != nil && r.opts.Apply {
				if err := r.finishUncertain(ctx, o, sent); err != nil {
					return resFailed, 0, err.Error()
				}
				if sent.copied {
					return resCopied, o.Size, ""
				}
			}
			return resUnderKey, 0, ""
		case doSkip:
			return resSkipped, 0, why
		}
		if !r.opts.Apply {
			// The request is still built and checked: a dry run refuses
			// what the real run would refuse.
			if o.Size <= r.opts.threshold() {
				if len(changes(o, copyInput(r.opts.Bucket, o, r.opts, nil))) == 0 {
					return resSkipped, 0, ErrNoChange.Error()
				}
			}
			if r.opts.Plan != nil {
				r.mu.Lock()
				r.opts.Plan(Planned{Key: o.Key, VersionID: o.VersionID, StorageClass: o.StorageClass, Size: o.Size, WebsiteRedirect: o.WebsiteRedirect, LockMode: o.LockMode, LegalHold: o.LegalHold})
				r.mu.Unlock()
			}
			return resWould, o.Size, ""
		}
		var acl *aclRecord
		if r.acls {
			acl, err = r.getACL(ctx, o)
			if err != nil {
				if classify(err) == gone {
					return resGone, 0, ""
				}
				return resFailed, 0, "GetObjectAcl: " + short(err)
			}
		}
		sent = &intent{Version: o.VersionID, ETag: o.ETag, Size: o.Size}
		if err := r.j.append(record{Op: "intent", Key: key, Version: o.VersionID, ETag: o.ETag, Size: o.Size}); err != nil {
			return resFailed, 0, err.Error()
		}
		newVersion, err := r.copy(ctx, o, acl)
		if err == nil {
			if !acl.private() {
				r.count(func(res *Result) { res.ACLsKept++ })
			}
			if err := r.afterCopy(ctx, o, newVersion); err != nil {
				return resFailed, 0, err.Error()
			}
			return resCopied, o.Size, ""
		}
		if errors.Is(err, ErrNoChange) {
			return resSkipped, 0, err.Error()
		}
		if ctx.Err() != nil {
			return resFailed, 0, ctx.Err().Error()
		}
		switch classify(err) {
		case gone:
			return resGone, 0, ""
		case changed:
			// The object was overwritten since the HEAD, or an earlier
			// attempt's copy happened after all: look again.
			r.count(func(res *Result) { res.Rechecked++ })
		case retryable:
			r.retries.Add(1)
			if isThrottle(err) {
				r.throttled.Add(1)
			}
			r.count(func(res *Result) { res.Rechecked++ })
		default:
			return resFailed, 0, short(err)
		}
		attempt++
		if attempt > r.opts.retries() {
			return resFailed, 0, fmt.Sprintf("gave up after %d attempts: %s", attempt, short(err))
		}
		if err := r.pace.backoff(ctx, attempt); err != nil {
			return resFailed, 0, err.Error()
		}
	}
}

func (r *run) head(ctx context.Context, key string) (*object, error) {
	var h *s3.HeadObjectOutput
	err := r.read(ctx, "HeadObject", func(c context.Context) (err error) {
		h, err = r.api.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(key), ChecksumMode: "ENABLED"})
		return err
	})
	if err != nil {
		var ae smithy.APIError
		// HEAD of an SSE-C object without its key answers 400.
		if errors.As(err, &ae) && (ae.ErrorCode() == "BadRequest" || ae.ErrorCode() == "400") {
			return &object{Key: key, SSE: "sse-c"}, nil
		}
		return nil, err
	}
	return fromHead(key, h), nil
}

// copy makes the in-place copy and returns the new version's ID.
func (r *run) copy(ctx context.Context, o *object, acl *aclRecord) (string, error) {
	if o.Size > r.opts.threshold() {
		return r.multipart(ctx, o, acl)
	}
	in := copyInput(r.opts.Bucket, o, r.opts, acl)
	if len(changes(o, in)) == 0 {
		return "", ErrNoChange
	}
	var out *s3.CopyObjectOutput
	err := r.write(ctx, r.opts.copyTimeout(), func(c context.Context) (err error) {
		out, err = r.api.CopyObject(c, in)
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.VersionId), nil
}

// afterCopy deletes the old version, when asked to.
func (r *run) afterCopy(ctx context.Context, o *object, newVersion string) error {
	if r.opts.DeleteOldVersions && r.versioned && o.VersionID != "" && o.VersionID != newVersion {
		if err := r.deleteVersion(ctx, o.Key, o.VersionID); err != nil {
			return err
		}
	}
	return nil
}

// finishUncertain completes a copy whose outcome was not seen (the
// response was lost, or the run was killed): the object is under the key
// now (its ACL came with the copy); if its current version was made from
// the version the copy was sent for, delete the old version when asked to.
func (r *run) finishUncertain(ctx context.Context, o *object, sent *intent) error {
	if !r.versioned || sent.Version == "" || sent.Version == "null" {
		// Unversioned: the object under the key is the copy, or a newer
		// upload (the ETag of an SSE-KMS copy differs from the
		// original's, so only the size tells them apart).
		sent.copied = o.Size == sent.Size
		return nil
	}
	var out *s3.ListObjectVersionsOutput
	err := r.read(ctx, "ListObjectVersions", func(c context.Context) (err error) {
		out, err = r.api.ListObjectVersions(c, &s3.ListObjectVersionsInput{Bucket: aws.String(r.opts.Bucket), Prefix: aws.String(o.Key), MaxKeys: aws.Int32(1000)})
		return err
	})
	if err != nil {
		return fmt.Errorf("ListObjectVersions: %s", short(err))
	}
	var vs []*versionInfo
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == o.Key {
			vs = append(vs, &versionInfo{id: aws.ToString(v.VersionId), size: aws.ToInt64(v.Size), latest: aws.ToBool(v.IsLatest)})
		}
	}
	found := false
	for _, v := range vs {
		found = found || v.id == sent.Version
	}
	if !found {
		// The version copied from is gone: only a run with
		// DeleteOldVersions deletes it, after its copy succeeded.
		sent.copied = r.opts.DeleteOldVersions
		return nil
	}
	// Versions of a key are listed newest first.
	for i, v := range vs {
		if v.id != sent.Version || i == 0 {
			continue
		}
		next := vs[i-1]
		if !next.latest || next.id != o.VersionID || next.size != v.size {
			return nil // someone else wrote the current version: leave both
		}
		sent.copied = true
		if r.opts.DeleteOldVersions {
			return r.deleteVersion(ctx, o.Key, sent.Version)
		}
		return nil
	}
	return nil
}

type versionInfo struct {
	id     string
	size   int64
	latest bool
}

func (r *run) deleteVersion(ctx context.Context, key, version string) error {
	err := r.read(ctx, "DeleteObject", func(c context.Context) error {
		_, err := r.api.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(key), VersionId: aws.String(version)})
		return err
	})
	if err != nil && classify(err) != gone {
		return fmt.Errorf("copied, but deleting the old version %s failed: %s", version, short(err))
	}
	r.count(func(res *Result) { res.VersionsDeleted++ })
	return nil
}

// short renders an SDK error without its request IDs.
func short(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return ae.ErrorCode() + ": " + m
		}
		return ae.ErrorCode()
	}
	return err.Error()
}
