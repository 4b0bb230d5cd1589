package reencrypt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

const key = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777"

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    object
		want verdict
		why  string
	}{
		{"SSE-S3", object{SSE: "AES256"}, doCopy, ""},
		{"unencrypted", object{}, doCopy, ""},
		{"other key", object{SSE: "aws:kms", KMSKey: "arn:aws:kms:us-east-1:111122223333:key/other"}, doCopy, ""},
		{"the key by ARN", object{SSE: "aws:kms", KMSKey: key}, underKey, ""},
		{"the key by ID", object{SSE: "aws:kms", KMSKey: "1111aaaa-2222-3333-4444-555566667777"}, underKey, ""},
		{"same ID, other account", object{SSE: "aws:kms", KMSKey: "arn:aws:kms:us-east-1:999999999999:key/1111aaaa-2222-3333-4444-555566667777"}, doCopy, ""},
		{"SSE-C", object{SSE: "sse-c"}, doSkip, "SSE-C"},
		{"glacier", object{SSE: "AES256", StorageClass: "GLACIER"}, doSkip, "not restored"},
		{"glacier restored", object{SSE: "AES256", StorageClass: "GLACIER", Restore: `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`}, doCopy, ""},
		{"glacier restoring", object{SSE: "AES256", StorageClass: "DEEP_ARCHIVE", Restore: `ongoing-request="true"`}, doSkip, "not restored"},
		{"intelligent tiering archive", object{SSE: "AES256", StorageClass: "INTELLIGENT_TIERING", Archive: "DEEP_ARCHIVE_ACCESS"}, doSkip, "Intelligent-Tiering"},
	} {
		v, why := decide(&tc.o, key)
		if v != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("%s: %v %q, want %v %q", tc.name, v, why, tc.want, tc.why)
		}
	}
}

// TestNoChange: the engine refuses to build a copy S3 would reject.
func TestNoChange(t *testing.T) {
	o := &object{Key: "k", SSE: "aws:kms", KMSKey: key, BucketKey: true, StorageClass: "STANDARD_IA"}
	in := copyInput("b", o, Options{KeyARN: key, BucketKey: true}, nil)
	if c := changes(o, in); len(c) != 0 {
		t.Errorf("changes %v, want none", c)
	}
	o.BucketKey = false
	if c := changes(o, in); len(c) != 1 || c[0] != "bucket key" {
		t.Errorf("changes %v", c)
	}
	o.BucketKey, o.SSE = true, "AES256"
	if c := changes(o, in); len(c) != 1 || c[0] != "encryption" {
		t.Errorf("changes %v", c)
	}
	// The storage class is set from the HEAD: keeping it is not a change.
	if in.StorageClass != types.StorageClassStandardIa {
		t.Errorf("storage class %q not kept", in.StorageClass)
	}
	r := &run{opts: Options{KeyARN: key, BucketKey: true}}
	o.SSE = "aws:kms"
	if _, err := r.copy(t.Context(), o, nil); !errors.Is(err, ErrNoChange) {
		t.Errorf("copy of an unchanged object: %v", err)
	}
}

func TestPartSize(t *testing.T) {
	o := Options{}
	if got := o.partSize(6 << 30); got != 512<<20 {
		t.Errorf("6 GiB: %d", got)
	}
	if got := o.partSize(5 << 40); got != (5<<40+maxParts-1)/maxParts {
		t.Errorf("5 TiB: %d", got)
	}
	if got := (Options{PartSize: 1}).partSize(10); got != minPartSize {
		t.Errorf("tiny: %d", got)
	}
	if got := (Options{MultipartThreshold: 6 << 30}).threshold(); got != MaxCopySize {
		t.Errorf("threshold above 5 GiB: %d", got)
	}
}

func TestCopySource(t *testing.T) {
	if got := copySource("b", "dir/a b+c?.txt", ""); got != "b/dir/a%20b+c%3F.txt" {
		t.Errorf("got %s", got)
	}
	if got := copySource("b", "k", "v 1"); got != "b/k?versionId=v+1" {
		t.Errorf("got %s", got)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want errClass
	}{
		{&smithy.GenericAPIError{Code: "SlowDown"}, retryable},
		{&smithy.GenericAPIError{Code: "PreconditionFailed"}, changed},
		{&smithy.GenericAPIError{Code: "NoSuchKey"}, gone},
		{&smithy.GenericAPIError{Code: "AccessDenied"}, permanent},
		{errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer"), retryable},
		{errors.New("unexpected EOF"), retryable},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestJournal: a journal survives a torn last line, refuses other runs'
// options, and compacts without losing counts or open work.
func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt")
	o := Options{Bucket: "b", KeyARN: key, Apply: true}
	j, st, err := openJournal(path, o)
	if err != nil || st.found {
		t.Fatal(err, st.found)
	}
	for _, r := range []record{
		{Op: "done", Key: "a", Result: resCopied, Bytes: 10},
		{Op: "done", Key: "b", Result: resUnderKey},
		{Op: "mark", After: "b"},
		{Op: "intent", Key: "c", Version: "v1", Size: 5},
		{Op: "upload", Key: "d", UploadID: "u1"},
		{Op: "done", Key: "e", Result: resCopied, Bytes: 7},
	} {
		if err := j.append(r); err != nil {
			t.Fatal(err)
		}
	}
	j.close()
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"op":"done","k":"f","r":"cop`) // killed mid-write
	f.Close()
	j, st, err = openJournal(path, o)
	if err != nil {
		t.Fatal(err)
	}
	if st.after != "b" || !st.done["e"] || st.done["a"] || st.intents["c"].Version != "v1" || st.uploads["d"][0] != "u1" {
		t.Errorf("state %+v", st)
	}
	if st.counts.Copied != 2 || st.counts.Bytes != 17 || st.counts.UnderKey != 1 {
		t.Errorf("counts %+v", st.counts)
	}
	j.mu.Lock()
	err = j.compact()
	j.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	j.close()
	_, st2, err := openJournal(path, o)
	if err != nil {
		t.Fatal(err)
	}
	if st2.after != "b" || !st2.done["e"] || st2.intents["c"].Version != "v1" || st2.uploads["d"][0] != "u1" || st2.counts != st.counts {
		t.Errorf("after compaction %+v, counts %+v (want %+v)", st2, st2.counts, st.counts)
	}
	o.Apply = false
	if _, _, err := openJournal(path, o); err == nil || !strings.Contains(err.Error(), "another run") {
		t.Errorf("other options: %v", err)
	}
	_ = aws.String
}
