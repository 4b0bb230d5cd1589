package terraform

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/s3front/s3front/ident"
)

// strVal returns a known, non-null primitive value as a string (symbols
// included).
func strVal(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	v = unmarked(v)
	if !v.Type().IsPrimitiveType() {
		return "", false
	}
	if v.Type() == cty.String {
		return v.AsString(), true
	}
	c, err := convert.Convert(v, cty.String)
	if err != nil || c.IsNull() || !c.IsKnown() {
		return "", false
	}
	return c.AsString(), true
}

// concreteString is strVal without any symbol.
func concreteString(v cty.Value) (string, bool) {
	s, ok := strVal(v)
	if !ok || ident.Has(s) {
		return "", false
	}
	return s, true
}

// boolVal returns a known bool (also from "true"/"false" strings).
func boolVal(v cty.Value) (bool, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return false, false
	}
	v = unmarked(v)
	c, err := convert.Convert(v, cty.Bool)
	if err != nil || c.IsNull() || !c.IsKnown() {
		return false, false
	}
	return c.True(), true
}

// intVal returns a known whole number.
func intVal(v cty.Value) (int64, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	v = unmarked(v)
	c, err := convert.Convert(v, cty.Number)
	if err != nil || c.IsNull() || !c.IsKnown() {
		return 0, false
	}
	bf := c.AsBigFloat()
	if !bf.IsInt() {
		return 0, false
	}
	i, acc := bf.Int64()
	if acc != big.Exact {
		return 0, false
	}
	return i, true
}

// stringList returns the strings of a known list, tuple or set (or of a
// single string); nil when any element is unknown or not a string.
func stringList(v cty.Value) []string {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return nil
	}
	v = unmarked(v)
	if v.Type().IsPrimitiveType() {
		if s, ok := strVal(v); ok {
			return []string{s}
		}
		return nil
	}
	if !v.CanIterateElements() || v.Type().IsMapType() || v.Type().IsObjectType() {
		return nil
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, x := it.Element()
		s, ok := strVal(x)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// listKnown reports whether v is a known collection (possibly empty).
func listKnown(v cty.Value) bool {
	return v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.CanIterateElements()
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func rangeString(r hcl.Range) string {
	if r.Start.Line == 0 {
		return r.Filename
	}
	return r.Filename + ":" + strconv.Itoa(r.Start.Line) + ":" + strconv.Itoa(r.Start.Column)
}

func errText(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.HasPrefix(s, "open ") {
		return s[i+2:]
	}
	return s
}

// unmarked is v without marks, cheap when it has none.
func unmarked(v cty.Value) cty.Value {
	if v == cty.NilVal || !containsMarked(v) {
		return v
	}
	u, _ := v.UnmarkDeep()
	return u
}

// containsMarked is cty's ContainsMarked without building paths.
func containsMarked(v cty.Value) bool {
	if v.IsMarked() {
		return true
	}
	if !v.IsKnown() || v.IsNull() {
		return false
	}
	ty := v.Type()
	switch {
	case ty.IsPrimitiveType():
		return false
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if containsMarked(v.GetAttr(name)) {
				return true
			}
		}
		return false
	}
	for it := v.ElementIterator(); it.Next(); {
		if _, x := it.Element(); containsMarked(x) {
			return true
		}
	}
	return false
}
