package template

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// fnJoin resolves Fn::Join: [delimiter, [values...]].
func (e *Evaluator) fnJoin(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::Join", arg, 2, 2, "Fn::Join: [\"delimiter\", [a, b]]")
	if err != nil {
		return nil, err
	}
	_, delim, err := e.stringArg(a[0], "Fn::Join", "the delimiter")
	if err != nil {
		return nil, err
	}
	list, ok, err := e.listArg(a[1], "Fn::Join", "the second argument")
	if err != nil {
		return nil, err
	}
	if !ok {
		return e.derived("Fn::Join", list, call.Pos), nil
	}
	parts := make([]string, 0, len(list.Elems))
	for _, x := range list.Elems {
		s, ok := scalar(x)
		if !ok {
			return e.invalid(x.Pos, "Fn::Join element is "+x.Describe()+", not a string", "nested lists must be joined first"), nil
		}
		parts = append(parts, s)
	}
	return &source.Node{Kind: source.String, Pos: call.Pos, Text: strings.Join(parts, delim)}, nil
}
