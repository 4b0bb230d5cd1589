package repo

import (
	"os"
	"syscall"
)

// Magic numbers of the pseudo file systems whose files are not files
// (linux/magic.h).
const (
	procMagic   = 0x9fa0
	sysfsMagic  = 0x62656572
	debugMagic  = 0x64626720
	securityMag = 0x73636673
)

// pseudoFile reports whether fh lives on /proc, /sys or a similar pseudo
// file system: their "regular" files (environ, mem) are views of the
// running system, never configuration.
func pseudoFile(fh *os.File) bool {
	var st syscall.Statfs_t
	rc, err := fh.SyscallConn()
	if err != nil {
		return false
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.Fstatfs(int(fd), &st) }); err != nil || serr != nil {
		return false
	}
	switch st.Type {
	case procMagic, sysfsMagic, debugMagic, securityMag:
		return true
	}
	return false
}
