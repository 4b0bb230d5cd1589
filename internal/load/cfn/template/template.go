package template

import (
	"bytes"
	"errors"
	"sort"
	"strings"

	"github.com/s3front/s3front/source"
)

// Template is a parsed CloudFormation template: its sections, with every
// value still unevaluated and positioned.
type Template struct {
	// File is the path given to [Parse]; every position names it.
	File string
	// Root is the whole document.
	Root *source.Node
	// Parameters, Resources and Outputs are in document order.
	Parameters []*Parameter
	Resources  []*Resource
	Outputs    []*Output
	// Mappings and Conditions are the sections as written (nil when absent).
	Mappings   *source.Node
	Conditions *source.Node
	// Transforms lists the names of the macros the template declares
	// (AWS::Serverless-2016-10-31, AWS::LanguageExtensions, ...).
	Transforms []Transform

	params    map[string]*Parameter
	resources map[string]*Resource
	outputs   map[string]*Output
}

// Parameter is one entry of the Parameters section.
type Parameter struct {
	Name string
	// Pos is the position of the parameter's name.
	Pos  source.Pos
	Type string
	// Default is nil when the parameter has none.
	Default       *source.Node
	AllowedValues []string
	Node          *source.Node
}

// IsList reports whether the parameter holds a list (CommaDelimitedList,
// List<...>).
func (p *Parameter) IsList() bool {
	t := strings.TrimSuffix(strings.TrimPrefix(p.Type, "AWS::SSM::Parameter::Value<"), ">")
	return t == "CommaDelimitedList" || strings.HasPrefix(t, "List<")
}

// IsSSM reports whether the parameter's value is read from Systems
// Manager Parameter Store when the stack is deployed.
func (p *Parameter) IsSSM() bool { return strings.HasPrefix(p.Type, "AWS::SSM::Parameter::Value<") }

// Resource is one entry of the Resources section.
type Resource struct {
	// ID is the logical ID.
	ID string
	// Pos is the position of the logical ID.
	Pos  source.Pos
	Type string
	// Properties is nil when the resource has none.
	Properties *source.Node
	// Condition names the condition that decides whether the resource is
	// created; "" when always.
	Condition    string
	ConditionPos source.Pos
	DependsOn    []string
	Metadata     *source.Node
	Node         *source.Node
}

// Output is one entry of the Outputs section.
type Output struct {
	Name      string
	Pos       source.Pos
	Value     *source.Node
	Condition string
	Node      *source.Node
}

// Transform is one macro named by the template's Transform section.
type Transform struct {
	Name string
	Pos  source.Pos
}

// Parameter returns the parameter called name.
func (t *Template) Parameter(name string) (*Parameter, bool) {
	p, ok := t.params[name]
	return p, ok
}

// Resource returns the resource with logical ID id.
func (t *Template) Resource(id string) (*Resource, bool) {
	r, ok := t.resources[id]
	return r, ok
}

// Output returns the output called name.
func (t *Template) Output(name string) (*Output, bool) {
	o, ok := t.outputs[name]
	return o, ok
}

// HasTransform reports whether the template declares the named macro.
func (t *Template) HasTransform(name string) bool {
	for _, tr := range t.Transforms {
		if tr.Name == name {
			return true
		}
	}
	return false
}

// IsJSON reports whether data looks like a JSON document (its first
// non-blank character is '{').
func IsJSON(data []byte) bool {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	return len(d) > 0 && d[0] == '{'
}

// Parse reads a template in JSON or YAML. file names the template in
// positions and errors. Parse never panics, whatever data holds.
func Parse(file string, data []byte) (*Template, error) {
	root, err := ParseTree(file, data)
	if err != nil {
		return nil, err
	}
	return FromTree(file, root)
}

// ParseTree reads a template in JSON or YAML into a positioned tree
// without checking its structure. JSON is read strictly; a document that
// starts with '{' but is not valid JSON is tried as YAML (a YAML flow
// mapping), and the JSON error is reported if that fails too.
func ParseTree(file string, data []byte) (*source.Node, error) {
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))) == 0 {
		return nil, source.Errorf(source.Pos{File: file, Line: 1, Col: 1}, "a template is a mapping with at least a Resources section", "the template is empty")
	}
	var root *source.Node
	if IsJSON(data) {
		n, err := source.ParseJSON(file, data)
		if err != nil {
			y, yerr := parseYAML(file, data)
			if yerr != nil {
				var se *source.Error
				if errors.As(err, &se) {
					return nil, &source.Error{Pos: se.Pos, Msg: "invalid JSON: " + se.Msg, Hint: se.Hint}
				}
				return nil, err
			}
			n = y
		}
		root = n
	} else {
		n, err := parseYAML(file, data)
		if err != nil {
			return nil, err
		}
		root = n
	}
	if err := checkDuplicates(root); err != nil {
		return nil, err
	}
	return root, nil
}

// checkDuplicates rejects a mapping that names a key twice, as
// CloudFormation does.
func checkDuplicates(n *source.Node) error {
	stack := []*source.Node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch n.Kind {
		case source.Object:
			if len(n.Fields) > 1 {
				seen := make(map[string]source.Pos, len(n.Fields))
				for _, f := range n.Fields {
					if prev, dup := seen[f.Key]; dup {
						return source.Errorf(f.KeyPos, "remove or rename one of them", "duplicate key %q (first at line %d)", f.Key, prev.Line)
					}
					seen[f.Key] = f.KeyPos
				}
			}
			for i := len(n.Fields) - 1; i >= 0; i-- {
				stack = append(stack, n.Fields[i].Value)
			}
		case source.Array:
			for i := len(n.Elems) - 1; i >= 0; i-- {
				stack = append(stack, n.Elems[i])
			}
		}
	}
	return nil
}

func topLevel() []string {
	return []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
		"Conditions", "Transform", "Resources", "Outputs", "Hooks"}
}

// FromTree checks the structure of a parsed template and indexes its
// sections.
func FromTree(file string, root *source.Node) (*Template, error) {
	t := &Template{File: file, Root: root,
		params: map[string]*Parameter{}, resources: map[string]*Resource{}, outputs: map[string]*Output{}}
	if root.Kind != source.Object {
		return nil, source.Errorf(root.Pos, "a template is a mapping with at least a Resources section",
			"a template must be a mapping of sections, found %s", root.Describe())
	}
	var resources *source.Node
	for _, f := range root.Fields {
		switch f.Key {
		case "AWSTemplateFormatVersion":
			if f.Value.Kind != source.String || f.Value.Text != "2010-09-09" {
				return nil, source.Errorf(f.Value.Pos, `write AWSTemplateFormatVersion: "2010-09-09" (the only version) or leave it out`,
					"AWSTemplateFormatVersion must be \"2010-09-09\", found %s", f.Value.Describe())
			}
		case "Description":
			if f.Value.Kind != source.String {
				return nil, source.Errorf(f.Value.Pos, "", "Description must be a string, found %s", f.Value.Describe())
			}
		case "Parameters":
			if err := t.readParameters(f.Value); err != nil {
				return nil, err
			}
		case "Mappings":
			if err := checkMappings(f.Value); err != nil {
				return nil, err
			}
			t.Mappings = f.Value
		case "Conditions":
			if err := mustObject(f.Value, "Conditions"); err != nil {
				return nil, err
			}
			t.Conditions = f.Value
		case "Transform":
			if err := t.readTransform(f.Value); err != nil {
				return nil, err
			}
		case "Resources":
			resources = f.Value
		case "Outputs":
			if err := t.readOutputs(f.Value); err != nil {
				return nil, err
			}
		case "Metadata", "Rules", "Hooks":
			// Not part of what a stack deploys.
		default:
			return nil, source.Errorf(f.KeyPos, "the sections of a template are "+strings.Join(topLevel(), ", ")+suggest(f.Key, topLevel()),
				"unknown template section %q", f.Key)
		}
	}
	if resources == nil {
		return nil, source.Errorf(root.Pos, "add a Resources section with at least one resource", "the template has no Resources section")
	}
	if err := t.readResources(resources); err != nil {
		return nil, err
	}
	return t, nil
}

func mustObject(n *source.Node, what string) error {
	if n.Kind != source.Object {
		return source.Errorf(n.Pos, "", "%s must be a mapping, found %s", what, n.Describe())
	}
	return nil
}

// isLogicalID reports whether s is a valid logical ID or parameter name
// (ASCII letters and digits).
func isLogicalID(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (t *Template) readParameters(n *source.Node) error {
	if err := mustObject(n, "Parameters"); err != nil {
		return err
	}
	for _, f := range n.Fields {
		if !isLogicalID(f.Key) {
			return source.Errorf(f.KeyPos, "use only letters and digits", "parameter name %q is not alphanumeric", f.Key)
		}
		if f.Value.Kind != source.Object {
			return source.Errorf(f.Value.Pos, "write Type: String (and optionally Default: ...)", "parameter %s must be a mapping, found %s", f.Key, f.Value.Describe())
		}
		p := &Parameter{Name: f.Key, Pos: f.KeyPos, Node: f.Value}
		typ := f.Value.Get("Type")
		if typ == nil || typ.Kind != source.String {
			return source.Errorf(f.KeyPos, "add Type: String (or Number, CommaDelimitedList, ...)", "parameter %s has no Type", f.Key)
		}
		p.Type = typ.Text
		if d := f.Value.Get("Default"); d != nil {
			switch d.Kind {
			case source.String, source.Number, source.Bool:
			case source.Array:
				// A list default is accepted for list parameters.
				if !p.IsList() {
					return source.Errorf(d.Pos, "a list default needs Type: CommaDelimitedList", "the Default of parameter %s must be a string, found a list", f.Key)
				}
			default:
				return source.Errorf(d.Pos, "", "the Default of parameter %s must be a string, found %s", f.Key, d.Describe())
			}
			p.Default = d
		}
		if av := f.Value.Get("AllowedValues"); av != nil {
			if av.Kind != source.Array {
				return source.Errorf(av.Pos, "", "AllowedValues of parameter %s must be a list, found %s", f.Key, av.Describe())
			}
			for _, e := range av.Elems {
				if e.Kind == source.Object || e.Kind == source.Array {
					return source.Errorf(e.Pos, "", "AllowedValues of parameter %s must hold strings, found %s", f.Key, e.Describe())
				}
				p.AllowedValues = append(p.AllowedValues, e.Text)
			}
		}
		t.Parameters = append(t.Parameters, p)
		t.params[p.Name] = p
	}
	return nil
}

func checkMappings(n *source.Node) error {
	if err := mustObject(n, "Mappings"); err != nil {
		return err
	}
	for _, m := range n.Fields {
		if m.Value.Kind != source.Object {
			return source.Errorf(m.Value.Pos, "a mapping is Name: {TopKey: {SecondKey: value}}", "mapping %s must be a mapping, found %s", m.Key, m.Value.Describe())
		}
		for _, top := range m.Value.Fields {
			if top.Value.Kind != source.Object {
				return source.Errorf(top.Value.Pos, "a mapping is Name: {TopKey: {SecondKey: value}}", "mapping %s key %s must be a mapping, found %s", m.Key, top.Key, top.Value.Describe())
			}
		}
	}
	return nil
}

func (t *Template) readTransform(n *source.Node) error {
	add := func(e *source.Node) error {
		switch e.Kind {
		case source.String:
			t.Transforms = append(t.Transforms, Transform{Name: e.Text, Pos: e.Pos})
		case source.Object:
			name := e.Get("Name")
			if name == nil || name.Kind != source.String {
				return source.Errorf(e.Pos, "", "a transform is a macro name or {Name: ..., Parameters: ...}")
			}
			t.Transforms = append(t.Transforms, Transform{Name: name.Text, Pos: name.Pos})
		default:
			return source.Errorf(e.Pos, "", "Transform must name a macro, found %s", e.Describe())
		}
		return nil
	}
	if n.Kind == source.Array {
		for _, e := range n.Elems {
			if err := add(e); err != nil {
				return err
			}
		}
		return nil
	}
	return add(n)
}

func (t *Template) readResources(n *source.Node) error {
	if n.Kind != source.Object {
		return source.Errorf(n.Pos, "", "Resources must be a mapping of logical IDs to resources, found %s", n.Describe())
	}
	if len(n.Fields) == 0 {
		return source.Errorf(n.Pos, "add at least one resource", "the Resources section is empty")
	}
	loops := false
	for _, f := range n.Fields {
		if strings.HasPrefix(f.Key, "Fn::ForEach::") && t.HasTransform("AWS::LanguageExtensions") {
			r := &Resource{ID: f.Key, Pos: f.KeyPos, Type: "Fn::ForEach", Node: f.Value}
			t.Resources = append(t.Resources, r)
			loops = true
			continue
		}
		r, err := readResource(f)
		if err != nil {
			return err
		}
		t.Resources = append(t.Resources, r)
		t.resources[r.ID] = r
	}
	if loops {
		// Checked once the loops are expanded (Evaluator.ExpandForEach).
		return nil
	}
	return t.validateResources()
}

// readResource reads one entry of the Resources section.
func readResource(f source.Field) (*Resource, error) {
	if !isLogicalID(f.Key) {
		return nil, source.Errorf(f.KeyPos, "logical IDs use only letters and digits", "resource name %q is not alphanumeric", f.Key)
	}
	v := f.Value
	if v.Kind != source.Object {
		return nil, source.Errorf(v.Pos, "a resource is {Type: AWS::..., Properties: {...}}", "resource %s must be a mapping, found %s", f.Key, v.Describe())
	}
	r := &Resource{ID: f.Key, Pos: f.KeyPos, Node: v}
	for _, a := range v.Fields {
		switch a.Key {
		case "Type":
			if a.Value.Kind != source.String || a.Value.Text == "" {
				return nil, source.Errorf(a.Value.Pos, "", "the Type of resource %s must be a string, found %s", f.Key, a.Value.Describe())
			}
			r.Type = a.Value.Text
		case "Properties":
			if a.Value.Kind == source.Null {
				continue
			}
			if a.Value.Kind != source.Object {
				return nil, source.Errorf(a.Value.Pos, "", "the Properties of resource %s must be a mapping, found %s", f.Key, a.Value.Describe())
			}
			r.Properties = a.Value
		case "Condition":
			if a.Value.Kind != source.String {
				return nil, source.Errorf(a.Value.Pos, "name a condition of the Conditions section", "the Condition of resource %s must be a condition name, found %s", f.Key, a.Value.Describe())
			}
			r.Condition, r.ConditionPos = a.Value.Text, a.Value.Pos
		case "DependsOn":
			switch a.Value.Kind {
			case source.String:
				r.DependsOn = []string{a.Value.Text}
			case source.Array:
				for _, e := range a.Value.Elems {
					if e.Kind != source.String {
						return nil, source.Errorf(e.Pos, "", "DependsOn must list logical IDs, found %s", e.Describe())
					}
					r.DependsOn = append(r.DependsOn, e.Text)
				}
			default:
				return nil, source.Errorf(a.Value.Pos, "", "DependsOn must be a logical ID or a list of them, found %s", a.Value.Describe())
			}
		case "Metadata":
			r.Metadata = a.Value
		}
	}
	if r.Type == "" {
		return nil, source.Errorf(f.KeyPos, "add Type: AWS::S3::Bucket (or the type you mean)", "resource %s has no Type", f.Key)
	}
	return r, nil
}

// validateResources checks what resources say about each other: their
// conditions exist, DependsOn names resources, and no resources depend on
// each other in a cycle.
func (t *Template) validateResources() error {
	loops := false
	for _, r := range t.Resources {
		loops = loops || r.Type == "Fn::ForEach"
	}
	for _, r := range t.Resources {
		if r.Condition != "" {
			if t.Conditions == nil || t.Conditions.Get(r.Condition) == nil {
				return source.Errorf(r.ConditionPos, "define it in the Conditions section"+suggest(r.Condition, fieldKeys(t.Conditions)),
					"resource %s uses the undefined condition %s", r.ID, r.Condition)
			}
		}
		for i, d := range r.DependsOn {
			if _, ok := t.resources[d]; !ok && !loops {
				at := dependsOnPos(r, i)
				return source.Errorf(at, "DependsOn names logical IDs of this template's resources"+suggest(d, t.resourceIDs()),
					"resource %s depends on %s, which is not a resource of the template", r.ID, d)
			}
		}
	}
	return t.checkCycles()
}

func dependsOnPos(r *Resource, i int) source.Pos {
	d := r.Node.Get("DependsOn")
	if d == nil {
		return r.Pos
	}
	if d.Kind == source.Array && i < len(d.Elems) {
		return d.Elems[i].Pos
	}
	return d.Pos
}

func (t *Template) resourceIDs() []string {
	ids := make([]string, 0, len(t.Resources))
	for _, r := range t.Resources {
		ids = append(ids, r.ID)
	}
	return ids
}

func fieldKeys(n *source.Node) []string {
	if n == nil {
		return nil
	}
	out := make([]string, 0, len(n.Fields))
	for _, f := range n.Fields {
		out = append(out, f.Key)
	}
	return out
}

func (t *Template) readOutputs(n *source.Node) error {
	if err := mustObject(n, "Outputs"); err != nil {
		return err
	}
	for _, f := range n.Fields {
		if f.Value.Kind != source.Object {
			return source.Errorf(f.Value.Pos, "an output is {Value: ...}", "output %s must be a mapping, found %s", f.Key, f.Value.Describe())
		}
		o := &Output{Name: f.Key, Pos: f.KeyPos, Value: f.Value.Get("Value"), Node: f.Value}
		if o.Value == nil {
			return source.Errorf(f.KeyPos, "add Value: ...", "output %s has no Value", f.Key)
		}
		if c := f.Value.Get("Condition"); c != nil && c.Kind == source.String {
			o.Condition = c.Text
		}
		t.Outputs = append(t.Outputs, o)
		t.outputs[o.Name] = o
	}
	return nil
}

// suggest returns ` (did you mean "X"?)` for the closest of known, or "".
func suggest(s string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		d := editDistance(strings.ToLower(s), strings.ToLower(k))
		if d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(2, len(s)/4) && best != s {
		return "; did you mean " + quote(best) + "?"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sortedKeys returns the keys of m in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
