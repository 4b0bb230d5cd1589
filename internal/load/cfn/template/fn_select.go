package template

import (
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnSelect resolves Fn::Select: [index, list].
func (e *Evaluator) fnSelect(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::Select", arg, 2, 2, "Fn::Select: [0, [a, b]]")
	if err != nil {
		return nil, err
	}
	iv, is, err := e.stringArg(a[0], "Fn::Select", "the index")
	if err != nil {
		return nil, err
	}
	list, ok, err := e.listArg(a[1], "Fn::Select", "the list")
	if err != nil {
		return nil, err
	}
	if IsUnknown(iv) {
		if ok {
			// Every element is a candidate; if they are all equal the
			// answer is known anyway.
			if len(list.Elems) > 0 {
				same := true
				for _, x := range list.Elems[1:] {
					same = same && Equal(x, list.Elems[0]) == ident.True
				}
				if same {
					return at(list.Elems[0], call.Pos), nil
				}
			}
		}
		return e.derived("Fn::Select", iv, call.Pos), nil
	}
	i, perr := strconv.Atoi(strings.TrimSpace(is))
	if perr != nil || i < 0 {
		return nil, source.Errorf(a[0].Pos, "the index is a number from 0", "Fn::Select index must be a non-negative integer, found %q", is)
	}
	if !ok {
		return e.derived("Fn::Select "+strconv.Itoa(i), list, call.Pos), nil
	}
	if i >= len(list.Elems) {
		return e.invalid(a[0].Pos, "Fn::Select index "+strconv.Itoa(i)+" is out of range", "the list has "+strconv.Itoa(len(list.Elems))+" elements, numbered from 0"), nil
	}
	v := list.Elems[i]
	if v.Kind == source.String || v.Kind == source.Number || v.Kind == source.Bool {
		return at(v, call.Pos), nil
	}
	return v, nil
}
