//go:build unix

package repo

import (
	"os"
	"path/filepath"
	"syscall"
)

// mountRoot is the highest ancestor of dir on the same device as dir.
func mountRoot(dir string) string {
	dev := func(p string) (uint64, bool) {
		st, err := os.Stat(p)
		if err != nil {
			return 0, false
		}
		s, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			return 0, false
		}
		return uint64(s.Dev), true
	}
	d0, ok := dev(dir)
	if !ok {
		return dir
	}
	d := dir
	for {
		parent := filepath.Dir(d)
		if parent == d {
			return d
		}
		if dp, ok := dev(parent); !ok || dp != d0 {
			return d
		}
		d = parent
	}
}
