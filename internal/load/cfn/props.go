package cfn

import (
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// obj is a resolved property value of a resource, with the path that
// names it in messages ("DistributionConfig.Origins[0]").
type obj struct {
	s    *stack
	ref  string
	n    *source.Node
	path string
	// at is where the value would be: the node, or the enclosing object
	// when the key is absent.
	at source.Pos
	// bad, when set, says why the value (or an enclosing one) has a type
	// CloudFormation refuses: everything read from it is unknown.
	bad string
}

func (s *stack) root(ref string, n *source.Node) obj {
	return obj{s: s, ref: ref, n: n, at: n.Pos}
}

func (o obj) sub(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// get returns the member key of an object; an absent member has a nil n.
func (o obj) get(key string) obj {
	c := obj{s: o.s, ref: o.ref, path: o.sub(key), at: o.at, bad: o.bad}
	switch {
	case o.n == nil || o.bad != "" || o.unknown():
	case o.n.Kind == source.Object:
		c.n = o.n.Get(key)
		if c.n != nil {
			c.at = c.n.Pos
			if c.n.Kind == source.Null {
				// CloudFormation treats a null property as absent.
				c.n = nil
			}
		}
	default:
		c.bad = o.invalid("a mapping")
	}
	return c
}

// invalid records that the value is not what CloudFormation accepts (want
// says what it should be) and returns the explanation. cfn-lint does not
// see types through intrinsic functions, so such a template still loads:
// the value is unknown and named in Config.Unresolved.
func (o obj) invalid(want string) string {
	why := o.path + " of " + o.ref + " must be " + want + ", found " + o.n.Describe() + "; CloudFormation rejects the template when the stack is created"
	o.s.l.unresolved("invalid "+o.path+" of "+o.ref, why, o.src())
	return why
}

func (o obj) present() bool { return o.n != nil }

// unknown reports whether the whole value is not known offline.
func (o obj) unknown() bool { return template.IsUnknown(o.n) }

func (o obj) src() model.Src { return model.Src{Resource: o.ref, Pos: o.at} }

func (o obj) isObject() bool { return o.n != nil && o.n.Kind == source.Object }

func (o obj) errorf(hint, format string, args ...any) error {
	return source.Errorf(o.at, hint, format, args...)
}

// missing explains an unknown value.
func (o obj) missing() string {
	if o.bad != "" {
		return o.bad
	}
	if o.n == nil {
		return o.path + " is not set"
	}
	return o.s.l.missing(o.n.Text)
}

// text returns the text of a scalar value; ok is false (and the value is
// recorded as invalid) when it is not one.
func (o obj) text() (string, bool) {
	switch o.n.Kind {
	case source.String, source.Number, source.Bool:
		return o.n.Text, true
	}
	return "", false
}

// str reads a string that may hold identities (a name, an ARN, a domain):
// it is unknown only when it is nothing but an unknown value.
func (o obj) str() (model.Value[string], error) {
	if o.n == nil || o.bad != "" {
		return model.Unknown[string](o.src(), o.missing()), nil
	}
	t, ok := o.text()
	if !ok {
		return model.Unknown[string](o.src(), o.invalid("a string")), nil
	}
	if o.unknown() {
		return model.Unknown[string](o.src(), o.missing()), nil
	}
	return model.Known(t, o.src()), nil
}

// strOr is str with the default AWS documents for an absent value.
func (o obj) strOr(def string) (model.Value[string], error) {
	if o.n == nil && o.bad == "" {
		return model.Defaulted(def, o.src()), nil
	}
	return o.str()
}

// enum reads a setting from a fixed set of words: any unknown part makes
// it unknown.
func (o obj) enum() (model.Value[string], error) {
	v, err := o.str()
	if err != nil || !v.Known {
		return v, err
	}
	for _, sym := range ident.Symbols(v.V) {
		if sym.Kind == ident.Any {
			return model.Unknown[string](o.src(), o.missing()), nil
		}
	}
	return v, nil
}

func (o obj) enumOr(def string) (model.Value[string], error) {
	if o.n == nil && o.bad == "" {
		return model.Defaulted(def, o.src()), nil
	}
	return o.enum()
}

// boolean reads true/false (CloudFormation also accepts the strings).
func (o obj) boolean() (model.Value[bool], error) {
	if o.n == nil || o.bad != "" || o.unknown() {
		return model.Unknown[bool](o.src(), o.missing()), nil
	}
	if t, ok := o.text(); ok {
		switch strings.ToLower(t) {
		case "true":
			return model.Known(true, o.src()), nil
		case "false":
			return model.Known(false, o.src()), nil
		}
		if ident.Has(t) {
			return model.Unknown[bool](o.src(), o.missing()), nil
		}
	}
	return model.Unknown[bool](o.src(), o.invalid("true or false")), nil
}

func (o obj) boolOr(def bool) (model.Value[bool], error) {
	if o.n == nil && o.bad == "" {
		return model.Defaulted(def, o.src()), nil
	}
	return o.boolean()
}

// integer reads a number (or a string holding one).
func (o obj) integer() (model.Value[int64], error) {
	if o.n == nil || o.bad != "" || o.unknown() {
		return model.Unknown[int64](o.src(), o.missing()), nil
	}
	if t, ok := o.text(); ok {
		if i, perr := strconv.ParseInt(strings.TrimSpace(t), 10, 64); perr == nil {
			return model.Known(i, o.src()), nil
		}
		if f, perr := strconv.ParseFloat(strings.TrimSpace(t), 64); perr == nil && f == float64(int64(f)) {
			return model.Known(int64(f), o.src()), nil
		}
		if ident.Has(t) {
			return model.Unknown[int64](o.src(), o.missing()), nil
		}
	}
	return model.Unknown[int64](o.src(), o.invalid("a whole number")), nil
}

func (o obj) intOr(def int64) (model.Value[int64], error) {
	if o.n == nil && o.bad == "" {
		return model.Defaulted(def, o.src()), nil
	}
	return o.integer()
}

func (o obj) int32() (model.Value[int], error) {
	v, err := o.integer()
	return model.Value[int]{V: int(v.V), Known: v.Known, Src: v.Src, Default: v.Default, Missing: v.Missing}, err
}

func (o obj) int32Or(def int) (model.Value[int], error) {
	v, err := o.intOr(int64(def))
	return model.Value[int]{V: int(v.V), Known: v.Known, Src: v.Src, Default: v.Default, Missing: v.Missing}, err
}

// elems returns the elements of a list; known is false when the list
// itself is not known offline.
func (o obj) elems() (out []obj, known bool, err error) {
	if o.bad != "" || o.unknown() {
		return nil, false, nil
	}
	if o.n == nil {
		return nil, true, nil
	}
	if o.n.Kind != source.Array {
		o.bad = o.invalid("a list")
		return nil, false, nil
	}
	for i, e := range o.n.Elems {
		out = append(out, obj{s: o.s, ref: o.ref, n: e, path: o.path + "[" + strconv.Itoa(i) + "]", at: e.Pos})
	}
	return out, true, nil
}

// strList reads a list of strings; def is used when it is absent.
func (o obj) strListOr(def []string) (model.Value[[]string], error) {
	if o.n == nil && o.bad == "" {
		return model.Defaulted(def, o.src()), nil
	}
	es, known, err := o.elems()
	if err != nil {
		return model.Value[[]string]{}, err
	}
	if !known {
		if o.bad == "" && o.n.Kind != source.Array && !o.unknown() {
			return model.Unknown[[]string](o.src(), o.path+" of "+o.ref+" is not a list"), nil
		}
		return model.Unknown[[]string](o.src(), o.missing()), nil
	}
	out := make([]string, 0, len(es))
	for _, e := range es {
		t, ok := e.text()
		if !ok {
			return model.Unknown[[]string](o.src(), e.invalid("a string")), nil
		}
		if e.unknown() {
			return model.Unknown[[]string](o.src(), e.missing()), nil
		}
		out = append(out, t)
	}
	return model.Known(out, o.src()), nil
}

// object checks that a present value is a mapping (or unknown); when it
// is not, it is recorded as invalid and everything read from it is
// unknown.
func (o *obj) object() error {
	if o.n == nil || o.bad != "" || o.unknown() || o.n.Kind == source.Object {
		return nil
	}
	o.bad = o.invalid("a mapping")
	return nil
}
