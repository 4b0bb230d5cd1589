package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnAnd evaluates Fn::And: [c1, c2, ...] (2 to 10 conditions). Every
// condition is evaluated, so that errors are found whatever the values.
func (e *Evaluator) fnAnd(call, arg *source.Node) (ident.Tri, error) {
	a, err := args(call, "Fn::And", arg, 2, 10, "Fn::And: [{Condition: A}, {Condition: B}]")
	if err != nil {
		return ident.Unknown, err
	}
	t := ident.True
	for _, c := range a {
		v, err := e.cond(c)
		if err != nil {
			return ident.Unknown, err
		}
		t = t.And(v)
	}
	return t, nil
}
