package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnImportValue resolves Fn::ImportValue: the value another stack exports
// is never known offline.
func (e *Evaluator) fnImportValue(call, arg *source.Node) (*source.Node, error) {
	_, name, err := e.stringArg(arg, "Fn::ImportValue", "the export name")
	if err != nil {
		return nil, err
	}
	return e.unknown("Fn::ImportValue "+ident.Render(name), "the value is exported by another stack ("+ident.Render(name)+"); check that stack's template too, or pass the value as a parameter", call.Pos, true), nil
}
