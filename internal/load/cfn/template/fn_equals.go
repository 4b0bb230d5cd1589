package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnEquals evaluates Fn::Equals: [a, b], three-valued: values holding
// symbols (the stack's Region, a parameter without value) compare as
// ident does.
func (e *Evaluator) fnEquals(call, arg *source.Node) (ident.Tri, error) {
	a, err := args(call, "Fn::Equals", arg, 2, 2, "Fn::Equals: [a, b]")
	if err != nil {
		return ident.Unknown, err
	}
	x, err := e.Value(a[0])
	if err != nil {
		return ident.Unknown, err
	}
	y, err := e.Value(a[1])
	if err != nil {
		return ident.Unknown, err
	}
	return Equal(x, y), nil
}
