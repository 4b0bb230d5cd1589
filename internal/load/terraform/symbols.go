package terraform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/s3front/s3front/ident"
)

// Unknown values.
//
// What s3front cannot know offline takes one of two forms:
//
//   - A string holding an ident.Any symbol ("${var.bucket}"): an unknown
//     string with an identity. It may be concatenated, JSON-encoded or
//     passed around, and two occurrences of it are known to be equal, so
//     a policy that spells "arn:aws:s3:::${var.bucket}/*" still matches
//     the bucket named var.bucket.
//   - A cty unknown value carrying an inputMark with the input's name:
//     an unknown of any type, for inputs used as structures (var.x.name,
//     a for expression over a computed attribute) and for everything
//     computed from an unknown.
//
// Everything that looks inside a string (comparisons, upper, replace,
// split, hashes, ...) sees a symbol as the unknown it stands for, so the
// result is unknown exactly when Terraform's would be; only functions
// that move strings around without reading them keep the symbol.

// inputMark marks a value that depends on an input s3front cannot
// resolve offline; it holds the input's name (var.x,
// aws_acm_certificate.cert.domain_validation_options).
type inputMark string

// unknownInput is an unknown value of any type standing for the named
// input.
func unknownInput(name string) cty.Value {
	return cty.DynamicVal.Mark(inputMark(name))
}

// hasAnyDeep reports whether v holds, anywhere, a string with an
// unresolved-input symbol.
func hasAnyDeep(v cty.Value) bool {
	if u, _ := v.Unmark(); !u.IsKnown() || u.IsNull() {
		return false
	} else if ty := u.Type(); ty.IsPrimitiveType() {
		return ty == cty.String && !ident.Concrete(u.AsString())
	}
	found := false
	_ = cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if found {
			return false, nil
		}
		x, _ = x.Unmark()
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String && !ident.Concrete(x.AsString()) {
			found = true
		}
		return !found, nil
	})
	return found
}

// hasSymbolDeep reports whether v holds a string with any symbol.
func hasSymbolDeep(v cty.Value) bool {
	if u, _ := v.Unmark(); !u.IsKnown() || u.IsNull() {
		return false
	} else if ty := u.Type(); ty.IsPrimitiveType() {
		return ty == cty.String && ident.Has(u.AsString())
	}
	found := false
	_ = cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if found {
			return false, nil
		}
		x, _ = x.Unmark()
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String && ident.Has(x.AsString()) {
			found = true
		}
		return !found, nil
	})
	return found
}

// unknownSymbols replaces every string holding an unresolved-input symbol
// by an unknown string marked with the inputs' names.
func unknownSymbols(v cty.Value) cty.Value {
	r, _ := replaceSymbols(v)
	return r
}

// replaceSymbols is unknownSymbols, saying whether anything changed.
func replaceSymbols(v cty.Value) (cty.Value, bool) {
	if !hasAnyDeep(v) {
		return v, false
	}
	out, _ := cty.Transform(v, func(_ cty.Path, x cty.Value) (cty.Value, error) {
		u, marks := x.Unmark()
		if !u.IsKnown() || u.IsNull() || u.Type() != cty.String {
			return x, nil
		}
		s := u.AsString()
		if ident.Concrete(s) {
			return x, nil
		}
		r := cty.UnknownVal(cty.String).WithMarks(marks)
		for _, sym := range ident.Symbols(s) {
			if sym.Kind == ident.Any {
				r = r.Mark(inputMark(sym.Name))
			}
		}
		return r, nil
	})
	return out, true
}

// inputNames lists the unresolved inputs v depends on: the names of its
// inputMarks and of the unresolved-input symbols in its strings.
func inputNames(v cty.Value) []string {
	if v == cty.NilVal {
		return nil
	}
	seen := map[string]bool{}
	_, pvm := v.UnmarkDeepWithPaths()
	for _, pm := range pvm {
		for m := range pm.Marks {
			if n, ok := m.(inputMark); ok {
				seen[string(n)] = true
			}
		}
	}
	u, _ := v.UnmarkDeep()
	_ = cty.Walk(u, func(_ cty.Path, x cty.Value) (bool, error) {
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String {
			for _, sym := range ident.Symbols(x.AsString()) {
				if sym.Kind == ident.Any {
					seen[sym.Name] = true
				}
			}
		}
		return true, nil
	})
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// opaque says which arguments of a function it passes on without reading
// their strings: symbols in them are kept. Functions not listed read
// every argument.
func opaqueParams(name string) func(i int) bool {
	all := func(int) bool { return true }
	only := func(idx ...int) func(int) bool {
		return func(i int) bool {
			for _, x := range idx {
				if i == x {
					return true
				}
			}
			return false
		}
	}
	switch name {
	case "concat", "flatten", "merge", "reverse", "one", "tolist", "tomap", "tostring", "jsonencode",
		"sensitive", "nonsensitive", "issensitive", "ephemeralasnull", "values", "coalescelist", "chunklist", "slice", "keys":
		return all
	case "join":
		return all
	case "lookup":
		return only(0, 2)
	case "element":
		return only(0)
	case "zipmap":
		return only(1)
	case "templatefile", "templatestring":
		return only(1)
	}
	return func(int) bool { return false }
}

// plainFormat reports whether a format string only substitutes values
// as they are (%s, %v, %%), so that symbols can pass through it.
func plainFormat(f string) bool {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		if i+1 >= len(f) {
			return false
		}
		switch f[i+1] {
		case 's', 'v', '%':
			i++
		default:
			return false
		}
	}
	return true
}

// symbolAwareFunc wraps fn so that symbols of unresolved input are
// unknown wherever fn reads them (see opaqueParams), and so that a
// symbol in a place that needs a structure (keys(var.x) with var.x a
// symbol) gives an unknown result rather than an error.
func symbolAwareFunc(name string, fn function.Function) function.Function {
	opaque := opaqueParams(name)
	if name == "format" || name == "formatlist" {
		opaque = func(int) bool { return false }
	}
	prepare := func(args []cty.Value) []cty.Value {
		if name == "format" || name == "formatlist" {
			if len(args) > 0 {
				if f, _ := args[0].Unmark(); f.IsKnown() && !f.IsNull() && f.Type() == cty.String && plainFormat(f.AsString()) {
					return args
				}
			}
		}
		var out []cty.Value
		for i, a := range args {
			if opaque(i) {
				continue
			}
			if r, changed := replaceSymbols(a); changed {
				if out == nil {
					out = append([]cty.Value(nil), args...)
				}
				out[i] = r
			}
		}
		if out == nil {
			return args
		}
		return out
	}
	allUnknown := func(args []cty.Value) ([]cty.Value, bool) {
		changed := false
		out := make([]cty.Value, len(args))
		for i, a := range args {
			var c bool
			out[i], c = replaceSymbols(a)
			changed = changed || c
		}
		return out, changed
	}
	params := fn.Params()
	varParam := fn.VarParam()
	// convert does what HCL does before calling a function: each argument
	// is converted to its parameter's type.
	convertArgs := func(args []cty.Value) ([]cty.Value, error) {
		out := make([]cty.Value, len(args))
		for i, a := range args {
			var ty cty.Type
			switch {
			case i < len(params):
				ty = params[i].Type
			case varParam != nil:
				ty = varParam.Type
			default:
				return nil, fmt.Errorf("too many arguments")
			}
			c, err := convert.Convert(a, ty)
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			out[i] = c
		}
		return out, nil
	}
	typeOf := func(args []cty.Value) ([]cty.Value, cty.Type, error) {
		c, err := convertArgs(args)
		if err != nil {
			return nil, cty.NilType, err
		}
		ty, err := fn.ReturnTypeForValues(c)
		return c, ty, err
	}
	choose := func(args []cty.Value) ([]cty.Value, cty.Type, error) {
		a, ty, err := typeOf(prepare(args))
		if err == nil {
			return a, ty, nil
		}
		if b, changed := allUnknown(args); changed {
			if b2, ty2, err2 := typeOf(b); err2 == nil {
				return b2, ty2, nil
			}
		}
		return a, ty, err
	}
	ps := make([]function.Parameter, len(params))
	for i, p := range params {
		ps[i] = function.Parameter{Name: p.Name, Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}
	}
	var vp *function.Parameter
	if v := varParam; v != nil {
		vp = &function.Parameter{Name: v.Name, Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}
	}
	return function.New(&function.Spec{
		Description: fn.Description(),
		Params:      ps,
		VarParam:    vp,
		Type: func(args []cty.Value) (cty.Type, error) {
			_, ty, err := choose(args)
			return ty, err
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			a, err := convertArgs(prepare(args))
			var v cty.Value
			if err == nil {
				v, err = fn.Call(a)
			}
			if err != nil {
				if b, changed := allUnknown(args); changed {
					if b2, err2 := convertArgs(b); err2 == nil {
						if v2, err3 := fn.Call(b2); err3 == nil {
							return v2, nil
						}
					}
				}
			}
			return v, err
		},
	})
}

// Operators. Every operator of the configuration is replaced, after
// parsing, by one that sees symbols as unknowns; == and != compare
// identities (two occurrences of one symbol are equal, two distribution
// IDs never are, an unset variable may be anything).

var symbolOps = func() map[*hclsyntax.Operation]*hclsyntax.Operation {
	m := map[*hclsyntax.Operation]*hclsyntax.Operation{}
	for _, op := range []*hclsyntax.Operation{
		hclsyntax.OpLogicalOr, hclsyntax.OpLogicalAnd, hclsyntax.OpLogicalNot,
		hclsyntax.OpGreaterThan, hclsyntax.OpGreaterThanOrEqual, hclsyntax.OpLessThan, hclsyntax.OpLessThanOrEqual,
		hclsyntax.OpAdd, hclsyntax.OpSubtract, hclsyntax.OpMultiply, hclsyntax.OpDivide, hclsyntax.OpModulo, hclsyntax.OpNegate,
	} {
		m[op] = &hclsyntax.Operation{Impl: symbolAwareFunc("", op.Impl), Type: op.Type}
	}
	m[hclsyntax.OpEqual] = &hclsyntax.Operation{Impl: identityEqual(false), Type: cty.Bool}
	m[hclsyntax.OpNotEqual] = &hclsyntax.Operation{Impl: identityEqual(true), Type: cty.Bool}
	return m
}()

// symbolAware replaces the operators of a parsed body or expression.
func symbolAware(n hclsyntax.Node) {
	walkSyntax(n, symbolAwareNode)
}

func symbolAwareNode(x hclsyntax.Node) {
	switch e := x.(type) {
	case *hclsyntax.BinaryOpExpr:
		if op, ok := symbolOps[e.Op]; ok {
			e.Op = op
		}
	case *hclsyntax.UnaryOpExpr:
		if op, ok := symbolOps[e.Op]; ok {
			e.Op = op
		}
	}
}

func identityEqual(negate bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "a", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
			{Name: "b", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			a, am := args[0].UnmarkDeep()
			b, bm := args[1].UnmarkDeep()
			res := func(v cty.Value) (cty.Value, error) {
				if negate && v.IsKnown() {
					v = v.Not()
				}
				return v.WithMarks(am, bm), nil
			}
			if hasSymbolDeep(a) || hasSymbolDeep(b) {
				as, aok := knownString(a)
				bs, bok := knownString(b)
				switch {
				case aok && bok:
					return res(triBool(ident.Equal(as, bs)))
				case (aok && b.IsKnown() && b.IsNull()) || (bok && a.IsKnown() && a.IsNull()):
					s := as
					if bok {
						s = bs
					}
					if ident.Concrete(s) {
						return res(cty.False) // an identity is never null
					}
					return res(cty.UnknownVal(cty.Bool))
				}
				eq, err := stdlib.Equal(a, b)
				if err != nil {
					return cty.NilVal, err
				}
				if eq.IsKnown() && eq.True() {
					return res(cty.True)
				}
				return res(cty.UnknownVal(cty.Bool))
			}
			eq, err := stdlib.Equal(a, b)
			if err != nil {
				return cty.NilVal, err
			}
			return res(eq)
		},
	})
}

func knownString(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

func triBool(t ident.Tri) cty.Value {
	switch t {
	case ident.True:
		return cty.True
	case ident.False:
		return cty.False
	}
	return cty.UnknownVal(cty.Bool)
}

// exprInputs names what an expression's unknown value depends on, for
// messages: the inputs marked in v, or else the expression itself.
func exprInputs(v cty.Value) string {
	names := inputNames(v)
	for i, n := range names {
		names[i] = "${" + n + "}"
	}
	return strings.Join(names, ", ")
}
