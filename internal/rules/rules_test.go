package rules

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/rules from the rule documentation")

func TestValidate(t *testing.T) {
	if err := Validate(All()); err != nil {
		t.Fatal(err)
	}
}

// TestCatalogMatchesRulesMD keeps the rule set equal to RULES.md when the
// shared folder is present: IDs are contracts.
func TestCatalogMatchesRulesMD(t *testing.T) {
	data, err := os.ReadFile("../../../shared/RULES.md")
	if err != nil {
		t.Skip("../shared/RULES.md is not present")
	}
	var want []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "| `") {
			id := strings.TrimPrefix(line, "| `")
			id = id[:strings.Index(id, "`")]
			switch id {
			case "viewer-get-existing", "viewer-get-new", "viewer-put", "viewer-delete", "direct-anonymous-get":
				continue // scenario names, not rules
			}
			want = append(want, id)
		}
	}
	var got []string
	for _, r := range All() {
		got = append(got, r.ID)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rules differ from RULES.md:\n got %v\nwant %v", got, want)
	}
}

// TestEveryRuleHasFixtures requires, for every rule, a corpus case where it
// must fire (require) and one where it must not (forbid).
func TestEveryRuleHasFixtures(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/*/*/expect.json")
	if len(files) == 0 {
		t.Fatal("no corpus expectations found")
	}
	required, forbidden := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		var e struct {
			Require []struct{ Rule string } `json:"require"`
			Forbid  []string                `json:"forbid"`
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range e.Require {
			required[r.Rule] = true
		}
		for _, r := range e.Forbid {
			forbidden[r] = true
		}
	}
	for _, r := range All() {
		if !required[r.ID] {
			t.Errorf("rule %s has no failing fixture (no expect.json requires it)", r.ID)
		}
		if !forbidden[r.ID] {
			t.Errorf("rule %s has no passing fixture (no expect.json forbids it)", r.ID)
		}
	}
}

// TestDocs keeps docs/rules (generated from each rule's documentation) in
// sync: regenerate with go generate ./internal/rules (or -update here).
func TestDocs(t *testing.T) {
	dir := "../../docs/rules"
	want := Pages(All())
	for name, content := range want {
		path := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("%s is out of date; run go generate ./internal/rules", path)
		}
	}
	// No page for a rule that no longer exists.
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range files {
		if _, ok := want[filepath.Base(f)]; !ok {
			t.Errorf("%s documents no rule; remove it (go generate ./internal/rules does)", f)
		}
	}
}
