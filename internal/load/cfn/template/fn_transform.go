package template

import (
	"github.com/s3front/s3front/source"
)

// fnTransform resolves Fn::Transform: a macro runs when the stack is
// deployed, so its output is unknown.
func (e *Evaluator) fnTransform(call, arg *source.Node) (*source.Node, error) {
	name := "a macro"
	if arg.Kind == source.Object {
		if n := arg.Get("Name"); n != nil && n.Kind == source.String {
			name = n.Text
		}
	}
	return e.unknown("Fn::Transform "+name, "macro "+name+" rewrites this part of the template when the stack is deployed", call.Pos, true), nil
}
