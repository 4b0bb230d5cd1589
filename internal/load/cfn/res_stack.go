package cfn

import (
	"io/fs"
	"path"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/source"
)

// nestedStack loads a nested stack (AWS::CloudFormation::Stack) in place.
func (s *stack) nestedStack(r *template.Resource) error {
	c, err := s.child(r)
	if err != nil || c == nil || c.loaded {
		return err
	}
	c.loaded = true
	parentCurrent := s.current
	defer func() { s.current = parentCurrent }()
	return s.l.loadStack(c)
}

// child opens the template of a nested stack, once. It returns nil when
// the template is not local (the stack is then Unresolved).
func (s *stack) child(r *template.Resource) (*stack, error) {
	if c, ok := s.children[r.ID]; ok {
		return c, nil
	}
	ref := s.ref(r.ID)
	if s.depth+1 > maxNesting {
		return nil, source.Errorf(r.Pos, "", "nested stacks are nested deeper than %d levels", maxNesting)
	}
	p, err := s.props(r)
	if err != nil {
		return nil, err
	}
	o := s.root(ref, p)
	urlObj := o.get("TemplateURL")
	url, err := urlObj.str()
	if err != nil {
		return nil, err
	}
	file, local := "", false
	// The CDK writes the synthesized template next to the parent and
	// names it in the resource's metadata.
	if r.Metadata != nil {
		if ap := r.Metadata.Get("aws:asset:path"); ap != nil && ap.Kind == source.String {
			if f, ok := childPath(s.file, ap.Text); ok {
				if _, err := fs.Stat(s.l.fsys, f); err == nil {
					file, local = f, true
				}
			}
		}
	}
	if !local && url.Known && !strings.Contains(url.V, "://") && !strings.HasPrefix(url.V, "s3.") {
		f, ok := childPath(s.file, url.V)
		if !ok {
			s.l.unresolved("nested stack "+ref, "its TemplateURL "+url.V+" is outside the folder given to s3front", urlObj.src())
			s.children[r.ID] = nil
			return nil, nil
		}
		file, local = f, true
	}
	if !local {
		why := "its template is not a local file"
		if url.Known {
			why = "its template " + templateRender(url.V) + " is not a local file; check it separately, or point TemplateURL at a relative path"
		} else {
			why = "its TemplateURL is not known offline: " + url.Missing
		}
		s.l.unresolved("nested stack "+ref, why, urlObj.src())
		s.children[r.ID] = nil
		return nil, nil
	}
	for a := s; a != nil; a = a.parent {
		if path.Clean(a.file) == path.Clean(file) {
			return nil, urlObj.errorf("a nested stack must not include one of its ancestors", "nested stack %s includes %s, which is already being loaded (a cycle)", ref, file)
		}
	}
	params := map[string]string{}
	pos := map[string]source.Pos{}
	pobj := o.get("Parameters")
	if err := pobj.object(); err != nil {
		return nil, err
	}
	if pobj.present() && !pobj.unknown() && pobj.bad == "" {
	params:
		for _, f := range pobj.n.Fields {
			v := obj{s: s, ref: ref, n: f.Value, path: "Parameters." + f.Key, at: f.Value.Pos}
			var text string
			if v.n.Kind == source.Array {
				parts := make([]string, 0, len(v.n.Elems))
				for _, e := range v.n.Elems {
					ev := obj{s: s, ref: ref, n: e, path: v.path, at: e.Pos}
					t, ok := ev.text()
					if !ok {
						// The child sees the parameter without a value.
						ev.invalid("a string")
						continue params
					}
					parts = append(parts, t)
				}
				text = strings.Join(parts, ",")
			} else {
				t, ok := v.text()
				if !ok {
					v.invalid("a string")
					continue
				}
				text = t
			}
			params[f.Key] = text
			pos[f.Key] = f.KeyPos
		}
	} else if pobj.unknown() {
		s.l.unresolved("parameters of nested stack "+ref, "the Parameters passed to "+ref+" are not known offline: "+pobj.missing(), pobj.src())
	}
	c, err := s.l.openStack(file, params, pos, s, r)
	if err != nil {
		return nil, err
	}
	s.children[r.ID] = c
	return c, nil
}

// nestedOutput resolves Fn::GetAtt Stack.Outputs.Name.
func (s *stack) nestedOutput(r *template.Resource, name string, at source.Pos) (*source.Node, error) {
	c, err := s.child(r)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return s.ev.Unknown(s.ref(r.ID)+".Outputs."+name, "output "+name+" of nested stack "+s.ref(r.ID)+", whose template is not loaded", at), nil
	}
	v, err := c.ev.Output(name, at)
	if err != nil {
		return nil, err
	}
	if v != nil && (v.Kind == source.String || v.Kind == source.Number || v.Kind == source.Bool) {
		cp := *v
		cp.Pos = at
		return &cp, nil
	}
	return v, nil
}

// templateRender shortens a template URL for messages.
func templateRender(u string) string {
	u = ident.Render(u)
	if len(u) > 120 {
		return u[:117] + "..."
	}
	return u
}
