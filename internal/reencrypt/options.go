package reencrypt

import (
	"io"
	"time"
)

// Options configure a run.
type Options struct {
	// Bucket is the bucket to re-encrypt; Prefix limits the run to keys
	// that start with it.
	Bucket string
	Prefix string
	// KeyARN is the full ARN of the KMS key objects must end up under
	// (resolve aliases first: S3 reports objects' keys by ARN).
	KeyARN string
	// BucketKey asks for an S3 Bucket Key on the copies (fewer KMS calls;
	// the encryption context becomes the bucket ARN).
	BucketKey bool
	// Apply writes; without it the run only counts what it would copy.
	Apply bool
	// DeleteOldVersions deletes, in a versioned bucket, the version each
	// copy was made from once the copy succeeded.
	DeleteOldVersions bool
	// Concurrency bounds the objects in flight; 0 means 16.
	Concurrency int
	// PartConcurrency bounds the UploadPartCopy calls in flight per
	// multipart copy; 0 means 4.
	PartConcurrency int
	// Rate caps the requests per second over all calls; 0 means no cap.
	Rate float64
	// Retries is how often a failed call is retried; 0 means 10, a
	// negative number none.
	Retries int
	// BackoffBase and BackoffMax shape the exponential backoff with full
	// jitter between retries; 0 means 100ms and 20s.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// CallTimeout bounds each read call; CopyTimeout each copy call
	// (CopyObject of up to 5 GiB, one UploadPartCopy). 0 means 1 minute
	// and 30 minutes.
	CallTimeout time.Duration
	CopyTimeout time.Duration
	// MultipartThreshold is the size above which an object is copied with
	// UploadPartCopy; 0 means 5 GiB (CopyObject's limit). PartSize is the
	// size of each part; 0 means 512 MiB (raised so no object needs more
	// than 10,000 parts). Tests lower both.
	MultipartThreshold int64
	PartSize           int64
	// Checkpoint is a journal file to resume from and record progress in;
	// "" keeps no journal.
	Checkpoint string
	// Progress receives a progress line, carriage-return updated (pass a
	// terminal's stderr, or nil).
	Progress io.Writer `json:"-"`
	// Log receives one line per object that failed or was skipped for a
	// reason other than being under the key already (nil: none).
	Log io.Writer `json:"-"`
	// Seed seeds the backoff jitter (0: time-based); tests fix it.
	Seed int64
	// Plan, when set, receives every object a dry run would copy, one
	// call at a time (to build an S3 Batch Operations manifest).
	Plan func(Planned) `json:"-"`
}

// Planned is an object a dry run would copy, with what a copy must keep.
type Planned struct {
	Key, VersionID, StorageClass         string
	Size                                 int64
	WebsiteRedirect, LockMode, LegalHold string
}

// MaxCopySize is the largest object one CopyObject can copy (5 GiB).
const MaxCopySize = 5 << 30

const (
	minPartSize = 5 << 20 // S3's smallest part but the last
	maxParts    = 10000
)

func (o Options) concurrency() int {
	if o.Concurrency <= 0 {
		return 16
	}
	return o.Concurrency
}

func (o Options) partConcurrency() int {
	if o.PartConcurrency <= 0 {
		return 4
	}
	return o.PartConcurrency
}

func (o Options) retries() int {
	switch {
	case o.Retries < 0:
		return 0
	case o.Retries == 0:
		return 10
	}
	return o.Retries
}

func (o Options) backoffBase() time.Duration {
	if o.BackoffBase <= 0 {
		return 100 * time.Millisecond
	}
	return o.BackoffBase
}

func (o Options) backoffMax() time.Duration {
	if o.BackoffMax <= 0 {
		return 20 * time.Second
	}
	return o.BackoffMax
}

func (o Options) callTimeout() time.Duration {
	if o.CallTimeout <= 0 {
		return time.Minute
	}
	return o.CallTimeout
}

func (o Options) copyTimeout() time.Duration {
	if o.CopyTimeout <= 0 {
		return 30 * time.Minute
	}
	return o.CopyTimeout
}

func (o Options) threshold() int64 {
	if o.MultipartThreshold <= 0 || o.MultipartThreshold > MaxCopySize {
		return MaxCopySize
	}
	return o.MultipartThreshold
}

// partSize returns the part size for an object of size n: the configured
// one, raised so that no more than 10,000 parts are needed.
func (o Options) partSize(n int64) int64 {
	ps := o.PartSize
	if ps <= 0 {
		ps = 512 << 20
	}
	if ps < minPartSize {
		ps = minPartSize
	}
	if need := (n + maxParts - 1) / maxParts; ps < need {
		ps = need
	}
	return ps
}
