package source

import "strings"

// Kind is the type of a [Node].
type Kind uint8

// The kinds of value a [Node] can hold.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "invalid"
}

// Node is one value of a JSON-like document with its position. Loaders
// that read other syntaxes (HCL, YAML) build the same tree, so that policy
// validation and error messages are written once.
type Node struct {
	Kind Kind
	Pos  Pos
	// Text holds the value of a String, the literal of a Number and
	// "true"/"false" for a Bool.
	Text string
	// Elems are the elements of an Array.
	Elems []*Node
	// Fields are the members of an Object in document order. Duplicate
	// keys are kept, so validators can report them.
	Fields []Field
}

// Field is one member of an object.
type Field struct {
	Key    string
	KeyPos Pos
	Value  *Node
}

// Get returns the value of the first member named key (case-sensitive), or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return n.Fields[i].Value
		}
	}
	return nil
}

// GetFold returns the first member whose key equals key ignoring case.
func (n *Node) GetFold(key string) (*Field, bool) {
	if n == nil || n.Kind != Object {
		return nil, false
	}
	for i := range n.Fields {
		if strings.EqualFold(n.Fields[i].Key, key) {
			return &n.Fields[i], true
		}
	}
	return nil, false
}

// StringNode returns a String node at pos.
func StringNode(s string, pos Pos) *Node { return &Node{Kind: String, Text: s, Pos: pos} }

// Describe renders a short, human description of the node's value for
// error messages: `string "s3:GetObject"`, `object`, `array of 3`.
func (n *Node) Describe() string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case String:
		t := n.Text
		if len(t) > 40 {
			t = t[:37] + "..."
		}
		return "string " + quote(t)
	case Number, Bool:
		return n.Kind.String() + " " + n.Text
	case Null:
		return "null"
	}
	return n.Kind.String()
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// AppendJSON appends the node as compact JSON to b: members in document
// order (duplicates kept), numbers and booleans as written, strings with
// JSON's escapes only (no HTML escaping).
func AppendJSON(b []byte, n *Node) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	switch n.Kind {
	case String:
		return AppendQuote(b, n.Text)
	case Number, Bool:
		return append(b, n.Text...)
	case Array:
		b = append(b, '[')
		for i, e := range n.Elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSON(b, e)
		}
		return append(b, ']')
	case Object:
		b = append(b, '{')
		for i, f := range n.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendQuote(b, f.Key)
			b = append(b, ':')
			b = AppendJSON(b, f.Value)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// JSON returns the node as compact JSON (see [AppendJSON]).
func (n *Node) JSON() string { return string(AppendJSON(nil, n)) }

// AppendQuote appends s as a JSON string literal (which is also how HCL
// and Terraform quote strings such as instance keys).
func AppendQuote(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// Quote returns s as a JSON string literal.
func Quote(s string) string { return string(AppendQuote(nil, s)) }
