package repo

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Find returns the repository that holds path: the nearest enclosing git
// work tree (a directory with a .git directory or file), else the root of
// the file system path lives on (its mount point, or the volume root).
// The result is absolute and clean.
func Find(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir := abs
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		dir = filepath.Dir(abs)
	}
	for d := dir; ; {
		if isGitWorkTree(d) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return mountRoot(dir), nil
}

// isGitWorkTree reports whether dir holds .git: a directory, or a file
// "gitdir: ..." (worktrees and submodules).
func isGitWorkTree(dir string) bool {
	g := filepath.Join(dir, ".git")
	st, err := os.Lstat(g)
	if err != nil {
		return false
	}
	if st.IsDir() {
		return true
	}
	if !st.Mode().IsRegular() || st.Size() > 4096 {
		return false
	}
	data, err := os.ReadFile(g)
	return err == nil && bytes.HasPrefix(data, []byte("gitdir:"))
}

// Namer returns how files of the repository at top (slash paths inside
// it) are named for a person working in wd: relative to wd when wd is
// inside the repository or the repository inside wd (../../modules/site,
// infra/main.tf), else absolute.
func Namer(top, wd string) func(name string) string {
	abs := func(name string) string { return filepath.ToSlash(filepath.Join(top, filepath.FromSlash(name))) }
	if wd == "" {
		return abs
	}
	if rel, err := filepath.Rel(top, wd); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		in := filepath.ToSlash(rel)
		return func(name string) string { return relSlash(in, name) }
	}
	if rel, err := filepath.Rel(wd, top); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		prefix := filepath.ToSlash(rel)
		return func(name string) string { return path.Join(prefix, name) }
	}
	return abs
}

// relSlash is the slash path of name relative to dir, both slash paths
// inside one tree.
func relSlash(dir, name string) string {
	if dir == "." {
		return name
	}
	if name == dir {
		return "."
	}
	if strings.HasPrefix(name, dir+"/") {
		return name[len(dir)+1:]
	}
	ds := strings.Split(dir, "/")
	var ns []string
	if name != "." {
		ns = strings.Split(name, "/")
	}
	i := 0
	for i < len(ds) && i < len(ns) && ds[i] == ns[i] {
		i++
	}
	parts := make([]string, 0, len(ds)-i+len(ns)-i)
	for range ds[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, ns[i:]...)
	return strings.Join(parts, "/")
}
