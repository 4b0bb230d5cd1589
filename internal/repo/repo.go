// Package repo is the file system a run of s3front reads: one repository,
// opened so that nothing outside it, and nothing that is not a regular
// file or a directory, can be read.
//
// Input is hostile. A committed symbolic link can point anywhere (a
// `env.txt -> /proc/self/environ` read through Terraform's file() would put
// the CI's secrets into the output), a file named x.tf can be a link to
// /dev/zero, a FIFO named x.yaml blocks a reader forever, and an unrelated
// 1 GB JSON file costs seconds and gigabytes if it is read whole. [FS]
// refuses each of these before reading a byte:
//
//   - it is an [os.Root]: no path, and no symbolic link, may leave the
//     repository directory;
//   - files are opened without blocking and checked on the open handle:
//     named pipes, devices and sockets are refused, and so are the
//     pseudo-files of /proc and /sys;
//   - [ReadFile] reads at most a size given by the caller for each kind of
//     input, and says so when a file is larger.
//
// The repository of a path is the enclosing git work tree, else the root
// of the file system (the mount) the path lives on ([Find]).
package repo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Reasons a file is refused. They are wrapped in an *fs.PathError naming
// the file.
var (
	// ErrEscapes: the path, or a symbolic link on it, leaves the
	// repository.
	ErrEscapes = errors.New("a symbolic link or path that leaves the repository (s3front reads nothing outside it)")
	// ErrNotRegular: a named pipe, device or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrPseudo: a file of /proc or /sys.
	ErrPseudo = errors.New("a file of /proc or /sys, not a regular file (s3front never reads them)")
	// ErrTooLarge: larger than the caller's limit for its kind.
	ErrTooLarge = errors.New("too large")
)

// FS is a repository opened for reading. It implements fs.FS,
// fs.ReadDirFS, fs.ReadFileFS and fs.StatFS with the rules of the package
// documentation; it is safe for concurrent use.
type FS struct {
	root *os.Root
	dir  string
	fast beneath
}

// Open opens the repository at dir (an absolute or relative directory).
func Open(dir string) (*FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, err
	}
	return &FS{root: r, dir: abs, fast: openBeneath(abs)}, nil
}

// Dir is the absolute directory of the repository.
func (f *FS) Dir() string { return f.dir }

// Close releases the directory handle.
func (f *FS) Close() error {
	f.fast.close()
	return f.root.Close()
}

// Open opens name (a slash-separated path inside the repository). A
// directory or a regular file is returned; anything else is refused with
// an *fs.PathError, without blocking.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if fh := f.fast.open(name); fh != nil {
		return fh, nil
	}
	fh, err := f.openRoot(name)
	if err != nil {
		return nil, err
	}
	return fh, nil
}

// openRoot opens name through os.Root (a valid path).
func (f *FS) openRoot(name string) (*os.File, error) {
	// O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
	fh, err := f.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, f.pathError(name, err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, f.pathError(name, err)
	}
	if err := usable(fh, st); err != nil {
		fh.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return fh, nil
}

// usable checks an open file: a directory, or a regular file that is not
// a pseudo-file.
func usable(fh *os.File, st fs.FileInfo) error {
	m := st.Mode()
	if !m.IsDir() && !m.IsRegular() {
		return notRegular(m)
	}
	if pseudoFile(fh) {
		return ErrPseudo
	}
	return nil
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// pathError names the file and turns os.Root's refusal into ErrEscapes,
// naming the link that escapes.
func (f *FS) pathError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if strings.Contains(err.Error(), "escapes from parent") || strings.Contains(err.Error(), "path escapes") {
		err = f.escape(name)
	}
	return &fs.PathError{Op: "open", Path: name, Err: err}
}

// escape explains why name leaves the repository: the first symbolic
// link on it that points outside, or to an absolute path.
func (f *FS) escape(name string) error {
	parts := strings.Split(name, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		st, err := f.root.Lstat(p)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, err := f.root.Readlink(p)
		if err != nil {
			break
		}
		if filepath.IsAbs(target) {
			return &kindError{msg: "a symbolic link to " + target + ", an absolute path (s3front follows only relative links that stay in the repository)", is: ErrEscapes}
		}
		return &kindError{msg: "a symbolic link to " + target + ", which leaves the repository (s3front reads nothing outside it)", is: ErrEscapes}
	}
	return ErrEscapes
}

// Stat describes name without opening it (symbolic links inside the
// repository are followed).
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	st, err := f.root.Stat(name)
	if err != nil {
		return nil, f.pathError(name, err)
	}
	return st, nil
}

// Lstat describes name itself, not what a symbolic link points to.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	st, err := f.root.Lstat(name)
	if err != nil {
		return nil, f.pathError(name, err)
	}
	return st, nil
}

// ReadDir lists a directory, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if ents, ok := f.fast.readDir(name, f.Lstat); ok {
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
		return ents, nil
	}
	fh, err := f.openRoot(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	ents, err := fh.ReadDir(-1)
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	if err != nil {
		return ents, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return ents, nil
}

// DefaultLimit bounds what FS.ReadFile reads when the caller gives no
// limit of its own (through [ReadFile]).
const DefaultLimit = 64 << 20

// ReadFile reads a whole file of at most [DefaultLimit] bytes.
func (f *FS) ReadFile(name string) ([]byte, error) {
	return readLimited(f, name, DefaultLimit, "")
}

// ReadFile reads name from fsys, refusing anything but a regular file and
// anything larger than limit bytes; kind names the input in the message
// ("a Terraform file", "a plan"). It works on any fs.FS; on an [FS] it
// also has that type's guarantees.
func ReadFile(fsys fs.FS, name string, limit int64, kind string) ([]byte, error) {
	return readLimited(fsys, name, limit, kind)
}

// ReadFileInfo is [ReadFile] that also returns what the open file's Stat
// said.
func ReadFileInfo(fsys fs.FS, name string, limit int64, kind string) ([]byte, fs.FileInfo, error) {
	return readInfo(fsys, name, limit, kind)
}

func readLimited(fsys fs.FS, name string, limit int64, kind string) ([]byte, error) {
	data, _, err := readInfo(fsys, name, limit, kind)
	return data, err
}

func readInfo(fsys fs.FS, name string, limit int64, kind string) (data []byte, info fs.FileInfo, err error) {
	fh, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if st.IsDir() {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("a directory, not a file")}
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: notRegular(st.Mode())}
	}
	if st.Size() > limit {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: tooLarge(st.Size(), limit, kind)}
	}
	size := st.Size()
	if size <= 0 || size > limit {
		size = 512
	}
	buf := make([]byte, 0, size+1)
	buf, err = readAll(io.LimitReader(fh, limit+1), buf)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if int64(len(buf)) > limit {
		return nil, nil, &fs.PathError{Op: "read", Path: name, Err: tooLarge(int64(len(buf)), limit, kind)}
	}
	return buf, st, nil
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				return b, nil
			}
			return b, err
		}
	}
}

// kindError is a refusal with its own wording that still matches one of
// the package's errors with errors.Is.
type kindError struct {
	msg string
	is  error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.is }

func notRegular(m fs.FileMode) error {
	return &kindError{msg: describeMode(m) + ", not a regular file (s3front reads only regular files)", is: ErrNotRegular}
}

func tooLarge(size, limit int64, kind string) error {
	if kind == "" {
		kind = "a file"
	}
	return &kindError{msg: fmt.Sprintf("%s, larger than the %s s3front reads for %s", Size(size), Size(limit), kind), is: ErrTooLarge}
}

// Size renders a byte count for people: 912 bytes, 16 KB, 1.0 GB.
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Head reads at most n bytes from the start of name: enough to tell what
// a file is without reading it whole.
func Head(fsys fs.FS, name string, n int) ([]byte, error) {
	fh, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: notRegular(st.Mode())}
	}
	buf := make([]byte, n)
	m, err := io.ReadFull(fh, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return buf[:m], nil
}

// Binary reports whether data, the start of a file, is not text: it holds
// a NUL byte or is not UTF-8. off is the offset of the first offending
// byte.
func Binary(data []byte) (off int, binary bool) {
	for i, c := range data {
		if c == 0 {
			return i, true
		}
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			if len(data)-i < utf8.UTFMax && !utf8.FullRune(data[i:]) {
				return 0, false // a character cut at the end of a prefix
			}
			return i, true
		}
		i += n
	}
	return 0, false
}

// Reason renders err for a message about the file: the cause without the
// "open name:" prefix the caller puts in its own words.
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// ReadNamed reads a file named by the user rather than found in the
// repository (a --var-file, a parameters file) with the same rules as
// [ReadFile] — a regular file, not a pseudo-file of /proc or /sys, at most
// limit bytes — except that a pipe handed over as /dev/fd/N (a shell's
// process substitution) is read too.
func ReadNamed(name string, limit int64, kind string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		pipe := st.Mode()&fs.ModeNamedPipe != 0 && (strings.HasPrefix(name, "/dev/fd/") || strings.HasPrefix(name, "/proc/self/fd/"))
		if !pipe {
			return nil, &fs.PathError{Op: "read", Path: name, Err: notRegular(st.Mode())}
		}
	} else if st.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: tooLarge(st.Size(), limit, kind)}
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st.Mode().IsRegular() && pseudoFile(fh) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrPseudo}
	}
	buf, err := readAll(io.LimitReader(fh, limit+1), make([]byte, 0, 512))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if int64(len(buf)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: tooLarge(int64(len(buf)), limit, kind)}
	}
	return buf, nil
}
