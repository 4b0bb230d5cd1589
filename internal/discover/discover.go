// Package discover finds what `s3front check PATH...` checks: every
// Terraform root module, CloudFormation template (and CDK output), plan
// or state JSON and snapshot under the paths, each a root checked on its
// own.
//
// A path may be a file, a root module or any directory of a repository.
// Directories are walked recursively through the repository's bounded
// file system ([repo.FS]), skipping version control and tool directories
// (.git, .terraform, node_modules, vendor, CDK asset directories), hidden
// directories, directories a .gitignore ignores (cdk.out excepted: it is
// generated to be checked) and whatever --exclude names. Files are
// classified by their name (.tf, .tf.json, .tofu) or by their first few
// kilobytes; only files that look like one of ours are read further.
//
// A directory holding Terraform files is a root module unless another
// configuration found in the same run calls it as a local module
// (source = "../modules/site"). A directory named on the command line is
// a root unless a configuration inside it calls it (the examples of a
// module repository call the module at its top), so naming it alongside
// others changes nothing; --root makes any directory a root. A template
// that another names as a local nested stack (TemplateURL) is loaded
// through its parent, unless it is named on the command line.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/s3front/s3front/internal/repo"
)

// Kind is what a root is.
type Kind string

// Root kinds.
const (
	Terraform      Kind = "terraform"
	Plan           Kind = "terraform-plan"
	CloudFormation Kind = "cloudformation"
	Snapshot       Kind = "snapshot"
)

// Root is one thing to check on its own.
type Root struct {
	Kind Kind
	// Path is the root module's directory or the file, relative to the
	// working directory, slash-separated: how output names the root.
	Path string
	// Repo is the absolute directory of the repository the root is read
	// through; Name is the root's slash path inside it.
	Repo string
	Name string
}

// Options configure [Find].
type Options struct {
	// Exclude are gitignore-style patterns (--exclude) of files and
	// directories not to search, relative to the working directory; a
	// pattern without a slash matches a name at any depth.
	Exclude []string
	// Roots are directories to check as Terraform root modules even when
	// another configuration calls them as a module (--root).
	Roots []string
	// RepoRoot overrides the repository of every path (--repo-root); ""
	// finds it (see [repo.Find]).
	RepoRoot string
	// WorkDir is what Root.Path is relative to; "" means the working
	// directory.
	WorkDir string
}

// Result is what [Find] found.
type Result struct {
	// Roots are sorted by Path, without duplicates.
	Roots []Root
	// Warnings name files that could not be read while searching and were
	// skipped (a FIFO, a symbolic link out of the repository).
	Warnings []string
	// kept is what the search read of the Terraform roots (see Files).
	kept *kept
}

// ErrNoInput means a path holds nothing s3front can check.
var ErrNoInput = errors.New("no Terraform configuration, CloudFormation template, plan or snapshot found")

// Limits of what is read to classify a file.
const (
	// HeadSize is how much of a file is read to tell what it is.
	HeadSize = 16 << 10
	// MaxTemplate bounds a CloudFormation template (CloudFormation itself
	// accepts 1 MB).
	MaxTemplate = 16 << 20
	// MaxPlan bounds plan or state JSON and snapshots.
	MaxPlan = 256 << 20
	// maxDepth bounds the directory depth searched.
	maxDepth = 64
	// maxGitignore bounds a .gitignore file.
	maxGitignore = 1 << 20
	// maxTerraformFile bounds a .tf file scanned for module calls.
	maxTerraformFile = 32 << 20
)

// skipDirs are never searched: version control, tool caches, dependency
// trees.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".terraform": true, ".terragrunt-cache": true,
	"node_modules": true, "vendor": true, "bower_components": true, "__pycache__": true,
	".venv": true, "venv": true, ".tox": true,
}

// Find lists the roots under paths (the working directory when empty).
func Find(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	wd := opts.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	f := &finder{
		ctx: ctx, opts: opts, wd: wd,
		repos:  map[string]*repo.FS{},
		namers: map[string]func(string) string{},
		seen:   map[string]bool{},
		called: map[string][]string{},
		forced: map[string]bool{},
		named:  map[string]bool{},
		tfDirs: map[string]*tfDir{},
		kept:   &kept{dirs: map[string]*keptDir{}},
		sem:    make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	defer f.close()
	for _, x := range opts.Exclude {
		p, ok := compile(x, "")
		if !ok {
			return nil, fmt.Errorf("--exclude %q: an empty pattern", x)
		}
		f.exclude = append(f.exclude, p)
	}
	for _, p := range paths {
		if err := f.path(p, false); err != nil {
			return nil, err
		}
	}
	for _, p := range opts.Roots {
		if err := f.path(p, true); err != nil {
			return nil, err
		}
	}
	f.scans.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Warnings: f.warnings, kept: f.kept}
	for _, d := range f.tfDirs {
		key := d.root.Repo + "\x00" + d.root.Name
		if len(f.called[key]) > 0 && !d.forced && !(f.named[key] && !f.calledFrom(key, d.root.Name)) {
			continue
		}
		res.Roots = append(res.Roots, d.root)
	}
	for _, r := range f.files {
		if key := r.Repo + "\x00" + r.Name; len(f.called[key]) > 0 && !f.forced[key] {
			continue
		}
		res.Roots = append(res.Roots, r)
	}
	sort.Slice(res.Roots, func(i, j int) bool {
		a, b := res.Roots[i], res.Roots[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Kind < b.Kind
	})
	// Only the roots' own directories stay kept: a module is read by
	// each root that calls it.
	roots := map[string]bool{}
	for _, r := range res.Roots {
		if r.Kind == Terraform {
			roots[r.Repo+"\x00"+r.Name] = true
		}
	}
	for key, d := range f.kept.dirs {
		if !roots[key] {
			for _, x := range d.files {
				f.kept.size -= int64(len(x.data))
			}
			delete(f.kept.dirs, key)
		}
	}
	return res, nil
}

// calledFrom reports whether a configuration inside dir (the directory of
// key) calls it: the examples of a module repository call the module at
// its top.
func (f *finder) calledFrom(key, dir string) bool {
	for _, c := range f.called[key] {
		if dir == "." || strings.HasPrefix(c, dir+"/") {
			return true
		}
	}
	return false
}

type tfDir struct {
	root   Root
	forced bool
}

type finder struct {
	ctx      context.Context
	opts     Options
	wd       string
	exclude  ignoreSet
	repos    map[string]*repo.FS
	namers   map[string]func(string) string
	seen     map[string]bool     // Repo + "\x00" + Name of searched files and dirs
	called   map[string][]string // Repo + "\x00" + Name of modules and nested templates called → their callers' names
	forced   map[string]bool     // Repo + "\x00" + Name of files named on the command line
	named    map[string]bool     // Repo + "\x00" + Name of directories named on the command line
	tfDirs   map[string]*tfDir
	files    []Root
	warnings []string
	kept     *kept

	// The Terraform files of each directory found are read and scanned
	// for module calls by up to GOMAXPROCS goroutines while the walk goes
	// on (scan); mu guards called while they run, and Find waits for
	// them (scans) before it reads called.
	mu    sync.Mutex
	scans sync.WaitGroup
	sem   chan struct{}
}

func (f *finder) close() {
	f.scans.Wait()
	for _, r := range f.repos {
		r.Close()
	}
}

func (f *finder) warn(format string, args ...any) {
	f.warnings = append(f.warnings, fmt.Sprintf(format, args...))
}

// repoFor opens the repository of an absolute path.
func (f *finder) repoFor(abs string) (*repo.FS, error) {
	top := f.opts.RepoRoot
	if top != "" {
		var err error
		if top, err = filepath.Abs(top); err != nil {
			return nil, err
		}
	} else {
		var err error
		if top, err = repo.Find(abs); err != nil {
			return nil, err
		}
	}
	if r, ok := f.repos[top]; ok {
		return r, nil
	}
	r, err := repo.Open(top)
	if err != nil {
		return nil, fmt.Errorf("cannot open the repository %s: %w", top, err)
	}
	f.repos[top] = r
	return r, nil
}

// display names a repository path as output shows it (see repo.Namer).
func (f *finder) display(r *repo.FS, name string) string {
	n, ok := f.namers[r.Dir()]
	if !ok {
		n = repo.Namer(r.Dir(), f.wd)
		f.namers[r.Dir()] = n
	}
	return n(name)
}

// path searches one command-line path; forced marks --root.
func (f *finder) path(p string, forced bool) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return err
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: no such file or directory", p)
		}
		return fmt.Errorf("%s: %s", p, repo.Reason(err))
	}
	r, err := f.repoFor(abs)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(r.Dir(), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is outside the repository %s (--repo-root)", p, r.Dir())
	}
	name := filepath.ToSlash(rel)
	if forced {
		if !st.IsDir() {
			return fmt.Errorf("--root %s: not a directory", p)
		}
		if !f.hasTerraform(r, name) {
			return fmt.Errorf("--root %s: no Terraform files (.tf, .tf.json, .tofu) in it", p)
		}
		f.addTerraform(r, name, true, nil)
		return nil
	}
	if !st.IsDir() {
		if isTerraformFile(path.Base(name)) {
			f.named[r.Dir()+"\x00"+path.Dir(name)] = true
			f.addTerraform(r, path.Dir(name), false, nil)
			return nil
		}
		k, err := f.classifyNamed(r, name)
		if err != nil {
			return fmt.Errorf("%s: %s", p, repo.Reason(err))
		}
		if k == "" {
			return fmt.Errorf("%s: %w", p, ErrNoInput)
		}
		f.addFile(r, name, k)
		f.forced[r.Dir()+"\x00"+name] = true
		return nil
	}
	if f.hasTerraform(r, name) {
		// A directory named on the command line is a root, unless a
		// configuration inside it calls it (see calledFrom).
		f.named[r.Dir()+"\x00"+name] = true
		f.addTerraform(r, name, false, nil)
	}
	f.walk(r, name, f.gitignoresAbove(r, name), 0)
	if !f.hadRootsUnder(r, name) {
		return fmt.Errorf("%s: %w", p, ErrNoInput)
	}
	return nil
}

// hadRootsUnder reports whether a root was found under dir.
func (f *finder) hadRootsUnder(r *repo.FS, dir string) bool {
	in := func(x Root) bool {
		return x.Repo == r.Dir() && (dir == "." || x.Name == dir || strings.HasPrefix(x.Name, dir+"/"))
	}
	for _, d := range f.tfDirs {
		if in(d.root) {
			return true
		}
	}
	for _, x := range f.files {
		if in(x) {
			return true
		}
	}
	return false
}

// gitignoresAbove reads the .gitignore files from the repository's top
// down to dir's parent.
func (f *finder) gitignoresAbove(r *repo.FS, dir string) ignoreSet {
	var out ignoreSet
	if dir == "." {
		return out
	}
	parts := strings.Split(dir, "/")
	cur := "."
	for _, p := range parts {
		out = append(out, f.gitignore(r, cur)...)
		cur = path.Join(cur, p)
	}
	return out
}

func (f *finder) gitignore(r *repo.FS, dir string) ignoreSet {
	data, err := repo.ReadFile(r, path.Join(dir, ".gitignore"), maxGitignore, "a .gitignore file")
	if err != nil {
		return nil
	}
	base := dir
	if base == "." {
		base = ""
	}
	return parseGitignore(data, base)
}

// walk searches a directory of the repository.
func (f *finder) walk(r *repo.FS, dir string, ign ignoreSet, depth int) {
	key := "dir\x00" + r.Dir() + "\x00" + dir
	if f.seen[key] || f.ctx.Err() != nil {
		return
	}
	f.seen[key] = true
	if depth > maxDepth {
		f.warn("%s: skipped: more than %d directories deep", f.display(r, dir), maxDepth)
		return
	}
	ents, err := r.ReadDir(dir)
	if err != nil {
		f.warn("%s: skipped: %s", f.display(r, dir), repo.Reason(err))
		return
	}
	if hasEntry(ents, ".gitignore") {
		ign = append(ign[:len(ign):len(ign)], f.gitignore(r, dir)...)
	}
	inCDK := path.Base(dir) == "cdk.out"
	var tf []string
	for _, e := range ents {
		name := e.Name()
		child := path.Join(dir, name)
		shown := f.display(r, child)
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			st, err := r.Stat(child)
			if err != nil {
				if looksOurs(name) {
					f.warn("%s: skipped: %s", shown, repo.Reason(err))
				}
				continue
			}
			if st.IsDir() {
				continue // never followed while searching: no loops
			}
			t = st.Mode().Type()
		}
		if t.IsDir() {
			if skipDirs[name] || strings.HasPrefix(name, ".") || (inCDK && strings.HasPrefix(name, "asset.")) {
				continue
			}
			if f.exclude.ignored(shown, true) {
				continue
			}
			if name != "cdk.out" && ign.ignored(child, true) {
				continue
			}
			f.walk(r, child, ign, depth+1)
			continue
		}
		if !t.IsRegular() {
			if looksOurs(name) {
				f.warn("%s: skipped: %s", shown, describeType(t))
			}
			continue
		}
		if strings.HasPrefix(name, ".") || f.exclude.ignored(shown, false) {
			continue
		}
		if isTerraformFile(name) {
			tf = append(tf, name)
			continue
		}
		if !sniffable(name) || strings.HasSuffix(name, ".nested.template.json") {
			continue
		}
		k, err := f.classify(r, child)
		if err != nil {
			f.warn("%s: skipped: %s", shown, repo.Reason(err))
			continue
		}
		if k != "" {
			f.addFile(r, child, k)
		}
	}
	if len(tf) > 0 {
		f.kept.keepList(r.Dir()+"\x00"+dir, ents)
		f.addTerraform(r, dir, false, tf)
	}
}

// hasEntry reports whether a directory listing (sorted by name) has name.
func hasEntry(ents []fs.DirEntry, name string) bool {
	i := sort.Search(len(ents), func(i int) bool { return ents[i].Name() >= name })
	return i < len(ents) && ents[i].Name() == name
}

func describeType(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a regular file"
	case t&fs.ModeSocket != 0:
		return "a socket, not a regular file"
	case t&fs.ModeDevice != 0:
		return "a device, not a regular file"
	}
	return "not a regular file"
}

func isTerraformFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") ||
		strings.HasSuffix(name, ".tofu") || strings.HasSuffix(name, ".tofu.json")
}

// sniffable: the extensions a template, plan or snapshot may have.
func sniffable(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".json", ".yaml", ".yml", ".template":
		return true
	}
	return false
}

// looksOurs: a file whose name says it may be an input, worth a warning
// when it cannot be read.
func looksOurs(name string) bool { return isTerraformFile(name) || sniffable(name) }

func (f *finder) hasTerraform(r *repo.FS, dir string) bool {
	ents, err := r.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if !e.IsDir() && isTerraformFile(e.Name()) && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// addTerraform records a directory of Terraform files (files: their names,
// nil to list them).
func (f *finder) addTerraform(r *repo.FS, dir string, forced bool, files []string) {
	key := r.Dir() + "\x00" + dir
	if d, ok := f.tfDirs[key]; ok {
		d.forced = d.forced || forced
		return
	}
	f.tfDirs[key] = &tfDir{root: Root{Kind: Terraform, Path: f.display(r, dir), Repo: r.Dir(), Name: dir}, forced: forced}
	f.sem <- struct{}{}
	f.scans.Add(1)
	go func() {
		defer func() { <-f.sem; f.scans.Done() }()
		f.scanCalls(r, dir, files)
	}()
}

func (f *finder) addFile(r *repo.FS, name string, k Kind) {
	key := "file\x00" + r.Dir() + "\x00" + name
	if f.seen[key] {
		return
	}
	f.seen[key] = true
	f.files = append(f.files, Root{Kind: k, Path: f.display(r, name), Repo: r.Dir(), Name: name})
}

var (
	hclSourceRE  = regexp.MustCompile(`(?m)^\s*source\s*=\s*"(\.\.?(?:/[^"]*)?)"`)
	jsonSourceRE = regexp.MustCompile(`"source"\s*:\s*"(\.\.?(?:/[^"]*)?)"`)
)

// scanCalls records the local module sources the Terraform files of dir
// name, by their text: cheap, and enough to tell modules from roots. It
// runs in its own goroutine (see addTerraform).
func (f *finder) scanCalls(r *repo.FS, dir string, files []string) {
	dirKey := r.Dir() + "\x00" + dir
	if files == nil {
		ents, err := r.ReadDir(dir)
		if err != nil {
			return
		}
		f.kept.keepList(dirKey, ents)
		for _, e := range ents {
			if !e.IsDir() && isTerraformFile(e.Name()) {
				files = append(files, e.Name())
			}
		}
	}
	for _, n := range files {
		data, info, err := repo.ReadFileInfo(r, path.Join(dir, n), maxTerraformFile, "a Terraform file")
		if err != nil {
			continue // the loader reports it
		}
		f.kept.keepFile(dirKey, n, data, info)
		re := hclSourceRE
		if strings.HasSuffix(n, ".json") {
			re = jsonSourceRE
		}
		// The regular expression runs only on the lines that name a
		// source: a large file is otherwise scanned at every byte.
		for off := 0; ; {
			i := bytes.Index(data[off:], []byte("source"))
			if i < 0 {
				break
			}
			i += off
			start := bytes.LastIndexByte(data[:i], '\n') + 1
			end := bytes.IndexByte(data[i:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += i
			}
			off = end
			for _, m := range re.FindAllSubmatch(data[start:end], -1) {
				target := path.Join(dir, string(m[1]))
				if fs.ValidPath(target) && target != dir {
					key := r.Dir() + "\x00" + target
					f.mu.Lock()
					f.called[key] = append(f.called[key], dir)
					f.mu.Unlock()
				}
			}
		}
	}
}
