package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/s3front/s3front/source"
)

// textFile is a file whose text an editor changes: a Terraform file (a
// heredoc policy), a JSON policy file or template, a YAML template.
type textFile interface {
	content() string
	set(text string) error
	name() string
	file() *File
}

func (t *tfFile) content() string { return t.text }
func (t *tfFile) name() string    { return t.f.Name }
func (t *tfFile) file() *File     { return t.f }

// plainFile is a JSON or YAML file checked by a parse after each change.
type plainFile struct {
	f     *File
	check func([]byte) error
}

func (p *plainFile) content() string { return string(p.f.Cur) }
func (p *plainFile) name() string    { return p.f.Name }
func (p *plainFile) file() *File     { return p.f }

// locate converts a position of the original text of f to an offset of
// its current text.
func locate(f textFile, p source.Pos) (int, error) {
	l, c, ok := f.file().Where(p.Line, p.Col)
	if !ok {
		return 0, fmt.Errorf("%s: the line was changed by another edit", p)
	}
	off, ok := offsetOf(f.content(), l, c)
	if !ok {
		return 0, fmt.Errorf("%s: no such line", p)
	}
	return off, nil
}
func (p *plainFile) set(text string) error {
	if err := p.check([]byte(text)); err != nil {
		return fmt.Errorf("internal error: the edit of %s does not parse: %w", p.f.Name, err)
	}
	p.f.Cur = []byte(text)
	return nil
}

func checkJSON(data []byte) error {
	if !json.Valid(data) {
		var v any
		return json.Unmarshal(data, &v)
	}
	return nil
}

// jsonDoc is a policy written as JSON text: a heredoc, a policy file, or
// a document inside a JSON template.
type jsonDoc struct {
	f   textFile
	pos source.Pos // the document's opening brace
	// whole: the document's file is JSON (a template or policy file);
	// otherwise the JSON is embedded (a heredoc) and only its value is
	// read.
	whole bool
}

func (d *jsonDoc) off(p source.Pos) (int, error) { return locate(d.f, p) }

// doc parses the document.
func (d *jsonDoc) doc() (*jnode, error) {
	text := d.f.content()
	if d.whole {
		root, err := parseJSONSpans(text, 0, len(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.f.name(), err)
		}
		if d.pos.Line == 0 {
			return root, nil
		}
		off, err := d.off(d.pos)
		if err != nil {
			return nil, err
		}
		if n := root.at(off); n != nil && n.kind == '{' {
			return n, nil
		}
		return nil, fmt.Errorf("%s: no policy document here", d.pos)
	}
	off, err := d.off(d.pos)
	if err != nil {
		return nil, err
	}
	n, err := parseJSONAt(text, off)
	if err != nil {
		return nil, fmt.Errorf("%s: the policy is not plain JSON (%v); change it by hand", d.pos, err)
	}
	return n, nil
}

// byPointer follows a JSON pointer from the document's root: the node,
// and when the last token names an object member, that member.
func byPointer(doc *jnode, ptr string) (*jnode, *jnode, jfield, bool) {
	if ptr == "" || !strings.HasPrefix(ptr, "/") {
		return nil, nil, jfield{}, false
	}
	n := doc
	var parent *jnode
	var field jfield
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		parent = n
		switch n.kind {
		case '{':
			f, ok := n.field(tok)
			if !ok {
				return nil, nil, jfield{}, false
			}
			n, field = f.val, f
		case '[':
			i := 0
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(n.elems) {
				return nil, nil, jfield{}, false
			}
			n, field = n.elems[i], jfield{}
		default:
			return nil, nil, jfield{}, false
		}
	}
	return n, parent, field, true
}

// node returns the node of the document starting at p.
func (d *jsonDoc) node(p source.Pos, what string) (*jnode, *jnode, error) {
	doc, err := d.doc()
	if err != nil {
		return nil, nil, err
	}
	if !d.whole {
		// Columns inside an indented heredoc are those of its value, not
		// of the file: the pointer is exact.
		if n, _, _, ok := byPointer(doc, strings.TrimPrefix(p.Pointer, d.pos.Pointer)); ok && n.kind == '{' {
			return doc, n, nil
		}
	}
	off, err := d.off(p)
	if err != nil {
		return nil, nil, err
	}
	n := doc.at(off)
	if n == nil || n.kind != '{' {
		return nil, nil, fmt.Errorf("%s: no %s here", p, what)
	}
	return doc, n, nil
}

// unit is the document's indentation step: its first member's
// indentation beyond the line of its opening brace.
func (d *jsonDoc) unit() string {
	doc, err := d.doc()
	if err == nil && len(doc.fields) > 0 {
		s := d.f.content()
		outer, inner := indentAt(s, doc.start), indentAt(s, doc.fields[0].keyStart)
		if onlySpaceBefore(s, doc.fields[0].keyStart) && strings.HasPrefix(inner, outer) && len(inner) > len(outer) {
			return inner[len(outer):]
		}
	}
	return unitIndent(d.f.content())
}

// expanded reports whether the document writes every object and array
// over several lines (as tools write JSON): values added to it are then
// expanded too.
func (d *jsonDoc) expanded() bool {
	doc, err := d.doc()
	if err != nil {
		return false
	}
	var inline func(n *jnode) bool
	s := d.f.content()
	inline = func(n *jnode) bool {
		if (n.kind == '{' || n.kind == '[') && len(n.fields)+len(n.elems) > 0 && !strings.Contains(s[n.start:n.end], "\n") {
			return true
		}
		for _, f := range n.fields {
			if inline(f.val) {
				return true
			}
		}
		for _, e := range n.elems {
			if inline(e) {
				return true
			}
		}
		return false
	}
	return !inline(doc)
}

// shape writes a JSON value in the document's layout: expanded over
// lines (continuation lines relative to the value's own line) or as
// given.
func (d *jsonDoc) shape(v string) string {
	if !d.expanded() {
		return reunit(v, d.unit())
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(v), "", d.unit()); err != nil {
		return reunit(v, d.unit())
	}
	return b.String()
}

func (d *jsonDoc) addStatement(text string) error {
	doc, err := d.doc()
	if err != nil {
		return err
	}
	text = d.shape(text)
	st := doc.get("Statement")
	switch {
	case st == nil:
		return d.addField(doc, "Statement", "[\n"+indentAll(text, d.unit())+"\n]")
	case st.kind == '[':
		return d.appendElem(st, text)
	case st.kind == '{':
		s := d.f.content()
		in := indentAt(s, st.start)
		return d.f.set(splice(s, st.start, st.end, "[\n"+in+d.unit()+indent(s[st.start:st.end], d.unit())+",\n"+in+d.unit()+indent(text, in+d.unit())+"\n"+in+"]"))
	}
	return fmt.Errorf("%s: the policy's Statement is not a list", d.pos)
}

func (d *jsonDoc) removeStatement(p source.Pos) error {
	doc, n, err := d.node(p, "statement")
	if err != nil {
		return err
	}
	arr := doc.get("Statement")
	if arr == nil || arr.kind != '[' {
		return fmt.Errorf("%s: the policy's Statement is not a list", d.pos)
	}
	for i, e := range arr.elems {
		if e == n {
			return d.removeElem(arr, i)
		}
	}
	return fmt.Errorf("%s: no statement here", p)
}

func (d *jsonDoc) setActions(p source.Pos, value string) error {
	_, st, err := d.node(p, "statement")
	if err != nil {
		return err
	}
	a := st.get("Action")
	if a == nil {
		return fmt.Errorf("%s: the statement has no Action", p)
	}
	return d.f.set(splice(d.f.content(), a.start, a.end, indent(d.shape(value), indentAt(d.f.content(), a.start))))
}

func (d *jsonDoc) setConditionValues(st, c source.Pos, value string) error {
	doc, err := d.doc()
	if err != nil {
		return err
	}
	if !d.whole {
		if n, _, f, ok := byPointer(doc, strings.TrimPrefix(c.Pointer, d.pos.Pointer)); ok && f.val == n {
			return d.f.set(splice(d.f.content(), n.start, n.end, indent(d.shape(value), indentAt(d.f.content(), n.start))))
		}
	}
	off, err := d.off(c)
	if err != nil {
		return err
	}
	_, f, ok := doc.fieldAtKey(off)
	if !ok {
		return fmt.Errorf("%s: no condition key here", c)
	}
	return d.f.set(splice(d.f.content(), f.val.start, f.val.end, indent(d.shape(value), indentAt(d.f.content(), f.val.start))))
}

func (d *jsonDoc) addCondition(p source.Pos, op, key, value string) error {
	_, st, err := d.node(p, "statement")
	if err != nil {
		return err
	}
	c := st.get("Condition")
	if c == nil {
		return d.addField(st, "Condition", "{"+jsonQuote(op)+": {"+jsonQuote(key)+": "+value+"}}")
	}
	if c.kind != '{' {
		return fmt.Errorf("%s: the statement's Condition is not an object", p)
	}
	for _, f := range c.fields {
		if strings.EqualFold(f.key, op) && f.val.kind == '{' {
			return d.addField(f.val, key, value)
		}
	}
	return d.addField(c, op, "{"+jsonQuote(key)+": "+value+"}")
}

// addField adds "key": value as the last member of object o, in its
// layout.
func (d *jsonDoc) addField(o *jnode, key, value string) error {
	s := d.f.content()
	if len(o.fields) == 0 {
		return d.f.set(splice(s, o.start, o.end, "{"+jsonQuote(key)+": "+value+"}"))
	}
	last := o.fields[len(o.fields)-1]
	first := o.fields[0]
	if !onlySpaceBefore(s, first.keyStart) {
		// {"a": 1, "b": 2}: one line.
		return d.f.set(splice(s, last.val.end, last.val.end, ", "+jsonQuote(key)+": "+value))
	}
	in := indentAt(s, first.keyStart)
	return d.f.set(splice(s, last.val.end, last.val.end, ",\n"+in+jsonQuote(key)+": "+indent(d.shape(value), in)))
}

// appendElem adds text as the last element of array arr.
func (d *jsonDoc) appendElem(arr *jnode, text string) error {
	s := d.f.content()
	if len(arr.elems) == 0 {
		in := indentAt(s, arr.start)
		return d.f.set(splice(s, arr.start, arr.end, "[\n"+in+d.unit()+indent(text, in+d.unit())+"\n"+in+"]"))
	}
	last := arr.elems[len(arr.elems)-1]
	if onlySpaceBefore(s, last.start) {
		in := indentAt(s, last.start)
		return d.f.set(splice(s, last.end, last.end, ",\n"+in+indent(text, in)))
	}
	return d.f.set(splice(s, last.end, last.end, ", "+indent(text, indentAt(s, last.end-1))))
}

// removeElem deletes element i of array arr with its separator.
func (d *jsonDoc) removeElem(arr *jnode, i int) error {
	s := d.f.content()
	es := arr.elems
	e := es[i]
	switch {
	case len(es) == 1:
		return d.f.set(splice(s, arr.start, arr.end, "[]"))
	case i < len(es)-1:
		next := es[i+1]
		if onlySpaceBefore(s, e.start) && onlySpaceBefore(s, next.start) {
			return d.f.set(splice(s, lineStart(s, e.start), lineStart(s, next.start), ""))
		}
		return d.f.set(splice(s, e.start, next.start, ""))
	default:
		return d.f.set(splice(s, es[i-1].end, e.end, ""))
	}
}

// jsonQuote writes s as a JSON string, without HTML escaping.
func jsonQuote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// reunit rewrites leading indentation written in two-space steps into
// steps of unit.
func reunit(s, unit string) string {
	if unit == "  " {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		n := (len(l) - len(t)) / 2
		lines[i] = strings.Repeat(unit, n) + strings.Repeat(" ", (len(l)-len(t))%2) + t
	}
	return strings.Join(lines, "\n")
}
