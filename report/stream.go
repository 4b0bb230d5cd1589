package report

import (
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
	w      io.Writer
	paths  spill
	nf, np int
	err    error
	enc    *json.Encoder
	buf    bytes.Buffer
}

// NewJSONStream starts the object on w.
func NewJSONStream(w io.Writer) *JSONStream {
	s := &JSONStream{w: w}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	s.enc.SetIndent("    ", "  ")
	_, s.err = io.WriteString(w, "{\n  \"findings\": [")
	return s
}

// element encodes one array element at the depth of the top-level arrays.
func (s *JSONStream) element(v any, first bool) ([]byte, error) {
	s.buf.Reset()
	if first {
		s.buf.WriteString("\n    ")
	} else {
		s.buf.WriteString(",\n    ")
	}
	if err := s.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")), nil
}

// Add writes the findings and spills the paths of one root's report.
func (s *JSONStream) Add(r *Report) error {
	if s.err != nil {
		return s.err
	}
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
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(sum); err != nil {
		return err
	}
	_, err := io.WriteString(s.w, closeArray(s.np)+",\n  \"summary\": "+strings.TrimSuffix(b.String(), "\n")+"\n}\n")
	return err
}

// spillLimit is how much of the paths is kept in memory before they move
// to a temporary file.
const spillLimit = 8 << 20

// spill is a buffer that moves to a temporary file past spillLimit.
type spill struct {
	mem   bytes.Buffer
	file  *os.File
	limit int // 0: spillLimit
}

func (s *spill) write(b []byte) error {
	limit := s.limit
	if limit == 0 {
		limit = spillLimit
	}
	if s.file == nil && s.mem.Len()+len(b) > limit {
		f, err := os.CreateTemp("", "s3front-paths-*.json")
		if err == nil {
			if _, err := f.Write(s.mem.Bytes()); err != nil {
				f.Close()
				os.Remove(f.Name())
				return err
			}
			s.file = f
			s.mem = bytes.Buffer{}
		}
		// Without a temporary directory the paths stay in memory.
	}
	if s.file != nil {
		_, err := s.file.Write(b)
		return err
	}
	s.mem.Write(b)
	return nil
}

func (s *spill) copyTo(w io.Writer) error {
	if s.file == nil {
		_, err := w.Write(s.mem.Bytes())
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
	s.mem = bytes.Buffer{}
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
