package terraform

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
)

// ModuleFetcher fetches remote modules (registry, git, https) that
// .terraform/modules does not hold. The loader calls it once per module
// call it needs, in its own goroutine; an implementation shared by
// several loads must be safe for concurrent use.
type ModuleFetcher interface {
	FetchModule(ctx context.Context, req ModuleRequest) (*FetchedModule, error)
}

// ModuleRequest is one remote module call.
type ModuleRequest struct {
	// Source and Version are as written in the module block ("" version:
	// none).
	Source, Version string
}

// FetchedModule is a downloaded module package.
type FetchedModule struct {
	// FS is the downloaded package tree (already safe: no symbolic link
	// leaves it).
	FS fs.FS
	// Dir is the module directory inside FS ("." or the //subdir).
	Dir string
	// Display is the prefix for positions of files in the package, e.g.
	// "registry.terraform.io/terraform-aws-modules/cloudfront/aws@4.1.0":
	// its main.tf is shown as ".../aws@4.1.0/main.tf".
	Display string
	// Version is the resolved version, "" if not versioned.
	Version string
}

// mount is a fetched package laid out where terraform init would install
// it: .terraform/modules/KEY under the root module, so that path.module,
// file() and local sources inside the package work unchanged.
type mount struct {
	at      string // fsys path of the package root
	fsys    fs.FS
	display string
}

// treeFS is the loader's view of the files: the caller's fsys, with the
// fetched packages mounted over it.
type treeFS struct {
	base   fs.FS
	mounts []*mount
}

// find returns the mount holding name and name's path inside it.
func (t *treeFS) find(name string) (*mount, string) {
	for _, m := range t.mounts {
		if name == m.at {
			return m, "."
		}
		if strings.HasPrefix(name, m.at+"/") {
			return m, name[len(m.at)+1:]
		}
	}
	return nil, ""
}

func (t *treeFS) Open(name string) (fs.File, error) {
	if m, rel := t.find(name); m != nil {
		f, err := m.fsys.Open(rel)
		return f, renamePathError(err, name)
	}
	return t.base.Open(name)
}

func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if m, rel := t.find(name); m != nil {
		ents, err := fs.ReadDir(m.fsys, rel)
		return ents, renamePathError(err, name)
	}
	return fs.ReadDir(t.base, name)
}

func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	if m, rel := t.find(name); m != nil {
		st, err := fs.Stat(m.fsys, rel)
		return st, renamePathError(err, name)
	}
	return fs.Stat(t.base, name)
}

// renamePathError names the file by its loader path.
func renamePathError(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

// display is how a file or directory of the loader's view is named in
// positions and messages.
func (l *loader) display(name string) string {
	if m, rel := l.tree.find(name); m != nil {
		if rel == "." {
			return m.display
		}
		return m.display + "/" + rel
	}
	if l.opts.Display != nil {
		return l.opts.Display(name)
	}
	return name
}

// fetch downloads the module of a remote call and mounts it; it returns
// the module directory, or "" and the reason.
func (l *loader) fetch(key string, c *callCfg) (string, string) {
	if l.opts.Modules == nil {
		return "", "the module is not installed in .terraform/modules and downloading is off: run `terraform init` first, or check without --offline; the module's resources are not checked and its outputs are unknown"
	}
	fm, err := l.opts.Modules.FetchModule(l.ctx, ModuleRequest{Source: c.source, Version: c.version})
	if err != nil {
		return "", "the module could not be downloaded: " + err.Error() + "; the module's resources are not checked and its outputs are unknown"
	}
	if fm == nil || fm.FS == nil {
		return "", "the module could not be downloaded; the module's resources are not checked and its outputs are unknown"
	}
	sub := path.Clean(fm.Dir)
	if sub == "" || !fs.ValidPath(sub) {
		return "", "the downloaded package names an invalid module directory " + strconvQuote(fm.Dir)
	}
	at := path.Join(l.root, ".terraform/modules", key)
	display := fm.Display
	if display == "" {
		display = c.source
	}
	// A later fetch for the same key replaces nothing: keys are unique
	// per call path.
	l.tree.mounts = append(l.tree.mounts, &mount{at: at, fsys: fm.FS, display: display})
	return path.Join(at, sub), ""
}

// localDir resolves a local source against the calling module's
// directory. Inside a fetched package it must stay in the package, as
// Terraform requires; elsewhere in the caller's fsys (the repository).
func (l *loader) localDir(parentDir, source string) (string, string) {
	dir := path.Join(parentDir, source)
	if m, _ := l.tree.find(parentDir); m != nil {
		if in, _ := l.tree.find(dir); in != m {
			return "", "a local source inside a downloaded module must stay inside its package (" + m.display + "); the module's resources are not checked and its outputs are unknown"
		}
		return dir, ""
	}
	if !fs.ValidPath(dir) {
		return "", "the module directory is outside the repository s3front reads (it stops at the enclosing git work tree; --repo-root moves it); the module's resources are not checked and its outputs are unknown"
	}
	return dir, ""
}
