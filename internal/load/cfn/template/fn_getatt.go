package template

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// fnGetAtt resolves Fn::GetAtt: [LogicalID, Attribute] or "LogicalID.Attribute"
// (the short form); the attribute may itself be an intrinsic that
// resolves to a string.
func (e *Evaluator) fnGetAtt(call, arg *source.Node) (*source.Node, error) {
	var id, attr string
	switch arg.Kind {
	case source.String:
		var ok bool
		id, attr, ok = strings.Cut(arg.Text, ".")
		if !ok || id == "" || attr == "" {
			return nil, source.Errorf(call.Pos, "write !GetAtt LogicalID.Attribute", "Fn::GetAtt needs a logical ID and an attribute, found %q", arg.Text)
		}
	case source.Array:
		if len(arg.Elems) != 2 || arg.Elems[0].Kind != source.String {
			return nil, source.Errorf(call.Pos, "write Fn::GetAtt: [LogicalID, Attribute]", "Fn::GetAtt takes a logical ID and an attribute name")
		}
		id = arg.Elems[0].Text
		v, err := e.Value(arg.Elems[1])
		if err != nil {
			return nil, err
		}
		s, ok := scalar(v)
		switch {
		case IsUnknown(v):
			return e.derived("Fn::GetAtt "+id, v, call.Pos), nil
		case !ok:
			return e.invalid(arg.Elems[1].Pos, "the attribute name of Fn::GetAtt "+id+" must be a string, found "+describe(v), ""), nil
		}
		attr = s
	default:
		return nil, source.Errorf(call.Pos, "write Fn::GetAtt: [LogicalID, Attribute]", "Fn::GetAtt takes a logical ID and an attribute, found %s", arg.Describe())
	}
	return e.getAtt(id, attr, call.Pos)
}

func (e *Evaluator) getAtt(id, attr string, pos source.Pos) (*source.Node, error) {
	if _, ok := e.t.Parameter(id); ok {
		return nil, source.Errorf(pos, "use Ref for parameters", "Fn::GetAtt to %s, which is a parameter, not a resource", id)
	}
	r, err := e.resource(id, pos, "Fn::GetAtt")
	if err != nil {
		return nil, err
	}
	return e.cfg.Resolver.GetAtt(r, attr, pos)
}
