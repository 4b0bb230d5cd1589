package template

import (
	"encoding/base64"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnBase64 resolves Fn::Base64. A string holding symbols has no known
// encoding; the result is unknown.
func (e *Evaluator) fnBase64(call, arg *source.Node) (*source.Node, error) {
	v, s, err := e.stringArg(arg, "Fn::Base64", "the value")
	if err != nil {
		return nil, err
	}
	if ident.Has(s) {
		return e.derived("Fn::Base64", v, call.Pos), nil
	}
	return &source.Node{Kind: source.String, Pos: call.Pos, Text: base64.StdEncoding.EncodeToString([]byte(s))}, nil
}
