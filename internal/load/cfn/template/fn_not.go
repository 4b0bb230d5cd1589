package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnNot evaluates Fn::Not: [condition].
func (e *Evaluator) fnNot(call, arg *source.Node) (ident.Tri, error) {
	a, err := args(call, "Fn::Not", arg, 1, 1, "Fn::Not: [{Condition: Name}]")
	if err != nil {
		return ident.Unknown, err
	}
	t, err := e.cond(a[0])
	return t.Not(), err
}
