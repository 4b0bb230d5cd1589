package terraform

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
)

// consoleText renders v the way `terraform console` prints a value
// nested at the given indent (in spaces), so that a row of the parity
// table can be compared with Terraform's own text byte for byte.
//
// s3front's stand-ins for what is not known are shown as Terraform shows
// an unknown: a string holding an unresolved-input symbol (ident.Any) is
// "(known after apply)", as is any unknown value; a value marked sensitive
// is "(sensitive value)".
func consoleText(v cty.Value, indent int) string {
	var b strings.Builder
	writeConsole(&b, v, indent)
	return b.String()
}

func writeConsole(b *strings.Builder, v cty.Value, indent int) {
	if v.HasMark(sensitiveMark) {
		b.WriteString("(sensitive value)")
		return
	}
	v, _ = v.Unmark()
	if !v.IsKnown() {
		b.WriteString("(known after apply)")
		return
	}
	ty := v.Type()
	if v.IsNull() {
		writeNull(b, ty)
		return
	}
	pad := strings.Repeat(" ", indent)
	switch {
	case ty == cty.String:
		s := v.AsString()
		if !ident.Concrete(s) {
			b.WriteString("(known after apply)")
			return
		}
		if strings.Contains(s, "\n") {
			delim := "EOT"
			lines := strings.Split(s, "\n")
			for hasLine(lines, delim) {
				delim += "_"
			}
			b.WriteString("<<-" + delim + "\n")
			for _, l := range lines {
				b.WriteString(pad + l + "\n")
			}
			b.WriteString(pad + delim)
			return
		}
		b.WriteString(strconv.Quote(s))
	case ty == cty.Number:
		b.WriteString(v.AsBigFloat().Text('f', -1))
	case ty == cty.Bool:
		if v.True() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		open, close := "[", "]"
		switch {
		case ty.IsListType():
			open, close = "tolist([", "])"
		case ty.IsSetType():
			open, close = "toset([", "])"
		}
		b.WriteString(open)
		if v.LengthInt() > 0 {
			b.WriteString("\n")
			for it := v.ElementIterator(); it.Next(); {
				_, x := it.Element()
				b.WriteString(pad + "  ")
				writeConsole(b, x, indent+2)
				b.WriteString(",\n")
			}
			b.WriteString(pad)
		}
		b.WriteString(close)
	case ty.IsMapType() || ty.IsObjectType():
		open, close := "{", "}"
		if ty.IsMapType() {
			open, close = "tomap({", "})"
		}
		b.WriteString(open)
		if v.LengthInt() > 0 {
			b.WriteString("\n")
			for it := v.ElementIterator(); it.Next(); {
				k, x := it.Element()
				b.WriteString(pad + "  " + strconv.Quote(k.AsString()) + " = ")
				writeConsole(b, x, indent+2)
				b.WriteString("\n")
			}
			b.WriteString(pad)
		}
		b.WriteString(close)
	default:
		b.WriteString("<" + ty.FriendlyName() + ">")
	}
}

func writeNull(b *strings.Builder, ty cty.Type) {
	switch {
	case ty == cty.String:
		b.WriteString("tostring(null)")
	case ty == cty.Number:
		b.WriteString("tonumber(null)")
	case ty == cty.Bool:
		b.WriteString("tobool(null)")
	case ty.IsListType():
		b.WriteString("tolist(null) /* of " + ty.ElementType().FriendlyName() + " */")
	case ty.IsSetType():
		b.WriteString("toset(null) /* of " + ty.ElementType().FriendlyName() + " */")
	case ty.IsMapType():
		b.WriteString("tomap(null) /* of " + ty.ElementType().FriendlyName() + " */")
	default:
		b.WriteString("null")
	}
}

func hasLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == s {
			return true
		}
	}
	return false
}
