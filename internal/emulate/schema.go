package emulate

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

//go:embed schema.txt
var schemaText string

type kind int

const (
	kStruct kind = iota
	kList
	kString
	kInteger
	kLong
	kBool
	kDouble
	kEnum
)

// shape is one request shape of the API model: a structure (ordered
// members), a list (element name and type) or a scalar.
type shape struct {
	name     string
	kind     kind
	members  []member
	elemName string
	elem     *shape
	enum     []string
}

type member struct {
	name     string
	required bool
	shape    *shape
}

func (s *shape) member(name string) (member, int, bool) {
	for i, m := range s.members {
		if m.name == name {
			return m, i, true
		}
	}
	return member{}, -1, false
}

// schema holds the named shapes of schema.txt.
type schema map[string]*shape

// parseSchema reads schema.txt's format (see its header).
func parseSchema(text string) (schema, error) {
	s := schema{}
	scalars := map[string]kind{"string": kString, "integer": kInteger, "long": kLong, "boolean": kBool, "double": kDouble}
	get := func(name string) *shape {
		if k, ok := scalars[name]; ok {
			return &shape{name: name, kind: k}
		}
		if sh, ok := s[name]; ok {
			return sh
		}
		sh := &shape{name: name, kind: -1}
		s[name] = sh
		return sh
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("schema.txt:%d: no definition", i+1)
		}
		sh := get(name)
		if sh.kind != -1 {
			return nil, fmt.Errorf("schema.txt:%d: %s defined twice", i+1, name)
		}
		rest = strings.TrimSpace(rest)
		switch {
		case strings.HasPrefix(rest, "{") && strings.HasSuffix(rest, "}"):
			sh.kind = kStruct
			for _, f := range strings.Fields(rest[1 : len(rest)-1]) {
				mname, typ, ok := strings.Cut(f, ":")
				if !ok {
					return nil, fmt.Errorf("schema.txt:%d: bad member %q", i+1, f)
				}
				req := strings.HasSuffix(mname, "!")
				sh.members = append(sh.members, member{name: strings.TrimSuffix(mname, "!"), required: req, shape: get(typ)})
			}
		case strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]"):
			el, typ, ok := strings.Cut(rest[1:len(rest)-1], ":")
			if !ok {
				return nil, fmt.Errorf("schema.txt:%d: bad list %q", i+1, rest)
			}
			sh.kind, sh.elemName, sh.elem = kList, el, get(typ)
		case strings.HasPrefix(rest, "= "):
			sh.kind = kEnum
			for _, v := range strings.Split(rest[2:], "|") {
				sh.enum = append(sh.enum, strings.TrimSpace(v))
			}
		default:
			return nil, fmt.Errorf("schema.txt:%d: unknown definition %q", i+1, rest)
		}
	}
	for name, sh := range s {
		if sh.kind == -1 {
			return nil, fmt.Errorf("schema.txt: %s used but not defined", name)
		}
	}
	return s, nil
}

// checker validates a request tree against a shape and puts the known
// members of every structure in the model's order (unknown elements are
// kept, after them, in the order sent). Problems AWS reports as schema
// validation errors (a required member missing, a value outside an enum)
// are collected; a structural error stops at once.
type checker struct {
	problems []string
}

// checkBody validates the root element of a request body.
func checkBody(root *node, sh *shape) *apiError {
	if root.name != sh.name {
		return errMalformedInput(fmt.Sprintf("the root element must be <%s>, not <%s>", sh.name, root.name))
	}
	var c checker
	if err := c.check(root, sh, lowerFirst(sh.name)); err != nil {
		return err
	}
	if len(c.problems) > 0 {
		return errValidation(c.problems)
	}
	return nil
}

func (c *checker) check(n *node, sh *shape, path string) *apiError {
	switch sh.kind {
	case kStruct:
		return c.checkStruct(n, sh, path)
	case kList:
		if strings.TrimSpace(n.text) != "" {
			return errMalformedInput(fmt.Sprintf("element <%s> must contain <%s> elements, not text", n.name, sh.elemName))
		}
		n.text = ""
		for i, k := range n.kids {
			if k.name != sh.elemName {
				return errMalformedInput(fmt.Sprintf("unexpected element <%s> in list <%s>: expected <%s>", k.name, n.name, sh.elemName))
			}
			if err := c.check(k, sh.elem, fmt.Sprintf("%s.%d", path, i+1)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(n.kids) > 0 {
		return errMalformedInput(fmt.Sprintf("element <%s> must hold a value, not elements", n.name))
	}
	v := strings.TrimSpace(n.text)
	switch sh.kind {
	case kInteger, kLong:
		bits := 32
		if sh.kind == kLong {
			bits = 64
		}
		if _, err := strconv.ParseInt(v, 10, bits); err != nil {
			return errMalformedInput(fmt.Sprintf("element <%s> must be an integer, not %q", n.name, clip(n.text)))
		}
		n.text = v
	case kDouble:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return errMalformedInput(fmt.Sprintf("element <%s> must be a number, not %q", n.name, clip(n.text)))
		}
		n.text = v
	case kBool:
		if v != "true" && v != "false" {
			return errMalformedInput(fmt.Sprintf("element <%s> must be true or false, not %q", n.name, clip(n.text)))
		}
		n.text = v
	case kEnum:
		if !slices.Contains(sh.enum, n.text) {
			c.problems = append(c.problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", clip(n.text), path, strings.Join(sh.enum, ", ")))
		}
	}
	return nil
}

func (c *checker) checkStruct(n *node, sh *shape, path string) *apiError {
	if strings.TrimSpace(n.text) != "" {
		return errMalformedInput(fmt.Sprintf("element <%s> must contain elements, not text", n.name))
	}
	n.text = ""
	known := make([]*node, len(sh.members))
	var unknown []*node
	for _, k := range n.kids {
		m, i, ok := sh.member(k.name)
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if known[i] != nil {
			return errMalformedInput(fmt.Sprintf("element <%s> appears twice in <%s>", k.name, n.name))
		}
		known[i] = k
		if err := c.check(k, m.shape, path+"."+lowerFirst(m.name)); err != nil {
			return err
		}
	}
	kids := make([]*node, 0, len(n.kids))
	for i, m := range sh.members {
		if known[i] != nil {
			kids = append(kids, known[i])
		} else if m.required {
			c.problems = append(c.problems, fmt.Sprintf("Value null at '%s.%s' failed to satisfy constraint: Member must not be null", path, lowerFirst(m.name)))
		}
	}
	n.kids = append(kids, unknown...)
	// CloudFront's lists carry their length: Quantity must match Items.
	if _, _, hasQ := sh.member("Quantity"); hasQ {
		if _, _, hasI := sh.member("Items"); hasI {
			if q := n.child("Quantity"); q != nil {
				want, _ := strconv.Atoi(q.text)
				got := 0
				if it := n.child("Items"); it != nil {
					got = len(it.kids)
				}
				if want != got {
					return errInconsistentQuantities(path)
				}
			}
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// AWS lower-cases a leading acronym too ("viewerCertificate", "aCMCertificateArn" is not used).
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
