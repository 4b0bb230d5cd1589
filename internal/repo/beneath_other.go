//go:build !linux

package repo

import "io/fs"

// beneath: only Linux has openat2; elsewhere every file is opened through
// os.Root.
type beneath struct{}

func openBeneath(string) beneath { return beneath{} }

func (beneath) close() {}

func (beneath) open(string) fs.File { return nil }

func (beneath) readDir(string, func(string) (fs.FileInfo, error)) ([]fs.DirEntry, bool) {
	return nil, false
}
