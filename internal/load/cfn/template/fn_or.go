package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnOr evaluates Fn::Or: [c1, c2, ...] (2 to 10 conditions).
func (e *Evaluator) fnOr(call, arg *source.Node) (ident.Tri, error) {
	a, err := args(call, "Fn::Or", arg, 2, 10, "Fn::Or: [{Condition: A}, {Condition: B}]")
	if err != nil {
		return ident.Unknown, err
	}
	t := ident.False
	for _, c := range a {
		v, err := e.cond(c)
		if err != nil {
			return ident.Unknown, err
		}
		t = t.Or(v)
	}
	return t, nil
}
