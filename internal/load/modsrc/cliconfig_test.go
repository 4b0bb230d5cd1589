package modsrc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTFRC(t *testing.T) {
	src := `
# CLI configuration
plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"
disable_checkpoint = true
credentials "app.terraform.io" {
  token = "xxxxxx.atlasv1.zzzzzzzzzzzzz"
}
// a private registry
credentials "registry.example.com" { token = "t\"2" }
/* services
   override */
host "registry.terraform.io" {
  services = {
    "modules.v1" = "http://127.0.0.1:8080/v1/modules/",
    "providers.v1": "http://127.0.0.1:8080/v1/providers/"
  }
}
provider_installation {
  filesystem_mirror {
    path    = "/usr/share/terraform/providers"
    include = ["example.com/*/*"]
  }
  direct {
    exclude = ["example.com/*/*"]
  }
}
credentials_helper "example" { args = [] }
`
	cfg := &CLIConfig{Tokens: map[string]string{}, Services: map[string]map[string]string{}}
	if err := cfg.merge("x.tfrc", []byte(src)); err != nil {
		t.Fatal(err)
	}
	if got := cfg.Tokens["app.terraform.io"]; got != "xxxxxx.atlasv1.zzzzzzzzzzzzz" {
		t.Errorf("token app.terraform.io = %q", got)
	}
	if got := cfg.Tokens["registry.example.com"]; got != `t"2` {
		t.Errorf("token registry.example.com = %q", got)
	}
	if got := cfg.Services["registry.terraform.io"]["modules.v1"]; got != "http://127.0.0.1:8080/v1/modules/" {
		t.Errorf("modules.v1 = %q", got)
	}
	if got := cfg.Services["registry.terraform.io"]["providers.v1"]; got != "http://127.0.0.1:8080/v1/providers/" {
		t.Errorf("providers.v1 = %q", got)
	}
}

func TestParseTFRCErrors(t *testing.T) {
	for src, want := range map[string]string{
		`credentials "x" { token = "a }`:    "1:27: unterminated string",
		"credentials \"x\" {\n token = }":   "2:10: unexpected",
		`host "x" {`:                        "missing }",
		`x = <<EOF`:                         "heredoc",
		`a = "\q"`:                          "invalid escape",
		`/* open`:                           "unterminated comment",
		`}`:                                 "unexpected }",
		`credentials "x" "y"`:               "expected = or {",
		"a = " + strings.Repeat("[", 40):    "nested too deeply",
		strings.Repeat("a { ", 40) + "}":    "nested too deeply",
		`credentials "x" { token = "a" } @`: "unexpected '@'",
		`token = truthy`:                    "unexpected \"truthy\"",
	} {
		_, err := parseTFRC([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseTFRC(%q) = %v, want %q", src, err, want)
		}
	}
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCredentials follows Terraform's lookup: TF_TOKEN_<host> first, then
// the CLI configuration (~/.terraformrc, then ~/.terraform.d/*.tfrc and
// *.tfrc.json, credentials.tfrc.json among them, later files winning);
// TF_CLI_CONFIG_FILE replaces ~/.terraformrc and turns the directory off.
func TestCredentials(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".terraformrc"), `
credentials "a.example.com" { token = "from-rc" }
credentials "b.example.com" { token = "from-rc" }
credentials "c.example.com" { token = "from-rc" }
host "registry.terraform.io" { services = { "modules.v1" = "https://mirror.example.com/modules/" } }
`)
	writeFile(t, filepath.Join(home, ".terraform.d", "credentials.tfrc.json"), `{"credentials": {"b.example.com": {"token": "from-login"}, "my-registry.example.com": {"token": "dash"}}}`)
	other := filepath.Join(home, "other.tfrc")
	writeFile(t, other, `credentials "d.example.com" { token = "from-override" }`)

	cases := []struct {
		name string
		env  []string
		want map[string]string
	}{
		{"files", []string{"HOME=" + home}, map[string]string{
			"a.example.com": "from-rc", "b.example.com": "from-login", "c.example.com": "from-rc", "my-registry.example.com": "dash", "d.example.com": "",
		}},
		{"env wins", []string{"HOME=" + home, "TF_TOKEN_c_example_com=from-env", "TF_TOKEN_my__registry_example_com=env-dash", "TF_TOKEN_E_Example_COM=upper"}, map[string]string{
			"a.example.com": "from-rc", "c.example.com": "from-env", "my-registry.example.com": "env-dash", "e.example.com": "upper",
		}},
		{"override", []string{"HOME=" + home, "TF_CLI_CONFIG_FILE=" + other}, map[string]string{
			"a.example.com": "", "b.example.com": "", "d.example.com": "from-override",
		}},
		{"no env", nil, map[string]string{"a.example.com": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl, err := New(Options{CacheDir: t.TempDir(), Env: c.env})
			if err != nil {
				t.Fatal(err)
			}
			for h, want := range c.want {
				if got := cl.tokens[h]; got != want {
					t.Errorf("token for %s = %q, want %q", h, got, want)
				}
			}
		})
	}
	cl, _ := New(Options{CacheDir: t.TempDir(), Env: []string{"HOME=" + home}})
	if got := cl.svc["registry.terraform.io"]["modules.v1"]; got != "https://mirror.example.com/modules/" {
		t.Errorf("host block: modules.v1 = %q", got)
	}
}

func TestTokenEnvName(t *testing.T) {
	for host, want := range map[string]string{
		"app.terraform.io":        "TF_TOKEN_app_terraform_io",
		"my-registry.example.com": "TF_TOKEN_my__registry_example_com",
	} {
		if got := TokenEnvName(host); got != want {
			t.Errorf("TokenEnvName(%q) = %q, want %q", host, got, want)
		}
		if got := envTokens([]string{want + "=x"}); got[host] != "x" {
			t.Errorf("envTokens(%s) = %v", want, got)
		}
	}
}

func TestBadCLIConfigIsAWarning(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".terraformrc"), `credentials "x" { token = "secret-token-value }`)
	var log strings.Builder
	if _, err := New(Options{CacheDir: t.TempDir(), Env: []string{"HOME=" + home}, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), ".terraformrc:1:") || !strings.Contains(log.String(), "skipped") {
		t.Errorf("log = %q", log.String())
	}
	if strings.Contains(log.String(), "secret-token-value") {
		t.Errorf("the log shows the file's content: %q", log.String())
	}
}
