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
