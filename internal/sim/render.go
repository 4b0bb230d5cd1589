package sim

import (
	"encoding/json"
	"strings"

	"github.com/s3front/s3front/model"
)

// Statement is a policy statement a fix proposes, whatever syntax it ends
// up written in. Values (resources, condition values) are written in the
// interpolation syntax of the input's language: "${aws_s3_bucket.b.arn}/*"
// in Terraform, "arn:${AWS::Partition}:s3:::${Bucket}/*" (an Fn::Sub
// template) in CloudFormation, or literal text.
type Statement struct {
	Sid       string
	Effect    string
	Principal [2]string // type ("Service", "AWS") and value
	Actions   []string
	Resources []string
	Conds     []Cond
}

// Cond is one condition of a proposed statement.
type Cond struct {
	Op, Key string
	Values  []string
}

// Syntax is how a fix is spelled: the input's language (for references)
// and the form of the policy it goes into.
type Syntax struct {
	Lang string // styleTerraform, styleCFN or styleLiteral
	Form model.PolicyForm
}

// SyntaxOf is the syntax of fixes to the policy pol of the resource ref:
// the policy's own form, or where the input doesn't say, jsonencode
// objects for Terraform (its most common way to write a policy) and JSON
// otherwise (a snapshot, a live resource; the CloudFormation loader
// always says).
func SyntaxOf(ref string, pol model.Policy) Syntax {
	sx := Syntax{Lang: styleOf(ref), Form: pol.Form}
	if sx.Form == "" {
		sx.Form = model.FormJSON
		if sx.Lang == styleTerraform {
			sx.Form = model.FormObject
		}
	}
	if sx.Lang == styleLiteral {
		sx.Form = model.FormJSON
	}
	return sx
}

// Render writes a statement in the syntax: a JSON object, a YAML list
// item, an HCL object (for jsonencode) or a statement block (for
// aws_iam_policy_document).
func (sx Syntax) Render(st Statement) string {
	switch sx.Form {
	case model.FormYAML:
		return sx.yamlStatement(st)
	case model.FormObject:
		return sx.hclObjectStatement(st)
	case model.FormBlocks:
		return sx.blockStatement(st)
	}
	return sx.jsonStatement(st)
}

// RenderCondition writes one condition (operator, key, values) to add to
// a statement's Condition.
func (sx Syntax) RenderCondition(c Cond) string {
	switch sx.Form {
	case model.FormYAML:
		return c.Op + ":\n  " + yamlKey(c.Key) + ": " + sx.yamlValues(c.Values, "  ")
	case model.FormObject:
		return c.Op + " = { " + hclKey(c.Key) + " = " + sx.hclValues(c.Values) + " }"
	case model.FormBlocks:
		return "condition {\n  test     = " + hclString(c.Op) + "\n  variable = " + hclString(c.Key) + "\n  values   = " + sx.hclList(c.Values) + "\n}"
	}
	return jsonString(c.Op) + ": {" + jsonString(c.Key) + ": " + sx.jsonValues(c.Values) + "}"
}

// RenderValue writes a condition key with its new values, as it appears
// inside the statement's condition (for blocks: the condition's values).
func (sx Syntax) RenderValue(key string, values []string) string {
	switch sx.Form {
	case model.FormYAML:
		return yamlKey(key) + ": " + sx.yamlValues(values, "")
	case model.FormObject:
		return hclKey(key) + " = " + sx.hclValues(values)
	case model.FormBlocks:
		return "values = " + sx.hclList(values)
	}
	return jsonString(key) + ": " + sx.jsonValues(values)
}

// RenderList writes a list of plain strings (actions) as the form writes
// a list.
func (sx Syntax) RenderList(xs []string) string {
	switch sx.Form {
	case model.FormYAML:
		return "[" + strings.Join(xs, ", ") + "]"
	case model.FormObject, model.FormBlocks:
		return sx.hclList(xs)
	}
	b, _ := json.Marshal(xs)
	return string(spaced(unescapeHTML(b)))
}

// --- JSON ---

func (sx Syntax) jsonStatement(st Statement) string {
	var lines []string
	add := func(k, v string) { lines = append(lines, "  "+jsonString(k)+": "+v) }
	if st.Sid != "" {
		add("Sid", jsonString(st.Sid))
	}
	add("Effect", jsonString(effectOf(st)))
	add("Principal", "{"+jsonString(st.Principal[0])+": "+sx.jsonValue(st.Principal[1])+"}")
	add("Action", sx.jsonValues(st.Actions))
	add("Resource", sx.jsonValues(st.Resources))
	if len(st.Conds) > 0 {
		add("Condition", sx.jsonConditions(st.Conds))
	}
	return "{\n" + strings.Join(lines, ",\n") + "\n}"
}

func (sx Syntax) jsonConditions(cs []Cond) string {
	var ops []string
	for _, c := range cs {
		ops = append(ops, jsonString(c.Op)+": {"+jsonString(c.Key)+": "+sx.jsonValues(c.Values)+"}")
	}
	return "{" + strings.Join(ops, ", ") + "}"
}

func (sx Syntax) jsonValues(vs []string) string {
	if len(vs) == 1 {
		return sx.jsonValue(vs[0])
	}
	var parts []string
	for _, v := range vs {
		parts = append(parts, sx.jsonValue(v))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// jsonValue writes a value: an Fn::Sub object for a CloudFormation
// template, the text otherwise (Terraform interpolates a heredoc).
func (sx Syntax) jsonValue(v string) string {
	if sx.Lang == styleCFN && strings.Contains(v, "${") {
		return `{"Fn::Sub": ` + jsonString(v) + `}`
	}
	return jsonString(v)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(unescapeHTML(b))
}

// --- YAML (CloudFormation) ---

func (sx Syntax) yamlStatement(st Statement) string {
	var b strings.Builder
	first := true
	line := func(s string) {
		if first {
			b.WriteString("- " + s)
			first = false
			return
		}
		b.WriteString("\n  " + s)
	}
	if st.Sid != "" {
		line("Sid: " + yamlScalar(st.Sid))
	}
	line("Effect: " + effectOf(st))
	line("Principal:")
	line("  " + st.Principal[0] + ": " + sx.yamlValue(st.Principal[1]))
	line("Action: " + sx.yamlValues(st.Actions, "  "))
	line("Resource: " + sx.yamlValues(st.Resources, "  "))
	if len(st.Conds) > 0 {
		line("Condition:")
		for _, c := range st.Conds {
			line("  " + c.Op + ":")
			line("    " + yamlKey(c.Key) + ": " + sx.yamlValues(c.Values, "      "))
		}
	}
	return b.String()
}

// yamlValues writes one value inline, several as a block list indented by
// indent (relative to the key's line).
func (sx Syntax) yamlValues(vs []string, indent string) string {
	if len(vs) == 1 {
		return sx.yamlValue(vs[0])
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("\n" + indent + "- " + sx.yamlValue(v))
	}
	return b.String()
}

func (sx Syntax) yamlValue(v string) string {
	if sx.Lang == styleCFN && strings.Contains(v, "${") {
		return "!Sub " + jsonString(v)
	}
	return yamlScalar(v)
}

// yamlScalar writes a string plainly when YAML reads it back as the same
// string, quoted otherwise.
func yamlScalar(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":/._-", r)) {
			plain = false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "yes", "no", "on", "off", "~":
		plain = false
	}
	if plain && (s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == ':' || strings.HasSuffix(s, ":") || strings.Contains(s, ": ")) {
		plain = false
	}
	if plain {
		return s
	}
	return jsonString(s)
}

func yamlKey(k string) string { return yamlScalar(k) }

// --- HCL (Terraform) ---

func (sx Syntax) hclObjectStatement(st Statement) string {
	type kv struct{ k, v string }
	var kvs []kv
	if st.Sid != "" {
		kvs = append(kvs, kv{"Sid", hclString(st.Sid)})
	}
	kvs = append(kvs, kv{"Effect", hclString(effectOf(st))})
	kvs = append(kvs, kv{"Principal", "{ " + st.Principal[0] + " = " + sx.hclValue(st.Principal[1]) + " }"})
	kvs = append(kvs, kv{"Action", sx.hclValues(st.Actions)})
	kvs = append(kvs, kv{"Resource", sx.hclValues(st.Resources)})
	if len(st.Conds) > 0 {
		var ops []string
		for _, c := range st.Conds {
			ops = append(ops, c.Op+" = { "+hclKey(c.Key)+" = "+sx.hclValues(c.Values)+" }")
		}
		kvs = append(kvs, kv{"Condition", "{ " + strings.Join(ops, ", ") + " }"})
	}
	width := 0
	for _, x := range kvs {
		width = max(width, len(x.k))
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, x := range kvs {
		b.WriteString("  " + x.k + strings.Repeat(" ", width-len(x.k)) + " = " + x.v + "\n")
	}
	b.WriteString("}")
	return b.String()
}

func (sx Syntax) blockStatement(st Statement) string {
	var b strings.Builder
	b.WriteString("statement {\n")
	if st.Sid != "" {
		b.WriteString("  sid       = " + hclString(st.Sid) + "\n")
	}
	b.WriteString("  effect    = " + hclString(effectOf(st)) + "\n")
	b.WriteString("  actions   = " + sx.hclList(st.Actions) + "\n")
	b.WriteString("  resources = " + sx.hclList(st.Resources) + "\n")
	b.WriteString("\n  principals {\n    type        = " + hclString(st.Principal[0]) + "\n    identifiers = " + sx.hclList([]string{st.Principal[1]}) + "\n  }\n")
	for _, c := range st.Conds {
		b.WriteString("\n  condition {\n    test     = " + hclString(c.Op) + "\n    variable = " + hclString(c.Key) + "\n    values   = " + sx.hclList(c.Values) + "\n  }\n")
	}
	b.WriteString("}")
	return b.String()
}

func (sx Syntax) hclValues(vs []string) string {
	if len(vs) == 1 {
		return sx.hclValue(vs[0])
	}
	return sx.hclList(vs)
}

func (sx Syntax) hclList(vs []string) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, sx.hclValue(v))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// hclValue writes a value as an HCL expression: a lone interpolation
// "${x.y}" is the bare reference x.y.
func (sx Syntax) hclValue(v string) string {
	if sx.Lang == styleTerraform && strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && strings.Count(v, "${") == 1 && strings.Count(v, "}") == 1 {
		return v[2 : len(v)-1]
	}
	if sx.Lang != styleTerraform {
		// A literal: escape what HCL would interpolate.
		v = strings.ReplaceAll(v, "${", "$${")
		v = strings.ReplaceAll(v, "%{", "%%{")
	}
	return hclString(v)
}

// hclString quotes a string for HCL; interpolations stay as written.
func hclString(s string) string {
	return `"` + hclEscaper.Replace(s) + `"`
}

// hclEscaper escapes a string for hclString (a Replacer is safe for
// concurrent use; building one per string was a good part of what a
// check allocates).
var hclEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)

// hclKey writes an object key: bare when it is an identifier.
func hclKey(k string) string {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-')) {
			return hclString(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

func effectOf(st Statement) string {
	if st.Effect == "" {
		return "Allow"
	}
	return st.Effect
}
