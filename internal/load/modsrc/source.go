package modsrc

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the kind of a remote module source.
type Kind uint8

// Source kinds.
const (
	// Registry is a module registry address: host/namespace/name/provider.
	Registry Kind = iota + 1
	// Git is a git repository cloned by the git program.
	Git
	// HTTP is an https (or http) URL: an archive, or a page that answers
	// with X-Terraform-Get.
	HTTP
)

func (k Kind) String() string {
	switch k {
	case Registry:
		return "registry"
	case Git:
		return "git"
	case HTTP:
		return "http"
	}
	return "unknown"
}

// DefaultRegistryHost is the host of registry addresses that name none.
const DefaultRegistryHost = "registry.terraform.io"

// Source is a parsed remote module source address, normalised the way
// Terraform normalises it (shorthands expanded, subdirectory split off).
type Source struct {
	Kind Kind
	// Registry addresses: the host (lower case, with a port if given),
	// namespace, module name and target system (provider).
	Host, Namespace, Name, Provider string
	// Git and HTTP: the address of the package, as given to git or
	// requested, without the parameters s3front interprets.
	URL string
	// Git: the ref to check out (?ref=) and the clone depth (?depth=).
	Ref   string
	Depth int
	// HTTP: the archive format (tar.gz, zip, …), "" when the URL is
	// expected to answer with X-Terraform-Get; Checksum is the expected
	// digest of the archive (?checksum=type:hex).
	Archive  string
	Checksum string
	// Subdir is the module's directory inside the package ("" for its
	// root), cleaned; it may hold glob characters, as go-getter allows.
	Subdir string
}

// ErrUnsupported is wrapped by errors about sources s3front cannot fetch.
var ErrUnsupported = errors.New("unsupported module source")

// ErrLocal is returned by [ParseSource] for a local path (./x, ../x).
var ErrLocal = errors.New("local module source")

var (
	registryNameRe   = regexp.MustCompile(`^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$`)
	registrySystemRe = regexp.MustCompile(`^[0-9a-z]{1,64}$`)
	hostRe           = regexp.MustCompile(`^[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?(?:\.[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)+(?::[0-9]{1,5})?$`)
	forcedRe         = regexp.MustCompile(`^([A-Za-z0-9]+)::(.+)$`)
	scpRe            = regexp.MustCompile(`^(?:([^@/]+)@)?([^:/]+):/?(.+)$`)
)

// IsLocal reports whether a source is a local path, which Terraform
// resolves relative to the calling module instead of fetching it.
func IsLocal(raw string) bool {
	for _, p := range []string{"./", "../", `.\`, `..\`} {
		if strings.HasPrefix(raw, p) {
			return true
		}
	}
	return false
}

// ParseSource parses a module call's source address as Terraform does:
// local paths first, then registry addresses, then remote package
// addresses with go-getter's shorthands (github.com/org/repo,
// git@host:path, forced getters such as git::).
func ParseSource(raw string) (Source, error) {
	if IsLocal(raw) {
		return Source{}, fmt.Errorf("%q: %w", raw, ErrLocal)
	}
	if raw == "" {
		return Source{}, errors.New("empty module source")
	}
	if s, err := parseRegistry(raw); err == nil {
		return s, nil
	}
	return parseRemote(raw)
}

func parseRegistry(raw string) (Source, error) {
	pkg, sub := splitSubdir(raw)
	sub, err := cleanSubdir(sub)
	if err != nil {
		return Source{}, err
	}
	parts := strings.Split(pkg, "/")
	if len(parts) != 3 && len(parts) != 4 {
		return Source{}, errors.New("a module registry address has three or four parts")
	}
	s := Source{Kind: Registry, Host: DefaultRegistryHost, Subdir: sub}
	if len(parts) == 4 {
		h := strings.ToLower(parts[0])
		if !hostRe.MatchString(h) {
			return Source{}, fmt.Errorf("invalid module registry host %q", parts[0])
		}
		if h == "github.com" || h == "bitbucket.org" {
			return Source{}, fmt.Errorf("%s is not a module registry", h)
		}
		s.Host = h
		parts = parts[1:]
	}
	if !registryNameRe.MatchString(parts[0]) || !registryNameRe.MatchString(parts[1]) || !registrySystemRe.MatchString(parts[2]) {
		return Source{}, errors.New("not a module registry address")
	}
	s.Namespace, s.Name, s.Provider = parts[0], parts[1], parts[2]
	return s, nil
}

// splitSubdir splits "pkg//sub?query" into "pkg?query" and "sub", as
// go-getter does: the first "//" after any "scheme://" and before the
// query.
func splitSubdir(src string) (pkg, sub string) {
	stop := len(src)
	if i := strings.Index(src, "?"); i >= 0 {
		stop = i
	}
	off := 0
	if i := strings.Index(src[:stop], "://"); i >= 0 {
		off = i + 3
	}
	i := strings.Index(src[off:stop], "//")
	if i < 0 {
		return src, ""
	}
	i += off
	sub = src[i+2:]
	pkg = src[:i]
	if q := strings.Index(sub, "?"); q >= 0 {
		pkg += sub[q:]
		sub = sub[:q]
	}
	return pkg, sub
}

func cleanSubdir(sub string) (string, error) {
	if sub == "" {
		return "", nil
	}
	c := path.Clean(strings.ReplaceAll(sub, `\`, "/"))
	if c == "." {
		return "", nil
	}
	if c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(c, "/") {
		return "", fmt.Errorf("subdirectory %q leads outside of the module package", sub)
	}
	return c, nil
}

func parseRemote(raw string) (Source, error) {
	forced := ""
	rest := raw
	if m := forcedRe.FindStringSubmatch(raw); m != nil {
		forced, rest = strings.ToLower(m[1]), m[2]
	}
	pkg, sub := splitSubdir(rest)
	if _, err := cleanSubdir(sub); err != nil {
		return Source{}, err
	}
	if u, err := url.Parse(pkg); err != nil || u.Scheme == "" || len(u.Scheme) == 1 {
		// Not a URL: go-getter's shorthands.
		detForced, addr, moreSub, err := detect(pkg)
		if err != nil {
			return Source{}, err
		}
		pkg = addr
		if forced == "" {
			forced = detForced
		}
		if moreSub != "" {
			if sub != "" {
				sub = moreSub + "/" + sub
			} else {
				sub = moreSub
			}
		}
	}
	sub, err := cleanSubdir(sub)
	if err != nil {
		return Source{}, err
	}
	u, err := url.Parse(pkg)
	if err != nil {
		return Source{}, fmt.Errorf("invalid module source %q: %s", Redact(raw), errText(err))
	}
	getter := forced
	if getter == "" {
		getter = strings.ToLower(u.Scheme)
	}
	switch getter {
	case "git":
		return gitSource(u, sub)
	case "http", "https":
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
			return Source{}, fmt.Errorf("%w %q: the http getter needs an http or https URL", ErrUnsupported, Redact(raw))
		}
		return httpSource(u, sub)
	case "s3", "gcs":
		return Source{}, fmt.Errorf("%w %q: %s:: sources need cloud credentials s3front does not use; run terraform init so that s3front reads .terraform/modules", ErrUnsupported, Redact(raw), getter)
	case "hg":
		return Source{}, fmt.Errorf("%w %q: Mercurial sources are not supported; run terraform init so that s3front reads .terraform/modules", ErrUnsupported, Redact(raw))
	case "file":
		return Source{}, fmt.Errorf("%w %q: absolute paths are not read; use a relative path (./ or ../) inside the repository", ErrUnsupported, Redact(raw))
	}
	return Source{}, fmt.Errorf("%w %q: no getter for %q", ErrUnsupported, Redact(raw), getter)
}

// detect expands go-getter's shorthands for an address that is not a URL.
// It returns a forced getter, the address and a subdirectory.
func detect(src string) (forced, addr, sub string, err error) {
	switch {
	case strings.HasPrefix(src, "github.com/"):
		p, q, _ := strings.Cut(src, "?")
		parts := strings.Split(p, "/")
		if len(parts) < 3 || parts[1] == "" || parts[2] == "" {
			return "", "", "", errors.New("GitHub sources are written github.com/owner/repo")
		}
		u := &url.URL{Scheme: "https", Host: "github.com", Path: "/" + parts[1] + "/" + parts[2], RawQuery: q}
		if !strings.HasSuffix(u.Path, ".git") {
			u.Path += ".git"
		}
		return "git", u.String(), strings.Join(parts[3:], "/"), nil
	case strings.HasPrefix(src, "bitbucket.org/"):
		p, q, _ := strings.Cut(src, "?")
		u := &url.URL{Scheme: "https", Host: "bitbucket.org", Path: strings.TrimPrefix(p, "bitbucket.org"), RawQuery: q}
		if !strings.HasSuffix(u.Path, ".git") {
			u.Path += ".git"
		}
		return "git", u.String(), "", nil
	}
	if m := scpRe.FindStringSubmatch(src); m != nil && m[1] == "git" {
		p, q, _ := strings.Cut(m[3], "?")
		u := &url.URL{Scheme: "ssh", User: url.User(m[1]), Host: m[2], Path: "/" + strings.TrimPrefix(p, "/"), RawQuery: q}
		return "git", u.String(), "", nil
	}
	host, _, _ := strings.Cut(src, "/")
	switch {
	case strings.HasSuffix(host, ".amazonaws.com"):
		return "s3", "https://" + src, "", nil
	case strings.HasSuffix(host, "googleapis.com"):
		return "gcs", "https://" + src, "", nil
	case strings.HasPrefix(src, "/"):
		return "file", "file://" + src, "", nil
	}
	return "", "", "", fmt.Errorf("%w %q: not a local path (./ or ../), a registry address (namespace/name/provider) or a URL", ErrUnsupported, Redact(src))
}

func gitSource(u *url.URL, sub string) (Source, error) {
	s := Source{Kind: Git, Subdir: sub}
	q := u.Query()
	if q.Has("sshkey") {
		return Source{}, fmt.Errorf("%w %q: ?sshkey= is not supported; load the key into ssh-agent instead", ErrUnsupported, Redact(u.String()))
	}
	s.Ref = q.Get("ref")
	if d := q.Get("depth"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return Source{}, fmt.Errorf("invalid depth %q in git source %q", d, Redact(u.String()))
		}
		s.Depth = n
	}
	q.Del("ref")
	q.Del("depth")
	v := *u
	v.RawQuery = q.Encode()
	v.Fragment, v.RawFragment = "", ""
	switch strings.ToLower(v.Scheme) {
	case "https", "http", "ssh", "git", "file":
	default:
		return Source{}, fmt.Errorf("%w %q: git over %q is not supported (use https, ssh or file)", ErrUnsupported, Redact(u.String()), v.Scheme)
	}
	if strings.HasPrefix(s.Ref, "-") {
		return Source{}, fmt.Errorf("invalid ref %q in git source %q", s.Ref, Redact(u.String()))
	}
	s.URL = v.String()
	return s, nil
}

// archiveExts are the archive formats recognised by the end of a URL's
// path, longest first.
var archiveExts = []string{"tar.gz", "tar.bz2", "tar.tbz2", "tar.xz", "tbz2", "tgz", "txz", "zip", "bz2", "gz", "xz", "tar"}

func httpSource(u *url.URL, sub string) (Source, error) {
	s := Source{Kind: HTTP, Subdir: sub}
	q := u.Query()
	if q.Has("archive") {
		s.Archive = strings.ToLower(q.Get("archive"))
		q.Del("archive")
		if s.Archive == "false" {
			return Source{}, fmt.Errorf("%w %q: archive=false downloads a single file, not a module directory", ErrUnsupported, Redact(u.String()))
		}
	} else {
		p := strings.ToLower(u.Path)
		for _, ext := range archiveExts {
			if strings.HasSuffix(p, "."+ext) {
				s.Archive = ext
				break
			}
		}
	}
	if q.Has("checksum") {
		s.Checksum = q.Get("checksum")
		q.Del("checksum")
	}
	switch s.Archive {
	case "", "tar.gz", "tgz", "tar.bz2", "tbz2", "tar.tbz2", "zip", "tar":
	default:
		return Source{}, fmt.Errorf("%w %q: %s archives are not supported (use tar.gz, tgz, tar.bz2 or zip)", ErrUnsupported, Redact(u.String()), s.Archive)
	}
	v := *u
	v.RawQuery = q.Encode()
	v.Fragment, v.RawFragment = "", ""
	s.URL = v.String()
	return s, nil
}

// String is the normalised address, as Terraform would print it.
func (s Source) String() string {
	var b string
	switch s.Kind {
	case Registry:
		b = s.Package()
	case Git:
		b = "git::" + s.URL
		q := []string{}
		if s.Ref != "" {
			q = append(q, "ref="+url.QueryEscape(s.Ref))
		}
		if s.Depth > 0 {
			q = append(q, "depth="+strconv.Itoa(s.Depth))
		}
		if len(q) > 0 {
			b = addQuery(b, strings.Join(q, "&"))
		}
	case HTTP:
		b = s.URL
		if s.Archive != "" {
			b = addQuery(b, "archive="+s.Archive)
		}
		if s.Checksum != "" {
			b = addQuery(b, "checksum="+url.QueryEscape(s.Checksum))
		}
	}
	if s.Subdir != "" {
		pkg, q, _ := strings.Cut(b, "?")
		b = pkg + "//" + s.Subdir
		if q != "" {
			b += "?" + q
		}
	}
	return b
}

func addQuery(u, q string) string {
	if strings.Contains(u, "?") {
		return u + "&" + q
	}
	return u + "?" + q
}

// Package is a registry module's package address (host/ns/name/provider).
func (s Source) Package() string {
	return s.Host + "/" + s.Namespace + "/" + s.Name + "/" + s.Provider
}

// display names a git or HTTP package for positions and messages: the
// URL without credentials, query or https:// prefix, with @ref.
func (s Source) display() string {
	d := s.URL
	if u, err := url.Parse(s.URL); err == nil {
		u.User = nil
		u.RawQuery = ""
		u.Fragment = ""
		d = u.String()
		if strings.EqualFold(u.Scheme, "https") || strings.EqualFold(u.Scheme, "ssh") {
			d = u.Host + u.Path
		}
	}
	if s.Ref != "" {
		d += "@" + s.Ref
	}
	return d
}

// sensitiveParams are query parameters whose values are redacted.
var sensitiveParams = []string{"sshkey", "token", "signature", "sig", "secret", "password", "credential", "key", "auth", "x-amz-", "x-goog-"}

// Redact removes what may be secret from an address for messages: the
// password of a URL's user information and the values of query
// parameters that look like credentials.
func Redact(addr string) string {
	prefix := ""
	if m := forcedRe.FindStringSubmatch(addr); m != nil {
		prefix, addr = m[1]+"::", m[2]
	}
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" {
		if i := strings.Index(addr, "?"); i >= 0 {
			return prefix + addr[:i] + "?…"
		}
		return prefix + addr
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		} else if u.User.Username() != "git" {
			u.User = url.User("xxxxx")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range sensitiveParams {
				if strings.Contains(lk, s) {
					q[k] = []string{"xxxxx"}
					break
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return prefix + u.String()
}
