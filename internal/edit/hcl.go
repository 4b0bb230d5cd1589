package edit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// tfFile is a Terraform file of a set, parsed for locating.
type tfFile struct {
	f    *File
	text string
	body *hclsyntax.Body
	// canonical is true when the original file was formatted as
	// `terraform fmt` formats it: the result is formatted again.
	canonical bool
}

// tf parses the current content of the Terraform file name.
func (s *Set) tf(name string) (*tfFile, error) {
	f, err := s.File(name, false)
	if err != nil {
		return nil, err
	}
	t := &tfFile{f: f}
	if err := t.parse(); err != nil {
		return nil, err
	}
	t.canonical = bytes.Equal(hclwrite.Format(f.Orig), f.Orig)
	return t, nil
}

// tfNew is tf for a file the set creates.
func (s *Set) tfNew(name string) (*tfFile, error) {
	f, err := s.File(name, true)
	if err != nil {
		return nil, err
	}
	t := &tfFile{f: f, canonical: true}
	if err := t.parse(); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *tfFile) parse() error {
	t.text = string(t.f.Cur)
	file, diags := hclsyntax.ParseConfig(t.f.Cur, t.f.Name, hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", t.f.Name, firstDiag(diags))
	}
	t.body = file.Body.(*hclsyntax.Body)
	return nil
}

func firstDiag(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			s := strings.ToLower(d.Summary[:1]) + d.Summary[1:]
			if d.Subject != nil {
				return fmt.Sprintf("%d:%d: %s: %s", d.Subject.Start.Line, d.Subject.Start.Column, s, d.Detail)
			}
			return s + ": " + d.Detail
		}
	}
	return diags.Error()
}

// set replaces the file's text and parses it again; an edit that breaks
// the syntax is an error (a bug here, never the user's).
func (t *tfFile) set(text string) error {
	old := t.f.Cur
	t.f.Cur = []byte(text)
	if err := t.parse(); err != nil {
		t.f.Cur = old
		_ = t.parse()
		return fmt.Errorf("internal error: the edit does not parse: %w", err)
	}
	if t.canonical {
		t.f.Cur = hclwrite.Format(t.f.Cur)
		if err := t.parse(); err != nil {
			return err
		}
	}
	return nil
}

// splice replaces text[start:end] with s.
func (t *tfFile) splice(start, end int, s string) error {
	return t.set(splice(t.text, start, end, s))
}

// blockAt returns the block (at any depth) whose type keyword is at line
// and column col of the original text (col 0: any column).
func (t *tfFile) blockAt(line, col int) *hclsyntax.Block {
	l, c, ok := t.f.Where(line, max(col, 1))
	if !ok {
		return nil
	}
	if col != 0 {
		col = c
	}
	return t.blockAtNow(l, col)
}

// blockAtNow is blockAt for a position of the current text.
func (t *tfFile) blockAtNow(line, col int) *hclsyntax.Block {
	var found *hclsyntax.Block
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, bl := range b.Blocks {
			if found != nil {
				return
			}
			r := bl.TypeRange
			if r.Start.Line == line && (col == 0 || r.Start.Column == col) {
				found = bl
				return
			}
			if bl.Range().Start.Line <= line && line <= bl.Range().End.Line {
				walk(bl.Body)
			}
		}
	}
	walk(t.body)
	return found
}

// topBlock returns the top-level block with the given type and labels.
func (t *tfFile) topBlock(typ string, labels ...string) *hclsyntax.Block {
	for _, b := range t.body.Blocks {
		if b.Type == typ && len(b.Labels) == len(labels) {
			ok := true
			for i := range labels {
				ok = ok && b.Labels[i] == labels[i]
			}
			if ok {
				return b
			}
		}
	}
	return nil
}

// offset converts a line and column of the original text to a byte
// offset of the current text.
func (t *tfFile) offset(line, col int) (int, error) {
	l, c, ok := t.f.Where(line, col)
	if !ok {
		return 0, fmt.Errorf("%s:%d: the line was changed by another edit", t.f.Name, line)
	}
	off, ok := offsetOf(t.text, l, c)
	if !ok {
		return 0, fmt.Errorf("%s: no line %d", t.f.Name, line)
	}
	return off, nil
}

// exprAt returns the outermost expression that starts at byte offset off
// (wrappers such as template wraps and parentheses are looked through).
func (t *tfFile) exprAt(off int) hclsyntax.Expression {
	var best hclsyntax.Expression
	bestLen := -1
	hclsyntax.VisitAll(t.body, func(n hclsyntax.Node) hcl.Diagnostics {
		e, ok := n.(hclsyntax.Expression)
		if !ok {
			return nil
		}
		r := e.Range()
		if r.Start.Byte == off && r.End.Byte-r.Start.Byte > bestLen {
			best, bestLen = e, r.End.Byte-r.Start.Byte
		}
		return nil
	})
	return unwrap(best)
}

// itemWithKeyAt returns the object item whose key starts at off, with
// the object constructor that holds it.
func (t *tfFile) itemWithKeyAt(off int) (*hclsyntax.ObjectConsExpr, int) {
	var obj *hclsyntax.ObjectConsExpr
	idx := -1
	hclsyntax.VisitAll(t.body, func(n hclsyntax.Node) hcl.Diagnostics {
		o, ok := n.(*hclsyntax.ObjectConsExpr)
		if !ok || obj != nil {
			return nil
		}
		for i, it := range o.Items {
			if it.KeyExpr.Range().Start.Byte == off {
				obj, idx = o, i
			}
		}
		return nil
	})
	return obj, idx
}

func unwrap(e hclsyntax.Expression) hclsyntax.Expression {
	for {
		switch x := e.(type) {
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		default:
			return e
		}
	}
}

// objectKey is the name of an object item's key when it is a literal
// (bare identifier or quoted string), else "".
func objectKey(k hclsyntax.Expression) string {
	if ok, isKey := k.(*hclsyntax.ObjectConsKeyExpr); isKey {
		if ok.ForceNonLiteral {
			return ""
		}
		k = ok.Wrapped
	}
	switch x := k.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if len(x.Traversal) == 1 {
			return x.Traversal.RootName()
		}
	case *hclsyntax.TemplateExpr:
		if len(x.Parts) == 1 {
			if l, ok := x.Parts[0].(*hclsyntax.LiteralValueExpr); ok && l.Val.Type().FriendlyName() == "string" {
				return l.Val.AsString()
			}
		}
	case *hclsyntax.LiteralValueExpr:
		if x.Val.Type().FriendlyName() == "string" {
			return x.Val.AsString()
		}
	}
	return ""
}

// item returns the index of the item of o whose key is key (compared
// ignoring case when fold is set), or -1.
func item(o *hclsyntax.ObjectConsExpr, key string, fold bool) int {
	for i, it := range o.Items {
		k := objectKey(it.KeyExpr)
		if k == key || fold && strings.EqualFold(k, key) {
			return i
		}
	}
	return -1
}

// --- blocks and attributes ---

// bodyIndent is the indentation of the items inside block b.
func (t *tfFile) bodyIndent(b *hclsyntax.Block) string {
	for _, a := range sortedAttrs(b.Body) {
		return indentAt(t.text, a.SrcRange.Start.Byte)
	}
	for _, c := range b.Body.Blocks {
		return indentAt(t.text, c.TypeRange.Start.Byte)
	}
	return indentAt(t.text, b.TypeRange.Start.Byte) + unitIndent(t.text)
}

// sortedAttrs returns a body's attributes in source order.
func sortedAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	var out []*hclsyntax.Attribute
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].SrcRange.Start.Byte < out[j-1].SrcRange.Start.Byte; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// openBody makes a one-line block `x {}` or `x { a = 1 }` span lines, so
// that items can be inserted on lines of their own; it returns the block
// parsed again.
func (t *tfFile) openBody(b *hclsyntax.Block) (*hclsyntax.Block, error) {
	if b.OpenBraceRange.Start.Line != b.CloseBraceRange.Start.Line {
		return b, nil
	}
	in := indentAt(t.text, b.TypeRange.Start.Byte)
	unit := unitIndent(t.text)
	inner := strings.TrimSpace(t.text[b.OpenBraceRange.End.Byte:b.CloseBraceRange.Start.Byte])
	repl := "{\n"
	if inner != "" {
		repl += in + unit + inner + "\n"
	}
	repl += in + "}"
	line, col := b.TypeRange.Start.Line, b.TypeRange.Start.Column
	if err := t.splice(b.OpenBraceRange.Start.Byte, b.CloseBraceRange.End.Byte, repl); err != nil {
		return nil, err
	}
	return t.blockAtNow(line, col), nil
}

// SetAttr sets attribute name of block b to the expression expr: its
// value is replaced when it is there, else a line is added after the
// block's last attribute.
func (t *tfFile) setAttr(b *hclsyntax.Block, name, expr string) error {
	if a, ok := b.Body.Attributes[name]; ok {
		r := a.Expr.Range()
		return t.splice(r.Start.Byte, r.End.Byte, indent(expr, indentAt(t.text, a.SrcRange.Start.Byte)))
	}
	b, err := t.openBody(b)
	if err != nil {
		return err
	}
	in := t.bodyIndent(b)
	line := in + name + " = " + indent(expr, in) + "\n"
	attrs := sortedAttrs(b.Body)
	at := lineEnd(t.text, b.OpenBraceRange.End.Byte)
	if len(attrs) > 0 {
		last := attrs[len(attrs)-1]
		at = lineEnd(t.text, last.SrcRange.End.Byte)
		// Keep the attribute group whole: a following comment line
		// belongs to what comes after it.
	}
	return t.splice(at, at, line)
}

// removeAttr deletes attribute name of block b (its whole line).
func (t *tfFile) removeAttr(b *hclsyntax.Block, name string) error {
	a, ok := b.Body.Attributes[name]
	if !ok {
		return nil
	}
	start := lineStart(t.text, a.SrcRange.Start.Byte)
	end := lineEnd(t.text, a.SrcRange.End.Byte)
	return t.splice(start, end, "")
}

// appendBlock adds the block text (unindented, without a final newline)
// at the end of block b's body, after a blank line when the body has
// content.
func (t *tfFile) appendBlock(b *hclsyntax.Block, text string) error {
	b, err := t.openBody(b)
	if err != nil {
		return err
	}
	in := t.bodyIndent(b)
	at := lineStart(t.text, b.CloseBraceRange.Start.Byte)
	sep := ""
	if len(b.Body.Attributes) > 0 || len(b.Body.Blocks) > 0 {
		sep = "\n"
	}
	return t.splice(at, at, sep+indentAll(text, in)+"\n")
}

// removeBlock deletes block b with its lines, and a blank line that would
// be left doubled or at the start of the enclosing body.
func (t *tfFile) removeBlock(b *hclsyntax.Block) error {
	start := lineStart(t.text, b.TypeRange.Start.Byte)
	end := lineEnd(t.text, b.CloseBraceRange.End.Byte)
	// Comments directly above the block belong to it.
	for start > 0 {
		ps := lineStart(t.text, start-1)
		l := strings.TrimSpace(t.text[ps:start])
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			start = ps
			continue
		}
		break
	}
	before := start > 0 && strings.TrimSpace(t.text[lineStart(t.text, start-1):start]) == ""
	after := end < len(t.text) && strings.TrimSpace(t.text[end:lineEnd(t.text, end)]) == ""
	next := strings.TrimSpace(t.text[end:lineEnd(t.text, end)])
	prev := ""
	if start > 0 {
		prev = strings.TrimSpace(t.text[lineStart(t.text, start-1):start])
	}
	switch {
	case before && (after || next == "}" || end >= len(t.text)):
		start = lineStart(t.text, start-1)
	case after && (strings.HasSuffix(prev, "{") || start == 0):
		end = lineEnd(t.text, end)
	}
	return t.splice(start, end, "")
}

// insertAfter adds top-level text (a resource, data source or output
// block) after block b, separated by a blank line; with b nil, at the end
// of the file.
func (t *tfFile) insertAfter(b *hclsyntax.Block, text string) error {
	at := len(t.text)
	if b != nil {
		at = lineEnd(t.text, b.CloseBraceRange.End.Byte)
	}
	prefix := "\n"
	if at > 0 && !strings.HasSuffix(t.text[:at], "\n") {
		prefix = "\n\n"
	}
	if at == 0 {
		prefix = ""
	}
	return t.splice(at, at, prefix+text+"\n")
}

// formatHCL formats a snippet of HCL with hclwrite (aligned equals signs,
// canonical spacing), as `terraform fmt` would.
func formatHCL(s string) string {
	return strings.TrimRight(string(hclwrite.Format([]byte(s))), "\n")
}

// TFBlock writes a Terraform block with hclwrite: type, labels and
// attributes (name and expression text, in order), formatted.
func TFBlock(typ string, labels []string, attrs ...[2]string) (string, error) {
	f := hclwrite.NewEmptyFile()
	b := f.Body().AppendNewBlock(typ, labels)
	for _, a := range attrs {
		toks, err := exprTokens(a[1])
		if err != nil {
			return "", err
		}
		b.Body().SetAttributeRaw(a[0], toks)
	}
	return strings.TrimRight(string(hclwrite.Format(f.Bytes())), "\n"), nil
}

// exprTokens lexes an expression for hclwrite.
func exprTokens(expr string) (hclwrite.Tokens, error) {
	src := []byte("x = " + expr + "\n")
	if _, diags := hclsyntax.ParseConfig(src, "expr.tf", hcl.InitialPos); diags.HasErrors() {
		return nil, fmt.Errorf("internal error: expression %q: %s", expr, firstDiag(diags))
	}
	f, diags := hclwrite.ParseConfig(src, "expr.tf", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("internal error: expression %q: %s", expr, firstDiag(diags))
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil), nil
}
