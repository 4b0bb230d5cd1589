package edit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// MaxFile is the largest file an edit reads (the loaders' limit for a
// template or plan).
const MaxFile = 16 << 20

// ReadFunc reads a file by the name the model's positions give it
// (relative to the working directory).
type ReadFunc func(name string) ([]byte, error)

// Set is a group of changes to files, held in memory until written. It is
// not safe for concurrent use.
type Set struct {
	read  ReadFunc
	files map[string]*File
	// done holds the additions made once for all who ask (a module's
	// code is shared by its instances; one statement serves several
	// findings).
	done map[string]bool
	// live is the model of a live read (--aws), whose policies the set
	// edits as virtual files; calls are the other changes to it.
	live  *model.Config
	calls []LiveCall
	mark  []int
}

// NewLiveSet returns a set that changes the live resources of cfg (a
// model read from AWS): see [Set.LiveCalls].
func NewLiveSet(cfg *model.Config) *Set {
	s := NewSet(func(name string) ([]byte, error) {
		return nil, fmt.Errorf("%s: a live resource has no file", name)
	})
	s.live = cfg
	return s
}

// NewSet returns an empty set whose files are read with read.
func NewSet(read ReadFunc) *Set {
	return &Set{read: read, files: map[string]*File{}, done: map[string]bool{}}
}

// File is one file of a set: what it held and what it holds now.
type File struct {
	Name string
	// Orig is the file's content before any change; New is true when the
	// file did not exist.
	Orig []byte
	New  bool
	// Cur is the content with every change made so far.
	Cur []byte

	// live is set for a virtual file holding a live policy.
	live *liveTarget

	// The mapping of original lines to current ones, for Cur = whereFor.
	whereFor       []byte
	whereA, whereB []string
	whereMap       map[int]int
}

// Changed reports whether f differs from what it was.
func (f *File) Changed() bool {
	if f.New {
		return len(f.Cur) > 0
	}
	return !bytes.Equal(f.Orig, f.Cur)
}

// sibling returns an empty set over the same files (or live estate).
func (s *Set) sibling() *Set {
	n := NewSet(s.read)
	n.live = s.live
	return n
}

// File returns the file called name, reading it on first use. A file that
// does not exist is returned empty with New set when create is true.
func (s *Set) File(name string, create bool) (*File, error) {
	if f, ok := s.files[name]; ok {
		return f, nil
	}
	data, err := s.read(name)
	f := &File{Name: name}
	switch {
	case err == nil:
		if len(data) > MaxFile {
			return nil, fmt.Errorf("%s: too large to edit (%d bytes)", name, len(data))
		}
		f.Orig = data
		f.Cur = append([]byte(nil), data...)
	case create && errors.Is(err, fs.ErrNotExist):
		f.New = true
	default:
		return nil, fmt.Errorf("%s: cannot read: %w", name, err)
	}
	s.files[name] = f
	return f, nil
}

// once reports whether key is new to the set, and records it.
func (s *Set) once(key string) bool {
	if s.done[key] {
		return false
	}
	s.done[key] = true
	return true
}

// has reports whether key was recorded by once.
func (s *Set) has(key string) bool { return s.done[key] }

func (s *Set) onceSnapshot() map[string]bool {
	m := map[string]bool{}
	for k, v := range s.done {
		m[k] = v
	}
	m["\x00calls"] = len(s.calls) > 0
	s.mark = append(s.mark, len(s.calls))
	return m
}

func (s *Set) onceRestore(m map[string]bool) {
	s.done = m
	delete(s.done, "\x00calls")
	if n := len(s.mark); n > 0 {
		s.calls = s.calls[:s.mark[n-1]]
		s.mark = s.mark[:n-1]
	}
}

// Files returns the changed files sorted by name.
func (s *Set) Files() []*File {
	var out []*File
	for _, f := range s.files {
		if f.Changed() && f.live == nil {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Empty reports whether no file changed.
func (s *Set) Empty() bool { return len(s.Files()) == 0 }

// Snapshot returns the current content of every file read or created so
// far, so that a failed group of changes can be undone with [Set.Restore].
func (s *Set) Snapshot() map[string][]byte {
	m := map[string][]byte{}
	for n, f := range s.files {
		m[n] = f.Cur
	}
	return m
}

// Restore puts back the contents of a [Set.Snapshot]; files first read
// after it return to their original content.
func (s *Set) Restore(m map[string][]byte) {
	for n, f := range s.files {
		if c, ok := m[n]; ok {
			f.Cur = c
		} else {
			f.Cur = append([]byte(nil), f.Orig...)
		}
	}
}

// Diff is the unified diff of every changed file (a/ and b/ prefixes, as
// `git diff` writes them; `git apply` and `patch -p1` apply it).
func (s *Set) Diff() string {
	var b strings.Builder
	for _, f := range s.Files() {
		b.WriteString(UnifiedDiff(f.Name, f.Orig, f.Cur, f.New))
	}
	return b.String()
}

// Write stores every changed file with write and returns their names.
func (s *Set) Write(write func(name string, data []byte, created bool) error) ([]string, error) {
	var names []string
	for _, f := range s.Files() {
		if err := write(f.Name, f.Cur, f.New); err != nil {
			return names, err
		}
		names = append(names, f.Name)
	}
	return names, nil
}

// ReportEdits are the changes to the file name as replacements of whole
// lines of its original text (what a SARIF fix carries). A new file is
// one insertion at line 1.
func (s *Set) ReportEdits(name string) []report.Edit {
	f, ok := s.files[name]
	if !ok || !f.Changed() {
		return nil
	}
	return LineEdits(f.Name, f.Orig, f.Cur)
}

// LineEdits turns the difference between two texts of one file into
// replacements of whole lines of the old text: each replaces the lines
// from (Line, 1) up to (EndLine, 1), exclusive, with Text.
func LineEdits(name string, old, cur []byte) []report.Edit {
	a, b := splitLines(string(old)), splitLines(string(cur))
	var out []report.Edit
	for _, h := range diffRuns(a, b) {
		e := report.Edit{File: name, Line: h.a0 + 1, Col: 1, EndLine: h.a1 + 1, EndCol: 1, Text: strings.Join(b[h.b0:h.b1], "")}
		if h.a1 == len(a) && len(a) > 0 && !strings.HasSuffix(a[len(a)-1], "\n") {
			// The last line has no newline: end at its last character.
			e.EndLine, e.EndCol = len(a), len([]rune(a[len(a)-1]))+1
		}
		out = append(out, e)
	}
	return out
}

// splitLines splits text after each newline; the last line may lack one.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// Where maps a line and column of the file's original text (the model's
// positions) to the current text. Lines that changed only in white space
// (formatting realigned them) keep their place; a position on a line an
// edit replaced or removed is not found.
func (f *File) Where(line, col int) (int, int, bool) {
	if bytes.Equal(f.Orig, f.Cur) {
		return line, col, true
	}
	if f.whereFor == nil || !bytes.Equal(f.whereFor, f.Cur) {
		f.whereFor = append([]byte(nil), f.Cur...)
		a, b := splitLines(string(f.Orig)), splitLines(string(f.Cur))
		f.whereA, f.whereB = a, b
		na, nb := make([]string, len(a)), make([]string, len(b))
		for i, l := range a {
			na[i] = strings.Join(strings.Fields(l), "")
		}
		for i, l := range b {
			nb[i] = strings.Join(strings.Fields(l), "")
		}
		f.whereMap = map[int]int{}
		i, j := 0, 0
		for _, r := range diffRuns(na, nb) {
			for ; i < r.a0; i, j = i+1, j+1 {
				f.whereMap[i] = j
			}
			i, j = r.a1, r.b1
		}
		for ; i < len(a); i, j = i+1, j+1 {
			f.whereMap[i] = j
		}
	}
	nl, ok := f.whereMap[line-1]
	if !ok {
		return 0, 0, false
	}
	// The column: the same number of non-space characters before it.
	orig := []rune(f.whereA[line-1])
	k := 0
	for c := 0; c < col-1 && c < len(orig); c++ {
		if !isSpace(orig[c]) {
			k++
		}
	}
	cur := []rune(f.whereB[nl])
	c := 0
	for ; c < len(cur); c++ {
		if !isSpace(cur[c]) {
			if k == 0 {
				break
			}
			k--
		}
	}
	return nl + 1, c + 1, true
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }
