package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// JSONStream writes the JSON form of a run of several roots as their
// reports arrive, without holding the whole output: findings go straight
// to the writer, paths (the bulk: every trace) to a spill buffer that
// moves to a temporary file when it grows, copied out at [JSONStream.Close].
// The bytes are those [WriteJSON] would write for the concatenated
// report.
type JSONStream struct {
	w      *bufio.Writer
	paths  spill
	nf, np int
	err    error
	enc    *json.Encoder
	buf    bytes.Buffer
	out    []byte
}

// NewJSONStream starts the object on w.
func NewJSONStream(w io.Writer) *JSONStream {
	s := &JSONStream{w: bufio.NewWriterSize(w, 64<<10)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	_, s.err = io.WriteString(w, "{\n  \"findings\": [")
	return s
}

// element encodes one array element at the depth of the top-level arrays.
func (s *JSONStream) element(v any, first bool) ([]byte, error) {
	s.buf.Reset()
	if err := s.enc.Encode(v); err != nil {
		return nil, err
	}
	s.out = s.out[:0]
	if first {
		s.out = append(s.out, "\n    "...)
	} else {
		s.out = append(s.out, ",\n    "...)
	}
	s.out = appendIndented(s.out, bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")), "    ", "  ")
	return s.out, nil
}

// Add writes the findings and spills the paths of one root's report.
func (s *JSONStream) Add(r *Report) (err error) {
	if s.err != nil {
		return s.err
	}
	defer func() {
		if err == nil {
			err = s.w.Flush()
		}
	}()
	for i := range r.Findings {
		b, err := s.element(&r.Findings[i], s.nf == 0)
		if err != nil {
			s.err = err
			return err
		}
		if _, err := s.w.Write(b); err != nil {
			s.err = err
			return err
		}
		s.nf++
	}
	for i := range r.Paths {
		b, err := s.element(&r.Paths[i], s.np == 0)
		if err != nil {
			s.err = err
			return err
		}
		if err := s.paths.write(b); err != nil {
			s.err = err
			return err
		}
		s.np++
	}
	return nil
}

// Close writes the paths and the summary and ends the object.
func (s *JSONStream) Close(sum Summary) error {
	defer s.paths.discard()
	if s.err != nil {
		return s.err
	}
	closeArray := func(n int) string {
		if n == 0 {
			return "]"
		}
		return "\n  ]"
	}
	if _, err := io.WriteString(s.w, closeArray(s.nf)+",\n  \"paths\": ["); err != nil {
		return err
	}
	if err := s.paths.copyTo(s.w); err != nil {
		return err
	}
	if sum.Incomplete == nil {
		sum.Incomplete = []Incomplete{}
	}
	b, err := marshalIndent(sum, "  ", "  ")
	if err != nil {
		return err
	}
	if _, err = io.WriteString(s.w, closeArray(s.np)+",\n  \"summary\": "+string(b)+"\n}\n"); err != nil {
		return err
	}
	return s.w.Flush()
}

// spillLimit is how much of the paths is kept in memory before they move
// to a temporary file.
const spillLimit = 8 << 20

// spillChunk is the size of the pieces the in-memory part is kept in: a
// buffer that doubles copies what it holds (and touches fresh memory) at
// every step, a cost that showed in the profile of 1,000 roots.
const spillChunk = 256 << 10

// spill is a buffer that moves to a temporary file past spillLimit.
type spill struct {
	chunks [][]byte
	n      int // bytes in chunks
	file   *os.File
	fw     *bufio.Writer
	limit  int // 0: spillLimit
	chunk  int // 0: spillChunk
}

func (s *spill) write(b []byte) error {
	limit := s.limit
	if limit == 0 {
		limit = spillLimit
	}
	if s.file == nil && s.n+len(b) > limit {
		f, err := os.CreateTemp("", "s3front-paths-*.json")
		if err == nil {
			for _, c := range s.chunks {
				if _, err := f.Write(c); err != nil {
					f.Close()
					os.Remove(f.Name())
					return err
				}
			}
			s.file = f
			s.fw = bufio.NewWriterSize(f, 256<<10)
			s.chunks, s.n = nil, 0
		}
		// Without a temporary directory the paths stay in memory.
	}
	if s.file != nil {
		_, err := s.fw.Write(b)
		return err
	}
	size := s.chunk
	if size == 0 {
		size = spillChunk
	}
	s.n += len(b)
	for len(b) > 0 {
		if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == cap(s.chunks[len(s.chunks)-1]) {
			s.chunks = append(s.chunks, make([]byte, 0, size))
		}
		last := &s.chunks[len(s.chunks)-1]
		k := min(cap(*last)-len(*last), len(b))
		*last = append(*last, b[:k]...)
		b = b[k:]
	}
	return nil
}

func (s *spill) copyTo(w io.Writer) error {
	if s.file == nil {
		for _, c := range s.chunks {
			if _, err := w.Write(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.fw.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

func (s *spill) discard() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
	s.chunks, s.n = nil, 0
}

// TextStream writes the text form of a run root by root: each root's
// paths and findings under a heading naming the root (when the run has
// more than one), then one summary for the run.
type TextStream struct {
	w     io.Writer
	o     TextOptions
	multi bool
}

// NewTextStream writes to w; roots is the number of roots of the run.
func NewTextStream(w io.Writer, o TextOptions, roots int) *TextStream {
	return &TextStream{w: w, o: o, multi: roots > 1}
}

// Add writes one root's paths and findings.
func (t *TextStream) Add(root string, r *Report) error {
	var b strings.Builder
	if t.multi {
		pt := painter{t.o.Color}
		fmt.Fprintf(&b, "%s\n\n", pt.bold("── "+root+" "+strings.Repeat("─", max(3, 60-len(root)))))
	}
	if failed := failedRoot(r); failed != nil {
		pt := painter{t.o.Color}
		fmt.Fprintf(&b, "%s %s: %s\n\n", pt.red("✗"), "failed to load", failed.Why)
	} else {
		writeBody(&b, r, t.o)
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// failedRoot returns the entry of a root that failed to load, if r is
// the report of one.
func failedRoot(r *Report) *Incomplete {
	if len(r.Paths) > 0 || len(r.Findings) > 0 {
		return nil
	}
	for i := range r.Summary.Incomplete {
		if r.Summary.Incomplete[i].Kind == IncompleteRoot {
			return &r.Summary.Incomplete[i]
		}
	}
	return nil
}

// Close writes the summary of the run.
func (t *TextStream) Close(sum Summary) error {
	var b strings.Builder
	writeSummary(&b, sum, t.o)
	_, err := io.WriteString(t.w, b.String())
	return err
}

// maxIncompleteShown bounds the entries listed per kind in text.
const maxIncompleteShown = 5

// writeIncomplete names what was not evaluated, one line per kind.
func writeIncomplete(b *strings.Builder, pt painter, inc []Incomplete) {
	if len(inc) == 0 {
		return
	}
	order := []string{IncompleteRoot, IncompleteModule, IncompleteResource}
	byKind := map[string][]Incomplete{}
	for _, x := range inc {
		k := x.Kind
		if k != IncompleteRoot && k != IncompleteModule && k != IncompleteResource {
			k = ""
		}
		if _, ok := byKind[k]; !ok && k == "" {
			order = append(order, "")
		}
		byKind[k] = append(byKind[k], x)
	}
	for _, k := range order {
		xs := byKind[k]
		if len(xs) == 0 {
			continue
		}
		var head string
		switch k {
		case IncompleteRoot:
			head = count(len(xs), "root") + " failed to load"
		case IncompleteModule:
			head = count(len(xs), "module") + " not evaluated"
		case IncompleteResource:
			head = count(len(xs), "resource") + " not evaluated"
		default:
			head = count(len(xs), "input") + " not evaluated"
		}
		var names []string
		for i, x := range xs {
			if i == maxIncompleteShown {
				names = append(names, fmt.Sprintf("and %d more (--format json lists them all)", len(xs)-i))
				break
			}
			n := x.What
			if loc := x.Location.String(); loc != "" && loc != x.What {
				n += " at " + loc
			}
			names = append(names, n)
		}
		fmt.Fprintf(b, "%s %s: %s\n", pt.yellow("incomplete:"), head, strings.Join(names, "; "))
	}
}

// marshalIndent is json.MarshalIndent without HTML escaping, the bytes
// encoding/json's Encoder writes with SetEscapeHTML(false) and
// SetIndent(prefix, indent) (without the final newline), at a fraction of
// the cost: encoding/json re-scans its output byte by byte to indent it,
// this indents the compact encoding in one pass.
func marshalIndent(v any, prefix, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	src := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return appendIndented(make([]byte, 0, len(src)+len(src)/2), src, prefix, indent), nil
}

// appendIndented indents compact JSON (no space outside strings).
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for i := 0; i < depth; i++ {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// The closing quote: the next '"' not escaped by a backslash
			// (found a run at a time, not byte by byte).
			j := i + 1
			for {
				q := bytes.IndexByte(src[j:], '"')
				if q < 0 {
					j = len(src)
					break
				}
				if b := bytes.IndexByte(src[j:j+q], '\\'); b >= 0 {
					j += b + 2 // past the escaped character
					continue
				}
				j += q
				break
			}
			dst = append(dst, src[i:min(j+1, len(src))]...)
			i = j
		case '{', '[':
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, c, src[i+1])
				i++
				continue
			}
			dst = append(dst, c)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
