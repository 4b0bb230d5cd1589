package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Override files (override.tf, *_override.tf) are merged into the blocks
// of the other files of their module, as Terraform merges them: each
// top-level block of an override file changes the block of the same type
// and labels; its arguments replace those of the original, its nested
// blocks replace all original nested blocks of the same type (a dynamic
// block counts as the type it generates; lifecycle is merged argument by
// argument); locals are replaced value by value. Files are applied in
// lexical order, blocks in order within a file. The merge works on the
// syntax trees, before anything is decoded, so positions point at the
// file that wrote each argument.

// applyOverrides merges the override files into the primary ones. Only
// native syntax is merged; a JSON override file, or a block whose
// original is in a JSON file, is reported unresolved.
func (l *loader) applyOverrides(primary, overrides []*parsedFile) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var bodies []*hclsyntax.Body
	jsonFiles := map[string]bool{}
	for _, pf := range primary {
		if pf.file == nil {
			continue
		}
		if sb, ok := pf.file.Body.(*hclsyntax.Body); ok {
			bodies = append(bodies, sb)
		} else {
			jsonFiles[pf.name] = true
		}
	}
	for _, of := range overrides {
		if of.readErr != nil || of.file == nil {
			continue
		}
		ob, ok := of.file.Body.(*hclsyntax.Body)
		if !ok {
			l.unresolved(hcl.Range{Filename: l.display(of.name), Start: hcl.Pos{Line: 1, Column: 1}}, "override file "+l.display(of.name),
				"override files in JSON syntax are not merged by s3front; the blocks they change are read as the other files declare them")
			continue
		}
		for _, b := range ob.Blocks {
			diags = append(diags, l.overrideBlock(bodies, jsonFiles, b)...)
		}
	}
	return diags
}

func (l *loader) overrideBlock(bodies []*hclsyntax.Body, jsonFiles map[string]bool, ob *hclsyntax.Block) hcl.Diagnostics {
	switch ob.Type {
	case "terraform", "moved", "import", "removed":
		// Settings s3front does not read; moved, import and removed
		// blocks have no original to merge into.
		return nil
	case "locals":
		var diags hcl.Diagnostics
		for _, a := range sortedSyntaxAttrs(ob.Body.Attributes) {
			found := false
			for _, body := range bodies {
				for _, b := range body.Blocks {
					if b.Type != "locals" {
						continue
					}
					if _, ok := b.Body.Attributes[a.Name]; ok {
						b.Body.Attributes[a.Name] = a
						found = true
					}
				}
			}
			if !found {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError,
					Summary: "missing base local value " + strconvQuote(a.Name) + " to override",
					Detail:  "hint: an override file can only change a local value another file of the module defines",
					Subject: a.NameRange.Ptr()})
			}
		}
		return diags
	}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if sameHeader(b, ob) {
				b.Body = mergeBody(b.Body, ob.Body, b.Type == "resource" || b.Type == "data")
				return nil
			}
		}
	}
	if len(jsonFiles) > 0 {
		l.unresolved(ob.DefRange(), "override of "+ob.Type+" "+labelsText(ob.Labels),
			"its original is not in a native syntax file s3front merges into (JSON syntax), so it is read as the other files declare it")
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError,
		Summary: "missing base " + ob.Type + " " + labelsText(ob.Labels) + " to override",
		Detail:  "hint: an override file can only change a block another file of the module defines (Terraform refuses this too)",
		Subject: ob.DefRange().Ptr()}}
}

// sameHeader reports whether two top-level blocks are the same object:
// same type and labels, and for providers the same alias.
func sameHeader(a, b *hclsyntax.Block) bool {
	if a.Type != b.Type || len(a.Labels) != len(b.Labels) {
		return false
	}
	for i := range a.Labels {
		if a.Labels[i] != b.Labels[i] {
			return false
		}
	}
	if a.Type == "provider" {
		return literalAlias(a.Body) == literalAlias(b.Body)
	}
	return true
}

func literalAlias(b *hclsyntax.Body) string {
	a, ok := b.Attributes["alias"]
	if !ok {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return ""
	}
	if s, ok := strVal(v); ok {
		return s
	}
	return ""
}

// nestedType is the block type a nested block stands for: dynamic "x"
// generates x blocks.
func nestedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

// mergeBody returns base with over merged in (see the package comment);
// lifecycle blocks of resources merge argument by argument.
func mergeBody(base, over *hclsyntax.Body, isResource bool) *hclsyntax.Body {
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: base.SrcRange, EndRange: base.EndRange}
	for k, a := range base.Attributes {
		out.Attributes[k] = a
	}
	for k, a := range over.Attributes {
		out.Attributes[k] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[nestedType(b)] = true
	}
	var baseLifecycle *hclsyntax.Block
	for _, b := range base.Blocks {
		t := nestedType(b)
		if isResource && t == "lifecycle" && b.Type == "lifecycle" {
			baseLifecycle = b
		}
		if !replaced[t] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	for _, b := range over.Blocks {
		if isResource && b.Type == "lifecycle" && baseLifecycle != nil {
			merged := *baseLifecycle
			merged.Body = mergeBody(baseLifecycle.Body, b.Body, false)
			out.Blocks = append(out.Blocks, &merged)
			continue
		}
		out.Blocks = append(out.Blocks, b)
	}
	return out
}

func labelsText(labels []string) string {
	if len(labels) == 1 {
		return strconvQuote(labels[0])
	}
	return strings.Join(labels, ".")
}

func sortedSyntaxAttrs(attrs hclsyntax.Attributes) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].SrcRange.Start.Byte < out[j-1].SrcRange.Start.Byte; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
