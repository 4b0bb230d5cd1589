package template

import (
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// maxEvalDepth bounds the nesting of values and intrinsic calls the
// evaluator follows, including Ref chains through nested stacks' outputs.
const maxEvalDepth = 2 * source.MaxDepth

// maxSteps bounds the work of one evaluator: an Fn::If over an unknown
// condition evaluates both branches, so nested ones could otherwise take
// exponential time.
const maxSteps = 4 << 20

// Pseudo holds the values of the pseudo parameters. Each may be a
// concrete value or an ident symbol (the account of the stack, its
// Region); the caller decides, so that nested stacks share them.
type Pseudo struct {
	AccountID string
	Region    string
	Partition string
	URLSuffix string
	StackName string
	StackID   string
}

// Resolver supplies the values of Ref and Fn::GetAtt for resources. The
// evaluator has already checked that the resource exists and that its
// condition does not rule it out.
type Resolver interface {
	Ref(r *Resource, at source.Pos) (*source.Node, error)
	GetAtt(r *Resource, attr string, at source.Pos) (*source.Node, error)
}

// Note describes a value the evaluator could not know offline: the
// symbol it stands for (What, the name of an ident.Any symbol), why, and
// where it was needed. Root is true when the value is an input of its own
// (a parameter without value, an import) and false when it only derives
// from another unknown (a Select from an unknown list).
type Note struct {
	What string
	Why  string
	Pos  source.Pos
	Root bool
}

// Config configures an [Evaluator].
type Config struct {
	Pseudo Pseudo
	// Params are the values given for parameters (--parameter, parameter
	// files, or a nested stack's Parameters). They may hold ident symbols.
	Params map[string]string
	// ParamsPos locates where each given value came from, for errors;
	// zero positions point at the template's Parameters section.
	ParamsPos map[string]source.Pos
	// Scope prefixes the names of this template's unknowns, so that the
	// parameters of nested stacks are told apart ("Nested/").
	Scope    string
	Resolver Resolver
	// Note, when set, receives every unknown value the evaluator creates.
	Note func(Note)
}

// Evaluator resolves the intrinsic functions of one template. It is not
// safe for concurrent use. Values it returns may share nodes with the
// template: callers must not modify them.
type Evaluator struct {
	t      *Template
	cfg    Config
	params map[string]*source.Node
	conds  map[string]*condState
	why    map[string]string
	depth  int
	steps  int
}

type condState struct {
	busy bool
	done bool
	val  ident.Tri
	why  string
}

// New returns an evaluator for t. It checks the given parameter values
// against the template: an undeclared parameter, or a value outside
// AllowedValues, is an error.
func New(t *Template, cfg Config) (*Evaluator, error) {
	e := &Evaluator{t: t, cfg: cfg, params: map[string]*source.Node{}, conds: map[string]*condState{}, why: map[string]string{}}
	for _, name := range sortedKeys(cfg.Params) {
		if _, ok := t.Parameter(name); !ok {
			at := cfg.ParamsPos[name]
			if at.IsZero() {
				at = t.Root.Pos
				if p := t.Root.Get("Parameters"); p != nil {
					at = p.Pos
				}
			}
			known := make([]string, 0, len(t.Parameters))
			for _, p := range t.Parameters {
				known = append(known, p.Name)
			}
			hint := "the template declares no parameters"
			if len(known) > 0 {
				hint = "the template's parameters are " + strings.Join(known, ", ") + suggest(name, known)
			}
			return nil, source.Errorf(at, hint, "parameter %s is given a value but the template does not declare it", name)
		}
	}
	for _, p := range t.Parameters {
		v, given := cfg.Params[p.Name]
		switch {
		case given:
			if len(p.AllowedValues) > 0 && !ident.Has(v) && !p.IsList() {
				ok := false
				for _, a := range p.AllowedValues {
					ok = ok || a == v
				}
				if !ok {
					at := cfg.ParamsPos[p.Name]
					if at.IsZero() {
						at = p.Pos
					}
					return nil, source.Errorf(at, "AllowedValues of "+p.Name+" are "+strings.Join(p.AllowedValues, ", "),
						"the value %q of parameter %s is not one of its AllowedValues", v, p.Name)
				}
			}
			e.params[p.Name] = paramNode(p, v)
		case p.Default != nil && !p.IsSSM():
			if p.Default.Kind == source.Array {
				e.params[p.Name] = p.Default
			} else {
				e.params[p.Name] = paramNode(p, p.Default.Text)
			}
		}
	}
	return e, nil
}

func paramNode(p *Parameter, v string) *source.Node {
	if p.IsList() {
		n := &source.Node{Kind: source.Array}
		if v != "" {
			for _, s := range strings.Split(v, ",") {
				n.Elems = append(n.Elems, &source.Node{Kind: source.String, Text: s})
			}
		}
		return n
	}
	return &source.Node{Kind: source.String, Text: v}
}

// Template returns the template the evaluator works on.
func (e *Evaluator) Template() *Template { return e.t }

// Pseudo returns the pseudo parameter values in use.
func (e *Evaluator) Pseudo() Pseudo { return e.cfg.Pseudo }

// Unknown returns a string node standing for a value nobody knows
// offline, and reports it through Config.Note.
func (e *Evaluator) Unknown(what, why string, at source.Pos) *source.Node {
	return e.unknown(what, why, at, true)
}

func (e *Evaluator) unknown(what, why string, at source.Pos, root bool) *source.Node {
	if _, seen := e.why[what]; !seen {
		e.why[what] = why
	}
	if e.cfg.Note != nil {
		e.cfg.Note(Note{What: what, Why: why, Pos: at, Root: root})
	}
	return &source.Node{Kind: source.String, Pos: at, Text: ident.New(ident.Any, what)}
}

// invalid returns an unknown for a value CloudFormation would refuse when
// the stack is created (an index out of range, a missing mapping entry)
// and reports it: cfn-lint accepts such templates, so they still load.
func (e *Evaluator) invalid(at source.Pos, msg, hint string) *source.Node {
	why := msg + "; CloudFormation rejects the template when the stack is created"
	if hint != "" {
		why += " (" + hint + ")"
	}
	return e.unknown("invalid value at "+e.t.File+":"+shortPos(at), why, at, true)
}

// derived returns an unknown that stands for fn applied to the unknown
// value from; it carries from's explanation.
func (e *Evaluator) derived(fn string, from *source.Node, at source.Pos) *source.Node {
	name := fn + " of " + Render(from)
	return e.unknown(name, e.WhyOf(from), at, false)
}

// WhyOf explains why a value is not known: the reasons recorded for the
// unknown symbols it contains, and a description of the identities
// (account, Region) that are symbols.
func (e *Evaluator) WhyOf(n *source.Node) string {
	var parts []string
	seen := map[string]bool{}
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case source.String:
			for _, s := range ident.Symbols(n.Text) {
				w := ""
				if s.Kind == ident.Any {
					w = e.why[s.Name]
					if w == "" {
						w = s.Name + " is not known offline"
					}
				} else {
					w = s.Name + " (" + s.Kind.String() + ") is only known once the stack is deployed"
				}
				if !seen[w] {
					seen[w] = true
					parts = append(parts, w)
				}
			}
		case source.Array:
			for _, x := range n.Elems {
				walk(x)
			}
		case source.Object:
			for _, f := range n.Fields {
				walk(f.Value)
			}
		}
	}
	walk(n)
	return strings.Join(parts, "; ")
}

// IsUnknown reports whether n is a value the evaluator could not know
// (a string that is exactly one ident.Any symbol).
func IsUnknown(n *source.Node) bool {
	if n == nil || n.Kind != source.String {
		return false
	}
	s, ok := ident.IsSymbol(n.Text)
	return ok && s.Kind == ident.Any
}

// Render shows a resolved value for messages, symbols as ${name}.
func Render(n *source.Node) string {
	if n == nil {
		return "AWS::NoValue"
	}
	switch n.Kind {
	case source.String:
		return ident.Render(n.Text)
	case source.Array:
		parts := make([]string, len(n.Elems))
		for i, x := range n.Elems {
			parts[i] = Render(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case source.Object:
		return "{...}"
	case source.Null:
		return "null"
	}
	return n.Text
}

// at returns a copy of the scalar or list n positioned at pos.
func at(n *source.Node, pos source.Pos) *source.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Pos = pos
	if n.Kind == source.Array {
		c.Elems = make([]*source.Node, len(n.Elems))
		for i, x := range n.Elems {
			c.Elems[i] = at(x, pos)
		}
	}
	return &c
}

// Value resolves every intrinsic function in n. It returns nil when n
// resolves to AWS::NoValue.
func (e *Evaluator) Value(n *source.Node) (*source.Node, error) {
	if n == nil {
		return nil, nil
	}
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxEvalDepth {
		return nil, source.Errorf(n.Pos, "look for a Ref or Fn::GetAtt that leads back to itself", "values nest deeper than %d levels", maxEvalDepth)
	}
	if e.steps++; e.steps > maxSteps {
		return nil, source.Errorf(n.Pos, "nested Fn::If over conditions that can't be decided offline multiply the work; pass --parameter values for them",
			"the template takes more than %d evaluation steps", maxSteps)
	}
	switch n.Kind {
	case source.Object:
		if name, arg, ok := intrinsic(n); ok {
			return e.call(n, name, arg)
		}
		out := &source.Node{Kind: source.Object, Pos: n.Pos, Fields: make([]source.Field, 0, len(n.Fields))}
		for _, f := range n.Fields {
			if strings.HasPrefix(f.Key, "Fn::") && len(n.Fields) > 1 && isFunctionName(f.Key) {
				return nil, source.Errorf(f.KeyPos, "an intrinsic function is a mapping with exactly one key; move the other keys out",
					"%s must be the only key of its mapping", f.Key)
			}
			v, err := e.Value(f.Value)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			out.Fields = append(out.Fields, source.Field{Key: f.Key, KeyPos: f.KeyPos, Value: v})
		}
		return out, nil
	case source.Array:
		out := &source.Node{Kind: source.Array, Pos: n.Pos, Elems: make([]*source.Node, 0, len(n.Elems))}
		for _, x := range n.Elems {
			v, err := e.Value(x)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			out.Elems = append(out.Elems, v)
		}
		return out, nil
	}
	return n, nil
}

// intrinsic reports whether n is a call of an intrinsic function: a
// mapping whose only key is Ref or Fn::Name.
func intrinsic(n *source.Node) (string, *source.Node, bool) {
	if n.Kind != source.Object || len(n.Fields) != 1 {
		return "", nil, false
	}
	k := n.Fields[0].Key
	if k == "Ref" || strings.HasPrefix(k, "Fn::") {
		return k, n.Fields[0].Value, true
	}
	return "", nil, false
}

func functionNames() []string {
	return []string{"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
		"Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Fn::Equals", "Fn::Not",
		"Fn::And", "Fn::Or", "Fn::Length", "Fn::ToJsonString", "Fn::Transform"}
}

func isFunctionName(k string) bool {
	for _, f := range functionNames() {
		if f == k {
			return true
		}
	}
	return false
}

func (e *Evaluator) call(n *source.Node, name string, arg *source.Node) (*source.Node, error) {
	switch name {
	case "Ref":
		return e.fnRef(n, arg)
	case "Fn::GetAtt":
		return e.fnGetAtt(n, arg)
	case "Fn::Sub":
		return e.fnSub(n, arg)
	case "Fn::Join":
		return e.fnJoin(n, arg)
	case "Fn::Select":
		return e.fnSelect(n, arg)
	case "Fn::Split":
		return e.fnSplit(n, arg)
	case "Fn::If":
		return e.fnIf(n, arg)
	case "Fn::FindInMap":
		return e.fnFindInMap(n, arg)
	case "Fn::ImportValue":
		return e.fnImportValue(n, arg)
	case "Fn::Base64":
		return e.fnBase64(n, arg)
	case "Fn::Cidr":
		return e.fnCidr(n, arg)
	case "Fn::GetAZs":
		return e.fnGetAZs(n, arg)
	case "Fn::Length":
		return e.fnLength(n, arg)
	case "Fn::ToJsonString":
		return e.fnToJSONString(n, arg)
	case "Fn::Transform":
		return e.fnTransform(n, arg)
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
		t, err := e.cond(n)
		if err != nil {
			return nil, err
		}
		switch t {
		case ident.True:
			return &source.Node{Kind: source.Bool, Pos: n.Pos, Text: "true"}, nil
		case ident.False:
			return &source.Node{Kind: source.Bool, Pos: n.Pos, Text: "false"}, nil
		}
		return e.unknown(name+" at "+shortPos(n.Pos), e.condWhy(n), n.Pos, false), nil
	case "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll":
		return nil, source.Errorf(n.Pos, "rule functions belong in the Rules section", "%s can only be used in the Rules section", name)
	case "Fn::ForEach":
		return e.unknown("Fn::ForEach at "+shortPos(n.Pos), "Fn::ForEach loops (AWS::LanguageExtensions) are not expanded", n.Pos, true), nil
	}
	return nil, source.Errorf(n.Fields[0].KeyPos, "the intrinsic functions are "+strings.Join(functionNames(), ", ")+suggest(name, functionNames()),
		"unknown intrinsic function %s", name)
}

func shortPos(p source.Pos) string {
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// args checks that arg is a list of between lo and hi elements.
func args(call *source.Node, name string, arg *source.Node, lo, hi int, form string) ([]*source.Node, error) {
	if arg.Kind != source.Array || len(arg.Elems) < lo || len(arg.Elems) > hi {
		what := arg.Describe()
		if arg.Kind == source.Array {
			what = "a list of " + strconv.Itoa(len(arg.Elems))
		}
		return nil, source.Errorf(call.Pos, "write "+form, "%s takes %s, found %s", name, countWords(lo, hi), what)
	}
	return arg.Elems, nil
}

func countWords(lo, hi int) string {
	if lo == hi {
		return "a list of " + strconv.Itoa(lo)
	}
	return "a list of " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
}

// scalar returns the text of a resolved string, number or boolean.
func scalar(n *source.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Kind {
	case source.String, source.Number, source.Bool:
		return n.Text, true
	}
	return "", false
}

// stringArg resolves n and requires a scalar.
func (e *Evaluator) stringArg(n *source.Node, fn, what string) (*source.Node, string, error) {
	v, err := e.Value(n)
	if err != nil {
		return nil, "", err
	}
	s, ok := scalar(v)
	if !ok {
		return nil, "", source.Errorf(n.Pos, "", "%s of %s must be a string, found %s", what, fn, describe(v))
	}
	return v, s, nil
}

func describe(n *source.Node) string {
	if n == nil {
		return "AWS::NoValue"
	}
	return n.Describe()
}

// listArg resolves n and requires a list; an unknown value is returned
// as is (ok false) so that callers can derive an unknown from it.
func (e *Evaluator) listArg(n *source.Node, fn, what string) (*source.Node, bool, error) {
	v, err := e.Value(n)
	if err != nil {
		return nil, false, err
	}
	if IsUnknown(v) {
		return v, false, nil
	}
	if v == nil || v.Kind != source.Array {
		return nil, false, source.Errorf(n.Pos, "", "%s of %s must be a list, found %s", what, fn, describe(v))
	}
	return v, true, nil
}

// Equal reports whether two resolved values are the same, three-valued:
// strings are compared with ident.Equal, lists element by element.
func Equal(a, b *source.Node) ident.Tri {
	if a == nil || b == nil {
		return ident.Of(a == nil && b == nil)
	}
	as, aok := scalar(a)
	bs, bok := scalar(b)
	if aok && bok {
		return ident.Equal(as, bs)
	}
	if IsUnknown(a) || IsUnknown(b) {
		return ident.Unknown
	}
	if a.Kind != b.Kind {
		return ident.False
	}
	switch a.Kind {
	case source.Array:
		if len(a.Elems) != len(b.Elems) {
			return ident.False
		}
		t := ident.True
		for i := range a.Elems {
			t = t.And(Equal(a.Elems[i], b.Elems[i]))
		}
		return t
	case source.Object:
		if len(a.Fields) != len(b.Fields) {
			return ident.False
		}
		t := ident.True
		for _, f := range a.Fields {
			t = t.And(Equal(f.Value, b.Get(f.Key)))
		}
		return t
	}
	return ident.True // both null
}
