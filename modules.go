package s3front

import (
	"context"
	"io"
	"sync"

	"github.com/s3front/s3front/internal/load/modsrc"
)

// ModuleOptions configure the fetcher of remote Terraform modules made by
// [NewModuleFetcher].
type ModuleOptions struct {
	// Offline turns downloading off: modules come from the cache only
	// (fetched by an earlier run), and the others are not evaluated (the
	// check lists them as incomplete).
	Offline bool
	// CacheDir is where fetched packages are kept and reused across
	// runs; "" means os.UserCacheDir()/s3front/modules.
	CacheDir string
	// Env is the environment (os.Environ form) read for registry
	// credentials (TF_TOKEN_<host>) and the Terraform CLI configuration
	// (TF_CLI_CONFIG_FILE, ~/.terraformrc, ~/.terraform.d: credentials and
	// host blocks); nil: none.
	Env []string
	// Log receives a line per download and per fallback to the cache
	// (a server that could not be reached); nil: nothing.
	Log io.Writer
}

// NewModuleFetcher returns a [ModuleFetcher] that downloads remote modules
// as terraform init would — Terraform registry (service discovery,
// version constraints, X-Terraform-Get), git (https, ssh, file; ?ref=,
// //subdir) and https archives — into a cache reused across runs. It is
// safe for concurrent use; each package is fetched once. Failures (an
// unknown host, a missing version, an unsupported source such as s3::)
// come back as errors naming the source, which the loader reports as
// unresolved input, never as a failed load.
func NewModuleFetcher(opts ModuleOptions) ModuleFetcher {
	return &moduleFetcher{opts: opts}
}

type moduleFetcher struct {
	opts   ModuleOptions
	once   sync.Once
	client *modsrc.Client
	err    error
}

func (f *moduleFetcher) FetchModule(ctx context.Context, req ModuleRequest) (*FetchedModule, error) {
	f.once.Do(func() {
		f.client, f.err = modsrc.New(modsrc.Options{CacheDir: f.opts.CacheDir, Offline: f.opts.Offline, Env: f.opts.Env, Log: f.opts.Log})
	})
	if f.err != nil {
		return nil, f.err
	}
	m, err := f.client.Fetch(ctx, modsrc.Request{Source: req.Source, Version: req.Version})
	if err != nil {
		return nil, err
	}
	return &FetchedModule{FS: m.FS, Dir: m.Dir, Display: m.Display, Version: m.Version}, nil
}
