// Package awstest runs the AWS side of s3front's live-read tests: a
// moto_server on a free 127.0.0.1 port, behind a proxy that routes
// CloudFront calls to an emulator (or any handler), recognises every call
// by service and operation, counts it, and injects faults (a denied call,
// throttling, a stall) on request.
//
// moto proves only that s3front reads real API shapes: it gives every
// object and bucket the same owner and enforces no policy. Ownership and
// error behaviour are tested with recorded responses served through
// [Env.Inject].
package awstest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/s3front/s3front/internal/motoserver"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Account is the account moto and the emulator answer for.
const Account = "123456789012"

// Op is one recognised call.
type Op struct {
	Service   string // sts, s3, s3control, kms, organizations, cloudfront
	Operation string // GetBucketPolicy, DescribeKey, ...
	Bucket    string // S3 only
	Key       string // S3 object calls only
}

func (o Op) String() string { return o.Service + ":" + o.Operation }

// Fault answers matching calls instead of the backend.
type Fault struct {
	// Match selects the calls; nil matches every call.
	Match func(Op) bool
	// Times limits how many calls are answered (0: all).
	Times int
	// Respond writes the answer. Use Error, Stall or a recorded body.
	Respond func(w http.ResponseWriter, r *http.Request, op Op)
	used    int
}

// Env is a running moto_server behind the proxy.
type Env struct {
	// URL is the endpoint to give the SDK (AWS_ENDPOINT_URL).
	URL   string
	moto  string
	proxy *httptest.Server
	cf    http.Handler

	mu     sync.Mutex
	routes map[string]http.Handler
	faults []*Fault
	calls  map[string]int
}

// Start starts moto_server and the proxy; they stop when the test ends.
// cloudfront serves CloudFront's API (the emulator); nil routes CloudFront
// calls to moto. Without moto_server the test is skipped, or fails under
// CI=true.
func Start(t testing.TB, cloudfront http.Handler) *Env {
	t.Helper()
	moto := motoserver.Start(t)
	e := &Env{moto: moto, cf: cloudfront, calls: map[string]int{}}
	target, _ := url.Parse(moto)
	rp := httputil.NewSingleHostReverseProxy(target)
	e.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		op := Identify(r, body)
		e.mu.Lock()
		e.calls[op.String()]++
		var f *Fault
		for _, x := range e.faults {
			if (x.Match == nil || x.Match(op)) && (x.Times == 0 || x.used < x.Times) {
				x.used++
				f = x
				break
			}
		}
		e.mu.Unlock()
		if f != nil {
			f.Respond(w, r, op)
			return
		}
		e.mu.Lock()
		h := e.routes[op.Service]
		e.mu.Unlock()
		if h != nil {
			h.ServeHTTP(w, r)
			return
		}
		if op.Service == "cloudfront" && e.cf != nil {
			e.cf.ServeHTTP(w, r)
			return
		}
		// The SDK addresses some buckets (names with dots) in the host
		// name even for an IP endpoint: moto gets them path-style.
		if host, _, err := net.SplitHostPort(r.Host); err == nil && op.Service == "s3" && strings.HasSuffix(host, ".127.0.0.1") {
			r.URL.Path = "/" + strings.TrimSuffix(host, ".127.0.0.1") + r.URL.Path
			r.URL.RawPath = ""
		}
		r.Host = target.Host
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(e.proxy.Close)
	e.URL = e.proxy.URL
	return e
}

// Env sets the environment of the SDK to use the proxy with test
// credentials, for the rest of the test.
func (e *Env) Env(t testing.TB) {
	t.Setenv("AWS_ENDPOINT_URL", e.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Dial connects to 127.0.0.1 on the port of addr, whatever its host:
// s3control prefixes the account ID to the endpoint's host name.
func Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
}

// Reset empties moto's state, clears the faults and the call counts.
func (e *Env) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(e.moto+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e.mu.Lock()
	e.faults = nil
	e.calls = map[string]int{}
	e.mu.Unlock()
}

// Route sends every call of service to h instead of moto.
func (e *Env) Route(service string, h http.Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.routes == nil {
		e.routes = map[string]http.Handler{}
	}
	e.routes[service] = h
}

// Inject adds a fault; faults are tried in the order given.
func (e *Env) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &f)
}

// ClearFaults removes every fault.
func (e *Env) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// Calls returns the calls the proxy saw, by "service:Operation".
func (e *Env) Calls() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.calls))
	for k, v := range e.calls {
		out[k] = v
	}
	return out
}

// Identify names the call r makes: the service from the SigV4 credential
// scope, the operation from the protocol (X-Amz-Target, Action, or the S3
// REST path and query).
func Identify(r *http.Request, body []byte) Op {
	svc := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			parts := strings.Split(strings.SplitN(auth[i+len("Credential="):], ",", 2)[0], "/")
			if len(parts) >= 4 {
				svc = parts[3]
			}
		}
	}
	if strings.HasPrefix(r.URL.Path, "/2020-05-31/") {
		svc = "cloudfront"
	}
	if strings.HasPrefix(r.URL.Path, "/v20180820/") {
		svc = "s3control"
	}
	op := Op{Service: svc}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		_, op.Operation, _ = strings.Cut(t, ".")
		return op
	}
	if svc == "sts" || svc == "iam" {
		v, _ := url.ParseQuery(string(body))
		op.Operation = v.Get("Action")
		return op
	}
	q := r.URL.Query()
	switch svc {
	case "s3control":
		if strings.HasSuffix(r.URL.Path, "/configuration/publicAccessBlock") {
			op.Operation = map[string]string{"GET": "GetPublicAccessBlock", "PUT": "PutPublicAccessBlock", "DELETE": "DeletePublicAccessBlock"}[r.Method]
		}
		return op
	case "cloudfront":
		op.Operation = r.Method + " " + strings.TrimPrefix(r.URL.Path, "/2020-05-31")
		switch {
		case r.Method == "GET" && r.URL.Path == "/2020-05-31/distribution":
			op.Operation = "ListDistributions"
		case r.Method == "GET" && r.URL.Path == "/2020-05-31/origin-access-control":
			op.Operation = "ListOriginAccessControls"
		case r.Method == "GET" && r.URL.Path == "/2020-05-31/origin-access-identity/cloudfront":
			op.Operation = "ListCloudFrontOriginAccessIdentities"
		case r.Method == "GET" && r.URL.Path == "/2020-05-31/cache-policy":
			op.Operation = "ListCachePolicies"
		case r.Method == "GET" && r.URL.Path == "/2020-05-31/origin-request-policy":
			op.Operation = "ListOriginRequestPolicies"
		}
		return op
	}
	// S3, path style: /bucket/key?sub (a bucket in the host name is
	// moved into the path first)
	path := strings.TrimPrefix(r.URL.Path, "/")
	if host, _, err := net.SplitHostPort(r.Host); err == nil && strings.HasSuffix(host, ".127.0.0.1") {
		path = strings.TrimSuffix(host, ".127.0.0.1") + "/" + path
	}
	op.Bucket, op.Key, _ = strings.Cut(path, "/")
	if op.Service == "" {
		op.Service = "s3"
	}
	has := func(k string) bool { _, ok := q[k]; return ok }
	switch {
	case op.Bucket == "" && r.Method == "GET":
		op.Operation = "ListBuckets"
	case op.Key != "" && r.Method == "HEAD":
		op.Operation = "HeadObject"
	case op.Key != "" && r.Method == "GET" && has("acl"):
		op.Operation = "GetObjectAcl"
	case op.Key != "":
		op.Operation = map[string]string{"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject"}[r.Method]
	case r.Method == "GET" && has("list-type"):
		op.Operation = "ListObjectsV2"
	case r.Method == "GET":
		for _, s := range []struct{ q, op string }{{"location", "GetBucketLocation"}, {"policy", "GetBucketPolicy"}, {"encryption", "GetBucketEncryption"},
			{"ownershipControls", "GetBucketOwnershipControls"}, {"publicAccessBlock", "GetPublicAccessBlock"}, {"acl", "GetBucketAcl"},
			{"website", "GetBucketWebsite"}, {"requestPayment", "GetBucketRequestPayment"}, {"versioning", "GetBucketVersioning"}, {"object-lock", "GetObjectLockConfiguration"}} {
			if has(s.q) {
				op.Operation = s.op
				return op
			}
		}
		op.Operation = "ListObjects"
	default:
		op.Operation = r.Method + " bucket"
	}
	return op
}

// Error answers with an AWS error in the call's protocol.
func Error(status int, code, message string) func(http.ResponseWriter, *http.Request, Op) {
	return func(w http.ResponseWriter, r *http.Request, op Op) {
		switch op.Service {
		case "kms", "organizations":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("X-Amzn-Errortype", code)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, message)
		case "sts", "cloudfront", "s3control":
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(status)
			fmt.Fprintf(w, `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>test</RequestId></ErrorResponse>`, code, message)
		default:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(status)
			if r.Method == "HEAD" {
				return
			}
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>test</RequestId></Error>`, code, message)
		}
	}
}

// Denied answers AccessDenied (AccessDeniedException for JSON services).
func Denied(w http.ResponseWriter, r *http.Request, op Op) {
	code := "AccessDenied"
	if op.Service == "kms" || op.Service == "organizations" {
		code = "AccessDeniedException"
	}
	Error(403, code, "User: arn:aws:iam::"+Account+":user/scanner is not authorized to perform this operation")(w, r, op)
}

// Throttled answers 503 SlowDown for S3, a ThrottlingException elsewhere.
func Throttled(w http.ResponseWriter, r *http.Request, op Op) {
	switch op.Service {
	case "s3":
		Error(503, "SlowDown", "Please reduce your request rate.")(w, r, op)
	case "kms":
		Error(400, "ThrottlingException", "Rate exceeded")(w, r, op)
	default:
		Error(400, "Throttling", "Rate exceeded")(w, r, op)
	}
}

// Hangup closes the connection without an answer.
func Hangup(w http.ResponseWriter, r *http.Request, op Op) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(errors.New("awstest: cannot hijack"))
	}
	c, _, err := hj.Hijack()
	if err == nil {
		c.Close()
	}
}

// Stall waits for d (or the client to go away) before answering 500.
func Stall(d time.Duration) func(http.ResponseWriter, *http.Request, Op) {
	return func(w http.ResponseWriter, r *http.Request, op Op) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(500)
	}
}

// XML answers 200 with a recorded XML body.
func XML(body string) func(http.ResponseWriter, *http.Request, Op) {
	return func(w http.ResponseWriter, r *http.Request, op Op) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(200)
		_, _ = bufio.NewWriter(w).WriteString("")
		_, _ = io.WriteString(w, body)
	}
}
