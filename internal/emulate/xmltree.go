package emulate

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// apiNamespace is the XML namespace of every CloudFront 2020-05-31 body.
const apiNamespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

// node is one XML element: a leaf with text, or a parent with children.
// Configurations are kept as trees so that every element a client sent,
// including ones s3front does not interpret, is stored and returned.
type node struct {
	name string
	text string
	kids []*node
}

// Limits on a request body's XML tree (the body size is capped before).
const (
	maxDepth = 64
	maxNodes = 200_000
)

// errMalformed is the cause of a MalformedInput error.
var errMalformed = errors.New("malformed XML")

// parseXML reads one XML document into a tree. Attributes and namespaces
// are ignored (CloudFront's bodies have none that matter); mixed content,
// a second root, too deep or too large a tree are errors.
func parseXML(r io.Reader) (*node, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	type frame struct {
		n    *node
		text []byte
	}
	var stack []frame
	var root *node
	count := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxNodes {
				return nil, fmt.Errorf("%w: more than %d elements", errMalformed, maxNodes)
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", errMalformed, maxDepth)
			}
			n := &node{name: t.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("%w: more than one root element", errMalformed)
				}
				root = n
			} else {
				p := &stack[len(stack)-1]
				if len(bytes.TrimSpace(p.text)) != 0 {
					return nil, fmt.Errorf("%w: element <%s> mixes text and elements", errMalformed, p.n.name)
				}
				p.text = nil
				p.n.kids = append(p.n.kids, n)
			}
			stack = append(stack, frame{n: n})
		case xml.EndElement:
			f := stack[len(stack)-1]
			if len(f.n.kids) == 0 {
				f.n.text = string(f.text)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, fmt.Errorf("%w: text outside the root element", errMalformed)
				}
				continue
			}
			p := &stack[len(stack)-1]
			if len(p.n.kids) > 0 {
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, fmt.Errorf("%w: element <%s> mixes text and elements", errMalformed, p.n.name)
				}
				continue
			}
			p.text = append(p.text, t...)
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", errMalformed)
	}
	return root, nil
}

// child returns the first child named name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// path follows child names; nil when any is missing.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// value is the text of the element at path, "" when missing.
func (n *node) value(names ...string) string {
	if c := n.path(names...); c != nil {
		return c.text
	}
	return ""
}

// items returns the children of the Items element at path (a CloudFront
// list: <Quantity/> and <Items>...</Items>).
func (n *node) items(names ...string) []*node {
	c := n.path(append(names, "Items")...)
	if c == nil {
		return nil
	}
	return c.kids
}

// set replaces the text of the child named name, adding it at the end
// when missing.
func (n *node) set(name, text string) {
	if c := n.child(name); c != nil {
		c.text, c.kids = text, nil
		return
	}
	n.kids = append(n.kids, &node{name: name, text: text})
}

// clone copies the tree.
func (n *node) clone() *node {
	c := &node{name: n.name, text: n.text}
	if len(n.kids) > 0 {
		c.kids = make([]*node, len(n.kids))
		for i, k := range n.kids {
			c.kids[i] = k.clone()
		}
	}
	return c
}

// leaf and elem build trees.
func leaf(name, text string) *node          { return &node{name: name, text: text} }
func elem(name string, kids ...*node) *node { return &node{name: name, kids: kids} }

// appendXML writes the tree; the root gets the API namespace when ns.
func (n *node) appendXML(b *bytes.Buffer, ns bool) {
	b.WriteByte('<')
	b.WriteString(n.name)
	if ns {
		b.WriteString(` xmlns="` + apiNamespace + `"`)
	}
	b.WriteByte('>')
	if len(n.kids) == 0 {
		xml.EscapeText(b, []byte(n.text))
	}
	for _, k := range n.kids {
		k.appendXML(b, false)
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// document renders a response body.
func (n *node) document() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	n.appendXML(&b, true)
	return b.Bytes()
}

// String renders the tree without a declaration (state files, tests).
func (n *node) String() string {
	var b bytes.Buffer
	n.appendXML(&b, false)
	return b.String()
}
