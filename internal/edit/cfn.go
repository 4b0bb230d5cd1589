package edit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/s3front/s3front/source"
	"go.yaml.in/yaml/v3"
)

// CFN is a CloudFormation value to write into a template: a string, an
// intrinsic function, a mapping (ordered) or a list.
type CFN struct {
	// Kind is "str", "ref", "getatt", "sub", "map" or "list".
	Kind  string
	S     string
	Keys  []string
	Vals  []*CFN
	Items []*CFN
	// Comment is written above a mapping entry in YAML (JSON has no
	// comments).
	Comment string
}

// CFN value constructors.
func CFNStr(s string) *CFN    { return &CFN{Kind: "str", S: s} }
func CFNLit(s string) *CFN    { return &CFN{Kind: "lit", S: s} } // true, false, a number
func CFNRef(id string) *CFN   { return &CFN{Kind: "ref", S: id} }
func CFNGetAtt(s string) *CFN { return &CFN{Kind: "getatt", S: s} }
func CFNSub(s string) *CFN    { return &CFN{Kind: "sub", S: s} }
func CFNList(items ...*CFN) *CFN {
	return &CFN{Kind: "list", Items: items}
}

// CFNMap builds a mapping from alternating keys (strings) and values.
func CFNMap(kv ...any) *CFN {
	m := &CFN{Kind: "map"}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Keys = append(m.Keys, kv[i].(string))
		switch v := kv[i+1].(type) {
		case *CFN:
			m.Vals = append(m.Vals, v)
		case string:
			m.Vals = append(m.Vals, CFNStr(v))
		}
	}
	return m
}

// yamlValue writes v as YAML for the value of a key: inline text, or a
// block starting with a newline (unindented: the caller indents it).
func (v *CFN) yamlValue(unit string) string {
	switch v.Kind {
	case "lit":
		return v.S
	case "str":
		return yamlScalarText(v.S)
	case "ref":
		return "!Ref " + v.S
	case "getatt":
		return "!GetAtt " + v.S
	case "sub":
		return "!Sub " + jsonQuote(v.S)
	case "list":
		var b strings.Builder
		for _, it := range v.Items {
			x := it.yamlValue(unit)
			if strings.HasPrefix(x, "\n") {
				// A mapping item: its first key follows the dash.
				x = indent(strings.TrimPrefix(x, "\n"), "  ")
			}
			b.WriteString("\n- " + x)
		}
		return b.String()
	case "map":
		var b strings.Builder
		for i, k := range v.Keys {
			if c := v.Vals[i].Comment; c != "" {
				b.WriteString("\n# " + c)
			}
			b.WriteString("\n" + yamlKeyText(k) + ":" + inlineOrBlock(v.Vals[i].yamlValue(unit), unit))
		}
		return b.String()
	}
	return `""`
}

// yamlFlow writes a list of strings in flow style: [a, b].
func (v *CFN) yamlFlow() string {
	var parts []string
	for _, it := range v.Items {
		parts = append(parts, it.yamlValue(""))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// jsonValue writes v as compact JSON.
func (v *CFN) jsonValue() string {
	switch v.Kind {
	case "lit":
		return v.S
	case "str":
		return jsonQuote(v.S)
	case "ref":
		return `{"Ref": ` + jsonQuote(v.S) + `}`
	case "getatt":
		id, attr, _ := strings.Cut(v.S, ".")
		return `{"Fn::GetAtt": [` + jsonQuote(id) + `, ` + jsonQuote(attr) + `]}`
	case "sub":
		return `{"Fn::Sub": ` + jsonQuote(v.S) + `}`
	case "list":
		var parts []string
		for _, it := range v.Items {
			parts = append(parts, it.jsonValue())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case "map":
		var parts []string
		for i, k := range v.Keys {
			parts = append(parts, jsonQuote(k)+": "+v.Vals[i].jsonValue())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return `""`
}

// cfnFile is a CloudFormation template of a set, YAML or JSON.
type cfnFile struct {
	y *yamlFile
	j *plainFile
}

func (s *Set) cfn(name string) (*cfnFile, error) {
	f, err := s.File(name, false)
	if err != nil {
		return nil, err
	}
	if err := notSynthesized(f); err != nil {
		return nil, err
	}
	if t := bytes.TrimLeft(f.Cur, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		return &cfnFile{j: &plainFile{f: f, check: checkJSON}}, nil
	}
	y, err := s.yaml(name)
	if err != nil {
		return nil, err
	}
	return &cfnFile{y: y}, nil
}

// doc returns the editor of the policy document at pos.
func (c *cfnFile) doc(pos source.Pos) docEditor {
	if c.y != nil {
		return &yamlDoc{y: c.y, pos: pos}
	}
	return &jsonDoc{f: c.j, pos: pos, whole: true}
}

// jroot parses a JSON template.
func (c *cfnFile) jroot() (*jnode, error) {
	s := c.j.content()
	n, err := parseJSONSpans(s, 0, len(s))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.j.name(), err)
	}
	return n, nil
}

// jdoc is a JSON editing context over the whole template.
func (c *cfnFile) jdoc() *jsonDoc { return &jsonDoc{f: c.j, whole: true} }

// AddResource adds resource id with the given body (Type, Properties...)
// after resource after (at the end of Resources when after is "").
func (c *cfnFile) addResource(after, id string, body *CFN) error {
	if c.y != nil {
		res := mapGet(c.y.root, "Resources")
		if res < 0 {
			return fmt.Errorf("%s: the template has no Resources", c.y.name())
		}
		m := c.y.root.Content[res+1]
		at := -1
		if after != "" {
			at = mapGet(m, after)
		}
		return c.y.insertKey(m, at, id, body.yamlValue(c.y.unit()))
	}
	root, err := c.jroot()
	if err != nil {
		return err
	}
	res := root.get("Resources")
	if res == nil || res.kind != '{' {
		return fmt.Errorf("%s: the template has no Resources", c.j.name())
	}
	return c.jdoc().insertField(res, after, id, body.jsonValue())
}

// RemoveResource deletes resource id.
func (c *cfnFile) removeResource(id string) error {
	if c.y != nil {
		res := mapGet(c.y.root, "Resources")
		if res < 0 {
			return fmt.Errorf("%s: the template has no Resources", c.y.name())
		}
		m := c.y.root.Content[res+1]
		i := mapGet(m, id)
		if i < 0 {
			return nil
		}
		return c.y.removeKey(m, i)
	}
	root, err := c.jroot()
	if err != nil {
		return err
	}
	return c.jdoc().removeField(root.get("Resources"), id)
}

// setKey sets key to v in the mapping at pos (its first key in YAML, its
// opening brace in JSON), following path (keys of nested mappings) first.
func (c *cfnFile) setKey(pos source.Pos, path []string, key string, v *CFN) error {
	if c.y != nil {
		m := c.y.nodeAt(pos.Line, pos.Col)
		if m == nil || m.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: no mapping here", pos)
		}
		for _, k := range path {
			i := mapGet(m, k)
			if i < 0 || m.Content[i+1].Kind != yaml.MappingNode {
				return fmt.Errorf("%s: no %s here", pos, k)
			}
			m = m.Content[i+1]
		}
		if i := mapGet(m, key); i >= 0 {
			return c.y.replaceValue(m, i, v.yamlValue(c.y.unit()))
		}
		return c.y.addKey(m, key, v.yamlValue(c.y.unit()))
	}
	d := c.jdoc()
	root, err := c.jroot()
	if err != nil {
		return err
	}
	off, err := locate(c.j, pos)
	if err != nil {
		return err
	}
	m := root.at(off)
	for _, k := range path {
		m = m.get(k)
	}
	if m == nil || m.kind != '{' {
		return fmt.Errorf("%s: no mapping here", pos)
	}
	if x := m.get(key); x != nil {
		s := c.j.content()
		return c.j.set(splice(s, x.start, x.end, indent(d.shape(v.jsonValue()), indentAt(s, x.start))))
	}
	return d.addField(m, key, v.jsonValue())
}

// removeKey deletes key from the mapping at pos (after following path).
func (c *cfnFile) removeKey(pos source.Pos, path []string, key string) error {
	if c.y != nil {
		m := c.y.nodeAt(pos.Line, pos.Col)
		for _, k := range path {
			i := mapGet(m, k)
			if i < 0 {
				return nil
			}
			m = m.Content[i+1]
		}
		if i := mapGet(m, key); i >= 0 {
			return c.y.removeKey(m, i)
		}
		return nil
	}
	root, err := c.jroot()
	if err != nil {
		return err
	}
	off, err := locate(c.j, pos)
	if err != nil {
		return err
	}
	m := root.at(off)
	for _, k := range path {
		m = m.get(k)
	}
	return c.jdoc().removeField(m, key)
}

// insertKey adds key: value to block mapping m after entry index at (at
// the end when at < 0), separated by a blank line when the mapping's
// entries are (resources usually are).
func (y *yamlFile) insertKey(m *yaml.Node, at int, key, value string) error {
	if at < 0 || at >= len(m.Content)-2 {
		return y.addKeySpaced(m, key, value)
	}
	s := y.content()
	k := m.Content[at]
	koff := y.off(k.Line, k.Column)
	end := extentEnd(s, koff, k.Column-1, m.Content[at+1].Kind == yaml.SequenceNode)
	text := strings.Repeat(" ", k.Column-1) + yamlKeyText(key) + ":" + y.valueText(k, value) + "\n"
	if y.spaced(m) {
		text = "\n" + text
	}
	return y.set(splice(s, end, end, text))
}

// spaced reports whether the entries of m are separated by blank lines.
func (y *yamlFile) spaced(m *yaml.Node) bool {
	if len(m.Content) < 4 {
		return true
	}
	s := y.content()
	k := m.Content[2]
	off := y.off(k.Line, k.Column)
	ls := lineStart(s, off)
	return ls >= 2 && strings.TrimSpace(s[lineStart(s, ls-1):ls]) == ""
}

func (y *yamlFile) addKeySpaced(m *yaml.Node, key, value string) error {
	if !y.spaced(m) {
		return y.addKey(m, key, value)
	}
	s := y.content()
	last := m.Content[len(m.Content)-2]
	koff := y.off(last.Line, last.Column)
	end := extentEnd(s, koff, last.Column-1, m.Content[len(m.Content)-1].Kind == yaml.SequenceNode)
	first := m.Content[0]
	text := "\n" + strings.Repeat(" ", first.Column-1) + yamlKeyText(key) + ":" + y.valueText(first, value) + "\n"
	if end > 0 && s[end-1] != '\n' {
		text = "\n" + text
	}
	return y.set(splice(s, end, end, text))
}

// insertField adds "key": value to object o after the member named after
// (at the end when after is "" or absent).
func (d *jsonDoc) insertField(o *jnode, after, key, value string) error {
	idx := -1
	for i, f := range o.fields {
		if f.key == after {
			idx = i
		}
	}
	if idx < 0 || idx == len(o.fields)-1 {
		return d.addField(o, key, value)
	}
	s := d.f.content()
	f := o.fields[idx]
	in := indentAt(s, f.keyStart)
	return d.f.set(splice(s, f.val.end, f.val.end, ",\n"+in+jsonQuote(key)+": "+indent(d.shape(value), in)))
}

// removeField deletes member key of object o with its separator.
func (d *jsonDoc) removeField(o *jnode, key string) error {
	if o == nil {
		return nil
	}
	s := d.f.content()
	for i, f := range o.fields {
		if f.key != key {
			continue
		}
		switch {
		case len(o.fields) == 1:
			return d.f.set(splice(s, o.start, o.end, "{}"))
		case i < len(o.fields)-1:
			next := o.fields[i+1]
			if onlySpaceBefore(s, f.keyStart) {
				return d.f.set(splice(s, lineStart(s, f.keyStart), lineStart(s, next.keyStart), ""))
			}
			return d.f.set(splice(s, f.keyStart, next.keyStart, ""))
		default:
			return d.f.set(splice(s, o.fields[i-1].val.end, f.val.end, ""))
		}
	}
	return nil
}

// hasKey reports whether the mapping at pos has key.
func (c *cfnFile) hasKey(pos source.Pos, key string) bool {
	if c.y != nil {
		m := c.y.nodeAt(pos.Line, pos.Col)
		return m != nil && mapGet(m, key) >= 0
	}
	root, err := c.jroot()
	if err != nil {
		return false
	}
	off, err := locate(c.j, pos)
	if err != nil {
		return false
	}
	return root.at(off).get(key) != nil
}

// setProp sets key to v in the Properties of resource id, following
// path (keys of nested mappings) first.
func (c *cfnFile) setProp(id string, path []string, key string, v *CFN) error {
	if c.y != nil {
		res := mapGet(c.y.root, "Resources")
		if res < 0 {
			return fmt.Errorf("%s: the template has no Resources", c.y.name())
		}
		m := c.y.root.Content[res+1]
		for _, k := range append([]string{id, "Properties"}, path...) {
			i := mapGet(m, k)
			if i < 0 || m.Content[i+1].Kind != yaml.MappingNode {
				return fmt.Errorf("%s: resource %s has no %s mapping", c.y.name(), id, k)
			}
			m = m.Content[i+1]
		}
		if i := mapGet(m, key); i >= 0 {
			return c.y.replaceValue(m, i, v.yamlValue(c.y.unit()))
		}
		return c.y.addKey(m, key, v.yamlValue(c.y.unit()))
	}
	root, err := c.jroot()
	if err != nil {
		return err
	}
	m := root.get("Resources")
	for _, k := range append([]string{id, "Properties"}, path...) {
		m = m.get(k)
	}
	if m == nil || m.kind != '{' {
		return fmt.Errorf("%s: resource %s has no such mapping", c.j.name(), id)
	}
	d := c.jdoc()
	if x := m.get(key); x != nil {
		s := c.j.content()
		return c.j.set(splice(s, x.start, x.end, indent(d.shape(v.jsonValue()), indentAt(s, x.start))))
	}
	return d.addField(m, key, v.jsonValue())
}

// setSibling sets key to v in the mapping that holds the key at pos.
func (c *cfnFile) setSibling(pos source.Pos, key string, v *CFN) error {
	if c.y != nil {
		m, _ := c.y.keyAt(pos.Line, pos.Col)
		if m == nil {
			m, _ = c.y.keyOfValue(pos.Line, pos.Col)
		}
		if m == nil {
			return fmt.Errorf("%s: no key here", pos)
		}
		if i := mapGet(m, key); i >= 0 {
			return c.y.replaceValue(m, i, v.yamlValue(c.y.unit()))
		}
		return c.y.addKey(m, key, v.yamlValue(c.y.unit()))
	}
	root, err := c.jroot()
	if err != nil {
		return err
	}
	off, err := locate(c.j, pos)
	if err != nil {
		return err
	}
	o, _, ok := root.fieldAtKey(off)
	if !ok {
		if v := root.at(off); v != nil {
			if p := root.parent(v); p != nil && p.kind == '{' {
				o, ok = p, true
			}
		}
	}
	if !ok {
		return fmt.Errorf("%s: no key here", pos)
	}
	d := c.jdoc()
	if x := o.get(key); x != nil {
		s := c.j.content()
		return c.j.set(splice(s, x.start, x.end, indent(d.shape(v.jsonValue()), indentAt(s, x.start))))
	}
	return d.addField(o, key, v.jsonValue())
}

// notSynthesized refuses a template the AWS CDK wrote (cdk.out): the
// change belongs in the CDK app, which would overwrite the template.
func notSynthesized(f *File) error {
	if strings.Contains("/"+f.Name, "/cdk.out/") || bytes.Contains(f.Orig, []byte(`"aws:cdk:path"`)) {
		return fmt.Errorf("%s is synthesized by the AWS CDK: make the change in the CDK app (the fix says what), then synthesize again", f.Name)
	}
	return nil
}
