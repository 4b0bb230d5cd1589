package edit_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tool returns the path of an installed program; without it the test
// is skipped, unless CI is set (CI installs it).
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// fmtCheck runs `terraform fmt -check` on Terraform files.
func fmtCheck(t *testing.T, files []string) {
	t.Helper()
	var tf []string
	for _, f := range files {
		if strings.HasSuffix(f, ".tf") {
			tf = append(tf, f)
		}
	}
	if len(tf) == 0 {
		return
	}
	bin := tool(t, "terraform")
	for _, f := range tf {
		out, err := exec.Command(bin, "fmt", "-check", "-diff", f).CombinedOutput()
		if err != nil {
			t.Errorf("terraform fmt -check %s: %v\n%s", filepath.Base(f), err, out)
		}
	}
}

// cfnLint runs cfn-lint on templates and fails on its errors (E rules).
func cfnLint(t *testing.T, files []string) {
	t.Helper()
	var tpl []string
	for _, f := range files {
		if strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml") || strings.HasSuffix(f, ".json") {
			tpl = append(tpl, f)
		}
	}
	if len(tpl) == 0 {
		return
	}
	bin := tool(t, "cfn-lint")
	out, err := exec.Command(bin, append([]string{"--format", "parseable", "--"}, tpl...)...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("cfn-lint: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, ":E") {
			t.Errorf("cfn-lint: %s", l)
		}
	}
}
