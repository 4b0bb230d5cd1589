package modsrc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

// registryDir lays out a registry: example/site/aws in versions 1.0.0,
// 1.1.0 and 2.0.0, each with a root module and modules/bucket.
func testRegistryTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, v := range []string{"1.0.0", "1.1.0", "2.0.0"} {
		d := filepath.Join(dir, "example", "site", "aws", v)
		writeFile(t, filepath.Join(d, "main.tf"), fmt.Sprintf("# site %s\nmodule \"bucket\" { source = \"./modules/bucket\" }\n", v))
		writeFile(t, filepath.Join(d, "modules", "bucket", "main.tf"), fmt.Sprintf("# bucket %s\n", v))
	}
	return dir
}

func readModule(t *testing.T, m *Module, name string) string {
	t.Helper()
	data, err := fs.ReadFile(m.FS, filepath.ToSlash(filepath.Join(m.Dir, name)))
	if err != nil {
		t.Fatalf("%s: %v", m.Display, err)
	}
	return string(data)
}

func TestRegistryDiscovery(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), true)
	defer r.Close()
	c, err := New(Options{CacheDir: t.TempDir(), HTTPClient: r.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := c.Fetch(ctx, Request{Source: r.Host() + "/example/site/aws", Version: "~> 1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "1.1.0" || m.Dir != "." || m.Display != r.Host()+"/example/site/aws@1.1.0" {
		t.Errorf("got version %q dir %q display %q", m.Version, m.Dir, m.Display)
	}
	if got := readModule(t, m, "main.tf"); !strings.Contains(got, "site 1.1.0") {
		t.Errorf("main.tf = %q", got)
	}
	sub, err := c.Fetch(ctx, Request{Source: r.Host() + "/example/site/aws//modules/bucket"})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Version != "2.0.0" || sub.Dir != "modules/bucket" || !strings.Contains(readModule(t, sub, "main.tf"), "bucket 2.0.0") {
		t.Errorf("subdir: version %q dir %q", sub.Version, sub.Dir)
	}
}

func writeRC(t *testing.T, dir, content string) []string {
	t.Helper()
	p := filepath.Join(dir, "tf.rc")
	writeFile(t, p, content)
	return []string{"TF_CLI_CONFIG_FILE=" + p, "HOME=" + dir}
}

func TestRegistryHostBlockAndToken(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	defer r.Close()
	r.Token = "s3cr3t-registry-token"
	home := t.TempDir()
	env := writeRC(t, home, r.CLIConfig("registry.terraform.io", "app.terraform.io"))
	ctx := context.Background()

	c, _ := New(Options{CacheDir: t.TempDir(), Env: append(env, "TF_TOKEN_registry_terraform_io=wrong-token-value")})
	_, err := c.Fetch(ctx, Request{Source: "example/site/aws"})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "TF_TOKEN_<host>") {
		t.Fatalf("wrong token: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token-value") || strings.Contains(err.Error(), r.Token) {
		t.Errorf("the error shows a token: %v", err)
	}

	c, _ = New(Options{CacheDir: t.TempDir(), Env: append(env, "TF_TOKEN_app_terraform_io="+r.Token)})
	m, err := c.Fetch(ctx, Request{Source: "app.terraform.io/example/site/aws", Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Display != "app.terraform.io/example/site/aws@1.0.0" {
		t.Errorf("display %q", m.Display)
	}
	auth := r.Authorizations()
	if auth[len(auth)-1] != "Bearer "+r.Token {
		t.Errorf("Authorization = %q", auth[len(auth)-1])
	}
}

func TestRegistryErrors(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	defer r.Close()
	r.Locations["example/site/aws/1.1.0"] = "s3::https://s3.amazonaws.com/bucket/site.zip"
	r.Locations["example/site/aws/1.0.0"] = "/archive/nothing/here.tar.gz"
	home := t.TempDir()
	env := writeRC(t, home, r.CLIConfig("registry.terraform.io")+`host "empty.example.com" { services = { "providers.v1" = "/p/" } }`)
	ctx := context.Background()
	cases := []struct{ source, version, want string }{
		{"example/nothing/aws", "", "has no module example/nothing/aws (its registry answered 404)"},
		{"example/site/aws", "~> 3.0", `no version of registry.terraform.io/example/site/aws matches the constraint "~> 3.0" (the newest is 2.0.0)`},
		{"example/site/aws", "~> 1.1.0", "s3:: sources need cloud credentials"},
		{"example/site/aws", "1.0.0", "404"},
		{"example/site/aws", "not a version", "invalid version constraint"},
		{"empty.example.com/a/b/c", "", "not a module registry (its services have no modules.v1)"},
		{"example/site/aws//nowhere", "", `has no subdirectory "nowhere"`},
		{"git::https://example.com/x.git", "1.0.0", "version constraint applies to registry modules only"},
		{"s3::https://s3.amazonaws.com/b/m.zip", "", "s3:: sources"},
	}
	c, _ := New(Options{CacheDir: t.TempDir(), Env: env})
	for _, cs := range cases {
		_, err := c.Fetch(ctx, Request{Source: cs.source, Version: cs.version})
		if err == nil || !strings.Contains(err.Error(), cs.want) {
			t.Errorf("%s %s: %v, want %q", cs.source, cs.version, err, cs.want)
		}
	}
}

// TestCacheAfterServersStop: a module fetched once is read from the cache
// when the registry is gone, online (with a warning) and offline (without
// a request); a constraint nothing cached satisfies is an error naming
// the cache.
func TestCacheAfterServersStop(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	home := t.TempDir()
	env := writeRC(t, home, r.CLIConfig("registry.terraform.io"))
	cacheDir := t.TempDir()
	ctx := context.Background()
	c, _ := New(Options{CacheDir: cacheDir, Env: env})
	first, err := c.Fetch(ctx, Request{Source: "example/site/aws", Version: "~> 1.0"})
	if err != nil {
		t.Fatal(err)
	}
	// Online again: the version list is asked for, the package is not
	// downloaded again.
	n := r.Requests()
	c, _ = New(Options{CacheDir: cacheDir, Env: env})
	if _, err := c.Fetch(ctx, Request{Source: "example/site/aws", Version: "~> 1.0"}); err != nil {
		t.Fatal(err)
	}
	if got := r.Requests() - n; got != 2 {
		t.Errorf("second run made %d requests, want 2 (versions, download location)", got)
	}
	r.Close()

	var log strings.Builder
	c, _ = New(Options{CacheDir: cacheDir, Env: env, Log: &log})
	m, err := c.Fetch(ctx, Request{Source: "example/site/aws", Version: "~> 1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != first.Path || m.Version != "1.1.0" {
		t.Errorf("from the cache: %s %s, want %s", m.Path, m.Version, first.Path)
	}
	if !strings.Contains(log.String(), "registry.terraform.io cannot be reached (connection refused): using registry.terraform.io/example/site/aws@1.1.0 from the module cache") {
		t.Errorf("log = %q", log.String())
	}

	c, _ = New(Options{CacheDir: cacheDir, Env: env, Offline: true})
	if m, err := c.Fetch(ctx, Request{Source: "example/site/aws", Version: ">= 1.0"}); err != nil || m.Version != "1.1.0" {
		t.Errorf("offline: %v %v", m, err)
	}
	_, err = c.Fetch(ctx, Request{Source: "example/site/aws", Version: "2.0.0"})
	if !errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), "cached: 1.1.0") || !strings.Contains(err.Error(), "--offline") {
		t.Errorf("offline, not cached: %v", err)
	}
	_, err = c.Fetch(ctx, Request{Source: "example/other/aws"})
	if !errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), "registry.terraform.io/example/other/aws is not in the module cache") {
		t.Errorf("offline, never fetched: %v", err)
	}
}

func TestOfflineMakesNoRequest(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	defer r.Close()
	env := writeRC(t, t.TempDir(), r.CLIConfig("registry.terraform.io"))
	c, _ := New(Options{CacheDir: t.TempDir(), Env: env, Offline: true})
	for _, src := range []string{"example/site/aws", "git::" + r.URL() + "/x.git", r.URL() + "/x.tgz", r.URL() + "/page"} {
		if _, err := c.Fetch(context.Background(), Request{Source: src}); !errors.Is(err, ErrNotCached) {
			t.Errorf("%s: %v", src, err)
		}
	}
	if r.Requests() != 0 {
		t.Errorf("offline made %d requests", r.Requests())
	}
}

func gitRepo(t *testing.T) (repo, commit string) {
	t.Helper()
	needTool(t, "git")
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "main.tf"), "# v1\n")
	writeFile(t, filepath.Join(src, "modules", "site", "main.tf"), "# site v1\n")
	os.Symlink("../../main.tf", filepath.Join(src, "modules", "site", "root.tf.txt"))
	repo = filepath.Join(t.TempDir(), "repo")
	commit, err := modtest.GitRepo(src, repo, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	return repo, commit
}

func TestGit(t *testing.T) {
	repo, commit := gitRepo(t)
	cacheDir := t.TempDir()
	ctx := context.Background()
	url := "git::file://" + repo
	c, _ := New(Options{CacheDir: cacheDir})
	for _, src := range []string{url, url + "?ref=v1.0.0", url + "?ref=main", url + "?ref=" + commit, url + "?ref=" + commit[:10], url + "//modules/site?ref=v1.0.0"} {
		m, err := c.Fetch(ctx, Request{Source: src})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if m.Version != commit {
			t.Errorf("%s: commit %s, want %s", src, m.Version, commit)
		}
		if _, err := fs.Stat(m.FS, ".git"); err == nil {
			t.Errorf("%s: .git is kept", src)
		}
	}
	m, _ := c.Fetch(ctx, Request{Source: url + "//modules/site?ref=v1.0.0"})
	if m.Dir != "modules/site" || readModule(t, m, "main.tf") != "# site v1\n" || readModule(t, m, "root.tf.txt") != "# v1\n" {
		t.Errorf("subdir %q", m.Dir)
	}
	if m.Display != "file://"+repo+"@v1.0.0" {
		t.Errorf("display %q", m.Display)
	}
	if _, err := c.Fetch(ctx, Request{Source: url + "?ref=v9"}); err == nil || !strings.Contains(err.Error(), `no branch or tag "v9"`) {
		t.Errorf("missing ref: %v", err)
	}

	// The branch moves: the next run fetches the new commit.
	src2 := t.TempDir()
	writeFile(t, filepath.Join(src2, "main.tf"), "# v2\n")
	commit2, err := modtest.GitCommit(src2, repo, "v2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	c, _ = New(Options{CacheDir: cacheDir})
	m, err = c.Fetch(ctx, Request{Source: url + "?ref=main"})
	if err != nil || m.Version != commit2 || readModule(t, m, "main.tf") != "# v2\n" {
		t.Fatalf("moved branch: %v %v", m, err)
	}

	// The repository is gone: the commit recorded last is used.
	if err := os.Rename(repo, repo+".gone"); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	c, _ = New(Options{CacheDir: cacheDir, Log: &log})
	for ref, want := range map[string]string{"main": commit2, "v1.0.0": commit} {
		m, err = c.Fetch(ctx, Request{Source: url + "?ref=" + ref})
		if err != nil || m.Version != want {
			t.Fatalf("repository gone, ref %s: %v %v", ref, m, err)
		}
	}
	if !strings.Contains(log.String(), "from the module cache") {
		t.Errorf("log = %q", log.String())
	}
	c, _ = New(Options{CacheDir: cacheDir, Offline: true})
	if m, err := c.Fetch(ctx, Request{Source: url + "?ref=main"}); err != nil || m.Version != commit2 {
		t.Errorf("offline: %v %v", m, err)
	}
	if _, err := c.Fetch(ctx, Request{Source: url + "?ref=v3.0.0"}); !errors.Is(err, ErrNotCached) {
		t.Errorf("offline, never fetched: %v", err)
	}
}

func TestGitRefusesLinksOut(t *testing.T) {
	needTool(t, "git")
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "main.tf"), "# x\n")
	os.Symlink("/etc/passwd", filepath.Join(src, "passwd.tf"))
	repo := filepath.Join(t.TempDir(), "repo")
	if _, err := modtest.GitRepo(src, repo); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	c, _ := New(Options{CacheDir: cacheDir})
	_, err := c.Fetch(context.Background(), Request{Source: "git::file://" + repo})
	if err == nil || !strings.Contains(err.Error(), "points to \"/etc/passwd\", outside the package") {
		t.Fatalf("Fetch = %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(cacheDir, "pkg")); len(ents) != 0 {
		t.Errorf("the refused package entered the cache: %v", ents)
	}
}

func archiveServer(t *testing.T, files map[string][]byte) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for p, data := range files {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	}
	mux.HandleFunc("/indirect", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("terraform-get") != "1" {
			http.Error(w, "no terraform-get", 400)
			return
		}
		w.Header().Set("X-Terraform-Get", "./m.tgz//modules/x")
		w.WriteHeader(204)
	})
	mux.HandleFunc("/meta", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><meta name="terraform-get" content="/m.zip?archive=zip&amp;x=1"></head></html>`)
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html></html>") })
	mux.HandleFunc("/slow.tgz", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestArchives(t *testing.T) {
	tgz := modtest.TarGz(map[string]string{"main.tf": "# tgz\n", "modules/x/main.tf": "# x\n"})
	zip := modtest.ZipEntries([]modtest.Entry{{Name: "main.tf", Body: "# zip\n"}})
	sum := sha256.Sum256(tgz)
	srv := archiveServer(t, map[string][]byte{"/m.tgz": tgz, "/m.zip": zip, "/download": tgz})
	ctx := context.Background()
	c, _ := New(Options{CacheDir: t.TempDir()})
	cases := []struct{ src, file, body string }{
		{srv.URL + "/m.tgz", "main.tf", "# tgz\n"},
		{srv.URL + "/m.zip", "main.tf", "# zip\n"},
		{srv.URL + "/download?archive=tar.gz", "main.tf", "# tgz\n"},
		{srv.URL + "/m.tgz?checksum=sha256:" + hex.EncodeToString(sum[:]), "main.tf", "# tgz\n"},
		{srv.URL + "/indirect", "main.tf", "# x\n"},
		{srv.URL + "/meta", "main.tf", "# zip\n"},
		{srv.URL + "/m.tgz//modules/*", "main.tf", "# x\n"},
	}
	for _, cs := range cases {
		m, err := c.Fetch(ctx, Request{Source: cs.src})
		if err != nil {
			t.Errorf("%s: %v", cs.src, err)
			continue
		}
		if got := readModule(t, m, cs.file); got != cs.body {
			t.Errorf("%s: %s = %q, want %q", cs.src, cs.file, got, cs.body)
		}
	}
	for src, want := range map[string]string{
		srv.URL + "/m.tgz?checksum=sha256:" + strings.Repeat("0", 64): "checksum mismatch",
		srv.URL + "/plain":             "answers with no X-Terraform-Get location",
		srv.URL + "/nothing":           "404",
		srv.URL + "/m.zip?archive=tgz": "not a gzip file",
	} {
		if _, err := c.Fetch(ctx, Request{Source: src}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
	small, _ := New(Options{CacheDir: t.TempDir(), Limits: Limits{MaxDownload: 100}})
	if _, err := small.Fetch(ctx, Request{Source: srv.URL + "/m.tgz"}); err == nil || !strings.Contains(err.Error(), "more than the 100") {
		t.Errorf("download cap: %v", err)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	srv := archiveServer(t, nil)
	c, _ := New(Options{CacheDir: t.TempDir(), Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := c.Fetch(context.Background(), Request{Source: srv.URL + "/slow.tgz"})
	if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(start) > 5*time.Second {
		t.Errorf("timeout: %v after %s", err, time.Since(start))
	}
	c, _ = New(Options{CacheDir: t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	start = time.Now()
	_, err = c.Fetch(ctx, Request{Source: srv.URL + "/slow.tgz"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("cancel: %v after %s", err, time.Since(start))
	}
}

// TestCacheConcurrency: runs sharing a cache fetch the same modules at
// once; all succeed, each package is stored once, nothing is left in
// progress.
func TestCacheConcurrency(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	defer r.Close()
	repo, commit := gitRepo(t)
	env := writeRC(t, t.TempDir(), r.CLIConfig("registry.terraform.io"))
	cacheDir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	paths := make([][2]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := New(Options{CacheDir: cacheDir, Env: env})
			if err != nil {
				errs[i] = err
				return
			}
			m1, err := c.Fetch(context.Background(), Request{Source: "example/site/aws", Version: "2.0.0"})
			if err != nil {
				errs[i] = err
				return
			}
			m2, err := c.Fetch(context.Background(), Request{Source: "git::file://" + repo + "?ref=v1.0.0"})
			if err != nil {
				errs[i] = err
				return
			}
			if m2.Version != commit {
				errs[i] = fmt.Errorf("commit %s", m2.Version)
			}
			paths[i] = [2]string{m1.Path, m2.Path}
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if paths[i] != paths[0] {
			t.Errorf("run %d: %v, run 0: %v", i, paths[i], paths[0])
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(cacheDir, "pkg")); len(ents) != 2 {
		t.Errorf("pkg holds %d entries, want 2", len(ents))
	}
	if ents, _ := os.ReadDir(filepath.Join(cacheDir, "tmp")); len(ents) != 0 {
		t.Errorf("tmp holds %d entries", len(ents))
	}
	for _, p := range paths[0] {
		if err := checkTree(p, Limits{}); err != nil {
			t.Error(err)
		}
	}
}

// TestOneFetchPerClient: many calls of one module share one download.
func TestOneFetchPerClient(t *testing.T) {
	r := modtest.NewRegistry(testRegistryTree(t), false)
	defer r.Close()
	env := writeRC(t, t.TempDir(), r.CLIConfig("registry.terraform.io"))
	c, _ := New(Options{CacheDir: t.TempDir(), Env: env})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Fetch(context.Background(), Request{Source: "example/site/aws"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := r.Requests(); got != 3 {
		t.Errorf("%d requests, want 3 (versions, download, archive)", got)
	}
}
