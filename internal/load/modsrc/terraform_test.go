package modsrc

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

// needTool returns the path of a program the test needs: a skip on a
// developer machine without it, a failure under CI=true.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed: %v", name, err)
		}
		t.Skipf("%s not found: %v", name, err)
	}
	return p
}

// TestSelectVersionMatchesTerraform runs the real terraform init against
// a local registry and checks that every constraint selects the version
// Terraform installs (or, like Terraform, none).
func TestSelectVersionMatchesTerraform(t *testing.T) {
	tf := needTool(t, "terraform")
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg")
	avail := []string{"0.9.0", "1.0.0", "1.2.0", "1.2.3", "1.3.0-beta1", "2.0.0", "2.1.0-rc1", "2.0.1-alpha"}
	for _, v := range avail {
		d := filepath.Join(reg, "example", "mod", "aws", v)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.tf"), []byte(fmt.Sprintf("output \"v\" { value = %q }\n", v)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := modtest.NewRegistry(reg, false)
	defer r.Close()
	constraints := []string{"", "1.2.0", "= 1.2.0", "=1.0.0", "!= 2.0.0", "~> 1.2", "~> 1.2.0", "~> 1.0", "~> 0.9", ">= 1.0, < 2.0",
		"> 2.0.0", "< 1.0.0", "3.0.0", "2.1.0-rc1", "=2.1.0-rc1", "= 2.1.0-rc1", ">= 2.1.0-rc1", "~> 2.1.0-rc1", "1.3.0-beta1", "2.0.1-alpha",
		">= 1.2.0-beta, < 1.3.0", "1.3.0-beta1, >= 1.0"}
	root := filepath.Join(dir, "root")
	os.MkdirAll(root, 0o755)
	var b strings.Builder
	for i, c := range constraints {
		fmt.Fprintf(&b, "module \"m%d\" {\n  source = \"example/mod/aws\"\n", i)
		if c != "" {
			fmt.Fprintf(&b, "  version = %q\n", c)
		}
		b.WriteString("}\n")
	}
	os.WriteFile(filepath.Join(root, "main.tf"), []byte(b.String()), 0o644)
	rc := filepath.Join(dir, "tf.rc")
	os.WriteFile(rc, []byte(r.CLIConfig("registry.terraform.io")), 0o644)
	cmd := exec.Command(tf, "init", "-backend=false", "-input=false", "-no-color")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "HOME="+dir)
	out, _ := cmd.CombinedOutput() // fails for the constraints nothing matches
	data, err := os.ReadFile(filepath.Join(root, ".terraform", "modules", "modules.json"))
	if err != nil {
		t.Fatalf("terraform init wrote no modules.json: %v\n%s", err, out)
	}
	var m struct {
		Modules []struct{ Key, Version string }
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range m.Modules {
		got[e.Key] = e.Version
	}
	for i, c := range constraints {
		con, err := ParseConstraint(c)
		if err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		ours, _ := SelectVersion(avail, con)
		if theirs := got[fmt.Sprintf("m%d", i)]; ours != theirs {
			t.Errorf("constraint %q: s3front selects %q, terraform init installed %q", c, ours, theirs)
		}
	}
}
