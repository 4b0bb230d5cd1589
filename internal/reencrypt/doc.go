// Package reencrypt re-encrypts the objects of an S3 bucket in place under
// one KMS key (SSE-KMS), the way `aws s3 cp --recursive` onto itself would,
// but without losing what such a copy silently drops, and safely at scale.
//
// # What is kept
//
// Each object not yet under the key is copied onto itself with
// MetadataDirective COPY and TaggingDirective COPY (user metadata,
// Content-Type, Cache-Control, Content-Encoding, Content-Disposition,
// Content-Language, Expires and tags), and with the settings a copy does
// not carry over set explicitly from the object's HEAD: its storage class
// (a copy defaults to STANDARD), its website redirect location, its Object
// Lock mode, retain-until date and legal hold, and its checksum algorithm.
// Where the bucket has ACLs enabled (Object Ownership is not
// BucketOwnerEnforced), the object's ACL is read before the copy and put
// back on the new object, since a copy resets it to private.
//
// Objects larger than [Options.MultipartThreshold] (5 GiB, the CopyObject
// limit) are copied with a multipart upload of UploadPartCopy ranges; the
// metadata, tags and lock settings are then given to
// CreateMultipartUpload, because a multipart upload copies none of them.
//
// # What is never done
//
// A copy that would change nothing is never sent: S3 rejects it
// (InvalidRequest, "This copy request is illegal because it is trying to
// copy an object to itself without changing the object's metadata, storage
// class, website redirect location or encryption attributes"), so the
// engine checks every request against the object's HEAD before sending it
// ([ErrNoChange]). Objects already SSE-KMS under the key are skipped.
// Objects that cannot be copied without data S3 does not have at hand are
// skipped and named: SSE-C objects (the customer key is needed), and
// archived objects (GLACIER, DEEP_ARCHIVE, Intelligent-Tiering archive
// tiers) that are not restored.
//
// Every copy is conditional on the ETag seen in the HEAD
// (x-amz-copy-source-if-match): an object overwritten meanwhile is not
// replaced by its older version; it is looked at again.
//
// # Versioned buckets
//
// In a versioned bucket the copy becomes the new current version and the
// old one stays, still under its old encryption, unless
// [Options.DeleteOldVersions] is set: then the version the copy was made
// from is deleted once the copy has succeeded (and only that version; older
// noncurrent versions are left to a lifecycle rule).
//
// # Faults, limits and resuming
//
// Calls run with bounded concurrency ([Options.Concurrency]) under an
// optional request rate limit ([Options.Rate]). The SDK's own retries are
// off: every call is retried here, with exponential backoff and full
// jitter, on throttling (503 SlowDown), 5xx answers and network errors
// (connection resets, timeouts), and an object whose copy may or may not
// have happened (a connection reset after the request was sent) is looked
// at again before anything else is sent for it.
//
// With [Options.Checkpoint] set, progress is journalled to a file (one JSON
// line per event, appended as it happens), so a run that is killed, even
// with SIGKILL, resumes where it stopped: keys already done are not listed
// again, multipart uploads left open are aborted, and an object whose copy
// was in flight is looked at again (and its old version deleted, with
// DeleteOldVersions, when the copy had in fact completed).
//
// # Dry run
//
// Without [Options.Apply] nothing is written: the run lists and HEADs every
// object and reports how many would be copied and how many bytes.
package reencrypt
