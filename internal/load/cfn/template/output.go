package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// Output resolves the Value of the named output, as a parent stack's
// Fn::GetAtt Stack.Outputs.Name sees it. An output ruled out by its
// condition is an error, as it is when CloudFormation deploys.
func (e *Evaluator) Output(name string, pos source.Pos) (*source.Node, error) {
	o, ok := e.t.Output(name)
	if !ok {
		names := make([]string, 0, len(e.t.Outputs))
		for _, o := range e.t.Outputs {
			names = append(names, o.Name)
		}
		return nil, source.Errorf(pos, "the nested template's outputs are "+joinList(names)+suggest(name, names),
			"the nested template %s has no output %s", e.t.File, name)
	}
	if o.Condition != "" {
		t, err := e.Condition(o.Condition, o.Pos)
		if err != nil {
			return nil, err
		}
		if t == ident.False {
			return nil, source.Errorf(pos, "", "output %s of %s is not created because its condition %s is false", name, e.t.File, o.Condition)
		}
	}
	v, err := e.Value(o.Value)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func joinList(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	out := s[0]
	for _, x := range s[1:] {
		out += ", " + x
	}
	return out
}
