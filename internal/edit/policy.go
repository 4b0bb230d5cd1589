package edit

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/model"
)

type (
	iamStatement = iam.Statement
	iamValues    = iam.Values
)

// docEditor returns the editor of a policy document where the model read
// it: an HCL object (jsonencode), statement blocks
// (aws_iam_policy_document), JSON (a heredoc, a file, a JSON template) or
// a YAML template.
func (s *Set) docEditor(pol model.Policy) (docEditor, error) {
	if s.live != nil && isLive(pol.Src.Pos) && pol.Known && pol.V == nil && pol.Err == nil {
		return s.liveDoc(pol, pol.Src.File) // no policy yet: a new one
	}
	if !pol.HasDoc() {
		return nil, fmt.Errorf("the policy is not written in the input")
	}
	if pol.Default {
		return nil, fmt.Errorf("%s: the key has AWS's default key policy, which is not written in the input", pol.Src.Pos)
	}
	p := pol.V.Pos
	if s.live != nil && isLive(p) {
		return s.liveDoc(pol, p.File)
	}
	switch {
	case strings.HasPrefix(p.File, "arn:") || p.File == "" || p.Line == 0:
		return nil, fmt.Errorf("the policy is not read from a file")
	case strings.HasSuffix(p.File, ".tf"):
		t, err := s.tf(p.File)
		if err != nil {
			return nil, err
		}
		off, err := t.offset(p.Line, p.Col)
		if err != nil {
			return nil, err
		}
		if b := t.blockAt(p.Line, p.Col); b != nil && b.Type == "data" {
			return &blocksDoc{t: t, pos: p}, nil
		}
		if _, ok := t.exprAt(off).(*hclsyntax.ObjectConsExpr); ok {
			return &objectDoc{t: t, pos: p}, nil
		}
		if off < len(t.text) && t.text[off] == '{' {
			return &jsonDoc{f: t, pos: p}, nil
		}
		return nil, fmt.Errorf("%s: the policy is computed here; change it by hand", p)
	case strings.HasSuffix(p.File, ".tf.json"):
		return nil, fmt.Errorf("%s: Terraform JSON syntax is not edited; change it by hand", p)
	}
	f, err := s.File(p.File, false)
	if err != nil {
		return nil, err
	}
	if err := notSynthesized(f); err != nil {
		return nil, err
	}
	if t := strings.TrimLeft(string(f.Cur), " \t\r\n\ufeff"); strings.HasPrefix(t, "{") {
		return &jsonDoc{f: &plainFile{f: f, check: checkJSON}, pos: p, whole: true}, nil
	}
	y, err := s.yaml(p.File)
	if err != nil {
		return nil, err
	}
	return &yamlDoc{y: y, pos: p}, nil
}
