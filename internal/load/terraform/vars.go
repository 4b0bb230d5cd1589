package terraform

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/source"
)

// rawVar is a value given for a root module variable: an expression from
// a .tfvars file, or a string from --var or TF_VAR_* that is parsed
// according to the variable's type (as Terraform does).
type rawVar struct {
	expr   hcl.Expression
	str    string
	isRaw  bool
	rng    hcl.Range
	origin string // for messages: "--var", "TF_VAR_x", "terraform.tfvars"
}

// collectRootVars gathers root variable values in Terraform's order of
// precedence, later sources winning: environment, terraform.tfvars(.json),
// *.auto.tfvars(.json) in lexical order, --var-file, then --var.
func (l *loader) collectRootVars() {
	l.rootVars = map[string]rawVar{}
	for _, kv := range l.opts.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "TF_VAR_") {
			continue
		}
		name := strings.TrimPrefix(k, "TF_VAR_")
		l.rootVars[name] = rawVar{str: v, isRaw: true, rng: hcl.Range{Filename: "TF_VAR_" + name}, origin: "environment variable TF_VAR_" + name}
	}
	ents, _ := l.listDir(l.root)
	var auto []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
			auto = append(auto, n)
		}
	}
	sort.Strings(auto)
	for _, n := range append([]string{"terraform.tfvars", "terraform.tfvars.json"}, auto...) {
		if !l.hasEntry(l.root, n) {
			continue
		}
		p := path.Join(l.root, n)
		data, err := repo.ReadFile(l.fsys, p, maxVarFileSize, "a variables file")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			l.fatal(hcl.Range{Filename: l.display(p)}, "cannot read "+l.display(p)+": "+repo.Reason(err), "")
			continue
		}
		l.readVarFile(l.display(p), data)
	}
	for _, f := range l.opts.VarFiles {
		read := l.opts.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		data, err := read(f)
		if err != nil {
			l.fatal(hcl.Range{Filename: f}, "cannot read variable file "+f+": "+errText(err), "check the --var-file path")
			continue
		}
		l.readVarFile(f, data)
	}
	for i, kv := range l.opts.Vars {
		k, v, ok := strings.Cut(kv, "=")
		origin := "--var " + kv
		if !ok || !validIdent(k) {
			l.fatal(hcl.Range{Filename: "--var"}, "invalid --var "+strconvQuote(kv)+" (argument "+itoa(i+1)+")", "write --var name=value")
			continue
		}
		l.rootVars[k] = rawVar{str: v, isRaw: true, rng: hcl.Range{Filename: "--var " + k}, origin: origin}
		if !l.declaresRootVar(k) {
			// Terraform stops here; s3front may check several roots with
			// one set of --var flags, so it warns and ignores the value.
			l.warn(Warning{Pos: source.Pos{File: "--var"}, Var: k, FromCLI: true,
				Msg:  "--var " + k + ": the root module does not declare a variable named " + strconvQuote(k) + ", so the value is ignored (terraform plan refuses it)",
				Hint: "declare it with variable " + strconvQuote(k) + " {}, or drop the --var"})
		}
	}
}

// declaresRootVar reports whether the root module declares variable name.
func (l *loader) declaresRootVar(name string) bool {
	m := l.mods[l.root]
	if m == nil {
		return true
	}
	_, ok := m.variables[name]
	return ok
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func (l *loader) readVarFile(name string, data []byte) {
	l.addFile(name)
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		f, diags = hcljson.Parse(data, name)
	} else {
		f, diags = hclsyntax.ParseConfig(data, name, hcl.InitialPos)
	}
	if diags.HasErrors() {
		l.diagsAsErrors(diags)
		return
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		l.diagsAsErrors(diags)
		return
	}
	for _, a := range sortedAttrs(attrs) {
		l.rootVars[a.Name] = rawVar{expr: a.Expr, rng: a.Expr.Range(), origin: name}
		if !l.declaresRootVar(a.Name) {
			l.warn(Warning{Pos: posOf(a.NameRange), Var: a.Name,
				Msg:  "value for undeclared variable: the root module does not declare a variable named " + strconvQuote(a.Name) + " but a value was found in " + name,
				Hint: "add a variable " + strconvQuote(a.Name) + " block to the configuration, or remove the value"})
		}
	}
}

// typeOf parses the variable's type constraint.
func (l *loader) typeOf(vc *varCfg) (cty.Type, *typeexpr.Defaults, bool) {
	if vc.typeExpr == nil {
		return cty.DynamicPseudoType, nil, false
	}
	// Terraform still reads the bare keywords of 0.11, list and map, as
	// list(any) and map(any).
	switch hcl.ExprAsKeyword(vc.typeExpr) {
	case "list":
		return cty.List(cty.DynamicPseudoType), nil, true
	case "map":
		return cty.Map(cty.DynamicPseudoType), nil, true
	}
	ty, defs, diags := typeexpr.TypeConstraintWithDefaults(vc.typeExpr)
	if diags.HasErrors() {
		l.diagsAsErrors(diags)
		return cty.DynamicPseudoType, nil, true
	}
	return ty, defs, true
}

// variableValue decides the value of a variable of a module instance.
func (l *loader) variableValue(mi *modInst, vc *varCfg) cty.Value {
	ty, defs, typed := l.typeOf(vc)
	var val cty.Value
	given := false
	var at hcl.Range
	if mi.parent == nil {
		if rv, ok := l.rootVars[vc.name]; ok {
			given = true
			at = rv.rng
			if rv.isRaw {
				// Terraform takes a primitive-typed (or untyped) value
				// literally and parses others as HCL expressions.
				if !typed || ty.IsPrimitiveType() {
					val = cty.StringVal(rv.str)
				} else {
					expr, diags := hclsyntax.ParseExpression([]byte(rv.str), rv.origin, hcl.InitialPos)
					if diags.HasErrors() {
						l.fatal(vc.rng, "invalid value for variable "+strconvQuote(vc.name)+" from "+rv.origin+": "+diags[0].Summary,
							"complex values are written in HCL syntax, e.g. --var 'names=[\"a\",\"b\"]'")
						return cty.DynamicVal
					}
					v, d := expr.Value(nil)
					if d.HasErrors() {
						l.fatal(vc.rng, "invalid value for variable "+strconvQuote(vc.name)+" from "+rv.origin+": "+d[0].Summary, "")
						return cty.DynamicVal
					}
					val = v
				}
			} else {
				v, d := rv.expr.Value(nil)
				if d.HasErrors() {
					l.diagsAsErrors(d)
					return cty.DynamicVal
				}
				val = v
			}
		}
	} else if a, ok := mi.call.cfg.args[vc.name]; ok {
		given = true
		at = a.Expr.Range()
		val = mi.argScope().eval(a.Expr)
	}
	if !given || (val.IsNull() && !vc.nullable) {
		if vc.deflt != nil {
			v, d := vc.deflt.Expr.Value(nil)
			if d.HasErrors() {
				// Terraform requires a literal default; evaluate it in the
				// module for leniency.
				v = (&scope{mi: mi}).eval(vc.deflt.Expr)
			}
			val = v
			at = vc.deflt.Expr.Range()
			given = true
		}
	}
	if !given {
		name := mi.prefix() + "var." + vc.name
		how := "pass --var " + vc.name + "=..., a --var-file, TF_VAR_" + vc.name + " or a terraform.tfvars entry, or give it a default"
		if mi.parent != nil {
			how = "set " + vc.name + " in module \"" + mi.call.cfg.name + "\" at " + rangeString(mi.call.cfg.rng) + ", or give the variable a default"
		}
		l.unresolved(vc.rng, `variable "`+vc.name+`"`+inModule(mi), "the variable has no value: "+how+"; values that depend on it are unknown")
		l.unres[len(l.unres)-1].Names = []string{name}
		switch {
		case typed && ty == cty.String, !typed && !mi.cfg.structVars[vc.name]:
			// A string: an unknown with an identity, equal to itself
			// wherever it is used.
			return cty.StringVal(ident.New(ident.Any, name))
		case ty == cty.DynamicPseudoType:
			return unknownInput(name)
		}
		return cty.UnknownVal(ty).Mark(inputMark(name))
	}
	if defs != nil && val.IsKnown() && !val.IsNull() {
		val = safeApplyDefaults(defs, val)
	}
	if typed {
		c, err := convert.Convert(val, ty)
		if err != nil {
			l.fatal(at, "invalid value for variable "+strconvQuote(vc.name)+inModule(mi)+": "+err.Error(),
				"the variable's type is "+typeexpr.TypeString(ty))
			return cty.UnknownVal(ty)
		}
		val = c
	}
	return val
}

func safeApplyDefaults(defs *typeexpr.Defaults, v cty.Value) (out cty.Value) {
	defer func() {
		if recover() != nil {
			out = v
		}
	}()
	return defs.Apply(v)
}

func inModule(mi *modInst) string {
	if mi.addr == "" {
		return ""
	}
	return " of " + mi.addr
}
