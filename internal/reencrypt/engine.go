package reencrypt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

var keyARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)

// Run re-encrypts (with Apply) or counts (without) the objects of
// opts.Bucket that are not under opts.KeyARN. An error is returned when
// the run could not start or could not go on (listing failed after every
// retry, the checkpoint could not be written, ctx was cancelled); objects
// that failed one by one are counted in the result and the run goes on.
func Run(ctx context.Context, api S3, opts Options) (*Result, error) {
	if opts.Bucket == "" {
		return nil, errors.New("no bucket to re-encrypt")
	}
	if !keyARNPattern.MatchString(opts.KeyARN) {
		return nil, fmt.Errorf("key %q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)\nhint: resolve aliases and key IDs to the key ARN first (aws kms describe-key)", opts.KeyARN)
	}
	r := &run{api: api, opts: opts, pace: newPacer(opts), res: &Result{Bucket: opts.Bucket, KeyARN: opts.KeyARN, Apply: opts.Apply, Started: time.Now()}}
	if err := r.bucketFacts(ctx); err != nil {
		return nil, err
	}
	if opts.Checkpoint != "" {
		j, s, err := openJournal(opts.Checkpoint, opts)
		if err != nil {
			return nil, err
		}
		defer j.close()
		r.j = j
		if s.found {
			r.res.Resumed = true
			r.res.Counts = s.counts
			r.res.Carried = s.counts.Objects()
			r.after = s.after
			r.skip = make(map[string]bool, len(s.done))
			for k := range s.done {
				r.skip[k] = true
			}
			r.recovered = make(map[string]intent, len(s.intents))
			for k, in := range s.intents {
				r.recovered[k] = in
			}
			if err := r.abortOpen(ctx, s.uploads); err != nil {
				return nil, err
			}
		}
	}
	prog := startProgress(opts.Progress, r.progressLine)
	err := r.walk(ctx)
	prog.done()
	r.res.Elapsed = Duration(time.Since(r.res.Started))
	if err != nil {
		return r.res, err
	}
	return r.res, nil
}

type run struct {
	api  S3
	opts Options
	pace *pacer
	j    *journal

	versioned bool
	acls      bool

	after     string
	skip      map[string]bool
	recovered map[string]intent

	mu  sync.Mutex
	res *Result

	retries, throttled atomic.Int64
}

// bucketFacts reads the bucket's versioning and Object Ownership.
func (r *run) bucketFacts(ctx context.Context) error {
	var v *s3.GetBucketVersioningOutput
	err := r.read(ctx, "GetBucketVersioning", func(c context.Context) (err error) {
		v, err = r.api.GetBucketVersioning(c, &s3.GetBucketVersioningInput{Bucket: aws.String(r.opts.Bucket)})
		return err
	})
	if err != nil {
		return fmt.Errorf("bucket %s: s3:GetBucketVersioning: %w", r.opts.Bucket, err)
	}
	r.res.Versioning = string(v.Status)
	r.versioned = v.Status != ""
	var oc *s3.GetBucketOwnershipControlsOutput
	err = r.read(ctx, "GetBucketOwnershipControls", func(c context.Context) (err error) {
		oc, err = r.api.GetBucketOwnershipControls(c, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(r.opts.Bucket)})
		return err
	})
	var ae smithy.APIError
	switch {
	case err == nil:
		r.acls = true
		if oc.OwnershipControls != nil {
			for _, rule := range oc.OwnershipControls.Rules {
				if rule.ObjectOwnership == types.ObjectOwnershipBucketOwnerEnforced {
					r.acls = false
				}
			}
		}
	case errors.As(err, &ae) && ae.ErrorCode() == "OwnershipControlsNotFoundError":
		r.acls = true // a bucket from before Object Ownership: ACLs are on
	default:
		return fmt.Errorf("bucket %s: s3:GetBucketOwnershipControls: %w\nhint: the run needs it to know whether object ACLs must be kept", r.opts.Bucket, err)
	}
	r.res.ACLs = r.acls
	return nil
}

// window tracks the keys handed out in listing order, so the journal can
// record the last key before which everything is done.
type window struct {
	mu     sync.Mutex
	keys   []string
	done   map[string]bool
	after  string
	popped int
}

func (w *window) push(k string) {
	w.mu.Lock()
	w.keys = append(w.keys, k)
	w.mu.Unlock()
}

// finish marks k done and returns the new watermark when it moved, with
// how many keys are done below it.
func (w *window) finish(k string) (string, int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done[k] = true
	moved := false
	for len(w.keys) > 0 && w.done[w.keys[0]] {
		delete(w.done, w.keys[0])
		w.after = w.keys[0]
		w.keys = w.keys[1:]
		w.popped++
		moved = true
	}
	return w.after, w.popped, moved
}

// walk lists the bucket and hands every key to the workers.
func (r *run) walk(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan string, r.opts.concurrency()*4)
	win := &window{done: map[string]bool{}, after: r.after}
	var lastMark atomic.Value
	lastMark.Store(time.Now())
	var wg sync.WaitGroup
	for range r.opts.concurrency() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				res, n, why := r.process(ctx, k)
				if ctx.Err() != nil && res == resFailed {
					return // stopping: leave the key undone for the next run
				}
				r.record(k, res, n, why)
				if err := r.j.append(record{Op: "done", Key: k, Result: res, Bytes: n}); err != nil {
					cancel(err)
					return
				}
				after, popped, moved := win.finish(k)
				if moved && r.j != nil && (popped%1000 == 0 || time.Since(lastMark.Load().(time.Time)) > 2*time.Second) {
					lastMark.Store(time.Now())
					if err := r.j.append(record{Op: "mark", After: after}); err != nil {
						cancel(err)
						return
					}
				}
			}
		}()
	}
	listErr := r.list(ctx, func(k string) bool {
		if r.skip[k] {
			return true
		}
		win.push(k)
		select {
		case jobs <- k:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(jobs)
	wg.Wait()
	if listErr == nil && r.j != nil && ctx.Err() == nil {
		win.mu.Lock()
		after := win.after
		win.mu.Unlock()
		_ = r.j.append(record{Op: "mark", After: after})
	}
	r.res.Retries = r.retries.Load()
	r.res.Throttled = r.throttled.Load()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if listErr != nil {
		return listErr
	}
	return ctx.Err()
}

// list pages through ListObjectsV2 from the watermark.
func (r *run) list(ctx context.Context, each func(string) bool) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(r.opts.Bucket)}
	if r.opts.Prefix != "" {
		in.Prefix = aws.String(r.opts.Prefix)
	}
	if r.after != "" {
		in.StartAfter = aws.String(r.after)
	}
	for {
		var out *s3.ListObjectsV2Output
		err := r.read(ctx, "ListObjectsV2", func(c context.Context) (err error) {
			out, err = r.api.ListObjectsV2(c, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("bucket %s: s3:ListObjectsV2: %w", r.opts.Bucket, err)
		}
		for _, o := range out.Contents {
			if !each(aws.ToString(o.Key)) {
				return ctx.Err()
			}
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			return nil
		}
		in.ContinuationToken = out.NextContinuationToken
		in.StartAfter = nil
	}
}

// read runs an idempotent call with retries.
func (r *run) read(ctx context.Context, what string, call func(context.Context) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		if err := r.pace.wait(ctx); err != nil {
			return err
		}
		c, cancel := context.WithTimeout(ctx, r.opts.callTimeout())
		err = call(c)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if classify(err) != retryable || attempt >= r.opts.retries() {
			return err
		}
		r.retries.Add(1)
		if isThrottle(err) {
			r.throttled.Add(1)
		}
		if err := r.pace.backoff(ctx, attempt+1); err != nil {
			return err
		}
	}
}

// write runs one mutating call once (no retry: the caller looks at the
// object again before trying anything else).
func (r *run) write(ctx context.Context, timeout time.Duration, call func(context.Context) error) error {
	if err := r.pace.wait(ctx); err != nil {
		return err
	}
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return call(c)
}

func (r *run) record(k, res string, n int64, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Counts.add(res, n)
	if why != "" && len(r.res.Problems) < maxProblems {
		r.res.Problems = append(r.res.Problems, Problem{Key: k, Result: res, Reason: why})
	}
	if why != "" && r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, "%s: %s: %s\n", k, res, why)
	}
}

func (r *run) count(f func(*Result)) {
	r.mu.Lock()
	f(r.res)
	r.mu.Unlock()
}

func (r *run) progressLine() string {
	r.mu.Lock()
	c := r.res.Counts
	r.mu.Unlock()
	el := time.Since(r.res.Started).Seconds()
	done := c.Objects() - r.res.Carried
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	verb, n := "copied", c.Copied
	if !r.opts.Apply {
		verb, n = "would copy", c.Would
	}
	return fmt.Sprintf("%s: %d objects · %s %d (%s) · under the key %d · skipped %d · failed %d · retries %d · %.0f obj/s",
		r.opts.Bucket, c.Objects(), verb, n, Bytes(c.Bytes), c.UnderKey, c.Skipped, c.Failed, r.retries.Load(), rate)
}
