package reencrypt

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// The checkpoint is a journal: one JSON object per line, appended with one
// write each as things happen, so that a process killed at any moment
// leaves every event before the kill on disk (a torn last line is
// ignored). It is compacted when it grows.
//
//	{"op":"header","v":1,"bucket":"b","prefix":"","key_arn":"arn:...","apply":true}
//	{"op":"summary","after":"k0999","counts":{...}}   (after a compaction)
//	{"op":"intent","k":"k1000","ver":"v1","etag":"\"...\"","sz":123}
//	{"op":"upload","k":"big","upload":"id"}
//	{"op":"done","k":"k1000","r":"copied","b":123}
//	{"op":"mark","after":"k1000"}

const journalVersion = 1

type record struct {
	Op       string  `json:"op"`
	V        int     `json:"v,omitempty"`
	Bucket   string  `json:"bucket,omitempty"`
	Prefix   string  `json:"prefix,omitempty"`
	KeyARN   string  `json:"key_arn,omitempty"`
	Apply    bool    `json:"apply,omitempty"`
	Key      string  `json:"k,omitempty"`
	Version  string  `json:"ver,omitempty"`
	ETag     string  `json:"etag,omitempty"`
	UploadID string  `json:"upload,omitempty"`
	Result   string  `json:"r,omitempty"`
	Bytes    int64   `json:"b,omitempty"`
	Size     int64   `json:"sz,omitempty"`
	After    string  `json:"after,omitempty"`
	Counts   *Counts `json:"counts,omitempty"`
}

// Results of one object, as journalled.
const (
	resCopied   = "copied"
	resWould    = "would-copy"
	resUnderKey = "under-key"
	resSkipped  = "skipped"
	resFailed   = "failed"
	resGone     = "gone"
)

// intent is a copy that was sent (or about to be) for a key: if the run
// stops before the key is done, the next one must find out whether the
// copy happened.
type intent struct {
	Version string
	ETag    string
	Size    int64
	// copied is set once the copy is known to have happened.
	copied bool
}

// resumeState is what a journal says of an earlier run.
type resumeState struct {
	after   string
	done    map[string]bool
	intents map[string]intent
	uploads map[string][]string
	counts  Counts
	found   bool
	head    record
}

type journal struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	head    record
	written int
	st      *resumeState // live view: what compaction rewrites
}

// compactEvery is how many records trigger a compaction.
const compactEvery = 200000

// openJournal reads the journal at path (if any), checks it was written by
// a run with the same options, and opens it for appending.
func openJournal(path string, o Options) (*journal, *resumeState, error) {
	head := record{Op: "header", V: journalVersion, Bucket: o.Bucket, Prefix: o.Prefix, KeyARN: o.KeyARN, Apply: o.Apply}
	st, err := readJournal(path)
	if err != nil {
		return nil, nil, err
	}
	j := &journal{path: path, head: head, st: st}
	if st.found {
		if err := sameRun(path, st, head); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	j.f = f
	if !st.found {
		if err := j.append(head); err != nil {
			f.Close()
			return nil, nil, err
		}
		st.found = false
	}
	return j, st, nil
}

var errMismatch = errors.New("checkpoint belongs to another run")

func sameRun(path string, st *resumeState, want record) error {
	got := st.head
	if got.Bucket != want.Bucket || got.Prefix != want.Prefix || got.KeyARN != want.KeyARN || got.Apply != want.Apply {
		return fmt.Errorf("%s: %w (bucket %q, prefix %q, key %s, apply %v; this run: bucket %q, prefix %q, key %s, apply %v)\nhint: use the same options to resume, or remove the checkpoint file to start over",
			path, errMismatch, got.Bucket, got.Prefix, got.KeyARN, got.Apply, want.Bucket, want.Prefix, want.KeyARN, want.Apply)
	}
	return nil
}

func readJournal(path string) (*resumeState, error) {
	st := &resumeState{done: map[string]bool{}, intents: map[string]intent{}, uploads: map[string][]string{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// A torn last line from a kill: ignore it. Anything else
			// is damage.
			if !sc.Scan() {
				break
			}
			return nil, fmt.Errorf("%s:%d: not a checkpoint record: %v\nhint: remove the file to start over", path, line, err)
		}
		if line == 1 {
			if r.Op != "header" || r.V != journalVersion {
				return nil, fmt.Errorf("%s:1: not an s3front reencrypt checkpoint (version %d)\nhint: remove the file to start over", path, r.V)
			}
			st.head = r
			st.found = true
			continue
		}
		st.apply(r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return st, nil
}

// apply folds one record into the state.
func (st *resumeState) apply(r record) {
	switch r.Op {
	case "summary":
		st.after = r.After
		if r.Counts != nil {
			st.counts = *r.Counts
		}
	case "intent":
		st.intents[r.Key] = intent{Version: r.Version, ETag: r.ETag, Size: r.Size}
	case "upload":
		st.uploads[r.Key] = append(st.uploads[r.Key], r.UploadID)
	case "done":
		st.done[r.Key] = true
		delete(st.intents, r.Key)
		delete(st.uploads, r.Key)
		st.counts.add(r.Result, r.Bytes)
	case "mark":
		if r.After > st.after {
			st.after = r.After
			for k := range st.done {
				if k <= r.After {
					delete(st.done, k)
				}
			}
		}
	}
}

func (j *journal) append(r record) error {
	if j == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("checkpoint %s: %w", j.path, err)
	}
	if r.Op != "header" {
		j.st.apply(r)
	}
	j.written++
	if j.written >= compactEvery {
		return j.compact()
	}
	return nil
}

// compact rewrites the journal as a header, a summary and what is still
// open; the caller holds j.mu.
func (j *journal) compact() error {
	dir := filepath.Dir(j.path)
	tmp, err := os.CreateTemp(dir, ".reencrypt-checkpoint-*")
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", j.path, err)
	}
	w := bufio.NewWriter(tmp)
	enc := json.NewEncoder(w)
	counts := j.st.counts
	_ = enc.Encode(j.head)
	_ = enc.Encode(record{Op: "summary", After: j.st.after, Counts: &counts})
	// Keys done past the watermark must not count twice: their counts
	// are in the summary already, so they are written as a mark-less set.
	var done []string
	for k := range j.st.done {
		done = append(done, k)
	}
	sort.Strings(done)
	for _, k := range done {
		_ = enc.Encode(record{Op: "done", Key: k, Result: "carried"})
	}
	for k, in := range j.st.intents {
		_ = enc.Encode(record{Op: "intent", Key: k, Version: in.Version, ETag: in.ETag, Size: in.Size})
	}
	for k, ids := range j.st.uploads {
		for _, id := range ids {
			_ = enc.Encode(record{Op: "upload", Key: k, UploadID: id})
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	j.f.Close()
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	j.f = f
	j.written = 0
	return nil
}

func (j *journal) close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

var _ io.Closer = (*os.File)(nil)
