package modsrc

import "testing"

// TestSelectVersion holds constraint resolution to Terraform's documented
// semantics (Version Constraints, and "Module Versions" in the module
// block documentation): the newest version that meets every comma-
// separated condition; ~> allows only the rightmost version component to
// grow; a pre-release is selected only by an exact constraint naming it
// (no operator, or =), never by a range.
func TestSelectVersion(t *testing.T) {
	avail := []string{"0.9.0", "1.0.0", "1.2.0", "1.2.3", "1.3.0-beta1", "2.0.0", "2.1.0-rc1", "v2.0.1-alpha", "latest"}
	cases := []struct {
		constraint    string
		match, newest string
	}{
		{"", "2.0.0", "2.0.0"},
		{"1.2.0", "1.2.0", "2.0.0"},
		{"= 1.2.0", "1.2.0", "2.0.0"},
		{"=1.0.0", "1.0.0", "2.0.0"},
		{"!= 2.0.0", "1.2.3", "2.0.0"},
		{"~> 1.2", "1.2.3", "2.0.0"},
		{"~> 1.2.0", "1.2.3", "2.0.0"},
		{"~> 1.0", "1.2.3", "2.0.0"},
		{"~> 0.9", "0.9.0", "2.0.0"},
		{">= 1.0, < 2.0", "1.2.3", "2.0.0"},
		{">= 1.0.0, < 1.2.3", "1.2.0", "2.0.0"},
		{"> 2.0.0", "", "2.0.0"},
		{"< 1.0.0", "0.9.0", "2.0.0"},
		{"<= 1.2.3", "1.2.3", "2.0.0"},
		{"3.0.0", "", "2.0.0"},
		// Pre-releases: only when named exactly.
		{"2.1.0-rc1", "2.1.0-rc1", "2.1.0-rc1"},
		{"=2.1.0-rc1", "2.1.0-rc1", "2.1.0-rc1"},
		// Terraform reads the constraint a second time with
		// apparentlymart/go-versions, which refuses a space after the
		// operator: "= 2.1.0-rc1" selects nothing (terraform 1.11 agrees).
		{"= 2.1.0-rc1", "", "2.0.0"},
		{">= 2.1.0-rc1", "", "2.0.0"},
		{"~> 2.1.0-rc1", "", "2.0.0"},
		{"> 1.2.3", "2.0.0", "2.0.0"},
		{"1.3.0-beta1", "1.3.0-beta1", "2.0.0"},
		{"2.0.1-alpha", "2.0.1-alpha", "2.0.1-alpha"},
	}
	for _, c := range cases {
		con, err := ParseConstraint(c.constraint)
		if err != nil {
			t.Errorf("ParseConstraint(%q): %v", c.constraint, err)
			continue
		}
		match, newest := SelectVersion(avail, con)
		if match != c.match || newest != c.newest {
			t.Errorf("SelectVersion(%q) = %q (newest %q), want %q (newest %q)", c.constraint, match, newest, c.match, c.newest)
		}
	}
}

func TestParseConstraintErrors(t *testing.T) {
	for _, s := range []string{"abc", ">> 1.0", "1.0,", "~> ", "latest"} {
		if _, err := ParseConstraint(s); err == nil {
			t.Errorf("ParseConstraint(%q): no error", s)
		}
	}
}
