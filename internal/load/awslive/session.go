package awslive

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// baseConfig builds the SDK configuration of the caller: the standard
// credential chain (or a profile), the home Region, the SDK's adaptive
// retry mode and an HTTP client with timeouts. The client is the SDK's
// buildable one, so AWS_CA_BUNDLE and the SDK's own transport settings
// keep working; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are
// honoured by the SDK itself.
func baseConfig(ctx context.Context, o Options) (aws.Config, error) {
	hc := awshttp.NewBuildableClient().
		WithTimeout(o.callTimeout()).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 10 * time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = 10 * time.Second
			t.ResponseHeaderTimeout = o.callTimeout()
			t.MaxIdleConnsPerHost = o.concurrency()
			if o.DialContext != nil {
				t.DialContext = o.DialContext
			}
		})
	attempts := o.maxAttempts()
	load := []func(*config.LoadOptions) error{
		config.WithHTTPClient(hc),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, func(s *retry.StandardOptions) {
					s.MaxAttempts = attempts
					s.MaxBackoff = 5 * time.Second
				})
			})
		}),
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
		cfg = assume(cfg, o.RoleARN, o.ExternalID, o.SessionName)
	}
	return cfg, nil
}

// assume returns cfg with credentials of roleARN, assumed with cfg's
// credentials (cached and refreshed by the SDK).
func assume(cfg aws.Config, roleARN, externalID, session string) aws.Config {
	out := cfg.Copy()
	if session == "" {
		session = "s3front"
	}
	p := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), roleARN, func(a *stscreds.AssumeRoleOptions) {
		a.RoleSessionName = session
		if externalID != "" {
			a.ExternalID = aws.String(externalID)
		}
	})
	out.Credentials = aws.NewCredentialsCache(p)
	return out
}

// globalRegion is the Region CloudFront and other global services are
// called in, per partition.
func globalRegion(partition string) string {
	switch partition {
	case "aws-cn":
		return "cn-northwest-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// SDKConfig is the SDK configuration a live read with opts uses (the
// caller's credentials, Region, retries and timeouts): what
// `s3front fix --aws --apply` makes its changes with.
func SDKConfig(ctx context.Context, opts Options) (aws.Config, error) {
	return baseConfig(ctx, opts)
}
