package template

import (
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
	return &source.Node{Kind: source.String, Pos: call.Pos, Text: v.JSON()}, nil
}
