package configrule_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const template = "../../deploy/lambda/template.yaml"

// TestTemplateLint runs cfn-lint on the SAM template (under CI=true a
// missing cfn-lint is a failure).
func TestTemplateLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cfn-lint is not installed (CI=true: .ci/run must install it): %v", err)
		}
		t.Skipf("cfn-lint is not installed: %v", err)
	}
	out, err := exec.Command(bin, template).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint %s: %v\n%s", template, err, out)
	}
}

// TestTemplatePermissions holds the function's policy to the live
// reader's least-privilege policy (docs/aws-permissions.json, less
// sts:AssumeRole: the function reads its own account) plus
// config:PutEvaluations.
func TestTemplatePermissions(t *testing.T) {
	var doc struct {
		Statement []struct {
			Action any `json:"Action"`
		} `json:"Statement"`
	}
	b, err := os.ReadFile("../../docs/aws-permissions.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"config:PutEvaluations": true}
	for _, st := range doc.Statement {
		for _, a := range actions(st.Action) {
			if a != "sts:AssumeRole" {
				want[a] = true
			}
		}
	}
	var tpl struct {
		Resources map[string]struct {
			Properties struct {
				Policies []struct {
					Statement []struct {
						Action any `yaml:"Action"`
					} `yaml:"Statement"`
				} `yaml:"Policies"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	b, err = os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range tpl.Resources["Function"].Properties.Policies {
		for _, st := range p.Statement {
			for _, a := range actions(st.Action) {
				got[a] = true
			}
		}
	}
	if diff := setDiff(want, got) + setDiff(got, want); diff != "" {
		t.Errorf("template policy differs from docs/aws-permissions.json + config:PutEvaluations:%s", diff)
	}
}

func actions(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func setDiff(a, b map[string]bool) string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	return "\n  only in one: " + strings.Join(out, ", ")
}
