// Package awsconfig builds the AWS SDK configuration of the commands that
// call AWS to change it (enforce, lambda): the standard credential chain
// or a profile, a Region, an optional role to assume, the SDK's buildable
// HTTP client (so AWS_CA_BUNDLE keeps working) with timeouts, and
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> honoured by the SDK.
package awsconfig

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options select the identity and the endpoints.
type Options struct {
	Profile     string
	Region      string
	RoleARN     string
	ExternalID  string
	SessionName string
	// MaxAttempts is the SDK's own attempts per call; 1 turns its retries
	// off (for callers that retry themselves); 0 means 5 (adaptive mode).
	MaxAttempts int
	// MaxConns bounds the connections per host; 0 means 64.
	MaxConns int
	// Timeout bounds each HTTP request; 0 means none (the caller's
	// context bounds it).
	Timeout time.Duration
	// DialContext replaces the dialer (tests that serve every host from
	// one local address).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Load returns the SDK configuration.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	conns := o.MaxConns
	if conns <= 0 {
		conns = 64
	}
	hc := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 10 * time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = 10 * time.Second
			t.MaxIdleConnsPerHost = conns
			if o.DialContext != nil {
				t.DialContext = o.DialContext
			}
		})
	if o.Timeout > 0 {
		hc = hc.WithTimeout(o.Timeout)
	}
	load := []func(*config.LoadOptions) error{config.WithHTTPClient(hc)}
	switch {
	case o.MaxAttempts == 1:
		load = append(load, config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }))
	default:
		attempts := o.MaxAttempts
		if attempts <= 0 {
			attempts = 5
		}
		load = append(load, config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, func(s *retry.StandardOptions) { s.MaxAttempts = attempts })
			})
		}))
	}
	if o.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if o.RoleARN != "" {
		session := o.SessionName
		if session == "" {
			session = "s3front"
		}
		p := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), o.RoleARN, func(a *stscreds.AssumeRoleOptions) {
			a.RoleSessionName = session
			if o.ExternalID != "" {
				a.ExternalID = aws.String(o.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(p)
	}
	return cfg, nil
}

// S3 returns an S3 client; path-style addressing when the endpoint
// (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL: the SDK has set BaseEndpoint
// from them when this runs) is an IP address or localhost, which have no
// bucket subdomains.
func S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.DisableLogOutputChecksumValidationSkipped = true
		if o.BaseEndpoint != nil {
			if u, err := url.Parse(*o.BaseEndpoint); err == nil && (net.ParseIP(u.Hostname()) != nil || u.Hostname() == "localhost") {
				o.UsePathStyle = true
			}
		}
	})
}
