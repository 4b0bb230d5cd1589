//go:build !unix

package repo

import "path/filepath"

// mountRoot is the volume root of dir.
func mountRoot(dir string) string {
	v := filepath.VolumeName(dir)
	return v + string(filepath.Separator)
}
