// Package edgetest runs s3front's local edge for tests: a moto_server on
// a free 127.0.0.1 port as storage, and the emulator (CloudFront API, S3,
// KMS and STS fronts, data plane) in front of it on another.
//
// Without moto_server the test is skipped, or fails under CI=true.
package edgetest

import (
	"context"
	"github.com/s3front/s3front/internal/motoserver"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/s3front/s3front/internal/emulate"
)

// Env is a running edge.
type Env struct {
	// URL is the edge's endpoint (every service, and the data plane).
	URL string
	// Moto is the storage backend's URL.
	Moto   string
	Server *emulate.Server
}

// Moto starts a moto_server for the test and returns its URL.
func Moto(t testing.TB) string { t.Helper(); return motoserver.Start(t) }

// FreePort returns a free 127.0.0.1 port.
func FreePort() (string, error) { return motoserver.FreePort() }

// Start starts moto and the edge in front of it; both stop when the test
// ends. opts.Storage is set by Start.
func Start(t testing.TB, opts emulate.Options) *Env {
	t.Helper()
	moto := Moto(t)
	opts.Storage = moto
	srv, err := emulate.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run, err := srv.Start(ctx, "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = run.Wait()
	})
	return &Env{URL: run.URL, Moto: moto, Server: srv}
}

// Config is an SDK configuration signing with the access key id (any
// secret), in us-east-1, sending every call to the edge.
func (e *Env) Config(t testing.TB, accessKey string) aws.Config {
	t.Helper()
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.DialContext = Dial
	})
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithHTTPClient(hc),
		config.WithBaseEndpoint(e.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKey, "secret", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
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
