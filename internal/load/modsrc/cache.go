package modsrc

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// cache is the on-disk module cache:
//
//	<root>/pkg/<key>/                  package trees, each complete (renamed in whole)
//	<root>/meta/registry/<mod>/<v>.json a registry version fetched before, with its location
//	<root>/meta/git/<key>.json          a git ref resolved before, with its commit
//	<root>/meta/http/<key>.json         an X-Terraform-Get answer of an https URL
//	<root>/tmp/                         work in progress (same file system: atomic renames)
type cache struct {
	root string
}

// DefaultCacheDir is os.UserCacheDir()/s3front/modules.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (%s): give a module cache directory", errText(err))
	}
	return filepath.Join(d, "s3front", "modules"), nil
}

// hashKey is a readable, collision-resistant directory name for key.
func hashKey(label, key string) string {
	sum := sha256.Sum256([]byte(key))
	var b []byte
	for _, r := range label {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@':
			b = append(b, byte(r))
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	if len(b) > 48 {
		b = b[len(b)-48:] // the end names the package best (repo@ref)
	}
	if len(b) > 0 {
		b = append(b, '-')
	}
	return string(b) + hex.EncodeToString(sum[:12])
}

func (c *cache) pkgDir(key string) string { return filepath.Join(c.root, "pkg", key) }

// hasPkg reports whether a complete package is cached.
func (c *cache) hasPkg(key string) bool {
	st, err := os.Stat(c.pkgDir(key))
	return err == nil && st.IsDir()
}

// tempDir makes a directory for work in progress.
func (c *cache) tempDir() (string, error) {
	d := filepath.Join(c.root, "tmp")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("module cache %s: %s", c.root, errText(err))
	}
	return os.MkdirTemp(d, "fetch-")
}

// commit moves a complete package tree into the cache. When another run
// committed the same package meanwhile, its copy is kept and ours is
// dropped: both are the same content.
func (c *cache) commit(key, tree string) (string, error) {
	dst := c.pkgDir(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("module cache %s: %s", c.root, errText(err))
	}
	if err := os.Rename(tree, dst); err != nil {
		if c.hasPkg(key) {
			_ = os.RemoveAll(tree)
			return dst, nil
		}
		return "", fmt.Errorf("module cache %s: %s", c.root, errText(err))
	}
	return dst, nil
}

// writeRecord replaces a JSON record atomically.
func (c *cache) writeRecord(rel string, v any) error {
	p := filepath.Join(c.root, "meta", rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := p + ".tmp-" + hex.EncodeToString(rnd[:])
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// readRecord reads a JSON record; ok is false when there is none (or it
// cannot be read, which is the same for a cache).
func (c *cache) readRecord(rel string, v any) bool {
	data, err := readSmallFile(filepath.Join(c.root, "meta", rel), 1<<20)
	if err != nil {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

// listRecords lists the record names (without .json) in a meta folder.
func (c *cache) listRecords(rel string) []string {
	ents, err := os.ReadDir(filepath.Join(c.root, "meta", rel))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".json") && !e.IsDir() {
			out = append(out, strings.TrimSuffix(n, ".json"))
		}
	}
	return out
}

// registryRecord remembers a registry version that was fetched.
type registryRecord struct {
	Module   string    `json:"module"`
	Version  string    `json:"version"`
	Location string    `json:"location"`
	Fetched  time.Time `json:"fetched"`
}

// gitRecord remembers the commit a git ref resolved to.
type gitRecord struct {
	URL     string    `json:"url"`
	Ref     string    `json:"ref"`
	Commit  string    `json:"commit"`
	Fetched time.Time `json:"fetched"`
}

// httpRecord remembers the X-Terraform-Get answer of an https URL.
type httpRecord struct {
	URL      string    `json:"url"`
	Location string    `json:"location"`
	Fetched  time.Time `json:"fetched"`
}

func registryDir(s Source) string {
	return filepath.Join("registry", hashKey(s.Package(), strings.ToLower(s.Package())))
}

// ErrNotCached is wrapped by errors for a module that is needed offline
// (or while its server is unreachable) and was never fetched.
var ErrNotCached = errors.New("not in the module cache")
