package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnIf resolves Fn::If: [ConditionName, valueIfTrue, valueIfFalse]. When
// the condition cannot be decided offline, the two branches are resolved;
// if they are the same value that value is the answer, otherwise the
// result is unknown and the condition is reported.
func (e *Evaluator) fnIf(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::If", arg, 3, 3, "Fn::If: [ConditionName, value if true, value if false]")
	if err != nil {
		return nil, err
	}
	if a[0].Kind != source.String {
		return nil, source.Errorf(a[0].Pos, "the first element of Fn::If names a condition of the Conditions section", "Fn::If takes a condition name, found %s", a[0].Describe())
	}
	t, err := e.Condition(a[0].Text, a[0].Pos)
	if err != nil {
		return nil, err
	}
	switch t {
	case ident.True:
		return e.Value(a[1])
	case ident.False:
		return e.Value(a[2])
	}
	yes, err := e.Value(a[1])
	if err != nil {
		return nil, err
	}
	no, err := e.Value(a[2])
	if err != nil {
		return nil, err
	}
	if Equal(yes, no) == ident.True {
		return yes, nil
	}
	what := "condition " + e.cfg.Scope + a[0].Text
	why := "condition " + e.cfg.Scope + a[0].Text + " cannot be decided offline: " + e.CondWhy(a[0].Text)
	if e.cfg.Note != nil {
		e.cfg.Note(Note{What: what, Why: why, Pos: call.Pos, Root: true})
	}
	return e.unknown(what+" (Fn::If at "+shortPos(call.Pos)+")", why, call.Pos, false), nil
}
