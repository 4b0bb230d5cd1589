package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnFindInMap resolves Fn::FindInMap: [MapName, TopKey, SecondKey] and,
// with AWS::LanguageExtensions, a fourth {DefaultValue: v}. A key that is
// not known offline (the stack's Region) selects every entry it might
// name; if they all hold the same value, that is the answer.
func (e *Evaluator) fnFindInMap(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::FindInMap", arg, 3, 4, "Fn::FindInMap: [MapName, TopLevelKey, SecondLevelKey]")
	if err != nil {
		return nil, err
	}
	var def *source.Node
	hasDef := false
	if len(a) == 4 {
		if a[3].Kind != source.Object || len(a[3].Fields) != 1 || a[3].Fields[0].Key != "DefaultValue" {
			return nil, source.Errorf(a[3].Pos, "write {DefaultValue: value}", "the fourth element of Fn::FindInMap must be {DefaultValue: ...}")
		}
		hasDef = true
		def, err = e.Value(a[3].Fields[0].Value)
		if err != nil {
			return nil, err
		}
	}
	keys := make([]*source.Node, 3)
	texts := make([]string, 3)
	for i := range 3 {
		keys[i], texts[i], err = e.stringArg(a[i], "Fn::FindInMap", "a key")
		if err != nil {
			return nil, err
		}
	}
	if e.t.Mappings == nil {
		return e.invalid(a[0].Pos, "Fn::FindInMap uses mapping "+texts[0]+", but the template has no Mappings", "add a Mappings section"), nil
	}
	// Candidates: the entries each key may name.
	level := func(n *source.Node, key string) []*source.Node {
		var out []*source.Node
		for _, f := range n.Fields {
			if ident.Equal(f.Key, key) != ident.False {
				out = append(out, f.Value)
			}
		}
		return out
	}
	maps := level(e.t.Mappings, texts[0])
	if len(maps) == 0 {
		return e.invalid(a[0].Pos, "Fn::FindInMap: mapping "+texts[0]+" is not defined", "the mappings are "+joinKeys(e.t.Mappings)+suggest(texts[0], fieldKeys(e.t.Mappings))), nil
	}
	var tops []*source.Node
	for _, m := range maps {
		tops = append(tops, level(m, texts[1])...)
	}
	var vals []*source.Node
	for _, t := range tops {
		if t.Kind == source.Object {
			vals = append(vals, level(t, texts[2])...)
		}
	}
	exact := !ident.Has(texts[0] + texts[1] + texts[2])
	if len(vals) == 0 || (!exact && len(vals) < len(tops)) {
		if hasDef {
			if len(vals) == 0 {
				return def, nil
			}
			vals = append(vals, def)
		} else if len(vals) == 0 {
			which := a[1].Pos
			if len(tops) > 0 {
				which = a[2].Pos
			}
			return e.invalid(which, "Fn::FindInMap: mapping "+texts[0]+" has no entry ["+ident.Render(texts[1])+"]["+ident.Render(texts[2])+"]",
				"add the key to mapping "+texts[0]+", or pass {DefaultValue: ...} with AWS::LanguageExtensions"), nil
		}
	}
	first, err := e.Value(vals[0])
	if err != nil {
		return nil, err
	}
	for _, v := range vals[1:] {
		other, err := e.Value(v)
		if err != nil {
			return nil, err
		}
		if Equal(first, other) != ident.True {
			return e.derived("Fn::FindInMap "+texts[0], &source.Node{Kind: source.String, Text: texts[1] + "/" + texts[2]}, call.Pos), nil
		}
	}
	if first != nil && (first.Kind == source.String || first.Kind == source.Number || first.Kind == source.Bool) {
		return at(first, call.Pos), nil
	}
	return first, nil
}

func joinKeys(n *source.Node) string {
	s := ""
	for i, k := range fieldKeys(n) {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}
