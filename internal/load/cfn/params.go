package cfn

import (
	"io/fs"
	"strings"

	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/source"
)

type paramValue struct {
	key, value string
	pos        source.Pos
}

// readParameterFile reads a parameters file in one of the three forms
// documented on [Options.ParameterFiles].
func readParameterFile(fsys fs.FS, name string) ([]paramValue, error) {
	var data []byte
	var err error
	if fs.ValidPath(name) {
		data, err = fs.ReadFile(fsys, name)
	}
	if data == nil {
		data, err = repo.ReadNamed(name, 1<<20, "a parameters file")
	}
	if err != nil {
		return nil, &source.Error{Pos: source.Pos{File: name}, Msg: "cannot read the parameters file: " + unwrapPathError(err).Error()}
	}
	root, err := source.ParseJSON(name, data)
	if err != nil {
		return nil, err
	}
	const hint = `write [{"ParameterKey": "Name", "ParameterValue": "value"}] (the aws cloudformation form) or {"Parameters": {"Name": "value"}}`
	var out []paramValue
	value := func(n *source.Node, key string) (string, error) {
		switch n.Kind {
		case source.String, source.Number, source.Bool:
			return n.Text, nil
		case source.Array:
			parts := make([]string, 0, len(n.Elems))
			for _, e := range n.Elems {
				if e.Kind == source.Object || e.Kind == source.Array {
					return "", source.Errorf(e.Pos, hint, "the value of parameter %s must be a string", key)
				}
				parts = append(parts, e.Text)
			}
			return strings.Join(parts, ","), nil
		}
		return "", source.Errorf(n.Pos, hint, "the value of parameter %s must be a string, found %s", key, n.Describe())
	}
	switch root.Kind {
	case source.Array:
		for _, e := range root.Elems {
			if e.Kind != source.Object {
				return nil, source.Errorf(e.Pos, hint, "expected {\"ParameterKey\": ..., \"ParameterValue\": ...}, found %s", e.Describe())
			}
			k := e.Get("ParameterKey")
			if k == nil || k.Kind != source.String {
				return nil, source.Errorf(e.Pos, hint, "the entry has no ParameterKey")
			}
			if u := e.Get("UsePreviousValue"); u != nil && u.Text == "true" {
				// The value lives in the deployed stack; leave it unset.
				continue
			}
			v := e.Get("ParameterValue")
			if v == nil {
				return nil, source.Errorf(e.Pos, hint, "parameter %s has no ParameterValue", k.Text)
			}
			s, err := value(v, k.Text)
			if err != nil {
				return nil, err
			}
			out = append(out, paramValue{key: k.Text, value: s, pos: v.Pos})
		}
	case source.Object:
		obj := root
		if p := root.Get("Parameters"); p != nil && p.Kind == source.Object {
			obj = p
		}
		for _, f := range obj.Fields {
			if obj == root && (f.Key == "Tags" || f.Key == "StackPolicy") {
				continue
			}
			s, err := value(f.Value, f.Key)
			if err != nil {
				return nil, err
			}
			out = append(out, paramValue{key: f.Key, value: s, pos: f.Value.Pos})
		}
	default:
		return nil, source.Errorf(root.Pos, hint, "a parameters file is a JSON list or object, found %s", root.Describe())
	}
	return out, nil
}
