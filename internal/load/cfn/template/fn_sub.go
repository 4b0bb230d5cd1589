package template

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// subPart is a literal run or a ${variable} of a Fn::Sub string.
type subPart struct {
	lit   string
	name  string
	isVar bool
}

// parseSub splits a Fn::Sub template into literals and variables.
// "${!Name}" is the literal "${Name}"; a "${" without a closing brace is
// literal text.
func parseSub(s string) []subPart {
	var parts []subPart
	var lit strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		rest := s[i+2:]
		if strings.HasPrefix(rest, "!") {
			lit.WriteString("${")
			s = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		if lit.Len() > 0 {
			parts = append(parts, subPart{lit: lit.String()})
			lit.Reset()
		}
		parts = append(parts, subPart{name: rest[:j], isVar: true})
		s = rest[j+1:]
	}
	if lit.Len() > 0 {
		parts = append(parts, subPart{lit: lit.String()})
	}
	return parts
}

// fnSub resolves Fn::Sub: a string, or [string, {Var: value}]. Variables
// not in the map are parameters, pseudo parameters, resources (their Ref)
// or Resource.Attribute (their Fn::GetAtt).
func (e *Evaluator) fnSub(call, arg *source.Node) (*source.Node, error) {
	var tmpl *source.Node
	var vars *source.Node
	switch arg.Kind {
	case source.String:
		tmpl = arg
	case source.Array:
		if len(arg.Elems) != 2 {
			return nil, source.Errorf(call.Pos, "write Fn::Sub: [\"text ${Var}\", {Var: value}]", "Fn::Sub takes a string, or a string and a map of variables")
		}
		tmpl = arg.Elems[0]
		vars = arg.Elems[1]
		if tmpl.Kind != source.String {
			return nil, source.Errorf(tmpl.Pos, "the first element of Fn::Sub is the text with ${Var} placeholders", "Fn::Sub text must be a string, found %s", tmpl.Describe())
		}
		if vars.Kind != source.Object {
			return nil, source.Errorf(vars.Pos, "the second element of Fn::Sub maps variable names to values", "Fn::Sub variables must be a mapping, found %s", vars.Describe())
		}
	default:
		return nil, source.Errorf(call.Pos, "write Fn::Sub: \"text ${Var}\"", "Fn::Sub takes a string, found %s", arg.Describe())
	}
	var b strings.Builder
	for _, p := range parseSub(tmpl.Text) {
		if !p.isVar {
			b.WriteString(p.lit)
			continue
		}
		v, err := e.subVar(call, p.name, vars)
		if err != nil {
			return nil, err
		}
		b.WriteString(v)
	}
	return &source.Node{Kind: source.String, Pos: call.Pos, Text: b.String()}, nil
}

func (e *Evaluator) subVar(call *source.Node, name string, vars *source.Node) (string, error) {
	var v *source.Node
	var err error
	if f, ok := vars.GetFold(name); ok && f.Key == name {
		v, err = e.Value(f.Value)
	} else if strings.TrimSpace(name) != name || name == "" {
		return "", source.Errorf(call.Pos, "write ${Name} without spaces", "Fn::Sub variable ${%s} is not a valid name", name)
	} else if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
		v, err = e.getAtt(id, attr, call.Pos)
	} else {
		if !strings.HasPrefix(name, "AWS::") {
			_, isParam := e.t.Parameter(name)
			_, isRes := e.t.Resource(name)
			if !isParam && !isRes {
				names := e.t.resourceIDs()
				for _, p := range e.t.Parameters {
					names = append(names, p.Name)
				}
				return "", source.Errorf(call.Pos, "a ${Name} of Fn::Sub is a parameter, a resource (its Ref), Resource.Attribute, a pseudo parameter or a key of the variables map"+suggest(name, names),
					"Fn::Sub variable ${%s} is neither a parameter nor a resource of the template", name)
			}
		}
		v, err = e.ref(name, call.Pos)
	}
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", nil
	}
	s, ok := scalar(v)
	if !ok {
		return e.invalid(call.Pos, "Fn::Sub variable ${"+name+"} is "+v.Describe()+", not a string", "Fn::Sub can only insert strings; use Fn::Join to join a list").Text, nil
	}
	return s, nil
}
