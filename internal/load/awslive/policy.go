package awslive

import (
	"net/url"

	"github.com/s3front/s3front/source"
)

func urlUnescape(s string) (string, error) { return url.QueryUnescape(s) }

// sourceParse parses a JSON document read from the API of arn. Nodes are
// located by JSON pointer (under base) in a document named by the ARN;
// line and column are dropped, as the document has no file of its own.
func sourceParse(arn, base, doc string) (*source.Node, error) {
	n, err := source.ParseJSONAt(source.Pos{File: arn, Line: 1, Col: 1, Pointer: base}, []byte(doc))
	if err != nil {
		return nil, err
	}
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		n.Pos.Line, n.Pos.Col = 0, 0
		for i := range n.Fields {
			n.Fields[i].KeyPos.Line, n.Fields[i].KeyPos.Col = 0, 0
			walk(n.Fields[i].Value)
		}
		for _, e := range n.Elems {
			walk(e)
		}
	}
	walk(n)
	return n, nil
}
