package reencrypt

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"
)

// errClass says how to treat a failed call.
type errClass int

const (
	permanent errClass = iota
	retryable          // throttling, 5xx, network: try again
	changed            // 412 on a conditional copy: the object changed, look again
	gone               // 404: the object was deleted meanwhile
)

// throttleCodes are the error codes S3 and other AWS services answer when
// a caller should slow down.
var throttleCodes = map[string]bool{
	"SlowDown": true, "Throttling": true, "ThrottlingException": true,
	"RequestLimitExceeded": true, "TooManyRequestsException": true,
	"RequestThrottled": true, "ProvisionedThroughputExceededException": true,
	"ServiceUnavailable": true, "InternalError": true, "RequestTimeout": true,
	"RequestTimeoutException": true, "OperationAborted": true,
}

func classify(err error) errClass {
	if err == nil {
		return permanent
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case throttleCodes[code]:
			return retryable
		case code == "PreconditionFailed":
			return changed
		case code == "NoSuchKey" || code == "NotFound" || code == "NoSuchVersion":
			return gone
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == 412:
			return changed
		case s == 404:
			return gone
		case s == 429 || s >= 500:
			return retryable
		case s > 0:
			return permanent
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return retryable // one call's timeout; the run's own context is checked apart
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return retryable
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return retryable
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return retryable
	}
	msg := err.Error()
	for _, s := range []string{"connection reset", "broken pipe", "EOF", "connection refused", "timeout", "http2: server sent GOAWAY", "use of closed network connection"} {
		if strings.Contains(msg, s) {
			return retryable
		}
	}
	return permanent
}

// isThrottle reports whether err asks the caller to slow down.
func isThrottle(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && throttleCodes[ae.ErrorCode()] {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == 503 || re.HTTPStatusCode() == 429)
}

// pacer spaces calls: a token bucket when a rate is set, and exponential
// backoff with full jitter between retries.
type pacer struct {
	lim  *rate.Limiter
	base time.Duration
	max  time.Duration
	mu   sync.Mutex
	rnd  *rand.Rand
}

func newPacer(o Options) *pacer {
	p := &pacer{base: o.backoffBase(), max: o.backoffMax()}
	if o.Rate > 0 {
		burst := int(o.Rate)
		if burst < 1 {
			burst = 1
		}
		p.lim = rate.NewLimiter(rate.Limit(o.Rate), burst)
	}
	seed := uint64(o.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	p.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return p
}

// wait blocks until the rate allows another call.
func (p *pacer) wait(ctx context.Context) error {
	if p.lim == nil {
		return ctx.Err()
	}
	return p.lim.Wait(ctx)
}

// backoff sleeps before retry attempt n (1-based).
func (p *pacer) backoff(ctx context.Context, n int) error {
	d := p.base << min(n-1, 20)
	if d > p.max || d <= 0 {
		d = p.max
	}
	p.mu.Lock()
	d = time.Duration(p.rnd.Int64N(int64(d) + 1))
	p.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
