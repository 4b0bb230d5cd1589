package model

import (
	"reflect"

	"github.com/s3front/s3front/source"
)

var posType = reflect.TypeOf(source.Pos{})

// RewriteFiles applies f to the File of every position in cfg, including
// those inside policy documents. Loaders record file names relative to the
// directory they read; the caller uses this to make them relative to where
// the user ran the tool.
func RewriteFiles(cfg *Config, f func(string) string) {
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == posType {
				if v.CanSet() {
					p := v.Addr().Interface().(*source.Pos)
					if p.File != "" {
						p.File = f(p.File)
					}
				}
				return
			}
			t := v.Type()
			for i := 0; i < t.NumField(); i++ {
				if t.Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			// Maps hold no positions in the model.
		}
	}
	walk(reflect.ValueOf(cfg))
	for i, name := range cfg.Files {
		cfg.Files[i] = f(name)
	}
}
