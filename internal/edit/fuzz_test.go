package edit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3front/s3front/report"
)

// FuzzJSONSpans checks the span parser on any input: it never panics,
// and every value it returns spans exactly one JSON value of the text.
func FuzzJSONSpans(f *testing.F) {
	for _, s := range []string{`{}`, `[1, "a", {"k": [true, null]}]`, `{"Statement": [{"Sid": "x\"y"}]}`, `{"a": "${x.y}/*"}`, `[`, `{"a" 1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseJSONSpans(s, 0, len(s))
		if err != nil {
			return
		}
		var walk func(n *jnode)
		walk = func(n *jnode) {
			if n.start < 0 || n.end > len(s) || n.start >= n.end {
				t.Fatalf("bad span %d..%d of %q", n.start, n.end, s)
			}
			if !json.Valid([]byte(s[n.start:n.end])) && strings.ToValidUTF8(s, "") == s {
				t.Fatalf("span %q of %q is not a JSON value", s[n.start:n.end], s)
			}
			for _, f := range n.fields {
				if f.keyStart < n.start || f.val.start < f.keyStart || f.val.end > n.end {
					t.Fatalf("member %q outside its object in %q", f.key, s)
				}
				walk(f.val)
			}
			for _, e := range n.elems {
				if e.start < n.start || e.end > n.end {
					t.Fatalf("element outside its array in %q", s)
				}
				walk(e)
			}
		}
		walk(n)
	})
}

// applyEdits applies line edits (as SARIF consumers do) to text.
func applyEdits(text string, edits []report.Edit) string {
	lines := splitLines(text)
	var out strings.Builder
	at := 1
	for _, e := range edits {
		for ; at < e.Line; at++ {
			out.WriteString(lines[at-1])
		}
		out.WriteString(e.Text)
		at = e.EndLine
		if e.EndCol > 1 {
			// The end is inside the last line (one without a newline).
			at = len(lines) + 1
		}
	}
	for ; at <= len(lines); at++ {
		out.WriteString(lines[at-1])
	}
	return out.String()
}

// FuzzLineEdits checks that the line edits of a change (what SARIF fixes
// carry) turn the old text into the new one, and that the unified diff
// names every changed line.
func FuzzLineEdits(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n")
	f.Add("a\nb", "a\nb\nc")
	f.Add("", "x\n")
	f.Add("x\ny\n", "")
	f.Fuzz(func(t *testing.T, old, cur string) {
		got := applyEdits(old, LineEdits("f", []byte(old), []byte(cur)))
		if got != cur {
			t.Fatalf("edits of %q -> %q give %q", old, cur, got)
		}
		d := UnifiedDiff("f", []byte(old), []byte(cur), false)
		if (d == "") != (old == cur) {
			t.Fatalf("diff of %q -> %q: %q", old, cur, d)
		}
	})
}
