package repo

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"path"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// beneath is the fast path of [FS] on Linux: a file is opened with one
// openat2 call (RESOLVE_BENEATH: no path, ".." or symbolic link may leave
// the repository directory, and no absolute link is followed;
// RESOLVE_NO_XDEV: resolution never crosses a mount point, so the file
// lives on the repository's own file system, which is not /proc or /sys;
// RESOLVE_NO_MAGICLINKS) instead of one openat per path component through
// os.Root. What it opens, os.Root would open too; whenever it cannot
// decide (an error, an old kernel, a mount point, anything but a regular
// file or a directory) the caller goes through os.Root, which gives the
// same file or the same refusal as before. A checked repository of 1,000
// roots otherwise spends a tenth of its time in these system calls.
type beneath struct {
	fd int // O_PATH descriptor of the repository directory; -1: no fast path
}

const beneathResolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_XDEV | unix.RESOLVE_NO_MAGICLINKS

func openBeneath(dir string) beneath {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return beneath{fd: -1}
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		unix.Close(fd)
		return beneath{fd: -1}
	}
	switch st.Type {
	case procMagic, sysfsMagic, debugMagic, securityMag:
		// A repository on a pseudo file system: every file is checked
		// through os.Root and pseudoFile.
		unix.Close(fd)
		return beneath{fd: -1}
	}
	// A kernel before 5.6, or a seccomp filter, refuses openat2: find out
	// once rather than on every file.
	b := beneath{fd: fd}
	probe, err := b.openat2(".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		unix.Close(fd)
		return beneath{fd: -1}
	}
	unix.Close(probe)
	return b
}

func (b beneath) close() {
	if b.fd >= 0 {
		unix.Close(b.fd)
	}
}

// open opens name (a valid fs path) for reading; nil when the fast path
// cannot decide. Only regular files are returned.
func (b beneath) open(name string) fs.File {
	if b.fd < 0 {
		return nil
	}
	fd, err := b.openat2(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC)
	if err != nil {
		return nil
	}
	var st syscall.Stat_t
	if err := ignoringEINTR(func() error { return syscall.Fstat(fd, &st) }); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		unix.Close(fd)
		return nil
	}
	return &file{fd: fd, info: statInfo(baseName(name), &st)}
}

// readDir lists the directory name, unsorted; ok is false when the fast
// path cannot decide. Entries carry the type the kernel gives (an lstat
// of the entry when the file system gives none); their Info is an Lstat
// through lstat.
func (b beneath) readDir(name string, lstat func(string) (fs.FileInfo, error)) (ents []fs.DirEntry, ok bool) {
	if b.fd < 0 {
		return nil, false
	}
	fd, err := b.openat2(name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	var stack [4096]byte
	buf := stack[:]
	for {
		var n int
		err := ignoringEINTR(func() error {
			var err error
			n, err = unix.Getdents(fd, buf)
			return err
		})
		if err != nil {
			return nil, false
		}
		if n <= 0 {
			return ents, true
		}
		// struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16,
		// d_type u8, d_name (NUL-terminated).
		for off := 0; off+19 <= n; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < 19 || off+reclen > n {
				return nil, false
			}
			typ := buf[off+18]
			nb := buf[off+19 : off+reclen]
			for i, c := range nb {
				if c == 0 {
					nb = nb[:i]
					break
				}
			}
			off += reclen
			entry := string(nb)
			if entry == "." || entry == ".." {
				continue
			}
			mode, known := direntType(typ)
			if !known {
				var st unix.Stat_t
				if err := ignoringEINTR(func() error { return unix.Fstatat(fd, entry, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
					if errors.Is(err, syscall.ENOENT) {
						continue // removed since it was listed
					}
					return nil, false
				}
				mode = fileMode(st.Mode).Type()
			}
			ents = append(ents, &dirEntry{name: entry, typ: mode, path: joinName(name, entry), lstat: lstat})
		}
	}
}

func (b beneath) openat2(name string, flags int) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags), Resolve: beneathResolve}
	for {
		fd, err := unix.Openat2(b.fd, name, &how)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

func direntType(t byte) (fs.FileMode, bool) {
	switch t {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

// fileMode converts st_mode as package os does.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & syscall.S_IFMT {
	case syscall.S_IFBLK:
		mode |= fs.ModeDevice
	case syscall.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		mode |= fs.ModeDir
	case syscall.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		mode |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if m&syscall.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&syscall.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&syscall.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

func statInfo(name string, st *syscall.Stat_t) *fileInfo {
	return &fileInfo{
		name: name, size: st.Size, mode: fileMode(st.Mode),
		mtime: time.Unix(st.Mtim.Unix()), sys: st,
	}
}

// file is a regular file opened by the fast path.
type file struct {
	fd     int
	info   *fileInfo
	closed bool
}

func (f *file) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "stat", Path: f.info.name, Err: fs.ErrClosed}
	}
	return f.info, nil
}

func (f *file) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.info.name, Err: fs.ErrClosed}
	}
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	err := ignoringEINTR(func() error {
		var err error
		n, err = syscall.Read(f.fd, p)
		return err
	})
	if err != nil {
		return 0, &fs.PathError{Op: "read", Path: f.info.name, Err: err}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (f *file) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.info.name, Err: fs.ErrClosed}
	}
	f.closed = true
	return syscall.Close(f.fd)
}

type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	sys   *syscall.Stat_t
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.size }
func (i *fileInfo) Mode() fs.FileMode  { return i.mode }
func (i *fileInfo) ModTime() time.Time { return i.mtime }
func (i *fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *fileInfo) Sys() any           { return i.sys }

// dirEntry is an entry listed by the fast path.
type dirEntry struct {
	name  string
	typ   fs.FileMode
	path  string
	lstat func(string) (fs.FileInfo, error)
}

func (d *dirEntry) Name() string               { return d.name }
func (d *dirEntry) IsDir() bool                { return d.typ.IsDir() }
func (d *dirEntry) Type() fs.FileMode          { return d.typ }
func (d *dirEntry) Info() (fs.FileInfo, error) { return d.lstat(d.path) }
func (d *dirEntry) String() string             { return fs.FormatDirEntry(d) }

func baseName(name string) string { return path.Base(name) }

func joinName(dir, name string) string { return path.Join(dir, name) }
