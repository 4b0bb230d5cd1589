package modsrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a [Client].
type Options struct {
	// CacheDir holds fetched packages; "" means [DefaultCacheDir].
	CacheDir string
	// Offline forbids every network access: modules come from the cache
	// only, and one that is not there is an error wrapping [ErrNotCached].
	Offline bool
	// Env is the environment, in os.Environ form, for TF_TOKEN_* and the
	// Terraform CLI configuration (TF_CLI_CONFIG_FILE, HOME); nil means
	// none: no credentials and no CLI configuration.
	Env []string
	// HTTPClient makes the requests; nil means a client with timeouts.
	HTTPClient *http.Client
	// Git is the git program; "" means "git" on PATH.
	Git string
	// Timeout bounds the fetch of one package (a clone, a download and
	// extraction); 0 means 5 minutes. RequestTimeout bounds one registry
	// request; 0 means 10 seconds, as Terraform.
	Timeout, RequestTimeout time.Duration
	// Limits cap downloads and package trees; zero fields take defaults.
	Limits Limits
	// Log receives one line per download and per fallback to the cache;
	// nil discards them.
	Log io.Writer
	// Now is the clock for cache records; nil means time.Now.
	Now func() time.Time
}

// Limits cap what one package may cost.
type Limits struct {
	// MaxDownload caps an archive's size in bytes (default 128 MiB).
	MaxDownload int64
	// MaxTree caps the bytes of a package tree (default 512 MiB).
	MaxTree int64
	// MaxEntries caps the files, directories and links of a package
	// (default 50,000).
	MaxEntries int
}

func (l Limits) withDefaults() Limits {
	if l.MaxDownload <= 0 {
		l.MaxDownload = 128 << 20
	}
	if l.MaxTree <= 0 {
		l.MaxTree = 512 << 20
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = 50000
	}
	return l
}

// Request is one module call to fetch.
type Request struct {
	// Source is the call's source argument; Version its version argument
	// (a constraint; registry sources only).
	Source, Version string
}

// Module is a fetched module.
type Module struct {
	// FS is the package tree (read-only; it holds no link leading out).
	FS fs.FS
	// Path is the package's directory on disk.
	Path string
	// Dir is the module's directory inside the package ("." or a
	// subdirectory).
	Dir string
	// Display names the package in positions and messages, e.g.
	// "registry.terraform.io/terraform-aws-modules/cloudfront/aws@4.1.0".
	Display string
	// Version is the registry version selected, or the git commit.
	Version string
	// Source is the parsed source address.
	Source Source
}

// Client fetches modules. It is safe for concurrent use; each package is
// fetched once per client.
type Client struct {
	opts    Options
	cache   cache
	tokens  map[string]string
	svc     map[string]map[string]string
	secrets []string
	http    *http.Client

	mu    sync.Mutex
	calls map[string]*call
	disco map[string]*call
}

type call struct {
	done chan struct{}
	val  any
	err  error
}

// New makes a client; the CLI configuration is read now. Problems with
// it (an unreadable file) are written to Options.Log and skipped.
func New(opts Options) (*Client, error) {
	if opts.CacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		opts.CacheDir = d
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Limits = opts.Limits.withDefaults()
	c := &Client{opts: opts, cache: cache{root: opts.CacheDir}, calls: map[string]*call{}, disco: map[string]*call{}}
	c.tokens = map[string]string{}
	c.svc = map[string]map[string]string{}
	if opts.Env != nil {
		cfg, warns := LoadCLIConfig(opts.Env)
		for h, t := range cfg.Tokens {
			c.tokens[h] = t
		}
		c.svc = cfg.Services
		for h, t := range envTokens(opts.Env) {
			c.tokens[h] = t // the environment wins, as in Terraform
		}
		for _, t := range cfg.Tokens {
			c.secrets = append(c.secrets, t)
		}
		for _, t := range c.tokens {
			c.secrets = append(c.secrets, t)
		}
		for _, w := range warns {
			c.logf("warning: %s (skipped)", c.scrub(w.Error()))
		}
	}
	sort.Slice(c.secrets, func(i, j int) bool { return len(c.secrets[i]) > len(c.secrets[j]) })
	c.http = opts.HTTPClient
	if c.http == nil {
		c.http = &http.Client{Timeout: opts.Timeout}
	}
	return c, nil
}

// CacheDir is the cache directory in use.
func (c *Client) CacheDir() string { return c.opts.CacheDir }

func (c *Client) logf(format string, args ...any) {
	if c.opts.Log == nil {
		return
	}
	fmt.Fprintf(c.opts.Log, "s3front: "+format+"\n", args...)
}

// scrub removes every known token from a message.
func (c *Client) scrub(s string) string {
	for _, t := range c.secrets {
		if len(t) >= 4 {
			s = strings.ReplaceAll(s, t, "[redacted]")
		}
	}
	return s
}

// once runs f once per key in the map m, concurrent callers waiting for
// the first.
func (c *Client) once(m map[string]*call, key string, f func() (any, error)) (any, error) {
	c.mu.Lock()
	if cl, ok := m[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.val, cl.err
	}
	cl := &call{done: make(chan struct{})}
	m[key] = cl
	c.mu.Unlock()
	defer close(cl.done)
	cl.val, cl.err = f()
	return cl.val, cl.err
}

// Fetch fetches the module a call names, from the cache when it is there
// (and, for registry constraints and git refs, still current), else from
// its server. Errors name the source (credentials removed) and say why.
func (c *Client) Fetch(ctx context.Context, req Request) (*Module, error) {
	m, err := c.fetch(ctx, req)
	if err != nil {
		return nil, &scrubbed{msg: c.scrub(err.Error()), err: err}
	}
	return m, nil
}

// scrubbed keeps ErrNotCached and ErrUnsupported visible through scrubbing.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

func (c *Client) fetch(ctx context.Context, req Request) (*Module, error) {
	src, err := ParseSource(req.Source)
	if err != nil {
		return nil, err
	}
	v, err := c.once(c.calls, "module\x00"+src.String()+"\x00"+req.Version, func() (any, error) {
		if src.Kind != Registry && strings.TrimSpace(req.Version) != "" {
			return nil, fmt.Errorf("a version constraint applies to registry modules only, and %q is a %s source: remove version, or pin with ?ref= for git", Redact(req.Source), src.Kind)
		}
		if src.Kind == Registry {
			return c.fetchRegistry(ctx, src, req.Version)
		}
		p, err := c.fetchPackage(ctx, src, 0, "")
		if err != nil {
			return nil, err
		}
		return c.module(p, src, src.Subdir, p.display, p.version)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Module), nil
}

// pkg is a package tree in the cache.
type pkg struct {
	dir     string
	display string
	version string
	subdir  string // a subdirectory the package's address itself named (X-Terraform-Get)
}

// module finds the module directory (which may be a glob, as go-getter
// allows) in a package.
func (c *Client) module(p *pkg, src Source, sub, display, ver string) (*Module, error) {
	dir := "."
	sub = joinSubdir(p.subdir, sub)
	if sub != "" {
		fsys := os.DirFS(p.dir)
		matches, err := fs.Glob(fsys, sub)
		if err != nil {
			return nil, fmt.Errorf("invalid subdirectory %q: %s", sub, errText(err))
		}
		var dirs []string
		for _, m := range matches {
			if st, err := fs.Stat(fsys, m); err == nil && st.IsDir() {
				dirs = append(dirs, m)
			}
		}
		switch len(dirs) {
		case 0:
			return nil, fmt.Errorf("the package %s has no subdirectory %q", display, sub)
		case 1:
			dir = dirs[0]
		default:
			return nil, fmt.Errorf("the subdirectory %q matches %d directories of the package %s", sub, len(dirs), display)
		}
	}
	return &Module{FS: os.DirFS(p.dir), Path: p.dir, Dir: dir, Display: display, Version: ver, Source: src}, nil
}

func joinSubdir(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return path.Join(a, b)
}

// fetchPackage brings a git or HTTP package into the cache. depth counts
// X-Terraform-Get indirections.
//
// label names what the package is for in the download line (a registry
// module and version), "" for the package itself.
func (c *Client) fetchPackage(ctx context.Context, src Source, depth int, label string) (*pkg, error) {
	if depth > 10 {
		return nil, fmt.Errorf("more than 10 X-Terraform-Get redirections, last to %s", Redact(src.String()))
	}
	key := src
	key.Subdir = ""
	v, err := c.once(c.calls, "pkg\x00"+key.String(), func() (any, error) {
		switch src.Kind {
		case Git:
			return c.fetchGit(ctx, key, label)
		case HTTP:
			if key.Archive != "" {
				return c.fetchArchive(ctx, key, label)
			}
			return c.fetchIndirect(ctx, key, depth, label)
		}
		return nil, fmt.Errorf("%s is not a package address", Redact(src.String()))
	})
	if err != nil {
		return nil, err
	}
	return v.(*pkg), nil
}

// unreachable marks errors that mean the server could not be asked (no
// route, refused, timed out, 5xx), after which the cache may answer.
type unreachable struct {
	err    error
	reason string // short: "connection refused", "answered 503 Service Unavailable"
}

func (e *unreachable) Error() string { return e.err.Error() }
func (e *unreachable) Unwrap() error { return e.err }

// unreachableReason is the short reason of an unreachable error.
func unreachableReason(err error) string {
	var u *unreachable
	if errors.As(err, &u) && u.reason != "" {
		return u.reason
	}
	return err.Error()
}

func isUnreachable(err error) bool {
	var u *unreachable
	return errors.As(err, &u)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// notCached builds the error for a package the cache lacks.
func (c *Client) notCached(what string) error {
	if c.opts.Offline {
		return fmt.Errorf("%s is %w and downloads are off (--offline): run once without --offline, or terraform init", what, ErrNotCached)
	}
	return fmt.Errorf("%s is %w", what, ErrNotCached)
}

func (c *Client) tempDir() (string, func(), error) {
	d, err := c.cache.tempDir()
	if err != nil {
		return "", nil, err
	}
	return d, func() { _ = os.RemoveAll(d) }, nil
}

// commitTree checks a fetched tree (links, size, entries) and moves it
// into the cache.
func (c *Client) commitTree(key, tree, display string) (string, error) {
	if err := checkTree(tree, c.opts.Limits); err != nil {
		return "", fmt.Errorf("package %s: %w", display, err)
	}
	return c.cache.commit(key, tree)
}

// fetching writes the download line.
func (c *Client) fetching(label, what string) {
	if label == "" {
		c.logf("fetching %s", what)
		return
	}
	c.logf("fetching %s from %s", label, what)
}

func (c *Client) now() time.Time { return c.opts.Now().UTC().Truncate(time.Second) }

// abs resolves the cache directory once for git, which runs elsewhere.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
