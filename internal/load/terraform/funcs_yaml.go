package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"go.yaml.in/yaml/v3"
)

// yamldecode and yamlencode as Terraform has them: a mapping becomes an
// object, a sequence a tuple; strings are written double-quoted, and
// multi-line strings as literal blocks.

// maxYAMLDepth bounds nesting, and maxYAMLNodes the values a document
// may expand to (aliases can repeat a subtree exponentially: a "billion
// laughs" document).
const (
	maxYAMLDepth = 256
	maxYAMLNodes = 1 << 18
)

var yamlDecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		if args[0].IsNull() {
			return cty.NilType, function.NewArgErrorf(0, "YAML source code cannot be null")
		}
		v, err := yamlDecode(args[0].AsString())
		if err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yamlDecode(args[0].AsString())
	},
})

func yamlDecode(src string) (cty.Value, error) {
	if len(src) > maxFileSize {
		return cty.NilVal, errors.New("the YAML document is too large")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return cty.NilVal, fmt.Errorf("on line %s", strings.TrimPrefix(err.Error(), "yaml: line "))
	}
	if doc.Kind == 0 {
		return cty.NilVal, errors.New("empty YAML document")
	}
	budget := maxYAMLNodes
	return yamlValue(&doc, 0, &budget)
}

func yamlValue(n *yaml.Node, depth int, budget *int) (cty.Value, error) {
	if depth > maxYAMLDepth {
		return cty.NilVal, errors.New("the YAML document nests too deeply")
	}
	if *budget--; *budget < 0 {
		return cty.NilVal, errors.New("the YAML document expands to too many values")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return yamlValue(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1, budget)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return cty.EmptyTupleVal, nil
		}
		vals := make([]cty.Value, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1, budget)
			if err != nil {
				return cty.NilVal, err
			}
			vals = append(vals, v)
		}
		return cty.TupleVal(vals), nil
	case yaml.MappingNode:
		m := map[string]cty.Value{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				return cty.NilVal, errors.New("merge keys (<<) are not supported")
			}
			kv, err := yamlValue(k, depth+1, budget)
			if err != nil {
				return cty.NilVal, err
			}
			if kv.IsNull() || !kv.Type().IsPrimitiveType() {
				return cty.NilVal, fmt.Errorf("on line %d: only scalar mapping keys are supported", k.Line)
			}
			ks, _ := strVal(kv)
			if _, dup := m[ks]; dup {
				return cty.NilVal, fmt.Errorf("on line %d: duplicate key %q", k.Line, ks)
			}
			val, err := yamlValue(v, depth+1, budget)
			if err != nil {
				return cty.NilVal, err
			}
			m[ks] = val
		}
		if len(m) == 0 {
			return cty.EmptyObjectVal, nil
		}
		return cty.ObjectVal(m), nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return cty.NullVal(cty.DynamicPseudoType), nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return cty.NilVal, err
			}
			return cty.BoolVal(b), nil
		case "!!int", "!!float":
			return yamlNumber(n.Value)
		case "!!str", "!!timestamp", "!!binary":
			return cty.StringVal(n.Value), nil
		}
		return cty.NilVal, fmt.Errorf("on line %d: unsupported tag %q", n.Line, n.Tag)
	}
	return cty.NilVal, fmt.Errorf("on line %d: unsupported YAML node", n.Line)
}

func yamlNumber(s string) (cty.Value, error) {
	t := strings.ReplaceAll(s, "_", "")
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	var f *big.Float
	for _, p := range []struct {
		prefix string
		base   int
	}{{"0x", 16}, {"0o", 8}, {"0b", 2}} {
		if strings.HasPrefix(t, p.prefix) {
			i, ok := new(big.Int).SetString(t[2:], p.base)
			if !ok {
				return cty.NilVal, fmt.Errorf("invalid number %q", s)
			}
			f = new(big.Float).SetInt(i)
		}
	}
	if f == nil {
		switch strings.ToLower(t) {
		case ".inf", ".nan":
			return cty.NilVal, fmt.Errorf("cannot represent %q as a number", s)
		}
		var err error
		f, _, err = big.ParseFloat(t, 10, 512, big.ToNearestEven)
		if err != nil {
			return cty.NilVal, fmt.Errorf("invalid number %q", s)
		}
	}
	if neg {
		f.Neg(f)
	}
	return cty.NumberVal(f), nil
}

var yamlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(cty.String), nil
		}
		n := yamlNode(args[0])
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		enc.CompactSeqIndent()
		if err := enc.Encode(n); err != nil {
			return cty.NilVal, err
		}
		if err := enc.Close(); err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(b.String()), nil
	},
})

func yamlNode(v cty.Value) *yaml.Node {
	if v.IsNull() {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.AsString(), Style: yaml.DoubleQuotedStyle}
		if strings.Contains(v.AsString(), "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: bf.Text('f', -1)}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: bf.Text('f', -1)}
	case ty == cty.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.True())}
	case ty.IsMapType() || ty.IsObjectType():
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if v.LengthInt() == 0 {
			n.Style = yaml.FlowStyle
		}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.AsString(), Style: yaml.DoubleQuotedStyle}, yamlNode(x))
		}
		return n
	default:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if v.LengthInt() == 0 {
			n.Style = yaml.FlowStyle
		}
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			n.Content = append(n.Content, yamlNode(x))
		}
		return n
	}
}
