package template

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/s3front/s3front/source"
	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the number of nodes a YAML document may expand to
// through aliases (the "billion laughs" document).
const maxNodes = 1 << 20

// maxYAMLDepth bounds the nesting of YAML documents.
const maxYAMLDepth = source.MaxDepth

// shortTags maps each YAML short-form tag to the key of its long form.
func shortTag(tag string) (string, bool) {
	switch tag {
	case "!Ref":
		return "Ref", true
	case "!Condition":
		return "Condition", true
	case "!GetAtt", "!Sub", "!Join", "!Select", "!Split", "!FindInMap", "!If", "!Equals",
		"!Not", "!And", "!Or", "!Base64", "!Cidr", "!GetAZs", "!ImportValue", "!Transform",
		"!Length", "!ToJsonString", "!Contains", "!EachMemberEquals", "!EachMemberIn",
		"!RefAll", "!ValueOf", "!ValueOfAll", "!ForEach":
		return "Fn::" + tag[1:], true
	}
	return "", false
}

const shortTagList = "!Ref, !Sub, !GetAtt, !Join, !If, !Select, !Split, !FindInMap, !ImportValue, !Equals, !Not, !And, !Or, !Condition, !Base64, !Cidr, !GetAZs"

// parseYAML reads one YAML document into a positioned tree, turning short
// tags into long-form intrinsic functions.
func parseYAML(file string, data []byte) (*source.Node, error) {
	if err := checkYAMLBytes(file, data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, source.Errorf(source.Pos{File: file, Line: 1, Col: 1}, "a template is a mapping with at least a Resources section",
				"the template is empty")
		}
		return nil, yamlError(file, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, source.Errorf(source.Pos{File: file, Line: extra.Line, Col: extra.Column},
			"remove the '---' separator and everything after it, or put each template in its own file",
			"the file holds more than one YAML document; a template is exactly one")
	case !errors.Is(err, io.EOF):
		return nil, yamlError(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, source.Errorf(source.Pos{File: file, Line: 1, Col: 1}, "", "the template is empty")
	}
	c := &yconv{file: file}
	return c.node(doc.Content[0], "", 0)
}

type yconv struct {
	file  string
	nodes int
}

func (c *yconv) pos(n *yaml.Node, ptr string) source.Pos {
	return source.Pos{File: c.file, Line: n.Line, Col: n.Column, Pointer: ptr}
}

func (c *yconv) node(n *yaml.Node, ptr string, depth int) (*source.Node, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, source.Errorf(c.pos(n, ptr), "use fewer YAML aliases (*name), or write the values out",
			"the document expands to more than %d values through YAML aliases", maxNodes)
	}
	if depth > maxYAMLDepth {
		return nil, source.Errorf(c.pos(n, ptr), "", "the document nests deeper than %d levels", maxYAMLDepth)
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, source.Errorf(c.pos(n, ptr), "", "unknown YAML alias *%s", n.Value)
		}
		out, err := c.node(n.Alias, ptr, depth+1)
		if err != nil {
			return nil, err
		}
		out.Pos.Line, out.Pos.Col = n.Line, n.Column
		return out, nil
	}
	tag := n.Tag
	if strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") && tag != "!" {
		key, ok := shortTag(tag)
		if !ok {
			return nil, source.Errorf(c.pos(n, ptr), "the CloudFormation short forms are "+shortTagList,
				"unknown tag %s", tag)
		}
		// The content is read as if untagged.
		inner := *n
		inner.Tag = ""
		if inner.Kind == yaml.ScalarNode && inner.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			// Plain scalars after a tag are strings (!Ref 123 names "123").
			inner.Tag = "!!str"
		}
		if key == "Ref" || key == "Condition" {
			if n.Kind != yaml.ScalarNode {
				return nil, source.Errorf(c.pos(n, ptr), "write "+tag+" LogicalName", "%s takes a name, found a %s", tag, yamlKind(n))
			}
		}
		v, err := c.node(&inner, ptr+"/"+source.EscapePointer(key), depth+1)
		if err != nil {
			return nil, err
		}
		p := c.pos(n, ptr)
		return &source.Node{Kind: source.Object, Pos: p, Fields: []source.Field{{Key: key, KeyPos: p, Value: v}}}, nil
	}
	p := c.pos(n, ptr)
	switch n.Kind {
	case yaml.MappingNode:
		out := &source.Node{Kind: source.Object, Pos: p}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return nil, source.Errorf(c.pos(k, ptr), "keys must be plain names", "a mapping key must be a string, found a %s", yamlKind(k))
			}
			if k.Tag != "" && k.Tag != "!" && !strings.HasPrefix(k.Tag, "!!") {
				return nil, source.Errorf(c.pos(k, ptr), "intrinsic functions can't be used as keys", "a mapping key can't carry the tag %s", k.Tag)
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, source.Errorf(c.pos(k, ptr), "write the keys out; CloudFormation does not apply YAML merge keys",
					"YAML merge keys (<<) are not supported in templates")
			}
			cp := ptr + "/" + source.EscapePointer(k.Value)
			val, err := c.node(v, cp, depth+1)
			if err != nil {
				return nil, err
			}
			out.Fields = append(out.Fields, source.Field{Key: k.Value, KeyPos: c.pos(k, cp), Value: val})
		}
		return out, nil
	case yaml.SequenceNode:
		out := &source.Node{Kind: source.Array, Pos: p}
		for i, e := range n.Content {
			v, err := c.node(e, ptr+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			out.Elems = append(out.Elems, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return &source.Node{Kind: source.Null, Pos: p}, nil
		case "!!bool":
			b, err := strconv.ParseBool(strings.ToLower(n.Value))
			if err != nil {
				// YAML 1.1 forms (yes, on...) are not booleans for yaml.v3;
				// keep the text.
				return &source.Node{Kind: source.String, Pos: p, Text: n.Value}, nil
			}
			return &source.Node{Kind: source.Bool, Pos: p, Text: strconv.FormatBool(b)}, nil
		case "!!int", "!!float":
			return &source.Node{Kind: source.Number, Pos: p, Text: n.Value}, nil
		case "!!str", "!!timestamp", "!!binary", "":
			return &source.Node{Kind: source.String, Pos: p, Text: n.Value}, nil
		}
		return nil, source.Errorf(p, "", "unsupported YAML tag %s", n.Tag)
	}
	return nil, source.Errorf(p, "", "unexpected YAML %s", yamlKind(n))
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlError turns a yaml.v3 error into a positioned error. yaml.v3 gives
// the line only; the column is that of the line's first non-blank
// character, which is where the parser's complaint starts to apply.
func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.TrimPrefix(te.Errors[0], "yaml: ")
		if m := yamlLineRE.FindStringSubmatch("yaml: " + msg); m != nil && m[1] != "" {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
	}
	// yaml.v3 reports the line where the enclosing construct starts;
	// the first line at which a prefix of the document stops parsing is
	// where the problem is.
	if l := firstFailingLine(data); l > 0 && l >= line {
		line = l
	}
	if line == 0 {
		line = 1
	}
	col := errorColumn(data, line, msg)
	hint := ""
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		hint = "quote a value that contains ': ', or check the indentation of this line"
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected '-'"):
		hint = "check that this line is indented like its siblings"
	case strings.Contains(msg, "found character that cannot start any token"):
		hint = "YAML does not allow tabs for indentation, and values starting with @ or ` must be quoted"
	case strings.Contains(msg, "could not find expected ':'"):
		hint = "a key must be followed by ': '; quote values that span lines"
	case strings.Contains(msg, "found undefined alias"), strings.Contains(msg, "unknown anchor"):
		hint = "define the anchor (&name) before using the alias (*name)"
	case strings.Contains(msg, "already defined"):
		hint = "remove or rename one of the duplicate keys"
	}
	return &source.Error{Pos: source.Pos{File: file, Line: line, Col: col}, Msg: "invalid YAML: " + msg, Hint: hint}
}

func firstNonBlank(data []byte, line int) int {
	l := 1
	i := 0
	for i < len(data) && l < line {
		if data[i] == '\n' {
			l++
		}
		i++
	}
	col := 1
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
		col++
	}
	return col
}

// checkYAMLBytes rejects input yaml.v3 reports without a position:
// invalid UTF-8 and control characters.
func checkYAMLBytes(file string, data []byte) error {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			if i == 0 && (bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE})) {
				return source.Errorf(source.Pos{File: file, Line: 1, Col: 1}, "save the template as UTF-8", "the template is UTF-16 encoded")
			}
			return source.Errorf(source.Pos{File: file, Line: line, Col: col}, "save the template as UTF-8", "invalid UTF-8 byte 0x%02x", data[i])
		}
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xA0 && r != 0x85) || r == 0xFFFE || r == 0xFFFF {
			return source.Errorf(source.Pos{File: file, Line: line, Col: col}, "remove the character or write it as an escape in a double-quoted string",
				"control character %U is not allowed in YAML", r)
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

// firstFailingLine returns the smallest n such that the first n lines of
// data do not parse as YAML, or 0 when data parses.
func firstFailingLine(data []byte) int {
	ends := []int{}
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	fails := func(n int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(data[:ends[n-1]]))
		for {
			var v yaml.Node
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				return false
			}
			if err != nil {
				return true
			}
		}
	}
	if !fails(len(ends)) {
		return 0
	}
	lo, hi := 1, len(ends) // the answer is in [lo, hi]
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// errorColumn finds the column of a YAML error on line: the first
// character after which a prefix of the document fails with the same
// message. For long lines and large documents it falls back to the
// line's first non-blank character.
func errorColumn(data []byte, line int, msg string) int {
	start := 0
	for l := 1; l < line && start < len(data); start++ {
		if data[start] == '\n' {
			l++
		}
	}
	end := bytes.IndexByte(data[start:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += start + 1
	}
	if end-start > 512 || len(data) > 1<<20 {
		return firstNonBlank(data, line)
	}
	for k := start + 1; k <= end; k++ {
		var n yaml.Node
		err := yaml.Unmarshal(data[:k], &n)
		if err == nil {
			continue
		}
		m := err.Error()
		if sub := yamlLineRE.FindStringSubmatch(m); sub != nil {
			m = sub[2]
		}
		if m == msg {
			return utf8.RuneCount(data[start:k-1]) + 1
		}
	}
	return firstNonBlank(data, line)
}
