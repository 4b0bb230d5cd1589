package deploy_test

import (
	"net/http"
	"net/url"

	"github.com/s3front/s3front/internal/emulate/edgetest"
)

// edgeClient sends probes to the edge with the real host name as Host.
func edgeClient(e *edgetest.Env) *http.Client {
	u, _ := url.Parse(e.URL)
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		out := r.Clone(r.Context())
		out.Host = r.URL.Host
		out.URL.Scheme, out.URL.Host = u.Scheme, u.Host
		return http.DefaultTransport.RoundTrip(out)
	})}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
