package template

import (
	"encoding/json"
	"strings"

	"github.com/s3front/s3front/source"
)

// fnToJSONString resolves Fn::ToJsonString (AWS::LanguageExtensions): the
// resolved value as compact JSON, members in template order.
func (e *Evaluator) fnToJSONString(call, arg *source.Node) (*source.Node, error) {
	v, err := e.Value(arg)
	if err != nil {
		return nil, err
	}
	if IsUnknown(v) {
		return e.derived("Fn::ToJsonString", v, call.Pos), nil
	}
	var b strings.Builder
	writeJSON(&b, v)
	return &source.Node{Kind: source.String, Pos: call.Pos, Text: b.String()}, nil
}

func writeJSON(b *strings.Builder, n *source.Node) {
	if n == nil {
		b.WriteString("null")
		return
	}
	switch n.Kind {
	case source.String:
		q, _ := json.Marshal(n.Text)
		b.Write(q)
	case source.Number, source.Bool:
		b.WriteString(n.Text)
	case source.Null:
		b.WriteString("null")
	case source.Array:
		b.WriteByte('[')
		for i, x := range n.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, x)
		}
		b.WriteByte(']')
	case source.Object:
		b.WriteByte('{')
		for i, f := range n.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(f.Key)
			b.Write(q)
			b.WriteByte(':')
			writeJSON(b, f.Value)
		}
		b.WriteByte('}')
	}
}
