package discover

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"sync"

	"github.com/s3front/s3front/internal/repo"
)

// maxKept bounds the text of Terraform files the search keeps for the
// loaders (see [Result.Files]); past it, files are read again when their
// root is loaded.
const maxKept = 32 << 20

// kept is what the search read of the directories of Terraform roots:
// their listings and the text of their Terraform files (read to find
// module calls), so that loading a root does not list and read them a
// second time.
type kept struct {
	mu   sync.Mutex
	dirs map[string]*keptDir // Repo + "\x00" + Name
	size int64
}

type keptDir struct {
	ents  []fs.DirEntry
	files map[string]keptFile // by base name
}

type keptFile struct {
	data []byte
	info fs.FileInfo
}

func (k *kept) dir(key string) *keptDir {
	d := k.dirs[key]
	if d == nil {
		d = &keptDir{files: map[string]keptFile{}}
		k.dirs[key] = d
	}
	return d
}

// keepList records the listing of a directory of Terraform files.
func (k *kept) keepList(key string, ents []fs.DirEntry) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if d := k.dir(key); d.ents == nil {
		d.ents = ents
	}
}

// keepFile records a Terraform file's text, within maxKept.
func (k *kept) keepFile(key, base string, data []byte, info fs.FileInfo) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.size+int64(len(data)) > maxKept {
		return
	}
	d := k.dir(key)
	if _, ok := d.files[base]; ok {
		return
	}
	d.files[base] = keptFile{data: data, info: info}
	k.size += int64(len(data))
}

// Files returns fsys (the root's repository) with what the search already
// read of a Terraform root's own directory — its listing and the text of
// its Terraform files — served from memory, so that loading the root does
// not list and read them again. Everything else, and everything when the
// search kept nothing, comes from fsys. What was kept is handed out once:
// the result serves it for as long as it is used, and a second call for
// the same root gets fsys. Files is safe for concurrent use.
func (r *Result) Files(root Root, fsys fs.FS) fs.FS {
	if r == nil || r.kept == nil || root.Kind != Terraform {
		return fsys
	}
	k := r.kept
	key := root.Repo + "\x00" + root.Name
	k.mu.Lock()
	d := k.dirs[key]
	delete(k.dirs, key)
	if d != nil {
		for _, f := range d.files {
			k.size -= int64(len(f.data))
		}
	}
	k.mu.Unlock()
	if d == nil || d.ents == nil {
		return fsys
	}
	return &keptFS{base: fsys, dir: root.Name, d: d}
}

// keptFS serves a directory's kept listing and files over base. Each
// kept file is served by one Open: the loader copies what it reads, so
// the kept text is let go as soon as it has been read, rather than kept
// alongside the loader's copy for as long as the root is loaded (for a
// root of 10,000 sites, 30 MB). Later reads go to base.
type keptFS struct {
	base fs.FS
	dir  string
	mu   sync.Mutex
	d    *keptDir
}

func (k *keptFS) file(name string, take bool) (keptFile, bool) {
	if path.Dir(name) != k.dir {
		return keptFile{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	base := path.Base(name)
	f, ok := k.d.files[base]
	if ok && take {
		delete(k.d.files, base)
	}
	return f, ok
}

func (k *keptFS) Open(name string) (fs.File, error) {
	if f, ok := k.file(name, true); ok {
		return &keptReader{Reader: bytes.NewReader(f.data), info: f.info}, nil
	}
	return k.base.Open(name)
}

func (k *keptFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == k.dir {
		return slices.Clone(k.d.ents), nil
	}
	return fs.ReadDir(k.base, name)
}

func (k *keptFS) Stat(name string) (fs.FileInfo, error) {
	if f, ok := k.file(name, false); ok {
		return f.info, nil
	}
	return fs.Stat(k.base, name)
}

// ReadFile reads at most repo.DefaultLimit bytes, as repo.FS does.
func (k *keptFS) ReadFile(name string) ([]byte, error) {
	if _, ok := k.file(name, false); ok {
		return repo.ReadFile(k, name, repo.DefaultLimit, "")
	}
	return fs.ReadFile(k.base, name)
}

// keptReader is an open kept file.
type keptReader struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *keptReader) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *keptReader) Close() error               { return nil }
