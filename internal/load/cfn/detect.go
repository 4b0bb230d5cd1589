package cfn

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/s3front/s3front/internal/load/cfn/template"
)

// maxDetect bounds the size of a file IsTemplate parses; larger files
// (CloudFormation accepts 1 MB) are recognised by their text.
const maxDetect = 4 << 20

// IsTemplate reports whether data is a CloudFormation template: a
// document with AWSTemplateFormatVersion, or a Transform naming a SAM or
// AWS macro, or a Resources mapping whose entries have Types that look
// like AWS::Service::Resource, Custom::Name or Alexa::...; Terraform
// JSON, s3front snapshots and other YAML are not. It never fails: input
// it cannot read is not a template.
func IsTemplate(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	if len(data) > maxDetect {
		return looksLikeTemplate(data[:maxDetect])
	}
	var top map[string]any
	if template.IsJSON(data) {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), &raw); err != nil {
			return looksLikeTemplate(data)
		}
		top = map[string]any{}
		for k, v := range raw {
			switch k {
			case "AWSTemplateFormatVersion", "Transform", "Resources":
				var x any
				if json.Unmarshal(v, &x) == nil {
					top[k] = x
				}
			default:
				top[k] = nil
			}
		}
	} else {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return looksLikeTemplate(data)
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
			return false
		}
		m := doc.Content[0]
		if m.Kind != yaml.MappingNode {
			return false
		}
		top = map[string]any{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			switch k.Value {
			case "AWSTemplateFormatVersion", "Transform":
				if v.Kind == yaml.ScalarNode {
					top[k.Value] = v.Value
				} else if v.Kind == yaml.SequenceNode {
					var list []any
					for _, e := range v.Content {
						list = append(list, e.Value)
					}
					top[k.Value] = list
				}
			case "Resources":
				res := map[string]any{}
				if v.Kind == yaml.MappingNode {
					for j := 0; j+1 < len(v.Content); j += 2 {
						r := v.Content[j+1]
						if r.Kind != yaml.MappingNode {
							continue
						}
						for x := 0; x+1 < len(r.Content); x += 2 {
							if r.Content[x].Value == "Type" {
								res[v.Content[j].Value] = map[string]any{"Type": r.Content[x+1].Value}
							}
						}
					}
				}
				top[k.Value] = res
			default:
				top[k.Value] = nil
			}
		}
	}
	if _, ok := top["s3front_snapshot"]; ok {
		return false
	}
	if v, ok := top["AWSTemplateFormatVersion"].(string); ok && v != "" {
		return true
	}
	switch t := top["Transform"].(type) {
	case string:
		if strings.HasPrefix(t, "AWS::") {
			return true
		}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && strings.HasPrefix(s, "AWS::") {
				return true
			}
		}
	}
	res, ok := top["Resources"].(map[string]any)
	if !ok || len(res) == 0 {
		return false
	}
	aws := false
	for _, r := range res {
		m, ok := r.(map[string]any)
		if !ok {
			return false
		}
		typ, _ := m["Type"].(string)
		if !resourceTypeNameRE.MatchString(typ) {
			return false
		}
		// Registry types (Org::Service::Resource) are allowed beside AWS
		// and custom ones.
		aws = aws || strings.HasPrefix(typ, "AWS::") || strings.HasPrefix(typ, "Custom::") || strings.HasPrefix(typ, "Alexa::")
	}
	return aws
}

var resourceTypeNameRE = regexp.MustCompile(`^[A-Za-z0-9]+::[A-Za-z0-9_-]+(::[A-Za-z0-9_-]+)*$`)

var (
	formatVersionRE = regexp.MustCompile(`(?m)^\s*"?AWSTemplateFormatVersion"?\s*:`)
	resourcesRE     = regexp.MustCompile(`(?m)^\s*"?Resources"?\s*:`)
	resourceTypeRE  = regexp.MustCompile(`(?m)"?Type"?\s*:\s*["']?(AWS|Custom)::[A-Za-z0-9]+`)
)

// looksLikeTemplate recognises a template that does not parse, so that
// loading it reports the syntax error instead of "not a template".
func looksLikeTemplate(data []byte) bool {
	if formatVersionRE.Match(data) {
		return true
	}
	return resourcesRE.Match(data) && resourceTypeRE.Match(data)
}

var (
	transformRE     = regexp.MustCompile(`(?m)^\s*"?Transform"?\s*:\s*(\[\s*)?["']?AWS::`)
	jsonResourcesRE = regexp.MustCompile(`"Resources"\s*:\s*\{`)
	jsonTypeRE      = regexp.MustCompile(`"Type"\s*:\s*"(AWS|Custom)::[A-Za-z0-9]+`)
)

// MightBeTemplate reports whether head, the first few KB of a file, may
// be the start of a template: it names AWSTemplateFormatVersion or an AWS
// transform, or a Resources section with an AWS or custom resource type.
// It is how a directory is searched without reading every file whole;
// the caller reads the files it accepts and asks [IsTemplate].
func MightBeTemplate(head []byte) bool {
	return formatVersionRE.Match(head) || transformRE.Match(head) || looksLikeTemplate(head) ||
		(jsonResourcesRE.Match(head) && jsonTypeRE.Match(head)) // minified JSON
}
