package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/source"
)

// IsSnapshot reports whether data looks like a snapshot document: a JSON
// object with the "s3front_snapshot" member, wherever the writer put it.
func IsSnapshot(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '{' && bytes.Contains(t, []byte(`"`+snapshotMarker+`"`))
}

// ReadSnapshot reads a snapshot. file names it in positions. Values
// written without a "src" get the position of their JSON node in the
// snapshot, so a hand-written snapshot points its findings at its own
// lines; values with a "src" keep it. Unknown members, wrong types and
// unsupported versions are errors with a position, never a panic.
func ReadSnapshot(file string, data []byte) (*Config, error) {
	root, err := source.ParseJSON(file, data)
	if err != nil {
		return nil, err
	}
	if root.Kind != source.Object {
		return nil, source.Errorf(root.Pos, "a snapshot is {\"s3front_snapshot\": 1, \"config\": {...}}", "a snapshot must be a JSON object, found %s", root.Describe())
	}
	vn := root.Get(snapshotMarker)
	if vn == nil {
		return nil, source.Errorf(root.Pos, "add \"s3front_snapshot\": 1", "not an s3front snapshot: the %q member is missing", snapshotMarker)
	}
	v, err := strconv.Atoi(vn.Text)
	if vn.Kind != source.Number || err != nil || v < 1 {
		return nil, source.Errorf(vn.Pos, "", "%q must be a positive integer, found %s", snapshotMarker, vn.Describe())
	}
	if v > SnapshotVersion {
		return nil, source.Errorf(vn.Pos, "upgrade s3front to read it", "snapshot version %d is newer than this s3front understands (%d)", v, SnapshotVersion)
	}
	for _, f := range root.Fields {
		if f.Key != snapshotMarker && f.Key != "config" {
			return nil, source.Errorf(f.KeyPos, "the top level holds only \"s3front_snapshot\" and \"config\"", "unknown member %q", f.Key)
		}
	}
	cfg := &Config{}
	cn := root.Get("config")
	if cn == nil {
		return cfg, nil
	}
	d := &decoder{file: file}
	if err := d.decode(cn, reflect.ValueOf(cfg).Elem(), ""); err != nil {
		return nil, err
	}
	if err := cfg.Complete(); err != nil {
		return nil, err
	}
	if len(cfg.Files) == 0 {
		cfg.Files = []string{file}
	}
	return cfg, nil
}

// defaultsFor returns AWS's defaults for a resource the snapshot
// describes, so that settings a snapshot leaves out mean what they mean
// in infrastructure code: the documented default. Write {"unknown": "..."}
// for a setting that is not known.
func defaultsFor(t reflect.Type, n *source.Node, resource string) (reflect.Value, bool) {
	ref := resource
	if r := n.Get("ref"); r != nil && r.Kind == source.String {
		ref = r.Text
	}
	src := Src{Resource: ref, Pos: n.Pos}
	meta := Meta{Ref: ref, Src: src}
	switch t {
	case reflect.TypeOf(Bucket{}):
		return reflect.ValueOf(*NewBucket(meta)), true
	case reflect.TypeOf(Distribution{}):
		return reflect.ValueOf(*NewDistribution(meta)), true
	case reflect.TypeOf(Origin{}):
		return reflect.ValueOf(*NewOrigin(src)), true
	case reflect.TypeOf(Behavior{}):
		return reflect.ValueOf(*NewBehavior(src)), true
	case reflect.TypeOf(Key{}):
		k := Key{Meta: meta,
			Manager:     Defaulted("CUSTOMER", src),
			State:       Defaulted("Enabled", src),
			Spec:        Defaulted("SYMMETRIC_DEFAULT", src),
			Rotation:    Defaulted(false, src),
			MultiRegion: Defaulted(false, src),
		}
		return reflect.ValueOf(k), true
	case reflect.TypeOf(Account{}):
		return reflect.ValueOf(*NewAccount(Value[string]{}, "aws", src)), true
	}
	return reflect.Value{}, false
}

type decoder struct {
	file string
}

var (
	srcType    = reflect.TypeOf(Src{})
	policyType = reflect.TypeOf(Policy{})
	metaType   = reflect.TypeOf(Meta{})
)

// valueField reports whether t is a Value[T] and returns T.
func valueField(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || !strings.HasPrefix(t.Name(), "Value[") {
		return nil, false
	}
	f, ok := t.FieldByName("V")
	if !ok {
		return nil, false
	}
	return f.Type, true
}

func (d *decoder) errf(pos source.Pos, hint, format string, args ...any) error {
	return source.Errorf(pos, hint, format, args...)
}

// decode fills v from n; resource is the Ref of the enclosing resource,
// used as the default Src.Resource of values.
func (d *decoder) decode(n *source.Node, v reflect.Value, resource string) error {
	t := v.Type()
	if n.Kind == source.Null && t.Kind() != reflect.Struct {
		return nil
	}
	if inner, ok := valueField(t); ok {
		return d.value(n, v, inner, resource)
	}
	switch t {
	case policyType:
		return d.policy(n, v, resource)
	case srcType:
		return d.src(n, v, resource)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if n.Kind == source.Null {
			return nil
		}
		p := reflect.New(t.Elem())
		if def, ok := defaultsFor(t.Elem(), n, resource); ok {
			p.Elem().Set(def)
		}
		if err := d.decode(n, p.Elem(), resource); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return d.object(n, v, resource)
	case reflect.Slice:
		if n.Kind != source.Array {
			return d.errf(n.Pos, "", "expected an array, found %s", n.Describe())
		}
		s := reflect.MakeSlice(t, len(n.Elems), len(n.Elems))
		for i, e := range n.Elems {
			if err := d.decode(e, s.Index(i), resource); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if n.Kind != source.Object {
			return d.errf(n.Pos, "", "expected an object, found %s", n.Describe())
		}
		m := reflect.MakeMap(t)
		for _, f := range n.Fields {
			e := reflect.New(t.Elem()).Elem()
			if err := d.decode(f.Value, e, resource); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(f.Key), e)
		}
		v.Set(m)
		return nil
	case reflect.String:
		if n.Kind != source.String {
			return d.errf(n.Pos, "", "expected a string, found %s", n.Describe())
		}
		v.SetString(n.Text)
		return nil
	case reflect.Bool:
		if n.Kind != source.Bool {
			return d.errf(n.Pos, "", "expected true or false, found %s", n.Describe())
		}
		v.SetBool(n.Text == "true")
		return nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != source.Number {
			return d.errf(n.Pos, "", "expected a number, found %s", n.Describe())
		}
		i, err := strconv.ParseInt(n.Text, 10, 64)
		if err != nil {
			return d.errf(n.Pos, "", "expected an integer, found %s", n.Text)
		}
		v.SetInt(i)
		return nil
	}
	return d.errf(n.Pos, "", "unsupported type %s", t)
}

// object decodes a struct, including embedded ones (Meta, source.Pos).
func (d *decoder) object(n *source.Node, v reflect.Value, resource string) error {
	if n.Kind != source.Object {
		return d.errf(n.Pos, "", "expected an object, found %s", n.Describe())
	}
	t := v.Type()
	// A resource's Ref is the default resource of its values.
	if mf, ok := t.FieldByName("Meta"); ok && mf.Type == metaType {
		if r := n.Get("ref"); r != nil && r.Kind == source.String {
			resource = r.Text
		}
	} else if _, ok := t.FieldByName("Ref"); ok {
		if r := n.Get("ref"); r != nil && r.Kind == source.String && t != metaType {
			resource = r.Text
		}
	}
	fields := map[string]reflect.Value{}
	var collect func(v reflect.Value)
	collect = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
				if f.Type == reflect.TypeOf(source.Pos{}) || f.Type == metaType || strings.HasPrefix(f.Type.Name(), "Value[") {
					if strings.HasPrefix(f.Type.Name(), "Value[") {
						continue
					}
					collect(v.Field(i))
					continue
				}
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields[name] = v.Field(i)
		}
	}
	collect(v)
	seen := map[string]bool{}
	for _, f := range n.Fields {
		fv, ok := fields[f.Key]
		if !ok {
			return d.errf(f.KeyPos, "remove it, or check its spelling against the snapshot schema (docs/snapshot.md)", "unknown member %q in %s", f.Key, typeLabel(t))
		}
		if seen[f.Key] {
			return d.errf(f.KeyPos, "", "duplicate member %q", f.Key)
		}
		seen[f.Key] = true
		if err := d.decode(f.Value, fv, resource); err != nil {
			return err
		}
	}
	// A resource without a src is located at its JSON object.
	if mf := v.FieldByName("Src"); mf.IsValid() && mf.Type() == srcType {
		s := mf.Interface().(Src)
		if s.IsZero() {
			mf.Set(reflect.ValueOf(Src{Resource: resource, Pos: n.Pos}))
		}
	}
	return nil
}

func typeLabel(t reflect.Type) string {
	return strings.ToLower(t.Name())
}

func (d *decoder) src(n *source.Node, v reflect.Value, resource string) error {
	var s Src
	if n.Kind != source.Object {
		return d.errf(n.Pos, "a src is {\"resource\": ..., \"file\": ..., \"line\": ..., \"col\": ...}", "expected an object, found %s", n.Describe())
	}
	for _, f := range n.Fields {
		switch f.Key {
		case "resource", "file", "pointer":
			if f.Value.Kind != source.String {
				return d.errf(f.Value.Pos, "", "%q must be a string", f.Key)
			}
			switch f.Key {
			case "resource":
				s.Resource = f.Value.Text
			case "file":
				s.File = f.Value.Text
			default:
				s.Pointer = f.Value.Text
			}
		case "line", "col":
			i, err := strconv.Atoi(f.Value.Text)
			if f.Value.Kind != source.Number || err != nil {
				return d.errf(f.Value.Pos, "", "%q must be an integer", f.Key)
			}
			if f.Key == "line" {
				s.Line = i
			} else {
				s.Col = i
			}
		default:
			return d.errf(f.KeyPos, "", "unknown member %q in src", f.Key)
		}
	}
	if s.Resource == "" {
		s.Resource = resource
	}
	v.Set(reflect.ValueOf(s))
	return nil
}

// isValueObject reports whether n uses the long form of a value.
func isValueObject(n *source.Node) bool {
	if n.Kind != source.Object || len(n.Fields) == 0 {
		return false
	}
	for _, f := range n.Fields {
		switch f.Key {
		case "value", "unknown", "src", "default":
		default:
			return false
		}
	}
	return n.Get("value") != nil || n.Get("unknown") != nil
}

// value decodes a Value[T] in its short or long form.
func (d *decoder) value(n *source.Node, v reflect.Value, inner reflect.Type, resource string) error {
	src := Src{Resource: resource, Pos: n.Pos}
	known := true
	var missing string
	dflt := false
	vn := n
	// Objects are the long form unless T itself decodes from an object
	// (maps) and the node doesn't look like the long form.
	if n.Kind == source.Object && (inner.Kind() != reflect.Map || isValueObject(n)) {
		vn = nil
		for _, f := range n.Fields {
			switch f.Key {
			case "value":
				vn = f.Value
			case "unknown":
				if f.Value.Kind != source.String {
					return d.errf(f.Value.Pos, "", "\"unknown\" must be a string naming the missing input")
				}
				known, missing = false, f.Value.Text
			case "default":
				dflt = f.Value.Kind == source.Bool && f.Value.Text == "true"
			case "src":
				sv := reflect.New(srcType).Elem()
				if err := d.src(f.Value, sv, resource); err != nil {
					return err
				}
				src = sv.Interface().(Src)
				if src.Pos.IsZero() {
					src.Pos = n.Pos
				}
			default:
				return d.errf(f.KeyPos, "a value is written bare, or as {\"value\": ..., \"src\": {...}} or {\"unknown\": \"why\"}", "unknown member %q in a value", f.Key)
			}
		}
		if vn == nil && known {
			return d.errf(n.Pos, "", "a value object needs \"value\" or \"unknown\"")
		}
	}
	v.FieldByName("Known").SetBool(known)
	v.FieldByName("Src").Set(reflect.ValueOf(src))
	v.FieldByName("Default").SetBool(dflt)
	v.FieldByName("Missing").SetString(missing)
	if known && vn != nil {
		return d.decode(vn, v.FieldByName("V"), resource)
	}
	return nil
}

// policy decodes a Policy: a bare policy document, or
// {"document": ..., "src": ..., "positions": {...}, "unknown"/"error"/"default"/"name"/"kind"}.
func (d *decoder) policy(n *source.Node, v reflect.Value, resource string) error {
	p := Policy{Value: Value[*iam.Policy]{Known: true, Src: Src{Resource: resource, Pos: n.Pos}}}
	if n.Kind == source.Null {
		v.Set(reflect.ValueOf(p))
		return nil
	}
	if n.Kind != source.Object {
		return d.errf(n.Pos, "", "a policy is a policy document or {\"document\": ...}, found %s", n.Describe())
	}
	doc := n
	name := resource
	kind := iam.Resource
	var positions map[string]source.Pos
	if n.Get("Statement") == nil && n.Get("Version") == nil {
		doc = nil
		for _, f := range n.Fields {
			switch f.Key {
			case "document":
				doc = f.Value
			case "name":
				name = f.Value.Text
			case "kind":
				kind = PolicyKind(f.Value.Text)
			case "default":
				p.Default = f.Value.Text == "true"
			case "unknown":
				p.Known, p.Missing = false, f.Value.Text
			case "error":
				p.Err = fmt.Errorf("%s", f.Value.Text)
			case "src":
				sv := reflect.New(srcType).Elem()
				if err := d.src(f.Value, sv, resource); err != nil {
					return err
				}
				p.Src = sv.Interface().(Src)
				if p.Src.Pos.IsZero() {
					p.Src.Pos = n.Pos
				}
			case "form":
				switch form := PolicyForm(f.Value.Text); form {
				case FormJSON, FormYAML, FormObject, FormBlocks:
					p.Form = form
				default:
					return d.errf(f.Value.Pos, "", "a policy form is json, yaml, object or blocks, not %q", form)
				}
			case "written_in":
				p.WrittenIn = f.Value.Text
			case "positions":
				raw := map[string]source.Pos{}
				for _, pf := range f.Value.Fields {
					var pos source.Pos
					b, _ := json.Marshal(nodeJSON(pf.Value))
					if err := json.Unmarshal(b, &pos); err != nil {
						return d.errf(pf.Value.Pos, "", "a position is {\"file\", \"line\", \"col\"}")
					}
					raw[pf.Key] = pos
				}
				positions = raw
			default:
				return d.errf(f.KeyPos, "", "unknown member %q in a policy", f.Key)
			}
		}
	}
	if name == resource && p.Src.Resource != "" {
		name = p.Src.Resource
	}
	if doc != nil && p.Err == nil && p.Known {
		if positions != nil {
			relocate(doc, positions)
		}
		pol, err := iam.FromNode(doc, kind, name)
		if err != nil {
			p.Err = err
		} else {
			p.V = pol
		}
	}
	v.Set(reflect.ValueOf(p))
	return nil
}

// relocate overwrites node positions with recorded ones, by JSON pointer
// relative to the document.
func relocate(doc *source.Node, pos map[string]source.Pos) {
	base := doc.Pos.Pointer
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if p, ok := pos[strings.TrimPrefix(n.Pos.Pointer, base)]; ok {
			n.Pos = p
		}
		for _, e := range n.Elems {
			walk(e)
		}
		for i := range n.Fields {
			f := &n.Fields[i]
			if p, ok := pos[strings.TrimPrefix(f.KeyPos.Pointer, base)]; ok {
				f.KeyPos = p
			}
			walk(f.Value)
		}
	}
	walk(doc)
}

// nodeJSON converts a node back to plain Go values.
func nodeJSON(n *source.Node) any {
	switch n.Kind {
	case source.Object:
		m := map[string]any{}
		for _, f := range n.Fields {
			m[f.Key] = nodeJSON(f.Value)
		}
		return m
	case source.Array:
		var a []any
		for _, e := range n.Elems {
			a = append(a, nodeJSON(e))
		}
		return a
	case source.String:
		return n.Text
	case source.Number:
		f, _ := strconv.ParseFloat(n.Text, 64)
		return f
	case source.Bool:
		return n.Text == "true"
	}
	return nil
}
