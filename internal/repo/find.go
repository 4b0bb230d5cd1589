package repo

import (
	"bytes"
	"os"
	"path/filepath"
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

// isGitWorkTree reports whether dir holds .git: a directory with HEAD, or
// a file "gitdir: ..." (worktrees and submodules).
func isGitWorkTree(dir string) bool {
	g := filepath.Join(dir, ".git")
	st, err := os.Lstat(g)
	if err != nil {
		return false
	}
	if st.IsDir() {
		_, err := os.Lstat(filepath.Join(g, "HEAD"))
		return err == nil
	}
	if !st.Mode().IsRegular() || st.Size() > 4096 {
		return false
	}
	data, err := os.ReadFile(g)
	return err == nil && bytes.HasPrefix(data, []byte("gitdir:"))
}
