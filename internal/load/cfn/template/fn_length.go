package template

import (
	"strconv"

	"github.com/s3front/s3front/source"
)

// fnLength resolves Fn::Length (AWS::LanguageExtensions): the number of
// elements of a list.
func (e *Evaluator) fnLength(call, arg *source.Node) (*source.Node, error) {
	list, ok, err := e.listArg(arg, "Fn::Length", "the argument")
	if err != nil {
		return nil, err
	}
	if !ok {
		return e.derived("Fn::Length", list, call.Pos), nil
	}
	return &source.Node{Kind: source.Number, Pos: call.Pos, Text: strconv.Itoa(len(list.Elems))}, nil
}
