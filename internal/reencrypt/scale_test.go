package reencrypt_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/internal/s3test"
)

const childEnv = "S3FRONT_REENCRYPT_CHILD"

// childRun is what the parent hands the child process.
type childRun struct {
	Endpoint string
	Options  reencrypt.Options
}

// TestReencryptChild is the run the scale test kills: it does nothing
// unless started by that test.
func TestReencryptChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("started by TestTenThousandObjectsWithFaults only")
	}
	var c childRun
	if err := json.Unmarshal([]byte(spec), &c); err != nil {
		t.Fatal(err)
	}
	client := s3.NewFromConfig(s3test.Config(t, c.Endpoint), func(o *s3.Options) {
		o.UsePathStyle = true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	if _, err := reencrypt.Run(context.Background(), client, c.Options); err != nil {
		t.Fatal(err)
	}
}

// TestTenThousandObjectsWithFaults re-encrypts 10,000 objects (see n) across a
// versioned and an unversioned bucket while the proxy throttles (503
// SlowDown) and resets connections before and after S3 executes calls,
// kills the run on the versioned bucket with SIGKILL and resumes it from
// its checkpoint, then checks that no object was lost or changed except
// its encryption: content checksum, metadata, content headers, storage
// class, tags, and in the versioned bucket (old versions deleted) exactly
// one version per key.
func TestTenThousandObjectsWithFaults(t *testing.T) {
	// 5,000 objects per bucket under CI (CI=true) or with
	// S3FRONT_SCALE_TEST=full; 300 otherwise, so that a local go test
	// ./... on a shared machine stays short.
	n := 300
	if os.Getenv("CI") == "true" || os.Getenv("S3FRONT_SCALE_TEST") == "full" {
		n = 5000
	}
	e := newEnv(t)
	ctx := context.Background()
	key := e.key(t)
	other := e.key(t)
	buckets := []string{"scale-versioned", "scale-plain"}
	e.bucket(t, buckets[0], true, "")
	e.bucket(t, buckets[1], false, "")
	type obj struct{ bucket, key string }
	var objs []obj
	want := map[string]int{} // bucket -> objects to copy
	rnd := rand.New(rand.NewPCG(7, 8))
	start := time.Now()
	var puts []*s3.PutObjectInput
	for _, b := range buckets {
		for i := range n {
			k := fmt.Sprintf("site/%03d/obj-%05d.%s", i%97, i, []string{"html", "css", "js", "png"}[i%4])
			body := make([]byte, 64+rnd.IntN(1500))
			for j := range body {
				body[j] = byte(rnd.IntN(256))
			}
			in := &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: bytes.NewReader(body),
				ContentType: aws.String([]string{"text/html", "text/css", "text/javascript", "image/png"}[i%4]),
				Metadata:    map[string]string{"i": fmt.Sprint(i), "build": "2026-11"},
				Tagging:     aws.String(fmt.Sprintf("n=%d&bucket=%s", i, b))}
			if i%3 == 0 {
				in.CacheControl = aws.String("max-age=300")
			}
			if i%5 == 0 {
				in.ContentEncoding = aws.String("gzip")
			}
			if i%7 == 0 {
				in.StorageClass = types.StorageClassStandardIa
			}
			switch i % 10 {
			case 0: // already under the key
				in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String(key)
			case 1: // under another key
				in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String(other)
				want[b]++
			case 2:
				in.ServerSideEncryption = types.ServerSideEncryptionAes256
				want[b]++
			default:
				want[b]++
			}
			in.Body = bytes.NewReader(body)
			puts = append(puts, in)
			objs = append(objs, obj{b, k})
		}
	}
	// What each object is before the run: what was put (the content
	// checksum, headers, metadata and tags), confirmed by reading a sample
	// back, so the full read happens once, after the run.
	before := make([]snap, len(puts))
	for i, in := range puts {
		before[i] = expected(in)
	}
	parallel(t, len(puts), 16, func(i int) { put(t, e.direct, puts[i]) })
	for i := 0; i < len(objs); i += 97 {
		got := e.snapshot(t, objs[i].bucket, objs[i].key, false)
		kept(t, objs[i].key+" (as put)", before[i], got)
	}
	t.Logf("set up %d objects in %s", len(objs), time.Since(start).Round(time.Second))

	e.srv.SetRates(s3test.Rates{SlowDown: 0.02, ResetBefore: 0.01, ResetAfter: 0.01}, 42)
	dir := t.TempDir()

	// The versioned bucket: a child run, killed, then resumed here.
	ov := opts(buckets[0], key)
	ov.Apply, ov.DeleteOldVersions, ov.Concurrency = true, true, 16
	ov.Checkpoint = filepath.Join(dir, "versioned.ckpt")
	killAfter := n / 3
	spec, err := json.Marshal(childRun{Endpoint: e.srv.URL, Options: ov})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReencryptChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	var childOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for countDone(ov.Checkpoint) < killAfter {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("child did not reach %d objects:\n%s", killAfter, childOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if strings.Contains(childOut.String(), "PASS") {
		t.Fatalf("child finished before the kill:\n%s", childOut.String())
	}
	killedAt := countDone(ov.Checkpoint)
	t0 := time.Now()
	res, err := reencrypt.Run(ctx, e.s3, ov)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("versioned: killed after %d objects, resumed: %+v, deleted %d, retries %d, throttled %d, rechecked %d, in %s",
		killedAt, res.Counts, res.VersionsDeleted, res.Retries, res.Throttled, res.Rechecked, time.Since(t0).Round(time.Millisecond))
	if !res.Resumed || res.Carried < int64(killAfter) {
		t.Errorf("did not resume: resumed %v carried %d", res.Resumed, res.Carried)
	}
	if res.Copied != int64(want[buckets[0]]) || res.Objects() != int64(n) || res.Failed != 0 || res.Skipped != 0 {
		t.Errorf("versioned totals: %+v, want %d copied of %d (problems %v)", res.Counts, want[buckets[0]], n, res.Problems)
	}

	// The unversioned bucket, in one run under the same faults.
	op := opts(buckets[1], key)
	op.Apply, op.Concurrency = true, 16
	op.Checkpoint = filepath.Join(dir, "plain.ckpt")
	t0 = time.Now()
	res, err = reencrypt.Run(ctx, e.s3, op)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("unversioned: %+v, retries %d, throttled %d, rechecked %d, in %s", res.Counts, res.Retries, res.Throttled, res.Rechecked, time.Since(t0).Round(time.Millisecond))
	if res.Copied != int64(want[buckets[1]]) || res.Objects() != int64(n) || res.Failed != 0 {
		t.Errorf("unversioned totals: %+v, want %d copied of %d (problems %v)", res.Counts, want[buckets[1]], n, res.Problems)
	}
	fired := e.srv.Fired()
	t.Logf("faults injected: %v", fired)
	for _, k := range []string{s3test.SlowDown, s3test.ResetBefore, s3test.ResetAfter} {
		if fired[k] == 0 {
			t.Errorf("no %s fault was injected", k)
		}
	}
	if fired["NoChangeRejected"] != 0 {
		t.Errorf("%d copies that changed nothing were sent", fired["NoChangeRejected"])
	}
	e.srv.Clear()

	// Nothing lost, nothing changed but the encryption.
	var mu sync.Mutex
	bad := 0
	parallel(t, len(objs), 16, func(i int) {
		a := e.snapshot(t, objs[i].bucket, objs[i].key, false)
		b := before[i]
		ok := a.SSE == "aws:kms" && reencrypt.SameKey(a.KMSKey, key)
		a.SSE, a.KMSKey, b.SSE, b.KMSKey = "", "", "", ""
		if a != b || !ok {
			mu.Lock()
			if bad < 10 {
				t.Errorf("%s/%s: before %+v after %+v (under key %v)", objs[i].bucket, objs[i].key, b, a, ok)
			}
			bad++
			mu.Unlock()
		}
	})
	if bad > 0 {
		t.Fatalf("%d objects differ", bad)
	}
	all, err := e.direct.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(buckets[0])})
	if err != nil {
		t.Fatal(err)
	}
	count := len(all.Versions)
	for aws.ToBool(all.IsTruncated) {
		all, err = e.direct.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(buckets[0]), KeyMarker: all.NextKeyMarker, VersionIdMarker: all.NextVersionIdMarker})
		if err != nil {
			t.Fatal(err)
		}
		count += len(all.Versions)
	}
	if count != n {
		t.Errorf("versioned bucket holds %d versions of %d keys: old versions left or current ones deleted", count, n)
	}
}

func countDone(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"op":"done"`)) {
			n++
		}
	}
	return n
}

func parallel(t testing.TB, n, workers int, f func(int)) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// expected is the snapshot of an object put with in, before the put
// consumes its body.
func expected(in *s3.PutObjectInput) snap {
	r := in.Body.(*bytes.Reader)
	body := make([]byte, r.Len())
	_, _ = r.ReadAt(body, 0)
	sum := sha256.Sum256(body)
	var meta []string
	for k, v := range in.Metadata {
		meta = append(meta, k+"="+v)
	}
	sort.Strings(meta)
	vals, _ := url.ParseQuery(aws.ToString(in.Tagging))
	var tags []string
	for k, vs := range vals {
		for _, v := range vs {
			tags = append(tags, k+"="+v)
		}
	}
	sort.Strings(tags)
	sc := string(in.StorageClass) // S3 reports STANDARD as none
	return snap{Sum: hex.EncodeToString(sum[:]), Size: int64(len(body)), ContentType: aws.ToString(in.ContentType),
		CacheControl: aws.ToString(in.CacheControl), ContentEncoding: aws.ToString(in.ContentEncoding),
		Meta: strings.Join(meta, ","), Tags: strings.Join(tags, "&"), StorageClass: sc}
}
