package template

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// dep is one reference from a resource to another.
type dep struct {
	to  string
	pos source.Pos
}

// Dependencies returns the resources r refers to through Ref, Fn::GetAtt
// and Fn::Sub in its Properties, and through DependsOn, in document order
// (each once), with the position of the first reference.
func (t *Template) Dependencies(r *Resource) []string {
	deps := t.deps(r)
	out := make([]string, len(deps))
	for i, d := range deps {
		out[i] = d.to
	}
	return out
}

func (t *Template) deps(r *Resource) []dep {
	var out []dep
	seen := map[string]bool{}
	add := func(id string, pos source.Pos) {
		if _, ok := t.resources[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, dep{to: id, pos: pos})
		}
	}
	for i, d := range r.DependsOn {
		add(d, dependsOnPos(r, i))
	}
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case source.Object:
			if len(n.Fields) == 1 {
				f := n.Fields[0]
				switch f.Key {
				case "Ref":
					if f.Value.Kind == source.String {
						add(f.Value.Text, n.Pos)
					}
				case "Fn::GetAtt":
					if f.Value.Kind == source.String {
						id, _, _ := strings.Cut(f.Value.Text, ".")
						add(id, n.Pos)
					} else if f.Value.Kind == source.Array && len(f.Value.Elems) > 0 && f.Value.Elems[0].Kind == source.String {
						add(f.Value.Elems[0].Text, n.Pos)
					}
				case "Fn::Sub":
					text, vars := f.Value, (*source.Node)(nil)
					if text.Kind == source.Array && len(text.Elems) == 2 {
						text, vars = text.Elems[0], text.Elems[1]
					}
					if text.Kind == source.String {
						for _, p := range parseSub(text.Text) {
							if !p.isVar || (vars != nil && vars.Get(p.name) != nil) || strings.HasPrefix(p.name, "AWS::") {
								continue
							}
							id, _, _ := strings.Cut(p.name, ".")
							add(id, n.Pos)
						}
					}
				}
			}
			for _, f := range n.Fields {
				walk(f.Value)
			}
		case source.Array:
			for _, e := range n.Elems {
				walk(e)
			}
		}
	}
	walk(r.Properties)
	return out
}

// checkCycles rejects resources that depend on each other, as
// CloudFormation does ("Circular dependency between resources").
func (t *Template) checkCycles() error {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []dep
	var visit func(id string) error
	visit = func(id string) error {
		color[id] = grey
		r := t.resources[id]
		for _, d := range t.deps(r) {
			switch color[d.to] {
			case grey:
				// The cycle is the part of the stack from d.to on.
				var path []string
				for i := range stack {
					if stack[i].to == d.to {
						path = path[:0]
					}
					path = append(path, stack[i].to)
				}
				path = append(path, d.to)
				return source.Errorf(d.pos, cycleHint(t, path),
					"circular dependency between resources: %s", strings.Join(path, " → "))
			case white:
				stack = append(stack, d)
				if err := visit(d.to); err != nil {
					return err
				}
				stack = stack[:len(stack)-1]
			}
		}
		color[id] = black
		return nil
	}
	for _, r := range t.Resources {
		if r.Type == "Fn::ForEach" || color[r.ID] != white {
			continue
		}
		stack = append(stack[:0], dep{to: r.ID, pos: r.Pos})
		if err := visit(r.ID); err != nil {
			return err
		}
	}
	return nil
}

func cycleHint(t *Template, path []string) string {
	hasKey, hasDist := false, false
	for _, id := range path {
		if r, ok := t.resources[id]; ok {
			hasKey = hasKey || r.Type == "AWS::KMS::Key"
			hasDist = hasDist || r.Type == "AWS::CloudFront::Distribution"
		}
	}
	if hasKey && hasDist {
		return "a key policy cannot name a distribution whose bucket uses the key: scope it with ArnLike on arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/* (as the CDK does), or refer to the key by alias in the bucket"
	}
	return "CloudFormation cannot create resources that refer to each other; remove one of the references"
}
