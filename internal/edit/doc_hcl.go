package edit

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/source"
)

// docEditor changes one policy document where and as it is written. Text
// arguments are already in the document's syntax: a statement (HCL
// object, statement block, JSON object or YAML mapping), a value (an
// expression, JSON value or YAML value), a condition block.
type docEditor interface {
	addStatement(text string) error
	// removeStatement deletes the statement at pos.
	removeStatement(st source.Pos) error
	// setActions replaces the Action element of the statement at st.
	setActions(st source.Pos, value string) error
	// setConditionValues replaces the values of the condition at c.
	setConditionValues(st, c source.Pos, value string) error
	// addCondition adds operator op with key and value to the statement
	// at st (block: the condition block text, in value).
	addCondition(st source.Pos, op, key, value string) error
}

// --- jsonencode({...}) objects ---

// objectDoc is a policy written as an HCL object (jsonencode's argument).
type objectDoc struct {
	t   *tfFile
	pos source.Pos // the document's opening brace
}

func (d *objectDoc) object(p source.Pos, what string) (*hclsyntax.ObjectConsExpr, error) {
	off, err := d.t.offset(p.Line, p.Col)
	if err != nil {
		return nil, err
	}
	o, ok := d.t.exprAt(off).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil, fmt.Errorf("%s: the %s is not written as an object here", p, what)
	}
	return o, nil
}

func (d *objectDoc) addStatement(text string) error {
	doc, err := d.object(d.pos, "policy document")
	if err != nil {
		return err
	}
	i := item(doc, "Statement", false)
	if i < 0 {
		return d.t.addItem(doc, "Statement", "["+text+"]")
	}
	switch v := unwrap(doc.Items[i].ValueExpr).(type) {
	case *hclsyntax.TupleConsExpr:
		return d.t.appendElem(v, text)
	case *hclsyntax.ObjectConsExpr:
		r := v.Range()
		old := d.t.text[r.Start.Byte:r.End.Byte]
		return d.t.splice(r.Start.Byte, r.End.Byte, "["+old+", "+indent(text, indentAt(d.t.text, r.End.Byte-1))+"]")
	default:
		return fmt.Errorf("%s: the policy's Statement is computed (%s); add the statement by hand", d.pos, d.t.text[v.Range().Start.Byte:v.Range().End.Byte])
	}
}

func (d *objectDoc) removeStatement(st source.Pos) error {
	doc, err := d.object(d.pos, "policy document")
	if err != nil {
		return err
	}
	off, err := d.t.offset(st.Line, st.Col)
	if err != nil {
		return err
	}
	i := item(doc, "Statement", false)
	if i < 0 {
		return fmt.Errorf("%s: no Statement", d.pos)
	}
	tup, ok := unwrap(doc.Items[i].ValueExpr).(*hclsyntax.TupleConsExpr)
	if !ok {
		return fmt.Errorf("%s: the policy's Statement is not a list here", d.pos)
	}
	for j, e := range tup.Exprs {
		if e.Range().Start.Byte == off {
			return d.t.removeElem(tup, j)
		}
	}
	return fmt.Errorf("%s: no statement here", st)
}

func (d *objectDoc) setActions(st source.Pos, value string) error {
	o, err := d.object(st, "statement")
	if err != nil {
		return err
	}
	i := item(o, "Action", false)
	if i < 0 {
		return fmt.Errorf("%s: the statement has no Action", st)
	}
	r := o.Items[i].ValueExpr.Range()
	return d.t.splice(r.Start.Byte, r.End.Byte, value)
}

func (d *objectDoc) setConditionValues(st, c source.Pos, value string) error {
	off, err := d.t.offset(c.Line, c.Col)
	if err != nil {
		return err
	}
	o, i := d.t.itemWithKeyAt(off)
	if o == nil {
		return fmt.Errorf("%s: no condition key here", c)
	}
	r := o.Items[i].ValueExpr.Range()
	return d.t.splice(r.Start.Byte, r.End.Byte, value)
}

func (d *objectDoc) addCondition(st source.Pos, op, key, value string) error {
	o, err := d.object(st, "statement")
	if err != nil {
		return err
	}
	k := hclKeyText(key)
	i := item(o, "Condition", false)
	if i < 0 {
		return d.t.addItem(o, "Condition", "{\n  "+op+" = { "+k+" = "+value+" }\n}")
	}
	cond, ok := unwrap(o.Items[i].ValueExpr).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return fmt.Errorf("%s: the statement's Condition is computed; add the condition by hand", st)
	}
	j := item(cond, op, true)
	if j < 0 {
		return d.t.addItem(cond, op, "{ "+k+" = "+value+" }")
	}
	inner, ok := unwrap(cond.Items[j].ValueExpr).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return fmt.Errorf("%s: the condition operator %s is computed; add the condition by hand", st, op)
	}
	return d.t.addItem(inner, k, value)
}

// hclKeyText writes an object key: bare when it is an identifier.
func hclKeyText(k string) string {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-')) {
			return hclQuote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

// hclQuote quotes a literal string for HCL (interpolation markers are
// escaped).
func hclQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}

// addItem adds key = value as the last item of object o: on a line of
// its own when the object spans lines, after a comma otherwise.
func (t *tfFile) addItem(o *hclsyntax.ObjectConsExpr, key, value string) error {
	r := o.Range()
	if len(o.Items) == 0 {
		in := indentAt(t.text, r.Start.Byte)
		unit := unitIndent(t.text)
		return t.splice(r.Start.Byte, r.End.Byte, "{\n"+in+unit+key+" = "+indent(value, in+unit)+"\n"+in+"}")
	}
	last := o.Items[len(o.Items)-1]
	end := last.ValueExpr.Range().End.Byte
	first := o.Items[0].KeyExpr.Range().Start
	if first.Line == r.Start.Line || last.ValueExpr.Range().End.Line == r.End.Line {
		// { a = 1, b = 2 }: one line, unless it grows long (and it spans
		// lines already): then one item per line.
		flat := strings.Join(strings.Fields(strings.ReplaceAll(value, "\n", " ")), " ")
		lineLen := lineEnd(t.text, end) - lineStart(t.text, r.Start.Byte)
		if r.Start.Line == r.End.Line && lineLen+len(key)+len(flat)+5 <= 100 {
			return t.splice(end, end, ", "+key+" = "+flat)
		}
		if r.Start.Line == r.End.Line {
			in := indentAt(t.text, r.Start.Byte)
			unit := unitIndent(t.text)
			var b strings.Builder
			b.WriteString("{\n")
			for _, it := range o.Items {
				b.WriteString(in + unit + t.text[it.KeyExpr.Range().Start.Byte:it.ValueExpr.Range().End.Byte] + "\n")
			}
			b.WriteString(in + unit + key + " = " + indent(value, in+unit) + "\n" + in + "}")
			return t.splice(r.Start.Byte, r.End.Byte, b.String())
		}
		return t.splice(end, end, ", "+key+" = "+flat)
	}
	in := indentAt(t.text, o.Items[0].KeyExpr.Range().Start.Byte)
	at := lineEnd(t.text, end)
	return t.splice(at, at, in+key+" = "+indent(value, in)+"\n")
}

// appendElem adds an element (text) at the end of tuple tup, in the
// tuple's layout: `[{...}, {...}]` or one element per line.
func (t *tfFile) appendElem(tup *hclsyntax.TupleConsExpr, text string) error {
	r := tup.Range()
	if len(tup.Exprs) == 0 {
		return t.splice(r.Start.Byte, r.End.Byte, "["+indent(text, indentAt(t.text, r.Start.Byte))+"]")
	}
	last := tup.Exprs[len(tup.Exprs)-1].Range()
	if onlySpaceBefore(t.text, last.Start.Byte) {
		in := indentAt(t.text, last.Start.Byte)
		return t.splice(last.End.Byte, last.End.Byte, ",\n"+in+indent(text, in))
	}
	// Compact: the new element follows the last one's closing brace.
	return t.splice(last.End.Byte, last.End.Byte, ", "+indent(text, indentAt(t.text, last.End.Byte-1)))
}

// removeElem deletes element i of tuple tup with its separator.
func (t *tfFile) removeElem(tup *hclsyntax.TupleConsExpr, i int) error {
	es := tup.Exprs
	r := es[i].Range()
	switch {
	case len(es) == 1:
		tr := tup.Range()
		return t.splice(tr.Start.Byte, tr.End.Byte, "[]")
	case i < len(es)-1:
		next := es[i+1].Range()
		if onlySpaceBefore(t.text, r.Start.Byte) && onlySpaceBefore(t.text, next.Start.Byte) {
			return t.splice(lineStart(t.text, r.Start.Byte), lineStart(t.text, next.Start.Byte), "")
		}
		return t.splice(r.Start.Byte, next.Start.Byte, "")
	default:
		prev := es[i-1].Range()
		end := r.End.Byte
		// Keep a trailing comma where the list had one.
		rest := strings.TrimLeft(t.text[end:], " \t\r\n")
		if strings.HasPrefix(rest, ",") {
			end = len(t.text) - len(rest) + 1
			return t.splice(prev.End.Byte, end, ",")
		}
		return t.splice(prev.End.Byte, end, "")
	}
}

// --- aws_iam_policy_document statement blocks ---

// blocksDoc is a policy written as the statement blocks of an
// aws_iam_policy_document data source.
type blocksDoc struct {
	t   *tfFile
	pos source.Pos // the data block
}

func (d *blocksDoc) block(p source.Pos, what string) (*hclsyntax.Block, error) {
	b := d.t.blockAt(p.Line, p.Col)
	if b == nil {
		return nil, fmt.Errorf("%s: no %s block here", p, what)
	}
	return b, nil
}

func (d *blocksDoc) addStatement(text string) error {
	b, err := d.block(d.pos, "policy document")
	if err != nil {
		return err
	}
	return d.t.appendBlock(b, text)
}

func (d *blocksDoc) removeStatement(st source.Pos) error {
	b, err := d.block(st, "statement")
	if err != nil {
		return err
	}
	return d.t.removeBlock(b)
}

func (d *blocksDoc) setActions(st source.Pos, value string) error {
	b, err := d.block(st, "statement")
	if err != nil {
		return err
	}
	return d.t.setAttr(b, "actions", value)
}

func (d *blocksDoc) setConditionValues(st, c source.Pos, value string) error {
	b, err := d.block(c, "condition")
	if err != nil {
		return err
	}
	return d.t.setAttr(b, "values", value)
}

func (d *blocksDoc) addCondition(st source.Pos, op, key, value string) error {
	b, err := d.block(st, "statement")
	if err != nil {
		return err
	}
	return d.t.appendBlock(b, formatHCL("condition {\n  test = "+hclQuote(op)+"\n  variable = "+hclQuote(key)+"\n  values = "+value+"\n}"))
}
