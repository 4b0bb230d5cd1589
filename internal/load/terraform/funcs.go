package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/repo"
)

// maxFileSize bounds what file() and templatefile() read, and
// maxStringWidth the widths format() and indent() may ask for.
const (
	maxFileSize    = 16 << 20
	maxStringWidth = 10000
)

// functions returns the Terraform functions s3front evaluates. A call to
// any other function is reported as unresolved input, never guessed.
// Expressions do not use this map: their context holds the loader's own
// functions (ownFuncs) and has the pure ones in its parent (pureCtx), so
// the ~110 pure functions are not copied for every root module.
func (l *loader) functions() map[string]function.Function {
	pure := pureFuncs()
	own := l.ownFuncs()
	f := make(map[string]function.Function, len(pure)+len(own))
	for name, fn := range pure {
		f[name] = fn
	}
	for name, fn := range own {
		f[name] = fn
	}
	return f
}

// ownFuncNames are the names of the loader's own functions.
var ownFuncNames = map[string]bool{
	"file": true, "fileexists": true, "filebase64": true, "filemd5": true, "filesha1": true, "filesha256": true,
	"filesha512": true, "filebase64sha256": true, "filebase64sha512": true, "fileset": true,
	"templatefile": true, "templatestring": true,
}

// ownFuncs returns the functions that read files: they belong to the
// loader (its file system, the origins of what they read). They are
// built on first use: most root modules never call them.
func (l *loader) ownFuncs() map[string]function.Function {
	if l.funcs != nil {
		return l.funcs
	}
	own := make(map[string]function.Function, len(ownFuncNames))
	own["file"] = l.fileFunc()
	own["fileexists"] = l.fileExistsFunc()
	own["filebase64"] = l.fileBytesFunc(base64.StdEncoding.EncodeToString)
	own["filemd5"] = l.fileBytesFunc(hexSum(md5Sum))
	own["filesha1"] = l.fileBytesFunc(hexSum(sha1Sum))
	own["filesha256"] = l.fileBytesFunc(hexSum(sha256Sum))
	own["filesha512"] = l.fileBytesFunc(hexSum(sha512Sum))
	own["filebase64sha256"] = l.fileBytesFunc(base64Sum(sha256Sum))
	own["filebase64sha512"] = l.fileBytesFunc(base64Sum(sha512Sum))
	own["fileset"] = l.fileSetFunc()
	own["templatefile"] = l.templateFileFunc()
	own["templatestring"] = l.templateStringFunc()
	for name, fn := range own {
		own[name] = symbolAwareFunc(name, fn)
	}
	l.funcs = own
	return own
}

// templateFuncs returns the functions a template may call: all but
// templatefile and templatestring (as in Terraform). Built on first use.
func (l *loader) templateFuncs() map[string]function.Function {
	if l.tmplFuncs == nil {
		f := l.functions()
		delete(f, "templatefile")
		delete(f, "templatestring")
		l.tmplFuncs = f
	}
	return l.tmplFuncs
}

// pureCtx is the parent of every expression's evaluation context: it
// holds the pure functions, read-only, shared by all loaders.
var pureCtx = sync.OnceValue(func() *hcl.EvalContext {
	return &hcl.EvalContext{Functions: pureFuncs()}
})

// pureFuncs returns the functions that depend on nothing but their
// arguments, made symbol-aware once, on first use, for every loader
// (wrapping them is a good part of the cost of a small root module).
// The map is read-only.
var pureFuncs = sync.OnceValue(func() map[string]function.Function {
	f := map[string]function.Function{
		"abs":              stdlib.AbsoluteFunc,
		"alltrue":          allTrueFunc,
		"anytrue":          anyTrueFunc,
		"base64decode":     base64DecodeFunc,
		"base64encode":     base64EncodeFunc,
		"base64gzip":       base64GzipFunc,
		"base64sha256":     base64Hash(sha256Sum),
		"base64sha512":     base64Hash(sha512Sum),
		"ceil":             stdlib.CeilFunc,
		"cidrhost":         cidrHostFunc,
		"cidrnetmask":      cidrNetmaskFunc,
		"cidrsubnet":       cidrSubnetFunc,
		"cidrsubnets":      cidrSubnetsFunc,
		"chomp":            stdlib.ChompFunc,
		"chunklist":        stdlib.ChunklistFunc,
		"coalesce":         coalesceFunc,
		"coalescelist":     stdlib.CoalesceListFunc,
		"compact":          stdlib.CompactFunc,
		"concat":           stdlib.ConcatFunc,
		"contains":         stdlib.ContainsFunc,
		"csvdecode":        stdlib.CSVDecodeFunc,
		"distinct":         stdlib.DistinctFunc,
		"element":          elementFunc,
		"ephemeralasnull":  identityFunc,
		"endswith":         endsWithFunc,
		"flatten":          stdlib.FlattenFunc,
		"floor":            stdlib.FloorFunc,
		"format":           limitedFormat(stdlib.FormatFunc),
		"formatdate":       stdlib.FormatDateFunc,
		"formatlist":       limitedFormat(stdlib.FormatListFunc),
		"indent":           indentFunc,
		"index":            indexFunc,
		"join":             stdlib.JoinFunc,
		"jsondecode":       stdlib.JSONDecodeFunc,
		"jsonencode":       stdlib.JSONEncodeFunc,
		"keys":             stdlib.KeysFunc,
		"length":           lengthFunc,
		"log":              stdlib.LogFunc,
		"lookup":           lookupFunc,
		"lower":            stdlib.LowerFunc,
		"matchkeys":        matchkeysFunc,
		"max":              stdlib.MaxFunc,
		"md5":              hashFunc(func(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }),
		"merge":            stdlib.MergeFunc,
		"min":              stdlib.MinFunc,
		"nonsensitive":     nonsensitiveFunc,
		"issensitive":      isSensitiveFunc,
		"one":              oneFunc,
		"parseint":         stdlib.ParseIntFunc,
		"pow":              stdlib.PowFunc,
		"range":            stdlib.RangeFunc,
		"regex":            stdlib.RegexFunc,
		"regexall":         stdlib.RegexAllFunc,
		"replace":          replaceFunc,
		"reverse":          stdlib.ReverseListFunc,
		"sensitive":        sensitiveFunc,
		"setintersection":  stdlib.SetIntersectionFunc,
		"setproduct":       limitedSetProduct,
		"setsubtract":      stdlib.SetSubtractFunc,
		"setunion":         stdlib.SetUnionFunc,
		"sha1":             hashFunc(func(b []byte) string { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }),
		"sha256":           hashFunc(func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }),
		"sha512":           hashFunc(func(b []byte) string { s := sha512.Sum512(b); return hex.EncodeToString(s[:]) }),
		"signum":           stdlib.SignumFunc,
		"slice":            stdlib.SliceFunc,
		"sort":             stdlib.SortFunc,
		"split":            stdlib.SplitFunc,
		"startswith":       startsWithFunc,
		"strcontains":      strContainsFunc,
		"strrev":           stdlib.ReverseFunc,
		"substr":           stdlib.SubstrFunc,
		"sum":              sumFunc,
		"textdecodebase64": textDecodeBase64Func,
		"textencodebase64": textEncodeBase64Func,
		"timeadd":          stdlib.TimeAddFunc,
		"timecmp":          timeCmpFunc,
		"title":            stdlib.TitleFunc,
		"tobool":           stdlib.MakeToFunc(cty.Bool),
		"tolist":           stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":            stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":         stdlib.MakeToFunc(cty.Number),
		"toset":            stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":         stdlib.MakeToFunc(cty.String),
		"transpose":        transposeFunc,
		"trim":             stdlib.TrimFunc,
		"trimprefix":       stdlib.TrimPrefixFunc,
		"trimspace":        stdlib.TrimSpaceFunc,
		"trimsuffix":       stdlib.TrimSuffixFunc,
		"upper":            stdlib.UpperFunc,
		"urlencode":        urlEncodeFunc,
		"uuidv5":           uuidv5Func,
		"values":           stdlib.ValuesFunc,
		"zipmap":           stdlib.ZipmapFunc,
		"try":              tryfunc.TryFunc,
		"can":              tryfunc.CanFunc,
		"timestamp":        unknownStringFunc,
		"plantimestamp":    unknownStringFunc,
		"uuid":             unknownStringFunc,
		"bcrypt":           unknownStringFunc,
		"basename":         pathFunc(path.Base),
		"dirname":          pathFunc(path.Dir),
		"abspath":          absPathFunc,
		"pathexpand":       pathExpandFunc,
		"yamldecode":       yamlDecodeFunc,
		"yamlencode":       yamlEncodeFunc,
	}
	for name, fn := range f {
		if name != "try" && name != "can" {
			f[name] = symbolAwareFunc(name, fn)
		}
	}
	return f
})

// sensitiveFunc marks a value sensitive, as Terraform does; the mark
// follows every value computed from it.
var sensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0].Mark(sensitiveMark), nil },
})

var nonsensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, sensitiveMark)
		return v.WithMarks(marks), nil
	},
})

var isSensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.BoolVal(args[0].HasMark(sensitiveMark)), nil
	},
})

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// unknownStringFunc stands for functions whose result differs on every run
// (timestamp, uuid): Terraform knows it only at apply, and so does s3front.
var unknownStringFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type:     function.StaticReturnType(cty.String),
	Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(cty.String), nil },
})

func pathFunc(fn func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(fn(args[0].AsString())), nil
		},
	})
}

func hashFunc(fn func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(fn([]byte(args[0].AsString()))), nil
		},
	})
}

var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String || ty == cty.DynamicPseudoType || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
			return cty.Number, nil
		}
		return cty.NilType, errors.New("argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		switch ty := v.Type(); {
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(len(ty.TupleElementTypes()))), nil
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		}
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if v.Type() == cty.String {
			if !v.IsNull() && !ident.Concrete(v.AsString()) {
				// The length of an unresolved value is unknown.
				return cty.UnknownVal(cty.Number), nil
			}
			return stdlib.Strlen(v)
		}
		return v.Length(), nil
	},
})

var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !(args[0].Type().IsListType() || args[0].Type().IsTupleType()) {
			return cty.NilVal, errors.New("argument must be a list or tuple")
		}
		if !args[0].IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		for it := args[0].ElementIterator(); it.Next(); {
			i, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return i, nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

func boolsFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			res := all
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				if !v.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if v.IsNull() {
					continue
				}
				if all && v.False() {
					return cty.False, nil
				}
				if !all && v.True() {
					return cty.True, nil
				}
			}
			return cty.BoolVal(res), nil
		},
	})
}

var (
	allTrueFunc = boolsFold(true)
	anyTrueFunc = boolsFold(false)
)

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			if n := len(ty.TupleElementTypes()); n == 1 {
				return ty.TupleElementTypes()[0], nil
			} else if n == 0 {
				return cty.DynamicPseudoType, nil
			}
		}
		return cty.NilType, errors.New("must be a list, set or tuple with at most one element")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(ret), nil
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(ret), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, x := it.Element()
			return x, nil
		}
		return cty.NilVal, errors.New("must be a list, set or tuple with at most one element")
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() || v.LengthInt() == 0 {
			return cty.NilVal, errors.New("cannot sum an empty list or a non-collection")
		}
		total := cty.Zero
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			n, err := convert.Convert(x, cty.Number)
			if err != nil || n.IsNull() {
				return cty.NilVal, errors.New("every element must be a number")
			}
			if !n.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

func stringPredicate(fn func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(fn(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)
)

var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var urlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
})

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

var indentFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "spaces", Type: cty.Number}, {Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, ok := intVal(args[0])
		if !ok || n < 0 || n > maxStringWidth {
			return cty.NilVal, fmt.Errorf("spaces must be a whole number from 0 to %d", maxStringWidth)
		}
		pad := strings.Repeat(" ", int(n))
		return cty.StringVal(strings.ReplaceAll(args[1].AsString(), "\n", "\n"+pad)), nil
	},
})

// limitedFormat refuses widths and precisions that would build huge
// strings.
func limitedFormat(fn function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "format", Type: cty.String}},
		// Not AllowDynamicType: as in the cty version Terraform uses, an
		// argument of unknown type (a bare null) gives an unknown result.
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true},
		Type: func(args []cty.Value) (cty.Type, error) {
			if args[0].IsKnown() && !args[0].IsNull() && hugeWidth(args[0].AsString()) {
				return cty.NilType, fmt.Errorf("format widths above %d are not supported", maxStringWidth)
			}
			return fn.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return fn.Call(args) },
	})
}

func hugeWidth(f string) bool {
	n := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
			if n > maxStringWidth {
				return true
			}
			continue
		}
		n = 0
	}
	return false
}

var limitedSetProduct = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "sets", Type: cty.DynamicPseudoType},
	Type: func(args []cty.Value) (cty.Type, error) {
		total := 1
		for _, a := range args {
			if a.IsKnown() && !a.IsNull() && a.CanIterateElements() {
				total *= a.LengthInt() + 1
				if total > maxInstances {
					return cty.NilType, errors.New("setproduct result too large")
				}
			}
		}
		return stdlib.SetProductFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return stdlib.SetProductFunc.Call(args) },
})

// relPath turns a path as written in the configuration (relative to the
// root module directory, as Terraform resolves it) into an fsys path.
func (l *loader) relPath(p string) (string, error) {
	if path.IsAbs(p) {
		return "", errors.New("absolute paths are not read; use a path relative to the module, e.g. \"${path.module}/policy.json\"")
	}
	full := path.Join(l.root, p)
	if !fs.ValidPath(full) {
		return "", errors.New("the path is outside the repository (s3front reads nothing above the enclosing git work tree)")
	}
	return full, nil
}

// readConfigFile reads a file named in the configuration (file(),
// templatefile()); the name it returns is its display name.
func (l *loader) readConfigFile(p string) ([]byte, string, error) {
	full, err := l.relPath(p)
	if err != nil {
		return nil, "", err
	}
	name := l.display(full)
	data, err := repo.ReadFile(l.fsys, full, maxFileSize, "file() and templatefile()")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("no file %s", name)
		}
		return nil, "", fmt.Errorf("cannot read %s: %s", name, repo.Reason(err))
	}
	l.addFile(name)
	return data, name, nil
}

func (l *loader) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, full, err := l.readConfigFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			if !utf8.Valid(data) {
				return cty.NilVal, fmt.Errorf("contents of %s are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents", full)
			}
			s := string(data)
			l.fileOrigins[s] = full
			return cty.StringVal(s), nil
		},
	})
}

func (l *loader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			full, err := l.relPath(args[0].AsString())
			if err != nil {
				return cty.False, nil
			}
			st, err := fs.Stat(l.fsys, full)
			if err != nil {
				return cty.False, nil
			}
			if !st.Mode().IsRegular() {
				return cty.NilVal, fmt.Errorf("%s is not a regular file, but %q", full, st.Mode().Type().String())
			}
			return cty.True, nil
		},
	})
}

// templateFileFunc renders a template file with the given variables and
// every function except templatefile itself (as Terraform does).
func (l *loader) templateFileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, full, err := l.readConfigFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			s, err := l.renderTemplate(data, full, args[1])
			if err == nil && s.IsKnown() && !s.IsNull() {
				l.fileOrigins[s.AsString()] = full
			}
			return s, err
		},
	})
}

// renderTemplate renders template text with vars and every function but
// templatefile and templatestring.
func (l *loader) renderTemplate(data []byte, name string, vars cty.Value) (cty.Value, error) {
	if !vars.IsWhollyKnown() {
		return cty.UnknownVal(cty.String), nil
	}
	if vars.IsNull() || !(vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		return cty.NilVal, errors.New("vars must be an object")
	}
	expr, diags := hclsyntax.ParseTemplate(data, name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	symbolAware(expr)
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: l.templateFuncs()}
	for _, tr := range expr.Variables() {
		if _, ok := ctx.Variables[tr.RootName()]; !ok {
			return cty.NilVal, fmt.Errorf("vars map does not contain key %q, referenced at %s", tr.RootName(), rangeString(tr.SourceRange()))
		}
	}
	v, diags := safeValue(expr, ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return cty.NilVal, err
	}
	return s, nil
}

// coalesceFunc is Terraform's coalesce: the first argument that is
// neither null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		ty, _ := convert.UnifyUnsafe(types)
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		for _, a := range args {
			c, err := convert.Convert(a, ret)
			if err != nil {
				return cty.NilVal, err
			}
			if !c.IsKnown() {
				return cty.UnknownVal(ret), nil
			}
			if c.IsNull() || (ret == cty.String && c.AsString() == "") {
				continue
			}
			return c, nil
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})

// tfMark is a cty mark s3front puts on values: sensitiveMark is
// Terraform's sensitive(), which Terraform shows as (sensitive value).
type tfMark string

const sensitiveMark = tfMark("sensitive")
