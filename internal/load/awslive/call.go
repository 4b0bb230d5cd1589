package awslive

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Stats counts the calls of a read.
type Stats struct {
	mu sync.Mutex
	// Calls counts operations (not retried attempts) by "service:Operation".
	Calls map[string]int `json:"calls"`
	// Failed counts operations that failed (denied, throttled, unreachable,
	// timed out), by "service:Operation".
	Failed map[string]int `json:"failed,omitempty"`
	// Accounts, Distributions, Buckets, Keys and Objects count what was read.
	Accounts      int           `json:"accounts"`
	Distributions int           `json:"distributions"`
	Buckets       int           `json:"buckets"`
	Keys          int           `json:"keys"`
	Objects       int           `json:"objects"`
	Wall          time.Duration `json:"wall_ns"`
	// BucketCalls, KeyCalls and SampleCalls are the calls spent per
	// resource: the most spent on one bucket (without its sample), on one
	// key, and on one bucket's sample.
	MaxBucketCalls int `json:"max_bucket_calls"`
	MaxKeyCalls    int `json:"max_key_calls"`
	MaxSampleCalls int `json:"max_sample_calls"`
}

func newStats() *Stats { return &Stats{Calls: map[string]int{}, Failed: map[string]int{}} }

// Total is the number of calls made.
func (s *Stats) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.Calls {
		n += c
	}
	return n
}

// ByService sums the calls per service, sorted by service name.
func (s *Stats) ByService() []ServiceCalls {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]*ServiceCalls{}
	for k, n := range s.Calls {
		svc, _, _ := strings.Cut(k, ":")
		sc := m[svc]
		if sc == nil {
			sc = &ServiceCalls{Service: svc}
			m[svc] = sc
		}
		sc.Calls += n
		sc.Failed += s.Failed[k]
	}
	out := make([]ServiceCalls, 0, len(m))
	for _, sc := range m {
		out = append(out, *sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// ServiceCalls is the call count of one service.
type ServiceCalls struct {
	Service string
	Calls   int
	Failed  int
}

func (s *Stats) count(service, op string, failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := service + ":" + op
	s.Calls[k]++
	if failed {
		s.Failed[k]++
	}
}

func (s *Stats) maxOf(field *int, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > *field {
		*field = n
	}
}

// failure is a call that did not answer.
type failure struct {
	Service, Op, Permission string
	// Subject is what the call was about (a bucket, a key, an account).
	Subject string
	Kind    failKind
	Code    string
	Err     error
}

type failKind int

const (
	failOther failKind = iota
	failDenied
	failThrottled
	failUnreachable
	failTimeout
	failNotFound
)

// what names the call, e.g. "s3:GetBucketPolicy of arn:aws:s3:::site".
func (f *failure) what() string {
	s := f.Service + ":" + f.Op
	if f.Subject != "" {
		s += " of " + f.Subject
	}
	return s
}

// why says what went wrong and what to do, naming the permission.
func (f *failure) why() string {
	perm := f.Permission
	switch f.Kind {
	case failDenied:
		return fmt.Sprintf("the call was denied (%s): allow %s to the scanning identity (docs/aws-permissions.md), or check SCPs and the resource's policy", f.Code, perm)
	case failThrottled:
		return fmt.Sprintf("the call was throttled (%s) and the SDK's retries ran out: run again later or with a lower --concurrency (needs %s)", f.Code, perm)
	case failUnreachable:
		return fmt.Sprintf("the endpoint could not be reached (%s): check the network, the Region and AWS_ENDPOINT_URL settings (needs %s)", short(f.Err), perm)
	case failTimeout:
		return fmt.Sprintf("the call timed out (%s): run again, or raise --timeout (needs %s)", short(f.Err), perm)
	case failNotFound:
		return fmt.Sprintf("the resource does not exist or is not visible to the scanning identity (%s)", f.Code)
	}
	if f.Code != "" {
		return fmt.Sprintf("the call failed (%s: %s) (needs %s)", f.Code, short(f.Err), perm)
	}
	return fmt.Sprintf("the call failed (%s) (needs %s)", short(f.Err), perm)
}

// missing is the text unknown values carry: it contains what() so
// unresolved-input findings can name the paths it leaves unknown.
func (f *failure) missing() string { return f.what() + " failed: " + f.kindWord() }

func (f *failure) kindWord() string {
	switch f.Kind {
	case failDenied:
		return "access denied (" + f.Permission + ")"
	case failThrottled:
		return "throttled"
	case failUnreachable:
		return "endpoint unreachable"
	case failTimeout:
		return "timed out"
	case failNotFound:
		return "not found"
	}
	return "error " + f.Code
}

func short(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s)-i > 8 {
		s = s[i+2:]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// classify turns an SDK error into a failure kind and error code.
// waitedOutThrottling reports whether the call's time ran out while the
// SDK's adaptive retryer was holding it back: its client-side rate limit
// only falls after throttling responses, so the call was throttled even
// though the last error is a deadline. The SDK wraps that wait's error
// without a type (aws/retry: "failed to get retry Send token" / "retry
// quota exceeded"), so its text is all there is to go on.
func waitedOutThrottling(err error) bool {
	var qe ratelimit.QuotaExceededError
	if errors.As(err, &qe) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "failed to get retry Send token") || strings.Contains(s, "failed to get rate limit token")
}

func classify(ctx context.Context, err error) (failKind, string) {
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case isDeniedCode(code) || (status == 403 && code == ""):
		if code == "" {
			code = "403"
		}
		return failDenied, code
	case isThrottleCode(code) || status == 429 || status == 503:
		if code == "" {
			code = fmt.Sprint(status)
		}
		return failThrottled, code
	case waitedOutThrottling(err) && ctx.Err() == nil:
		return failThrottled, "client-side rate limit after throttling"
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return failTimeout, "timeout"
	}
	var ne net.Error
	var oe *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &oe) || errors.As(err, &dnsErr) {
		return failUnreachable, "unreachable"
	}
	if errors.As(err, &ne) && ne.Timeout() {
		return failTimeout, "timeout"
	}
	var qe *retry.MaxAttemptsError
	if errors.As(err, &qe) && code == "" {
		return failUnreachable, "unreachable"
	}
	if status == 404 || strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, "NotFoundException") || code == "NotFound" {
		return failNotFound, code
	}
	if code == "" && status == 0 {
		return failUnreachable, "unreachable"
	}
	return failOther, code
}

func isDeniedCode(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
		"AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidClientTokenId", "UnrecognizedClientException":
		return true
	}
	return false
}

func isThrottleCode(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
		"SlowDown", "RequestThrottled", "EC2ThrottledException", "PriorRequestNotComplete", "BandwidthLimitExceeded",
		"ServiceUnavailable", "InternalError":
		return true
	}
	return false
}

// errCode returns the API error code of err, "" when it has none.
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// do runs one call under the concurrency bound and the call timeout,
// counts it, and classifies its error. absent lists the error codes that
// mean "not configured" (NoSuchBucketPolicy): they come back as
// (true, nil), not as failures.
func do[T any](ctx context.Context, r *reader, service, op, subject string, absent []string, fn func(context.Context) (T, error)) (out T, isAbsent bool, fail *failure) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		f := &failure{Service: service, Op: op, Permission: permission(service, op), Subject: subject, Kind: failTimeout, Code: "canceled", Err: ctx.Err()}
		return out, false, f
	}
	cctx, cancel := context.WithTimeout(ctx, r.opts.callTimeout())
	out, err := fn(cctx)
	cancel()
	<-r.sem
	if err == nil {
		r.stats.count(service, op, false)
		return out, false, nil
	}
	code := errCode(err)
	for _, a := range absent {
		if code == a {
			r.stats.count(service, op, false)
			return out, true, nil
		}
	}
	r.stats.count(service, op, true)
	kind, c := classify(ctx, err)
	f := &failure{Service: service, Op: op, Permission: permission(service, op), Subject: subject, Kind: kind, Code: c, Err: err}
	return out, false, f
}
