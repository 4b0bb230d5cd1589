// Package modtest serves Terraform modules on 127.0.0.1 for tests: a
// module registry (service discovery, versions, download with
// X-Terraform-Get, tar.gz archives) over a directory tree, git
// repositories made from a directory, and archive builders. It never
// touches the network beyond the loopback interface.
package modtest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry is a module registry over a directory laid out as
// <namespace>/<name>/<provider>/<version>/<module files>. Each version is
// served as a tar.gz archive built from its directory, at a relative
// X-Terraform-Get location. When Token is set, registry requests must
// carry it as a bearer token.
type Registry struct {
	Dir   string
	Token string
	// Locations replaces the X-Terraform-Get answer of
	// "ns/name/provider/version".
	Locations map[string]string

	srv      *httptest.Server
	requests atomic.Int64
	mu       sync.Mutex
	seenAuth []string
}

// NewRegistry starts a registry over dir on 127.0.0.1 (plain http; point
// Terraform or s3front at it with a CLI configuration host block, see
// [Registry.CLIConfig]). tls starts it over https instead (its client is
// [Registry.Client]).
func NewRegistry(dir string, tls bool) *Registry {
	r := &Registry{Dir: dir, Locations: map[string]string{}}
	h := http.HandlerFunc(r.serve)
	if tls {
		r.srv = httptest.NewUnstartedServer(h)
		r.srv.Listener = listen()
		r.srv.StartTLS()
	} else {
		r.srv = httptest.NewUnstartedServer(h)
		r.srv.Listener = listen()
		r.srv.Start()
	}
	return r
}

func listen() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("modtest: listen on 127.0.0.1: %v", err))
	}
	return l
}

// URL is the server's base URL.
func (r *Registry) URL() string { return r.srv.URL }

// Host is the server's host:port.
func (r *Registry) Host() string {
	return strings.TrimPrefix(strings.TrimPrefix(r.srv.URL, "https://"), "http://")
}

// Client is an HTTP client that trusts the server (for tls).
func (r *Registry) Client() *http.Client { return r.srv.Client() }

// Close stops the server.
func (r *Registry) Close() { r.srv.Close() }

// Requests counts the requests served.
func (r *Registry) Requests() int64 { return r.requests.Load() }

// Authorizations lists the Authorization headers received.
func (r *Registry) Authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seenAuth...)
}

// ServicesURL is the modules.v1 service URL.
func (r *Registry) ServicesURL() string { return r.srv.URL + "/v1/modules/" }

// CLIConfig is a Terraform CLI configuration that points hosts at this
// registry, as a host block does.
func (r *Registry) CLIConfig(hosts ...string) string {
	var b strings.Builder
	for _, h := range hosts {
		fmt.Fprintf(&b, "host %q {\n  services = {\n    \"modules.v1\" = %q\n  }\n}\n", h, r.ServicesURL())
	}
	return b.String()
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	r.requests.Add(1)
	p := req.URL.Path
	if p == "/.well-known/terraform.json" {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"modules.v1": "/v1/modules/"}`)
		return
	}
	if rest, ok := strings.CutPrefix(p, "/v1/modules/"); ok {
		r.mu.Lock()
		r.seenAuth = append(r.seenAuth, req.Header.Get("Authorization"))
		r.mu.Unlock()
		if r.Token != "" && req.Header.Get("Authorization") != "Bearer "+r.Token {
			http.Error(w, `{"errors":["unauthorized"]}`, http.StatusUnauthorized)
			return
		}
		parts := strings.Split(rest, "/")
		switch {
		case len(parts) == 4 && parts[3] == "versions":
			r.versions(w, parts[0], parts[1], parts[2])
			return
		case len(parts) == 5 && parts[4] == "download":
			mod := strings.Join(parts[:4], "/")
			if !isDir(filepath.Join(r.Dir, filepath.FromSlash(mod))) {
				http.NotFound(w, req)
				return
			}
			loc := r.Locations[mod]
			if loc == "" {
				loc = "/archive/" + mod + ".tar.gz"
			}
			w.Header().Set("X-Terraform-Get", loc)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if rest, ok := strings.CutPrefix(p, "/archive/"); ok {
		mod := strings.TrimSuffix(rest, ".tar.gz")
		dir := filepath.Join(r.Dir, filepath.FromSlash(path.Clean("/"+mod)))
		if !isDir(dir) {
			http.NotFound(w, req)
			return
		}
		data, err := TarGzDir(dir)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(data)
		return
	}
	http.NotFound(w, req)
}

func (r *Registry) versions(w http.ResponseWriter, ns, name, provider string) {
	dir := filepath.Join(r.Dir, ns, name, provider)
	ents, err := os.ReadDir(dir)
	if err != nil {
		http.NotFound(w, nil)
		return
	}
	type ver struct {
		Version string `json:"version"`
	}
	var vs []ver
	for _, e := range ents {
		if e.IsDir() {
			vs = append(vs, ver{e.Name()})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"modules": []any{map[string]any{"source": ns + "/" + name + "/" + provider, "versions": vs}}})
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// TarGzDir archives a directory's files (sorted, no owner data).
func TarGzDir(dir string) ([]byte, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return TarGz(files), nil
}

// Entry is one archive member for [TarGzEntries] and [ZipEntries].
type Entry struct {
	Name string
	Body string
	// Link makes a symbolic link to Link; Hard a hard link to Hard;
	// Dir a directory; FIFO a named pipe.
	Link, Hard string
	Dir, FIFO  bool
}

// TarGz archives files (name → content), sorted by name.
func TarGz(files map[string]string) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var es []Entry
	for _, n := range names {
		es = append(es, Entry{Name: n, Body: files[n]})
	}
	return TarGzEntries(es)
}

// TarGzEntries archives entries in order.
func TarGzEntries(es []Entry) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h := &tar.Header{Name: e.Name, Mode: 0o644, Size: int64(len(e.Body)), Typeflag: tar.TypeReg}
		switch {
		case e.Link != "":
			h = &tar.Header{Name: e.Name, Linkname: e.Link, Mode: 0o777, Typeflag: tar.TypeSymlink}
		case e.Hard != "":
			h = &tar.Header{Name: e.Name, Linkname: e.Hard, Mode: 0o644, Typeflag: tar.TypeLink}
		case e.Dir:
			h = &tar.Header{Name: e.Name, Mode: 0o755, Typeflag: tar.TypeDir}
		case e.FIFO:
			h = &tar.Header{Name: e.Name, Mode: 0o644, Typeflag: tar.TypeFifo}
		}
		tw.WriteHeader(h)
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e.Body))
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// ZipEntries archives entries in order (links as zip symlinks).
func ZipEntries(es []Entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		body := e.Body
		switch {
		case e.Link != "":
			h.SetMode(fs.ModeSymlink | 0o777)
			body = e.Link
		case e.Dir:
			h.Name = strings.TrimSuffix(e.Name, "/") + "/"
			h.SetMode(fs.ModeDir | 0o755)
		default:
			h.SetMode(0o644)
		}
		w, _ := zw.CreateHeader(h)
		if !e.Dir {
			w.Write([]byte(body))
		}
	}
	zw.Close()
	return buf.Bytes()
}

// GitRepo makes a git repository at repo whose first commit holds the
// files of src, tagged with each of tags, and returns the commit. The
// commit is reproducible (fixed author, committer and dates).
func GitRepo(src, repo string, tags ...string) (string, error) {
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return "", err
	}
	if err := copyDir(src, repo); err != nil {
		return "", err
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(),
			"GIT_AUTHOR_NAME=modtest", "GIT_AUTHOR_EMAIL=modtest@example.com", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
			"GIT_COMMITTER_NAME=modtest", "GIT_COMMITTER_EMAIL=modtest@example.com", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z",
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	steps := [][]string{{"init", "--quiet", "--initial-branch=main"}, {"add", "--all"}, {"commit", "--quiet", "-m", "module"}}
	for _, t := range tags {
		steps = append(steps, []string{"tag", t})
	}
	for _, s := range steps {
		if _, err := run(s...); err != nil {
			return "", err
		}
	}
	return run("rev-parse", "HEAD")
}

// GitCommit commits the files of src over the repository's work tree and
// tags the commit, returning it.
func GitCommit(src, repo string, tags ...string) (string, error) {
	if err := copyDir(src, repo); err != nil {
		return "", err
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(),
			"GIT_AUTHOR_NAME=modtest", "GIT_AUTHOR_EMAIL=modtest@example.com", "GIT_AUTHOR_DATE=2026-01-02T00:00:00Z",
			"GIT_COMMITTER_NAME=modtest", "GIT_COMMITTER_EMAIL=modtest@example.com", "GIT_COMMITTER_DATE=2026-01-02T00:00:00Z",
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	steps := [][]string{{"add", "--all"}, {"commit", "--quiet", "--allow-empty", "-m", "update"}}
	for _, t := range tags {
		steps = append(steps, []string{"tag", t})
	}
	for _, s := range steps {
		if _, err := run(s...); err != nil {
			return "", err
		}
	}
	return run("rev-parse", "HEAD")
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		t := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(t, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, t)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(t, data, 0o644)
	})
}
