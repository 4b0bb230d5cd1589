package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestSummaryAdd: every count of a summary is added (a new count that Add
// forgets fails here).
func TestSummaryAdd(t *testing.T) {
	var a, b Summary
	v := reflect.ValueOf(&b).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Kind() == reflect.Int {
			v.Field(i).SetInt(int64(i + 1))
		}
	}
	b.Incomplete = []Incomplete{{Kind: IncompleteModule, What: "m"}}
	a.Add(b)
	a.Add(b)
	w := reflect.ValueOf(a)
	for i := 0; i < w.NumField(); i++ {
		if w.Field(i).Kind() == reflect.Int && w.Field(i).Int() != int64(2*(i+1)) {
			t.Errorf("Add does not add %s", w.Type().Field(i).Name)
		}
	}
	if len(a.Incomplete) != 2 || a.IsComplete() {
		t.Errorf("incomplete entries: %v", a.Incomplete)
	}
}

// TestJSONStream: streaming two reports gives the bytes WriteJSON gives
// for their concatenation, also when the paths spill to a file.
func TestJSONStream(t *testing.T) {
	a, b := sample(), sample()
	for i := range b.Findings {
		b.Findings[i].Root = "other"
	}
	for i := range b.Paths {
		b.Paths[i].Root = "other"
	}
	empty := &Report{Findings: []Finding{}, Paths: []Path{}}
	empty.Sort()
	for _, spill := range []string{"memory", "chunks", "file"} {
		var got bytes.Buffer
		s := NewJSONStream(&got)
		switch spill {
		case "chunks":
			s.paths.chunk = 7
		case "file":
			s.paths.limit = 1
		}
		var total Summary
		for _, r := range []*Report{a, empty, b} {
			if err := s.Add(r); err != nil {
				t.Fatal(err)
			}
			total.Add(r.Summary)
		}
		if err := s.Close(total); err != nil {
			t.Fatal(err)
		}
		whole := &Report{Findings: append(append([]Finding{}, a.Findings...), b.Findings...), Paths: append(append([]Path{}, a.Paths...), b.Paths...), Summary: total}
		var want bytes.Buffer
		if err := WriteJSON(&want, whole); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: streamed JSON differs:\n%s\nwant:\n%s", spill, got.String(), want.String())
		}
	}
	// Nothing at all.
	var got, want bytes.Buffer
	s := NewJSONStream(&got)
	if err := s.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	WriteJSON(&want, &Report{Findings: []Finding{}, Paths: []Path{}, Summary: Summary{Incomplete: []Incomplete{}}})
	if got.String() != want.String() {
		t.Errorf("empty: %s\nwant %s", got.String(), want.String())
	}
}

// TestTextStream: several roots get a heading each and one summary that
// names what was not evaluated; a root that failed to load says so.
func TestTextStream(t *testing.T) {
	var b strings.Builder
	ts := NewTextStream(&b, TextOptions{}, 2)
	failed := &Report{Findings: []Finding{}, Paths: []Path{}, Summary: Summary{Incomplete: []Incomplete{{Root: "envs/broken", Kind: IncompleteRoot, What: "envs/broken", Why: "envs/broken/main.tf:2:11: invalid expression"}}}}
	ts.Add("envs/broken", failed)
	ok := sample()
	ok.Summary.Incomplete = []Incomplete{{Kind: IncompleteModule, What: `module "cdn" (source "acme/cdn/aws")`, Location: Location{File: "envs/prod/main.tf", Line: 3, Col: 12}}}
	ts.Add("envs/prod", ok)
	var total Summary
	total.Add(failed.Summary)
	total.Add(ok.Summary)
	ts.Close(total)
	out := b.String()
	for _, want := range []string{
		"── envs/broken ──",
		"✗ failed to load: envs/broken/main.tf:2:11: invalid expression\n",
		"── envs/prod ──",
		"incomplete: 1 root failed to load: envs/broken\n",
		`incomplete: 1 module not evaluated: module "cdn" (source "acme/cdn/aws") at envs/prod/main.tf:3:12` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// TestIndent: the one-pass indenter writes what encoding/json writes.
func TestIndent(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[{}],"c":[[],[1]]}`, `"x"`, `1`, `null`,
		`{"s":"a,b:c{d}[e]\"f\\\\","t":"\\\"","u":"\u2028é"}`,
		`[{"a":1,"b":[true,false,null],"c":{"d":"e"}},-1.5e10]`,
	} {
		checkIndent(t, []byte(in))
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sample()); err != nil {
		t.Fatal(err)
	}
	if b.String() != want.String() {
		t.Errorf("WriteJSON differs from encoding/json:\n%s\nwant:\n%s", b.String(), want.String())
	}
}

func checkIndent(t *testing.T, in []byte) {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, in); err != nil {
		return
	}
	var want bytes.Buffer
	if err := json.Indent(&want, compact.Bytes(), "  ", "\t"); err != nil {
		t.Fatal(err)
	}
	got := appendIndented(nil, compact.Bytes(), "  ", "\t")
	if string(got) != want.String() {
		t.Errorf("%s:\n got %s\nwant %s", in, got, want.String())
	}
}

func FuzzIndent(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"c\"]"}],"d":{}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkIndent(t, in)
	})
}

// TestAppendIndentedStrings checks the indenter against encoding/json's on
// strings with quotes, backslashes and structural characters inside.
func TestAppendIndentedStrings(t *testing.T) {
	values := []any{
		map[string]any{"a": `x"y`, "b": `\`, "c": `\\"`, "d": `{[,:]}`, "e": []any{`"`, `\"`, "", `a\b`}},
		[]any{`ends with a backslash \`, map[string]any{`k"ey`: `v\\`, "n": 1.5, "t": true, "z": nil}},
		`"`, `\`, "",
	}
	for _, v := range values {
		compact, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact, "  ", "    "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented(nil, compact, "  ", "    "); string(got) != want.String() {
			t.Errorf("appendIndented(%s):\n%s\nwant\n%s", compact, got, want.String())
		}
	}
}
