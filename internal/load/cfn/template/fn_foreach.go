package template

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// maxLoopResources bounds the resources Fn::ForEach loops may create.
const maxLoopResources = 10000

// ExpandForEach expands the Fn::ForEach loops of the Resources section
// (AWS::LanguageExtensions):
//
//	Fn::ForEach::Sites:
//	  - Site                       # the identifier
//	  - [docs, blog]               # the collection (a list, or a Ref to a list parameter, ...)
//	  - ${Site}Bucket:             # the fragment: ${Site} and &{Site} (without
//	      Type: AWS::S3::Bucket    # non-alphanumerics) anywhere, and Ref Site
//	      Properties: {BucketName: !Sub "${Site}-assets"}
//
// Loops nest. It returns the loops whose collection is not known offline;
// they stay in Resources as resources of type "Fn::ForEach". Resources
// the loops create are then checked like any other (duplicate logical
// IDs, conditions, DependsOn, cycles).
func (e *Evaluator) ExpandForEach() ([]*Resource, error) {
	var out, left []*Resource
	loops := false
	for _, r := range e.t.Resources {
		if r.Type != "Fn::ForEach" {
			out = append(out, r)
			continue
		}
		fields, ok, err := e.expandLoop(r.ID, r.Pos, r.Node, 0)
		if err != nil {
			return nil, err
		}
		loops = true
		if !ok {
			left = append(left, r)
			out = append(out, r)
			continue
		}
		loops = true
		for _, f := range fields {
			if _, dup := e.t.resources[f.Key]; dup {
				return nil, source.Errorf(f.KeyPos, "make the loop's keys unique, e.g. ${Identifier}Bucket", "loop %s creates resource %s, which already exists", r.ID, f.Key)
			}
			nr, err := readResource(f)
			if err != nil {
				return nil, err
			}
			out = append(out, nr)
			e.t.resources[nr.ID] = nr
		}
		if len(e.t.resources) > maxLoopResources {
			return nil, source.Errorf(r.Pos, "", "Fn::ForEach loops create more than %d resources", maxLoopResources)
		}
	}
	e.t.Resources = out
	if loops {
		// FromTree left these checks for after the expansion.
		if err := e.t.validateResources(); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// expandLoop expands one Fn::ForEach::Name: [Identifier, Collection,
// {OutputKey: OutputValue}] into the fields it creates. ok is false when
// the collection is not known offline.
func (e *Evaluator) expandLoop(name string, pos source.Pos, n *source.Node, depth int) ([]source.Field, bool, error) {
	if depth > 8 {
		return nil, false, source.Errorf(pos, "", "Fn::ForEach loops nest deeper than 8 levels")
	}
	if n.Kind != source.Array || len(n.Elems) != 3 || n.Elems[0].Kind != source.String || n.Elems[2].Kind != source.Object {
		return nil, false, source.Errorf(pos, "write "+name+": [Identifier, [values], {\"${Identifier}Name\": {Type: ..., Properties: ...}}]",
			"%s must be a list of an identifier, a collection and a mapping of resources", name)
	}
	id := n.Elems[0].Text
	coll, err := e.Value(n.Elems[1])
	if err != nil {
		return nil, false, err
	}
	if IsUnknown(coll) {
		return nil, false, nil
	}
	if coll == nil || coll.Kind != source.Array {
		return nil, false, source.Errorf(n.Elems[1].Pos, "", "the collection of %s must be a list, found %s", name, describe(coll))
	}
	var out []source.Field
	for _, x := range coll.Elems {
		v, ok := scalar(x)
		if !ok {
			return nil, false, source.Errorf(x.Pos, "", "the collection of %s must hold strings, found %s", name, x.Describe())
		}
		if ident.Has(v) {
			// A logical ID can't be made of identities.
			return nil, false, nil
		}
		for _, f := range n.Elems[2].Fields {
			if strings.HasPrefix(f.Key, "Fn::ForEach::") {
				inner, ok, err := e.expandLoop(f.Key, f.KeyPos, substLoop(f.Value, id, v), depth+1)
				if err != nil || !ok {
					return nil, ok, err
				}
				out = append(out, inner...)
				continue
			}
			out = append(out, source.Field{Key: substKey(f.Key, id, v), KeyPos: f.KeyPos, Value: substLoop(f.Value, id, v)})
		}
	}
	return out, true, nil
}

// substKey replaces ${id} and &{id} (the value without non-alphanumeric
// characters) in a key or Fn::Sub text.
func substKey(s, id, v string) string {
	s = strings.ReplaceAll(s, "${"+id+"}", v)
	return strings.ReplaceAll(s, "&{"+id+"}", alnum(v))
}

func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// substLoop returns a copy of a loop fragment with the identifier
// replaced: every ${Identifier} and &{Identifier} in keys and strings (as
// CloudFormation documents it), and Ref Identifier.
func substLoop(n *source.Node, id, v string) *source.Node {
	if n == nil {
		return nil
	}
	c := *n
	switch n.Kind {
	case source.String:
		c.Text = substKey(n.Text, id, v)
	case source.Object:
		if len(n.Fields) == 1 {
			f := n.Fields[0]
			if f.Key == "Ref" && f.Value.Kind == source.String && f.Value.Text == id {
				return &source.Node{Kind: source.String, Pos: n.Pos, Text: v}
			}
		}
		c.Fields = make([]source.Field, len(n.Fields))
		for i, f := range n.Fields {
			c.Fields[i] = source.Field{Key: substKey(f.Key, id, v), KeyPos: f.KeyPos, Value: substLoop(f.Value, id, v)}
		}
	case source.Array:
		c.Elems = make([]*source.Node, len(n.Elems))
		for i, x := range n.Elems {
			c.Elems[i] = substLoop(x, id, v)
		}
	}
	return &c
}
