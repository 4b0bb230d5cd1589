package edit

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/source"
	"go.yaml.in/yaml/v3"
)

// yamlFile is a YAML file (a CloudFormation template) located with the
// YAML node API and changed line by line, so that comments, blank lines
// and quoting stay as written.
type yamlFile struct {
	*plainFile
	root *yaml.Node
}

func checkYAML(data []byte) error {
	var n yaml.Node
	return yaml.Unmarshal(data, &n)
}

func (s *Set) yaml(name string) (*yamlFile, error) {
	f, err := s.File(name, false)
	if err != nil {
		return nil, err
	}
	y := &yamlFile{plainFile: &plainFile{f: f, check: checkYAML}}
	if err := y.parse(); err != nil {
		return nil, err
	}
	return y, nil
}

func (y *yamlFile) parse() error {
	var n yaml.Node
	if err := yaml.Unmarshal(y.f.Cur, &n); err != nil {
		return fmt.Errorf("%s: %w", y.f.Name, err)
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return fmt.Errorf("%s: not a YAML document", y.f.Name)
	}
	y.root = n.Content[0]
	return nil
}

func (y *yamlFile) set(text string) error {
	if err := y.plainFile.set(text); err != nil {
		return err
	}
	return y.parse()
}

// nodeAt returns the mapping, sequence or scalar that starts at line and
// col of the original text, preferring the outermost.
func (y *yamlFile) nodeAt(line, col int) *yaml.Node {
	line, col, ok := y.f.Where(line, col)
	if !ok {
		return nil
	}
	return y.nodeAtNow(line, col)
}

// keyAt returns the mapping whose key starts at line and col, with the
// key's index in Content.
func (y *yamlFile) keyAt(line, col int) (*yaml.Node, int) {
	line, col, ok := y.f.Where(line, col)
	if !ok {
		return nil, -1
	}
	var m *yaml.Node
	idx := -1
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if m != nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i]; k.Line == line && k.Column == col {
					m, idx = n, i
					return
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(y.root)
	return m, idx
}

// mapGet returns the index of key in mapping m (case-sensitive), or -1.
func mapGet(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func (y *yamlFile) off(line, col int) int {
	off, _ := offsetOf(y.content(), line, col)
	return off
}

// blankAround widens the removal of the lines s[start:end] by one blank
// line when blank lines surround them, so that no double blank line is
// left.
func blankAround(s string, start, end int) (int, int) {
	if start == 0 || strings.TrimSpace(s[lineStart(s, start-1):start]) != "" {
		return start, end
	}
	if end >= len(s) || strings.TrimSpace(s[end:lineEnd(s, end)]) == "" {
		return lineStart(s, start-1), end
	}
	return start, end
}

// lineIndent is the number of leading spaces of the line holding off.
func lineIndent(s string, off int) int { return len(indentAt(s, off)) }

// extentEnd is the offset after the last line of the block that starts
// on the line holding off and whose further lines are indented more than
// minIndent (or, with dashes, as much and starting with "- "). Trailing
// blank and comment lines are left to what follows.
func extentEnd(s string, off, minIndent int, dashes bool) int {
	end := lineEnd(s, off)
	last := end
	for p := end; p < len(s); {
		e := lineEnd(s, p)
		l := s[p:e]
		t := strings.TrimLeft(l, " ")
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			p = e
			continue
		}
		in := len(l) - len(t)
		if in > minIndent || dashes && in == minIndent && (strings.HasPrefix(t, "- ") || strings.TrimSpace(t) == "-") {
			last = e
			p = e
			continue
		}
		break
	}
	return last
}

// keyColon is the offset of the colon that ends the mapping key at the
// start of s: the first one followed by white space (or the line's end),
// outside quotes. AWS:SourceArn: has a colon inside the key.
func keyColon(s string) int {
	i := 0
	if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		for i = 1; i < len(s); i++ {
			if s[i] == '\\' && q == '"' {
				i++
				continue
			}
			if s[i] == q {
				break
			}
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || strings.IndexByte(" \t\r\n", s[i+1]) >= 0) {
			return i
		}
		if s[i] == '\n' {
			break
		}
	}
	return strings.IndexByte(s, ':')
}

// valueSpan is the text span of a mapping's value for key index i: from
// after the colon to the end of the value's lines.
func (y *yamlFile) valueSpan(m *yaml.Node, i int) (start, end int) {
	s := y.content()
	k, v := m.Content[i], m.Content[i+1]
	koff := y.off(k.Line, k.Column)
	start = koff + keyColon(s[koff:]) + 1
	if v.Line == k.Line && (v.Kind == yaml.ScalarNode || v.Style&yaml.FlowStyle != 0) {
		// Inline: to the end of the line, before a comment.
		e := lineEnd(s, start)
		line := s[start:e]
		if c := strings.Index(line, " #"); c >= 0 && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			line = line[:c]
		}
		return start, start + len(strings.TrimRight(line, " \r\n"))
	}
	end = extentEnd(s, koff, lineIndent(s, koff), v.Kind == yaml.SequenceNode)
	if end > start && s[end-1] == '\n' {
		end--
	}
	return start, end
}

// unitYAML is the indentation step of the file.
func (y *yamlFile) unit() string { return unitIndent(y.content()) }

// replaceValue sets the value of key index i of mapping m to value:
// inline text, or a block (starting with a newline) indented under the
// key.
func (y *yamlFile) replaceValue(m *yaml.Node, i int, value string) error {
	s := y.content()
	start, end := y.valueSpan(m, i)
	return y.set(splice(s, start, end, y.valueText(m.Content[i], value)))
}

// valueText writes a value after "key:": " value" inline, or a block on
// the following lines indented one step deeper than the key.
func (y *yamlFile) valueText(k *yaml.Node, value string) string {
	if !strings.HasPrefix(value, "\n") {
		return " " + value
	}
	in := strings.Repeat(" ", k.Column-1) + y.unit()
	return "\n" + indentAll(strings.TrimPrefix(value, "\n"), in)
}

// addKey adds key: value as the last entry of block mapping m.
func (y *yamlFile) addKey(m *yaml.Node, key, value string) error {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return fmt.Errorf("%s:%d: the mapping is not written as a block; change it by hand", y.name(), m.Line)
	}
	s := y.content()
	first := m.Content[0]
	lastKey := m.Content[len(m.Content)-2]
	koff := y.off(lastKey.Line, lastKey.Column)
	at := extentEnd(s, koff, lineIndent(s, koff), m.Content[len(m.Content)-1].Kind == yaml.SequenceNode)
	if lastKey.Column-1 != lineIndent(s, koff) {
		// The last key shares its line with a "- ": its block is indented
		// by its column.
		at = extentEnd(s, koff, lastKey.Column-2, false)
	}
	prefix := ""
	if at > 0 && s[at-1] != '\n' {
		prefix = "\n"
	}
	line := strings.Repeat(" ", first.Column-1) + yamlKeyText(key) + ":" + y.valueText(first, value) + "\n"
	return y.set(splice(s, at, at, prefix+line))
}

// removeKey deletes key index i of mapping m with its value's lines.
func (y *yamlFile) removeKey(m *yaml.Node, i int) error {
	s := y.content()
	k := m.Content[i]
	koff := y.off(k.Line, k.Column)
	if k.Column-1 != lineIndent(s, koff) {
		return fmt.Errorf("%s:%d: the key shares its line with a list item; change it by hand", y.name(), k.Line)
	}
	end := extentEnd(s, koff, k.Column-1, m.Content[i+1].Kind == yaml.SequenceNode)
	start, end := blankAround(s, lineStart(s, koff), end)
	return y.set(splice(s, start, end, ""))
}

// appendItem adds text (a "- ..." item, unindented) at the end of block
// sequence seq.
func (y *yamlFile) appendItem(seq *yaml.Node, text string) error {
	if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		return fmt.Errorf("%s:%d: the list is not written as a block; change it by hand", y.name(), seq.Line)
	}
	s := y.content()
	dash := seq.Column - 1
	last := seq.Content[len(seq.Content)-1]
	loff := y.off(last.Line, last.Column)
	at := extentEnd(s, loff, dash, false)
	prefix := ""
	if at > 0 && s[at-1] != '\n' {
		prefix = "\n"
	}
	return y.set(splice(s, at, at, prefix+indentAll(reunit(text, y.unit()), strings.Repeat(" ", dash))+"\n"))
}

// removeItem deletes item i of block sequence seq.
func (y *yamlFile) removeItem(seq *yaml.Node, i int) error {
	s := y.content()
	if len(seq.Content) == 1 {
		return fmt.Errorf("%s:%d: removing the only item of a list; change it by hand", y.name(), seq.Line)
	}
	it := seq.Content[i]
	ioff := y.off(it.Line, it.Column)
	start := lineStart(s, ioff)
	end := extentEnd(s, ioff, seq.Column-1, false)
	return y.set(splice(s, start, end, ""))
}

// yamlKeyText writes a mapping key, quoted when YAML would read it as
// something else.
func yamlKeyText(k string) string { return yamlScalarText(k) }

// yamlScalarText writes a string plainly when YAML reads it back as the
// same string, double-quoted otherwise.
func yamlScalarText(s string) string {
	var n yaml.Node
	if s != "" && !strings.ContainsAny(s, "#:{}[],&*!|>'\"%@`\n") && yaml.Unmarshal([]byte("k: "+s), &n) == nil {
		if len(n.Content) > 0 && len(n.Content[0].Content) == 2 {
			v := n.Content[0].Content[1]
			if v.Tag == "!!str" && v.Value == s {
				return s
			}
		}
	}
	if s != "" && strings.Contains(s, ":") && !strings.ContainsAny(s, " #{}[],&*!|>'\"%@`\n") && !strings.HasSuffix(s, ":") {
		// ARNs and condition keys (aws:SourceArn) read back as strings.
		var m map[string]any
		if yaml.Unmarshal([]byte("k: "+s), &m) == nil && m["k"] == s {
			return s
		}
	}
	return jsonQuote(s)
}

// --- policy documents in YAML ---

// yamlDoc is a policy written as a YAML mapping (a CloudFormation
// template).
type yamlDoc struct {
	y   *yamlFile
	pos source.Pos
}

func (d *yamlDoc) mapping(p source.Pos, what string) (*yaml.Node, error) {
	n := d.y.nodeAt(p.Line, p.Col)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no %s here", p, what)
	}
	return n, nil
}

func (d *yamlDoc) statements() (*yaml.Node, error) {
	doc, err := d.mapping(d.pos, "policy document")
	if err != nil {
		return nil, err
	}
	i := mapGet(doc, "Statement")
	if i < 0 {
		return nil, fmt.Errorf("%s: the policy has no Statement", d.pos)
	}
	seq := doc.Content[i+1]
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: the policy's Statement is not a list; change it by hand", d.pos)
	}
	return seq, nil
}

func (d *yamlDoc) addStatement(text string) error {
	seq, err := d.statements()
	if err != nil {
		return err
	}
	return d.y.appendItem(seq, text)
}

func (d *yamlDoc) removeStatement(p source.Pos) error {
	seq, err := d.statements()
	if err != nil {
		return err
	}
	l, c, _ := d.y.f.Where(p.Line, p.Col)
	for i, it := range seq.Content {
		if it.Line == l && it.Column == c {
			return d.y.removeItem(seq, i)
		}
	}
	return fmt.Errorf("%s: no statement here", p)
}

func (d *yamlDoc) setActions(p source.Pos, value string) error {
	st, err := d.mapping(p, "statement")
	if err != nil {
		return err
	}
	i := mapGet(st, "Action")
	if i < 0 {
		return fmt.Errorf("%s: the statement has no Action", p)
	}
	return d.y.replaceValue(st, i, value)
}

func (d *yamlDoc) setConditionValues(st, c source.Pos, value string) error {
	m, i := d.y.keyAt(c.Line, c.Col)
	if m == nil {
		return fmt.Errorf("%s: no condition key here", c)
	}
	return d.y.replaceValue(m, i, value)
}

func (d *yamlDoc) addCondition(p source.Pos, op, key, value string) error {
	st, err := d.mapping(p, "statement")
	if err != nil {
		return err
	}
	i := mapGet(st, "Condition")
	if i < 0 {
		return d.y.addKey(st, "Condition", "\n"+yamlKeyText(op)+":\n"+d.y.unit()+yamlKeyText(key)+":"+inlineOrBlock(value, d.y.unit()))
	}
	cond := st.Content[i+1]
	for j := 0; j+1 < len(cond.Content); j += 2 {
		if strings.EqualFold(cond.Content[j].Value, op) && cond.Content[j+1].Kind == yaml.MappingNode {
			return d.y.addKey(cond.Content[j+1], key, value)
		}
	}
	return d.y.addKey(cond, op, "\n"+yamlKeyText(key)+":"+inlineOrBlock(value, d.y.unit()))
}

// inlineOrBlock writes a value after a key inside a block being built:
// " v" or the block's lines indented by unit.
func inlineOrBlock(value, unit string) string {
	if !strings.HasPrefix(value, "\n") {
		return " " + value
	}
	return "\n" + indentAll(strings.TrimPrefix(value, "\n"), unit)
}

// nodeAtNow is nodeAt for a position of the current text.
func (y *yamlFile) nodeAtNow(line, col int) *yaml.Node {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if found != nil {
			return
		}
		if n.Line == line && n.Column == col && n.Kind != yaml.DocumentNode {
			found = n
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(y.root)
	return found
}

// replaceScalar replaces a one-line scalar (a list item) with text.
func (y *yamlFile) replaceScalar(n *yaml.Node, text string) error {
	s := y.content()
	start := y.off(n.Line, n.Column)
	e := lineEnd(s, start)
	line := s[start:e]
	end := start + len(strings.TrimRight(line, " \r\n"))
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		if c := strings.Index(line, " #"); c >= 0 {
			end = start + c
		}
		if c := strings.IndexAny(line, ",]}"); c >= 0 && start+c < end {
			end = start + c
		}
	} else {
		q := line[0]
		if line[0] == '!' {
			q = '"'
		}
		if i := strings.IndexByte(line[1:], q); i >= 0 && q != '!' {
			end = start + i + 2
		}
	}
	return y.set(splice(s, start, end, strings.TrimPrefix(text, "\n")))
}

// keyOfValue returns the mapping whose value starts at line and col of
// the original text, with the index of its key.
func (y *yamlFile) keyOfValue(line, col int) (*yaml.Node, int) {
	line, col, ok := y.f.Where(line, col)
	if !ok {
		return nil, -1
	}
	var m *yaml.Node
	idx := -1
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if m != nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if v := n.Content[i+1]; v.Line == line && v.Column == col {
					m, idx = n, i
					return
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(y.root)
	return m, idx
}
