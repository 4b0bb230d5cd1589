package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// Condition evaluates the named condition of the Conditions section:
// true, false, or unknown when it depends on values not known offline.
func (e *Evaluator) Condition(name string, pos source.Pos) (ident.Tri, error) {
	var def *source.Node
	if e.t.Conditions != nil {
		def = e.t.Conditions.Get(name)
	}
	if def == nil {
		return ident.Unknown, source.Errorf(pos, "define it in the Conditions section"+suggest(name, fieldKeys(e.t.Conditions)),
			"condition %s is not defined", name)
	}
	st := e.conds[name]
	if st == nil {
		st = &condState{}
		e.conds[name] = st
	}
	if st.done {
		return st.val, nil
	}
	if st.busy {
		return ident.Unknown, source.Errorf(pos, "a condition must not depend on itself", "condition %s refers to itself", name)
	}
	st.busy = true
	v, err := e.cond(def)
	st.busy = false
	if err != nil {
		return ident.Unknown, err
	}
	st.val, st.done = v, true
	if v == ident.Unknown {
		st.why = e.condWhy(def)
	}
	return v, nil
}

// CondWhy explains why a condition evaluated to unknown.
func (e *Evaluator) CondWhy(name string) string {
	if st := e.conds[name]; st != nil && st.why != "" {
		return st.why
	}
	return "it depends on values not known offline"
}

// condWhy explains an unknown condition expression by the unknown values
// it compares.
func (e *Evaluator) condWhy(n *source.Node) string {
	var parts []string
	seen := map[string]bool{}
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		if name, arg, ok := intrinsic(n); ok && name == "Fn::Equals" && arg.Kind == source.Array {
			for _, x := range arg.Elems {
				v, err := e.Value(x)
				if err == nil {
					if w := e.WhyOf(v); w != "" && !seen[w] {
						seen[w] = true
						parts = append(parts, w)
					}
				}
			}
			return
		}
		if n.Kind == source.Object && len(n.Fields) == 1 && n.Fields[0].Key == "Condition" && n.Fields[0].Value.Kind == source.String {
			w := e.CondWhy(n.Fields[0].Value.Text)
			if !seen[w] {
				seen[w] = true
				parts = append(parts, w)
			}
			return
		}
		for _, f := range n.Fields {
			walk(f.Value)
		}
		for _, x := range n.Elems {
			walk(x)
		}
	}
	walk(n)
	if len(parts) == 0 {
		return "it depends on values not known offline"
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += "; " + p
	}
	return out
}

// cond evaluates a condition expression: Fn::Equals, Fn::Not, Fn::And,
// Fn::Or or {Condition: Name}.
func (e *Evaluator) cond(n *source.Node) (ident.Tri, error) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxEvalDepth {
		return ident.Unknown, source.Errorf(n.Pos, "", "conditions nest deeper than %d levels", maxEvalDepth)
	}
	if n.Kind == source.Object && len(n.Fields) == 1 {
		f := n.Fields[0]
		switch f.Key {
		case "Fn::Equals":
			return e.fnEquals(n, f.Value)
		case "Fn::Not":
			return e.fnNot(n, f.Value)
		case "Fn::And":
			return e.fnAnd(n, f.Value)
		case "Fn::Or":
			return e.fnOr(n, f.Value)
		case "Condition":
			if f.Value.Kind != source.String {
				return ident.Unknown, source.Errorf(f.Value.Pos, "", "Condition takes a condition name, found %s", f.Value.Describe())
			}
			return e.Condition(f.Value.Text, f.Value.Pos)
		}
	}
	return ident.Unknown, source.Errorf(n.Pos, "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or {Condition: Name}",
		"expected a condition function, found %s", describeCall(n))
}

func describeCall(n *source.Node) string {
	if n.Kind == source.Object && len(n.Fields) == 1 {
		return n.Fields[0].Key
	}
	return n.Describe()
}
