package emulate

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// botocoreModel finds the CloudFront 2020-05-31 model that ships with the
// aws CLI (botocore). Under CI=true a missing one is a failure.
func botocoreModel(t *testing.T) string {
	t.Helper()
	var dirs []string
	out, err := exec.Command("python3", "-c", "import botocore, os; print(os.path.dirname(botocore.__file__))").Output()
	if err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	// Debian's awscli package (CLI v2) installs botocore for the system
	// Python, or inside awscli.
	dirs = append(dirs, "/usr/lib/python3/dist-packages/botocore", "/usr/lib/python3/dist-packages/awscli/botocore")
	for _, d := range dirs {
		p := filepath.Join(d, "data", "cloudfront", "2020-05-31", "service-2.json.gz")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("botocore's CloudFront model not found in %v (the aws CLI installs it)", dirs)
	}
	t.Skip("botocore (the aws CLI's library) is not installed")
	return ""
}

type modelShape struct {
	Type     string   `json:"type"`
	Required []string `json:"required"`
	Enum     []string `json:"enum"`
	Members  map[string]struct {
		Shape string `json:"shape"`
	} `json:"members"`
	Member struct {
		Shape        string `json:"shape"`
		LocationName string `json:"locationName"`
	} `json:"member"`
}

// TestSchemaMatchesBotocore holds schema.txt to the published API model:
// every shape, member, requiredness, list element name and enum value it
// names exists there, members in the model's order. (The model may have
// more: newer members are kept as unknown elements.)
func TestSchemaMatchesBotocore(t *testing.T) {
	path := botocoreModel(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]modelShape `json:"shapes"`
	}
	if err := json.NewDecoder(zr).Decode(&model); err != nil {
		t.Fatal(err)
	}
	// Member order is the order of the keys in the JSON object.
	raw := memberOrder(t, path)

	sc, err := parseSchema(schemaText)
	if err != nil {
		t.Fatal(err)
	}
	typeName := func(name string) string {
		ms, ok := model.Shapes[name]
		if !ok {
			return "?" + name
		}
		if ms.Type == "structure" || ms.Type == "list" || len(ms.Enum) > 0 {
			return name
		}
		return ms.Type
	}
	for name, sh := range sc {
		ms, ok := model.Shapes[name]
		if !ok {
			t.Errorf("%s: not in the model", name)
			continue
		}
		switch sh.kind {
		case kStruct:
			if ms.Type != "structure" {
				t.Errorf("%s: a %s in the model", name, ms.Type)
				continue
			}
			last := -1
			for _, m := range sh.members {
				mm, ok := ms.Members[m.name]
				if !ok {
					t.Errorf("%s.%s: not in the model", name, m.name)
					continue
				}
				if got := typeName(mm.Shape); got != m.shape.name {
					t.Errorf("%s.%s: type %s in the model, %s here", name, m.name, got, m.shape.name)
				}
				if slices.Contains(ms.Required, m.name) != m.required {
					t.Errorf("%s.%s: required is %v in the model", name, m.name, !m.required)
				}
				at := slices.Index(raw[name], m.name)
				if at < last {
					t.Errorf("%s.%s: out of the model's order", name, m.name)
				}
				last = at
			}
		case kList:
			el := ms.Member.LocationName
			if el == "" {
				el = "member"
			}
			if ms.Type != "list" || el != sh.elemName || typeName(ms.Member.Shape) != sh.elem.name {
				t.Errorf("%s: list of <%s> %s in the model", name, el, typeName(ms.Member.Shape))
			}
		case kEnum:
			for _, v := range sh.enum {
				if !slices.Contains(ms.Enum, v) {
					t.Errorf("%s: value %q not in the model", name, v)
				}
			}
		}
	}
	// Every request root the emulator reads is described.
	for _, root := range []string{"DistributionConfig", "DistributionConfigWithTags", "OriginAccessControlConfig",
		"CloudFrontOriginAccessIdentityConfig", "CachePolicyConfig", "OriginRequestPolicyConfig",
		"ResponseHeadersPolicyConfig", "InvalidationBatch", "Tags", "TagKeys"} {
		if sc[root] == nil {
			t.Errorf("schema.txt lacks %s", root)
		}
	}
}

// memberOrder reads each structure's member names in file order.
func memberOrder(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var top struct {
		Shapes map[string]json.RawMessage `json:"shapes"`
	}
	if err := json.NewDecoder(zr).Decode(&top); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, rawShape := range top.Shapes {
		var s struct {
			Members json.RawMessage `json:"members"`
		}
		if json.Unmarshal(rawShape, &s) != nil || s.Members == nil {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(string(s.Members)))
		dec.Token() // {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			out[name] = append(out[name], tok.(string))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				break
			}
		}
	}
	return out
}
