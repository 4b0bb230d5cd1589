package edit

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// writer writes changes over one model into a set.
type writer struct {
	set *Set
	cfg *model.Config
	res *sim.Result
}

func (fc *fixCtx) writer() *writer { return &writer{set: fc.set, cfg: fc.cfg, res: fc.res} }

// apply writes one structured change of a fix into the set, in the
// syntax of the policy it changes.
func (fc *fixCtx) apply(ch sim.Change) error { return fc.writer().apply(ch) }

func (w *writer) apply(ch sim.Change) error {
	if ch.Kind == sim.AddStatement {
		st, comment := w.avoidCycle(ch.Holder, ch.New)
		return w.addGrant(ch.Holder, ch.Policy, st, comment)
	}
	if ch.Kind == sim.AddCondition {
		c, _ := w.avoidCycle(ch.Holder, sim.Statement{Conds: []sim.Cond{ch.Cond}})
		ch.Cond = c.Conds[0]
	}
	if ch.Statement == nil {
		return fmt.Errorf("internal error: a %s change without its statement", ch.Kind)
	}
	sx := sim.SyntaxOf(ch.Holder, ch.Policy)
	tf := langOf(model.Src{Pos: ch.Policy.V.Pos}) == langTerraform
	fixVals := func(vs []string) ([]string, error) {
		if !tf {
			return vs, nil
		}
		st, err := w.tfValues(sim.Statement{Conds: []sim.Cond{{Values: vs}}}, ch.Policy, ch.Holder)
		return st.Conds[0].Values, err
	}
	key := "change|" + string(ch.Kind) + "|" + ch.Statement.Pos.String()
	d, err := w.set.docEditor(ch.Policy)
	if err != nil {
		return err
	}
	switch ch.Kind {
	case sim.SetConditionValues:
		vals, err := fixVals(ch.Values)
		if err != nil {
			return err
		}
		text := valuePart(sx, sx.RenderValue(ch.Condition.Key, vals))
		if !w.set.once(key + "|" + text) {
			return nil
		}
		return d.setConditionValues(ch.Statement.Pos, ch.Condition.Pos, text)
	case sim.SetActions:
		text := listText(sx, ch.Actions)
		if !w.set.once(key + "|" + text) {
			return nil
		}
		return d.setActions(ch.Statement.Pos, text)
	case sim.AddCondition:
		vals, err := fixVals(ch.Cond.Values)
		if err != nil {
			return err
		}
		text := valuePart(sx, sx.RenderValue(ch.Cond.Key, vals))
		if !w.set.once(key + "|" + ch.Cond.Op + "|" + ch.Cond.Key) {
			return nil
		}
		return d.addCondition(ch.Statement.Pos, ch.Cond.Op, ch.Cond.Key, text)
	}
	return fmt.Errorf("internal error: unknown change %q", ch.Kind)
}

// valuePart is the value of what [sim.Syntax.RenderValue] writes: the
// part after the key.
func valuePart(sx sim.Syntax, kv string) string {
	var sep string
	switch sx.Form {
	case model.FormObject, model.FormBlocks:
		sep = " = "
	case model.FormYAML:
		sep = ": "
		if i := strings.Index(kv, ":\n"); i >= 0 && (strings.Index(kv, sep) < 0 || i < strings.Index(kv, sep)) {
			return kv[i+1:]
		}
	default:
		sep = `": `
		if i := strings.Index(kv, sep); i >= 0 {
			return kv[i+len(sep):]
		}
	}
	if i := strings.Index(kv, sep); i >= 0 {
		return strings.TrimRight(kv[i+len(sep):], " ")
	}
	return kv
}

// listText writes a list of plain strings (actions) in the syntax: a
// block list for YAML (a value on the lines after its key).
func listText(sx sim.Syntax, xs []string) string {
	if sx.Form == model.FormYAML {
		var b strings.Builder
		for _, x := range xs {
			b.WriteString("\n- " + yamlScalarText(x))
		}
		return b.String()
	}
	return sx.RenderList(xs)
}

// avoidCycle rewrites an AWS:SourceArn condition of a statement for the
// key policy of holder that names a distribution of the same
// CloudFormation template which reads a bucket encrypted with the key:
// CloudFormation would refuse the template (key, distribution, bucket,
// key). The statement then admits the account's distributions (ArnLike
// distribution/*), as the CDK writes it; comment says why.
func (w *writer) avoidCycle(holder string, st sim.Statement) (sim.Statement, string) {
	var k *model.Key
	for _, x := range w.cfg.Keys {
		if x.Ref == holder {
			k = x
		}
	}
	if k == nil || langOf(k.Src) != langCFN || w.res == nil {
		return st, ""
	}
	for i, c := range st.Conds {
		if !strings.EqualFold(c.Key, "aws:SourceArn") {
			continue
		}
		for _, v := range c.Values {
			for _, p := range w.res.Paths {
				d, b := p.Distribution, p.Bucket
				if b == nil || !strings.Contains(v, "${"+d.Ref+"}") || d.Src.File != k.Src.File || b.Src.File != k.Src.File || !b.Encryption.KeyID.Known {
					continue
				}
				if kk, ok := w.res.Index.Key(b.Encryption.KeyID.V); ok != ident.True || kk != k {
					continue
				}
				st.Conds = append([]sim.Cond(nil), st.Conds...)
				st.Conds[i] = sim.Cond{Op: "ArnLike", Key: c.Key, Values: []string{"arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}}
				return st, fmt.Sprintf("any distribution of this account: naming %s would make a dependency cycle (key, distribution, bucket, key)", d.Ref)
			}
		}
	}
	return st, ""
}
