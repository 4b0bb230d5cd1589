// Package iamtest loads the conformance corpus of the iam package, so that
// the library's tests and the CLI's tests run the very same cases.
//
// A corpus file is a JSON object:
//
//	{"source": "AWS documentation URL and section the cases come from",
//	 "defaults": { simulation input fields shared by the cases },
//	 "cases": [{"name": "...", "input": { simulation input }, "decision": "allow"},
//	           {"name": "...", "source": "...", "input": {...}, "error": "names no operation"}]}
//
// A case's input is its "input" laid over "defaults": top-level fields
// replace the defaults' (null removes one), except "request" and its
// "context", which are merged field by field. The result is a complete
// input in the format of [iam.DecodeInput], and decision is one of
// "allow", "implicit-deny", "explicit-deny". A case with "error" instead
// of "decision" is an input AWS would refuse: decoding it must fail with
// an error message containing that text. A case's own "source" cites
// the documentation for that case; it defaults to the file's.
package iamtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/s3front/s3front/source"
)

// Case is one corpus case.
type Case struct {
	// File and Name identify the case; Source is its citation (the
	// case's own, or the file's).
	File, Name, Source string
	// Input is the merged simulation input, as JSON.
	Input []byte
	// Decision is the expected decision; empty when Error is set.
	Decision string
	// Error, when set, is text the error refusing the input must contain.
	Error string
}

// Load reads every *.json file of dir.
func Load(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Case
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cs, err := parseFile(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

func parseFile(file string, data []byte) ([]Case, error) {
	n, err := source.ParseJSON(file, data)
	if err != nil {
		return nil, err
	}
	src := n.Get("source")
	if src == nil || src.Kind != source.String || src.Text == "" {
		return nil, fmt.Errorf("%s: missing \"source\" (the AWS documentation the cases come from)", file)
	}
	defaults := n.Get("defaults")
	cases := n.Get("cases")
	if cases == nil || cases.Kind != source.Array {
		return nil, fmt.Errorf("%s: missing \"cases\" array", file)
	}
	var out []Case
	seen := map[string]bool{}
	for _, c := range cases.Elems {
		name, in, dec, errText := c.Get("name"), c.Get("input"), c.Get("decision"), c.Get("error")
		if name == nil || in == nil || (dec == nil) == (errText == nil) {
			return nil, fmt.Errorf("%s: a case needs name, input and either decision or error", c.Pos)
		}
		if seen[name.Text] {
			return nil, fmt.Errorf("%s: duplicate case name %q", c.Pos, name.Text)
		}
		seen[name.Text] = true
		merged := merge(defaults, in, 0)
		cs := Case{File: filepath.Base(file), Name: name.Text, Source: src.Text, Input: []byte(merged.JSON())}
		if own := c.Get("source"); own != nil && own.Kind == source.String && own.Text != "" {
			cs.Source = own.Text
		}
		if dec != nil {
			cs.Decision = dec.Text
		} else {
			cs.Error = errText.Text
		}
		out = append(out, cs)
	}
	return out, nil
}

// merge lays over on def; objects at depth 0 ("request") and 1 ("context")
// merge field by field.
func merge(def, over *source.Node, depth int) *source.Node {
	if def == nil || def.Kind != source.Object || over.Kind != source.Object {
		return over
	}
	out := &source.Node{Kind: source.Object, Pos: over.Pos}
	for _, f := range def.Fields {
		if over.Get(f.Key) == nil {
			out.Fields = append(out.Fields, f)
		}
	}
	for _, f := range over.Fields {
		if f.Value.Kind == source.Null {
			continue
		}
		v := f.Value
		if d := def.Get(f.Key); d != nil && depth < 2 && (depth == 0 && f.Key == "request" || depth == 1 && f.Key == "context") {
			v = merge(d, v, depth+1)
		}
		out.Fields = append(out.Fields, source.Field{Key: f.Key, KeyPos: f.KeyPos, Value: v})
	}
	return out
}

// JSON renders a positioned tree as compact JSON.
func JSON(n *source.Node) string { return n.JSON() }
