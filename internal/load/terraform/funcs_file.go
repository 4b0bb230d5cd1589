package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The file functions beyond file() and templatefile(): paths are
// relative to the root module's directory, as Terraform resolves them,
// and read through the scanned file system only.

// fileBytesFunc reads a file and returns render(content).
func (l *loader) fileBytesFunc(render func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, _, err := l.readConfigFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(render(data)), nil
		},
	})
}

func hexSum(sum func([]byte) []byte) func([]byte) string {
	return func(b []byte) string { return hex.EncodeToString(sum(b)) }
}

func base64Sum(sum func([]byte) []byte) func([]byte) string {
	return func(b []byte) string { return base64.StdEncoding.EncodeToString(sum(b)) }
}

func md5Sum(b []byte) []byte  { s := md5.Sum(b); return s[:] }
func sha1Sum(b []byte) []byte { s := sha1.Sum(b); return s[:] }

// fileSetFunc is Terraform's fileset: the regular files under a directory
// that match a glob pattern (with ** and {a,b}), relative to it.
func (l *loader) fileSetFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			base, err := l.relPath(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			pattern := path.Join(base, args[1].AsString())
			if !fs.ValidPath(pattern) {
				return cty.NilVal, errors.New("the pattern reaches outside the scanned directory")
			}
			if !doublestar.ValidatePattern(pattern) {
				return cty.NilVal, fmt.Errorf("failed to glob pattern %q: syntax error in pattern", args[1].AsString())
			}
			var out []cty.Value
			err = doublestar.GlobWalk(l.fsys, pattern, func(p string, d fs.DirEntry) error {
				if !d.Type().IsRegular() {
					return nil
				}
				if len(out) >= maxInstances {
					return errors.New("fileset matches more files than s3front's limit")
				}
				rel := strings.TrimPrefix(p, base+"/")
				if base == "." {
					rel = p
				}
				out = append(out, cty.StringVal(rel))
				return nil
			}, doublestar.WithNoFollow())
			if err != nil {
				return cty.NilVal, err
			}
			if len(out) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			return cty.SetVal(out), nil
		},
	})
}

// templateStringFunc renders a template given as a string, like
// templatefile; Terraform allows only a reference as the template, never
// a literal, which would already have been rendered.
func (l *loader) templateStringFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "template", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return l.renderTemplate([]byte(args[0].AsString()), "templatestring", args[1])
		},
	})
}

// pathExpandFunc expands a leading ~ to the home directory, which s3front
// does not know: such a path is unknown.
var pathExpandFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "path", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p := args[0].AsString()
		if strings.HasPrefix(p, "~") {
			return cty.UnknownVal(cty.String), nil
		}
		return cty.StringVal(p), nil
	},
})

// absPathFunc cleans an absolute path; a relative one depends on the
// directory Terraform runs in, which s3front does not know.
var absPathFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "path", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p := args[0].AsString()
		if !path.IsAbs(p) {
			return cty.UnknownVal(cty.String), nil
		}
		return cty.StringVal(path.Clean(p)), nil
	},
})
