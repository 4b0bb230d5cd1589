package template

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// pseudoNames lists the pseudo parameters CloudFormation defines.
func pseudoNames() []string {
	return []string{"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
		"AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
}

// fnRef resolves Ref: a pseudo parameter, a parameter or a resource.
func (e *Evaluator) fnRef(call, arg *source.Node) (*source.Node, error) {
	switch arg.Kind {
	case source.String:
		return e.ref(arg.Text, call.Pos)
	case source.Object:
		// AWS::LanguageExtensions lets the name be an intrinsic function.
		v, err := e.Value(arg)
		if err != nil {
			return nil, err
		}
		if IsUnknown(v) {
			return e.derived("Ref", v, call.Pos), nil
		}
		if v != nil && v.Kind == source.String {
			_, isParam := e.t.Parameter(v.Text)
			_, isRes := e.t.Resource(v.Text)
			if !isParam && !isRes && !strings.HasPrefix(v.Text, "AWS::") {
				return e.invalid(call.Pos, "Ref to "+v.Text+", which is neither a parameter nor a resource of the template", ""), nil
			}
			return e.ref(v.Text, call.Pos)
		}
		return e.invalid(call.Pos, "Ref takes a name, found "+describe(v), "write Ref: LogicalName (or !Ref LogicalName)"), nil
	}
	return nil, source.Errorf(call.Pos, "write Ref: LogicalName (or !Ref LogicalName)", "Ref takes a name, found %s", arg.Describe())
}

// ref resolves the name Ref (or a ${name} of Fn::Sub) refers to.
func (e *Evaluator) ref(name string, pos source.Pos) (*source.Node, error) {
	if strings.HasPrefix(name, "AWS::") {
		p := e.cfg.Pseudo
		str := func(s string) *source.Node { return &source.Node{Kind: source.String, Pos: pos, Text: s} }
		switch name {
		case "AWS::AccountId":
			return str(p.AccountID), nil
		case "AWS::Region":
			return str(p.Region), nil
		case "AWS::Partition":
			return str(p.Partition), nil
		case "AWS::URLSuffix":
			return str(p.URLSuffix), nil
		case "AWS::StackName":
			return str(p.StackName), nil
		case "AWS::StackId":
			return str(p.StackID), nil
		case "AWS::NoValue":
			return nil, nil
		case "AWS::NotificationARNs":
			return e.unknown("AWS::NotificationARNs", "the stack's notification topics are chosen when it is deployed", pos, true), nil
		}
		return nil, source.Errorf(pos, "the pseudo parameters are "+strings.Join(pseudoNames(), ", ")+suggest(name, pseudoNames()),
			"unknown pseudo parameter %s", name)
	}
	if p, ok := e.t.Parameter(name); ok {
		if v, ok := e.params[name]; ok {
			return at(v, pos), nil
		}
		what := "parameter " + e.cfg.Scope + name
		why := "parameter " + e.cfg.Scope + name + " has no Default and no value was given (pass --parameter " + name + "=VALUE)"
		if p.IsSSM() {
			ssm := ""
			if p.Default != nil {
				ssm = " " + p.Default.Text
			}
			why = "parameter " + e.cfg.Scope + name + " is read from SSM Parameter Store" + ssm + " when the stack is deployed (pass --parameter " + name + "=VALUE to check with a value)"
		}
		return e.unknown(what, why, pos, true), nil
	}
	r, err := e.resource(name, pos, "Ref")
	if err != nil {
		return nil, err
	}
	return e.cfg.Resolver.Ref(r, pos)
}

// resource looks up a resource named by Ref or Fn::GetAtt and checks that
// its condition does not rule it out.
func (e *Evaluator) resource(id string, pos source.Pos, fn string) (*Resource, error) {
	r, ok := e.t.Resource(id)
	if !ok {
		names := e.t.resourceIDs()
		if fn == "Ref" {
			for _, p := range e.t.Parameters {
				names = append(names, p.Name)
			}
		}
		return nil, source.Errorf(pos, fn+" names a parameter, a pseudo parameter (AWS::Region...) or a resource of the template"+suggest(id, names),
			"%s to %s, which is neither a parameter nor a resource of the template", fn, id)
	}
	if r.Type == "Fn::ForEach" {
		return nil, source.Errorf(pos, "", "%s to %s, a Fn::ForEach loop", fn, id)
	}
	if r.Condition != "" {
		t, err := e.Condition(r.Condition, r.ConditionPos)
		if err != nil {
			return nil, err
		}
		if t == ident.False {
			return nil, source.Errorf(pos, "wrap the reference in Fn::If with the same condition, or change the condition",
				"%s to %s, which is not created because its condition %s is false", fn, id, r.Condition)
		}
	}
	if e.cfg.Resolver == nil {
		return nil, source.Errorf(pos, "", "%s to resource %s cannot be resolved here", fn, id)
	}
	return r, nil
}
