package reencrypt

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// object is what a HEAD says about the current version of one key.
type object struct {
	Key          string
	Size         int64
	ETag         string
	VersionID    string
	SSE          string // AES256, aws:kms, aws:kms:dsse, "" (none reported)
	KMSKey       string
	BucketKey    bool
	StorageClass string // "" is STANDARD
	Restore      string
	Archive      string
	LastModified time.Time

	Metadata           map[string]string
	ContentType        string
	CacheControl       string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	Expires            *time.Time
	WebsiteRedirect    string
	LockMode           string
	RetainUntil        *time.Time
	LegalHold          string
	ChecksumAlgorithm  types.ChecksumAlgorithm
	TagCount           int32
}

func fromHead(key string, h *s3.HeadObjectOutput) *object {
	o := &object{
		Key:                key,
		Size:               aws.ToInt64(h.ContentLength),
		ETag:               aws.ToString(h.ETag),
		VersionID:          aws.ToString(h.VersionId),
		SSE:                string(h.ServerSideEncryption),
		KMSKey:             aws.ToString(h.SSEKMSKeyId),
		BucketKey:          aws.ToBool(h.BucketKeyEnabled),
		StorageClass:       string(h.StorageClass),
		Restore:            aws.ToString(h.Restore),
		Archive:            string(h.ArchiveStatus),
		Metadata:           h.Metadata,
		ContentType:        aws.ToString(h.ContentType),
		CacheControl:       aws.ToString(h.CacheControl),
		ContentEncoding:    aws.ToString(h.ContentEncoding),
		ContentDisposition: aws.ToString(h.ContentDisposition),
		ContentLanguage:    aws.ToString(h.ContentLanguage),
		WebsiteRedirect:    aws.ToString(h.WebsiteRedirectLocation),
		LockMode:           string(h.ObjectLockMode),
		RetainUntil:        h.ObjectLockRetainUntilDate,
		LegalHold:          string(h.ObjectLockLegalHoldStatus),
		TagCount:           aws.ToInt32(h.TagCount),
	}
	if h.LastModified != nil {
		o.LastModified = *h.LastModified
	}
	if s := aws.ToString(h.ExpiresString); s != "" {
		if t, err := http.ParseTime(s); err == nil {
			o.Expires = &t
		}
	}
	switch {
	case h.ChecksumCRC64NVME != nil:
		o.ChecksumAlgorithm = types.ChecksumAlgorithmCrc64nvme
	case h.ChecksumCRC32C != nil:
		o.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32c
	case h.ChecksumCRC32 != nil:
		o.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	case h.ChecksumSHA256 != nil:
		o.ChecksumAlgorithm = types.ChecksumAlgorithmSha256
	case h.ChecksumSHA1 != nil:
		o.ChecksumAlgorithm = types.ChecksumAlgorithmSha1
	}
	if aws.ToString(h.SSECustomerAlgorithm) != "" {
		o.SSE = "sse-c"
	}
	return o
}

// verdict is what to do with an object.
type verdict int

const (
	doCopy   verdict = iota
	underKey         // already SSE-KMS under the key: nothing to do
	doSkip           // cannot be copied: reason says why
)

// decide says whether o needs a copy, and if it cannot be copied, why.
func decide(o *object, keyARN string) (verdict, string) {
	switch {
	case (o.SSE == "aws:kms" || o.SSE == "aws:kms:dsse") && SameKey(o.KMSKey, keyARN):
		return underKey, ""
	case o.SSE == "sse-c":
		return doSkip, "encrypted with a customer-provided key (SSE-C): copying it needs that key"
	}
	switch o.StorageClass {
	case "GLACIER", "DEEP_ARCHIVE":
		if !restored(o.Restore) {
			return doSkip, fmt.Sprintf("in storage class %s and not restored: restore it first (RestoreObject), or re-encrypt it with S3 Batch Operations after a restore job", o.StorageClass)
		}
	}
	if o.Archive == "ARCHIVE_ACCESS" || o.Archive == "DEEP_ARCHIVE_ACCESS" {
		if !restored(o.Restore) {
			return doSkip, fmt.Sprintf("in the Intelligent-Tiering %s tier and not restored: restore it first (RestoreObject)", o.Archive)
		}
	}
	return doCopy, ""
}

// restored reports whether an x-amz-restore header says a restored copy
// is available.
func restored(h string) bool {
	return strings.Contains(h, `ongoing-request="false"`)
}

// SameKey reports whether an object's KMS key (as S3 reports it: an ARN,
// sometimes a bare key ID) is the key with ARN want.
func SameKey(have, want string) bool {
	if have == "" || want == "" {
		return false
	}
	if have == want {
		return true
	}
	hid, hacct := keyID(have)
	wid, wacct := keyID(want)
	if hid == "" || hid != wid {
		return false
	}
	return hacct == "" || wacct == "" || hacct == wacct
}

// keyID returns the key ID and account of a key ARN or bare key ID; ""
// for aliases.
func keyID(s string) (id, account string) {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) != 6 || !strings.HasPrefix(parts[5], "key/") {
			return "", ""
		}
		return strings.TrimPrefix(parts[5], "key/"), parts[4]
	}
	if strings.HasPrefix(s, "alias/") {
		return "", ""
	}
	return s, ""
}

// ErrNoChange is returned, and the request never sent, when a copy of an
// object onto itself would change none of its metadata, storage class,
// website redirect location or encryption: S3 rejects such a copy.
var ErrNoChange = errors.New("the copy would change nothing (S3 rejects a copy of an object onto itself that changes none of its metadata, storage class, website redirect location or encryption)")

// copyInput builds the in-place copy of o under the key, with acl (nil:
// the bucket has ACLs disabled).
func copyInput(bucket string, o *object, opts Options, acl *aclRecord) *s3.CopyObjectInput {
	in := &s3.CopyObjectInput{
		Bucket:               aws.String(bucket),
		Key:                  aws.String(o.Key),
		CopySource:           aws.String(copySource(bucket, o.Key, "")),
		CopySourceIfMatch:    aws.String(o.ETag),
		MetadataDirective:    types.MetadataDirectiveCopy,
		TaggingDirective:     types.TaggingDirectiveCopy,
		ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:          aws.String(opts.KeyARN),
		BucketKeyEnabled:     aws.Bool(opts.BucketKey),
		ChecksumAlgorithm:    o.ChecksumAlgorithm,
	}
	if o.StorageClass != "" {
		in.StorageClass = types.StorageClass(o.StorageClass)
	}
	if o.WebsiteRedirect != "" {
		in.WebsiteRedirectLocation = aws.String(o.WebsiteRedirect)
	}
	if o.LockMode != "" && o.RetainUntil != nil && o.RetainUntil.After(time.Now()) {
		in.ObjectLockMode = types.ObjectLockMode(o.LockMode)
		in.ObjectLockRetainUntilDate = o.RetainUntil
	}
	if o.LegalHold != "" {
		in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatus(o.LegalHold)
	}
	if !acl.private() {
		in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWriteACP = acl.grants()
	}
	return in
}

// changes lists what a copy of o onto itself made with in would change;
// empty means S3 would reject it.
func changes(o *object, in *s3.CopyObjectInput) []string {
	var out []string
	if in.MetadataDirective == types.MetadataDirectiveReplace {
		out = append(out, "metadata")
	}
	sse := string(in.ServerSideEncryption)
	if sse == "" {
		// No encryption asked: the bucket default applies, which may or
		// may not differ; S3 does not count it as a change.
		sse = o.SSE
	}
	switch {
	case sse != o.SSE:
		out = append(out, "encryption")
	case sse == "aws:kms" || sse == "aws:kms:dsse":
		if k := aws.ToString(in.SSEKMSKeyId); k != "" && !SameKey(o.KMSKey, k) {
			out = append(out, "encryption key")
		} else if in.BucketKeyEnabled != nil && *in.BucketKeyEnabled != o.BucketKey {
			out = append(out, "bucket key")
		}
	}
	if sc := string(in.StorageClass); sc != "" && storageClass(sc) != storageClass(o.StorageClass) {
		out = append(out, "storage class")
	}
	if r := aws.ToString(in.WebsiteRedirectLocation); r != "" && r != o.WebsiteRedirect {
		out = append(out, "website redirect location")
	}
	return out
}

func storageClass(s string) string {
	if s == "" {
		return "STANDARD"
	}
	return s
}

// copySource is the x-amz-copy-source value: bucket/key, URL-encoded,
// with ?versionId= when version is set.
func copySource(bucket, key, version string) string {
	s := bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
	if version != "" {
		s += "?versionId=" + url.QueryEscape(version)
	}
	return s
}
