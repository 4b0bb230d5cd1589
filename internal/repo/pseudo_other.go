//go:build !linux

package repo

import "os"

// pseudoFile: only Linux has /proc files that stat as regular files.
func pseudoFile(*os.File) bool { return false }
