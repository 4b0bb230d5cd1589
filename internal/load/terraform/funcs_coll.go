package terraform

import (
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// The collection functions whose Terraform behaviour differs from the cty
// standard library's (testdata/parity holds the evidence).

// lookupFunc is Terraform's lookup: the default may be null (the cty one
// refuses that), an object's attribute is returned with its own type, and
// a map or object that is not wholly known gives an unknown result.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) < 2 || len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup() takes two or three arguments, got %d", len(args))
		}
		ty := args[0].Type()
		switch {
		case ty.IsObjectType():
			if !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			k, _ := args[1].Unmark()
			key := k.AsString()
			if ty.HasAttribute(key) {
				return args[0].GetAttr(key).Type(), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.NilType, function.NewArgErrorf(0, "the given object has no attribute %q", key)
		case ty.IsMapType():
			if len(args) == 3 {
				if _, err := convert.Convert(args[2], ty.ElementType()); err != nil {
					return cty.NilType, function.NewArgErrorf(2, "the default value must have the same type as the map elements")
				}
			}
			return ty.ElementType(), nil
		}
		return cty.NilType, function.NewArgErrorf(0, "lookup() requires a map as the first argument")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		var marks []cty.ValueMarks
		m, mm := args[0].Unmark()
		marks = append(marks, mm)
		k, km := args[1].Unmark()
		marks = append(marks, km)
		key := k.AsString()
		if !m.IsWhollyKnown() {
			// The inputs the unknown parts stand for stay named.
			_, deep := args[0].UnmarkDeep()
			return cty.UnknownVal(ret).WithMarks(append(marks, deep)...), nil
		}
		if m.Type().IsObjectType() {
			if m.Type().HasAttribute(key) {
				return m.GetAttr(key).WithMarks(marks...), nil
			}
		} else if m.HasIndex(cty.StringVal(key)) == cty.True {
			return m.Index(cty.StringVal(key)).WithMarks(marks...), nil
		}
		if len(args) == 3 {
			d, dm := args[2].Unmark()
			marks = append(marks, dm)
			d, err := convert.Convert(d, ret)
			if err != nil {
				return cty.NilVal, err
			}
			return d.WithMarks(marks...), nil
		}
		return cty.UnknownVal(cty.DynamicPseudoType), fmt.Errorf("lookup failed to find key %q", key)
	},
})

// elementFunc is Terraform's element: an index past the end wraps
// around; a negative or fractional index is an error.
var elementFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "index", Type: cty.Number},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		index, err := elementIndex(args[1])
		if err != nil {
			return cty.NilType, err
		}
		ty := args[0].Type()
		switch {
		case ty.IsListType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			if !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			etys := ty.TupleElementTypes()
			if len(etys) == 0 {
				return cty.NilType, errors.New("cannot use element function with an empty list")
			}
			return etys[index%len(etys)], nil
		}
		return cty.NilType, fmt.Errorf("cannot read elements from %s", ty.FriendlyName())
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		index, err := elementIndex(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		in, marks := args[0].Unmark()
		if !in.IsKnown() {
			return cty.UnknownVal(ret).WithMarks(marks), nil
		}
		n := in.LengthInt()
		if n == 0 {
			return cty.NilVal, errors.New("cannot use element function with an empty list")
		}
		return in.Index(cty.NumberIntVal(int64(index % n))).WithMarks(marks), nil
	},
})

func elementIndex(v cty.Value) (int, error) {
	if !v.IsKnown() {
		return 0, nil
	}
	var i int
	if err := gocty.FromCtyValue(v, &i); err != nil {
		return 0, fmt.Errorf("invalid index: %s", err)
	}
	if i < 0 {
		return 0, errors.New("cannot use element function with a negative index")
	}
	return i, nil
}

// transposeFunc swaps the keys and values of a map of lists of strings.
var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		in := args[0]
		out := map[string][]cty.Value{}
		for it := in.ElementIterator(); it.Next(); {
			k, list := it.Element()
			if !list.IsWhollyKnown() {
				return cty.UnknownVal(ret), nil
			}
			if list.IsNull() {
				return cty.NilVal, errors.New("lists must not be null")
			}
			for li := list.ElementIterator(); li.Next(); {
				_, v := li.Element()
				if v.IsNull() {
					return cty.NilVal, errors.New("lists must not contain null values")
				}
				out[v.AsString()] = append(out[v.AsString()], k)
			}
		}
		if len(out) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		m := make(map[string]cty.Value, len(out))
		for k, vs := range out {
			m[k] = cty.ListVal(vs)
		}
		return cty.MapVal(m), nil
	},
})

// matchkeysFunc keeps the values whose key at the same index is one of
// the search keys.
var matchkeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()})
		if ty == cty.NilType {
			return cty.NilType, errors.New("keys and searchset must be of the same type")
		}
		return args[0].Type(), nil
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		if !args[0].IsKnown() {
			return cty.UnknownVal(cty.List(ret.ElementType())), nil
		}
		if args[0].LengthInt() != args[1].LengthInt() {
			return cty.ListValEmpty(ret.ElementType()), errors.New("length of keys and values should be equal")
		}
		var out []cty.Value
		i := 0
		for it := args[1].ElementIterator(); it.Next(); i++ {
			_, key := it.Element()
			for st := args[2].ElementIterator(); st.Next(); {
				_, search := st.Element()
				eq, err := stdlibEqual(key, search)
				if err != nil {
					return cty.NilVal, err
				}
				if !eq.IsKnown() {
					return cty.UnknownVal(ret), nil
				}
				if eq.True() {
					out = append(out, args[0].Index(cty.NumberIntVal(int64(i))))
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ret.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

func stdlibEqual(a, b cty.Value) (cty.Value, error) {
	ty, _ := convert.UnifyUnsafe([]cty.Type{a.Type(), b.Type()})
	if ty == cty.NilType {
		return cty.False, nil
	}
	a, err := convert.Convert(a, ty)
	if err != nil {
		return cty.False, nil
	}
	b, err = convert.Convert(b, ty)
	if err != nil {
		return cty.False, nil
	}
	return a.Equals(b), nil
}
