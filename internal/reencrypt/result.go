package reencrypt

import "time"

// Counts are the per-object results of a run (and, resumed, of the runs
// before it).
type Counts struct {
	// UnderKey objects were SSE-KMS under the key already.
	UnderKey int64 `json:"under_key"`
	// Copied objects were re-encrypted (Apply); Would ones would be (dry
	// run). Bytes is their total size.
	Copied int64 `json:"copied"`
	Would  int64 `json:"would_copy"`
	Bytes  int64 `json:"bytes"`
	// Skipped objects cannot be copied as they are (SSE-C, archived);
	// Failed ones failed after every retry; Gone ones were deleted while
	// the run went on.
	Skipped int64 `json:"skipped"`
	Failed  int64 `json:"failed"`
	Gone    int64 `json:"gone"`
}

func (c *Counts) add(res string, bytes int64) {
	switch res {
	case resUnderKey:
		c.UnderKey++
	case resCopied:
		c.Copied++
		c.Bytes += bytes
	case resWould:
		c.Would++
		c.Bytes += bytes
	case resSkipped:
		c.Skipped++
	case resFailed:
		c.Failed++
	case resGone:
		c.Gone++
	}
}

// Objects is the number of objects the counts cover.
func (c Counts) Objects() int64 {
	return c.UnderKey + c.Copied + c.Would + c.Skipped + c.Failed + c.Gone
}

// Result is what a run did.
type Result struct {
	Bucket string `json:"bucket"`
	KeyARN string `json:"key_arn"`
	Apply  bool   `json:"apply"`
	// Versioning is the bucket's versioning status (Enabled, Suspended or
	// ""); ACLs is whether the bucket has ACLs enabled.
	Versioning string `json:"versioning"`
	ACLs       bool   `json:"acls"`
	Counts
	// Multipart counts copies made with UploadPartCopy.
	Multipart int64 `json:"multipart"`
	// VersionsDeleted counts old versions deleted (DeleteOldVersions);
	// ACLsKept copies written with their object's grants (a copy is
	// private otherwise).
	VersionsDeleted int64 `json:"versions_deleted"`
	ACLsKept        int64 `json:"acls_kept"`
	// Retries counts calls retried; Throttled those answered with a
	// throttling error (503 SlowDown); Rechecked objects looked at again
	// because they changed or a copy's outcome was uncertain.
	Retries   int64 `json:"retries"`
	Throttled int64 `json:"throttled"`
	Rechecked int64 `json:"rechecked"`
	// Resumed is true when the run continued a checkpoint; Carried is the
	// objects the earlier runs had finished.
	Resumed bool  `json:"resumed"`
	Carried int64 `json:"carried"`
	// Problems lists objects skipped or failed, with the reason (the
	// first 1,000; Counts has them all).
	Problems []Problem `json:"problems,omitempty"`
	Elapsed  Duration  `json:"elapsed"`
	Started  time.Time `json:"-"`
}

// Problem is an object that was not re-encrypted, and why.
type Problem struct {
	Key    string `json:"key"`
	Result string `json:"result"`
	Reason string `json:"reason"`
}

// Duration marshals as a string such as "1m2.5s".
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).Round(time.Millisecond).String()), nil
}

const maxProblems = 1000
