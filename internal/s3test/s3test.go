// Package s3test runs what the S3 tests of s3front's enforcement commands
// need: a moto_server on a free 127.0.0.1 port behind a fault proxy that
// counts every S3 call, injects faults at random or on chosen calls
// (503 SlowDown, a connection reset before the request reaches S3, a
// connection reset after S3 executed it so its answer is lost), and
// enforces the S3 rules moto does not: a copy of an object onto itself
// that changes nothing is rejected with InvalidRequest, as S3 does.
//
// moto proves only that the calls have real API shapes and that data
// round-trips: it enforces no policy and its ETags stay MD5s under
// SSE-KMS.
package s3test

import (
	"bytes"
	"context"
	"fmt"
	"github.com/s3front/s3front/internal/motoserver"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Account is the account moto answers for.
const Account = "123456789012"

// Server is a moto_server behind the fault proxy.
type Server struct {
	// URL is the proxy's endpoint; Moto is moto's own, unproxied.
	URL  string
	Moto string

	mu     sync.Mutex
	faults []*Fault
	rates  Rates
	rnd    *rand.Rand
	calls  map[string]int
	fired  map[string]int
	proxy  *httptest.Server
	direct *http.Client
}

// Rates are probabilities (0..1) of random faults per S3 object call
// (HEAD, GET, PUT and copy, multipart and ACL calls); listing and bucket
// calls are left alone so the run can always make progress.
type Rates struct {
	SlowDown    float64 // answer 503 SlowDown without forwarding
	ResetBefore float64 // reset the connection without forwarding
	ResetAfter  float64 // forward, then reset instead of answering
}

// Fault answers chosen calls in place of moto.
type Fault struct {
	// Match selects calls by operation and key; nil matches all.
	Match func(op, key string) bool
	// Times limits how many calls it answers (0: all).
	Times int
	// Kind is SlowDown, ResetBefore or ResetAfter.
	Kind string
	used int
}

// Fault kinds.
const (
	SlowDown    = "SlowDown"
	ResetBefore = "ResetBefore"
	ResetAfter  = "ResetAfter"
)

// Start starts moto_server and the proxy; both stop when the test ends.
// Without moto_server the test is skipped, or fails under CI=true.
func Start(t testing.TB) *Server {
	t.Helper()
	moto := motoserver.Start(t)
	s := &Server{Moto: moto, calls: map[string]int{}, fired: map[string]int{}, rnd: rand.New(rand.NewPCG(1, 2)),
		direct: &http.Client{Timeout: time.Minute}}
	target, _ := url.Parse(moto)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up (a killed run) are expected
	s.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		op, key := Identify(r)
		kind := s.pick(op, key)
		s.mu.Lock()
		s.calls[op]++
		if kind != "" {
			s.fired[kind]++
		}
		s.mu.Unlock()
		switch kind {
		case SlowDown:
			s3Error(w, r, 503, "SlowDown", "Please reduce your request rate.")
			return
		case ResetBefore:
			reset(w)
			return
		}
		if op == "CopyObject" {
			if msg := s.selfCopyUnchanged(r); msg != "" {
				s.mu.Lock()
				s.fired["NoChangeRejected"]++
				s.mu.Unlock()
				s3Error(w, r, 400, "InvalidRequest", msg)
				return
			}
		}
		r.Host = target.Host
		r.Body = io.NopCloser(bytes.NewReader(body))
		if kind == ResetAfter {
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			reset(w)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(s.proxy.Close)
	s.URL = s.proxy.URL
	return s
}

// SetRates sets the random fault rates; Seed fixes their sequence.
func (s *Server) SetRates(r Rates, seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rates = r
	s.rnd = rand.New(rand.NewPCG(seed, seed+1))
}

// Inject adds a fault; faults are tried in the order given, before the
// random ones.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Clear removes every fault and zeroes the rates.
func (s *Server) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.rates = Rates{}
}

// Calls returns the calls the proxy saw by operation.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Fired returns how many faults of each kind were injected, and how many
// unchanged self-copies were rejected ("NoChangeRejected").
func (s *Server) Fired() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.fired {
		out[k] = v
	}
	return out
}

// ResetCounts zeroes the call and fault counts.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.fired = map[string]int{}
}

// objectOps are the calls random faults hit.
var objectOps = map[string]bool{
	"HeadObject": true, "GetObject": true, "PutObject": true, "CopyObject": true, "GetObjectTagging": true,
	"GetObjectAcl": true, "PutObjectAcl": true, "CreateMultipartUpload": true, "UploadPartCopy": true,
	"CompleteMultipartUpload": true, "DeleteObject": true,
}

func (s *Server) pick(op, key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if (f.Match == nil || f.Match(op, key)) && (f.Times == 0 || f.used < f.Times) {
			f.used++
			return f.Kind
		}
	}
	if !objectOps[op] {
		return ""
	}
	x := s.rnd.Float64()
	switch {
	case x < s.rates.SlowDown:
		return SlowDown
	case x < s.rates.SlowDown+s.rates.ResetBefore:
		return ResetBefore
	case x < s.rates.SlowDown+s.rates.ResetBefore+s.rates.ResetAfter:
		return ResetAfter
	}
	return ""
}

// Identify names an S3 call (path-style requests) and its object key.
func Identify(r *http.Request) (op, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	has := func(k string) bool { _, ok := q[k]; return ok }
	switch {
	case bucket == "":
		return "ListBuckets", ""
	case key != "" && r.Method == "HEAD":
		return "HeadObject", key
	case key != "" && has("uploadId") && r.Method == "PUT" && r.Header.Get("X-Amz-Copy-Source") != "":
		return "UploadPartCopy", key
	case key != "" && has("uploadId") && r.Method == "PUT":
		return "UploadPart", key
	case key != "" && has("uploadId") && r.Method == "POST":
		return "CompleteMultipartUpload", key
	case key != "" && has("uploadId") && r.Method == "DELETE":
		return "AbortMultipartUpload", key
	case key != "" && has("uploads") && r.Method == "POST":
		return "CreateMultipartUpload", key
	case key != "" && has("acl"):
		return map[string]string{"GET": "GetObjectAcl", "PUT": "PutObjectAcl"}[r.Method], key
	case key != "" && has("tagging"):
		return map[string]string{"GET": "GetObjectTagging", "PUT": "PutObjectTagging"}[r.Method], key
	case key != "" && r.Method == "PUT" && r.Header.Get("X-Amz-Copy-Source") != "":
		return "CopyObject", key
	case key != "":
		return map[string]string{"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject"}[r.Method], key
	case r.Method == "GET" && has("list-type"):
		return "ListObjectsV2", ""
	case r.Method == "GET" && has("versions"):
		return "ListObjectVersions", ""
	case r.Method == "GET" && has("versioning"):
		return "GetBucketVersioning", ""
	case r.Method == "GET" && has("ownershipControls"):
		return "GetBucketOwnershipControls", ""
	}
	return r.Method + " bucket", ""
}

// selfCopyUnchanged returns S3's message when r copies an object onto
// itself and changes nothing S3 counts as a change, "" otherwise.
func (s *Server) selfCopyUnchanged(r *http.Request) string {
	src, err := url.PathUnescape(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return ""
	}
	src, version, _ := strings.Cut(strings.TrimPrefix(src, "/"), "?versionId=")
	if src != strings.TrimPrefix(r.URL.Path, "/") {
		return ""
	}
	if strings.EqualFold(r.Header.Get("X-Amz-Metadata-Directive"), "REPLACE") {
		return ""
	}
	req, _ := http.NewRequest("HEAD", s.Moto+"/"+strings.TrimPrefix(r.URL.EscapedPath(), "/"), nil)
	if version != "" {
		req.URL.RawQuery = "versionId=" + url.QueryEscape(version)
	}
	// moto does not check signatures; any credentials do.
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := s.direct.Do(req)
	if err != nil {
		return ""
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return ""
	}
	h := resp.Header
	changed := false
	if sse := r.Header.Get("X-Amz-Server-Side-Encryption"); sse != "" {
		have := h.Get("X-Amz-Server-Side-Encryption")
		if sse != have {
			changed = true
		} else if k := r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"); k != "" && k != h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") {
			changed = true
		} else if bk := r.Header.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"); bk != "" && !strings.EqualFold(bk, orFalse(h.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"))) {
			changed = true
		}
	}
	if sc := r.Header.Get("X-Amz-Storage-Class"); sc != "" && sc != orStandard(h.Get("X-Amz-Storage-Class")) {
		changed = true
	}
	if wr := r.Header.Get("X-Amz-Website-Redirect-Location"); wr != "" && wr != h.Get("X-Amz-Website-Redirect-Location") {
		changed = true
	}
	if changed {
		return ""
	}
	return "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
}

func orFalse(s string) string {
	if s == "" {
		return "false"
	}
	return s
}

func orStandard(s string) string {
	if s == "" {
		return "STANDARD"
	}
	return s
}

func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method == "HEAD" {
		return
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>s3test</RequestId></Error>`, code, msg)
}

// reset closes the client's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	c, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// Config is an SDK configuration for endpoint (test credentials,
// us-east-1, the SDK's own retries off: callers retry themselves).
func Config(t testing.TB, endpoint string) aws.Config {
	t.Helper()
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.DialContext = Dial
		tr.MaxIdleConnsPerHost = 64
	})
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithHTTPClient(hc),
		config.WithBaseEndpoint(endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Dial connects to 127.0.0.1 on the port of addr, whatever its host
// (s3control prefixes the account ID to the endpoint's host name).
func Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
}
