// Package action holds the scripts of the GitHub Action (action.yml at
// the repository root) and the tests of the repository's CI integration
// files: the action's scripts run with a fake GITHUB_* environment, the
// pre-commit hooks' entry commands, the GoReleaser configuration.
package action

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const root = ".."

// build compiles s3front once per test binary.
var built string

func s3front(t *testing.T) string {
	t.Helper()
	if built != "" {
		return built
	}
	dir, err := os.MkdirTemp("", "s3front-action-test")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "s3front")
	// -trimpath as in install.sh, so that TestInstallFromSource reuses
	// the compiled packages.
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/s3front")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	built = bin
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}

// fakeGitHub is a runner's environment: a workspace, a temp directory and
// the files GitHub Actions reads outputs, paths and summaries from.
type fakeGitHub struct {
	workspace, temp, output, path, summary string
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	t.Helper()
	d := t.TempDir()
	g := &fakeGitHub{workspace: filepath.Join(d, "workspace"), temp: filepath.Join(d, "runner-temp"),
		output: filepath.Join(d, "output"), path: filepath.Join(d, "path"), summary: filepath.Join(d, "summary")}
	for _, dir := range []string{g.workspace, g.temp} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func (g *fakeGitHub) env(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"GITHUB_ACTIONS=true", "GITHUB_WORKSPACE=" + g.workspace, "RUNNER_TEMP=" + g.temp,
		"GITHUB_OUTPUT=" + g.output, "GITHUB_PATH=" + g.path, "GITHUB_STEP_SUMMARY=" + g.summary,
		"GITHUB_REPOSITORY=acme/site", "GITHUB_SHA=0123456789abcdef0123456789abcdef01234567", "GITHUB_REF=refs/pull/7/merge",
	}
	for _, k := range []string{"GOCACHE", "GOPATH", "GOMODCACHE", "GOFLAGS", "GOPROXY"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

func (g *fakeGitHub) outputs(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(g.output)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		out[k] = v
	}
	return out
}

func copyScenario(t *testing.T, name, dst string) {
	t.Helper()
	src := filepath.Join(root, "testdata", "scenarios", name)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if rel == "expect.json" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunScript(t *testing.T) {
	bin := s3front(t)
	for _, tt := range []struct {
		scenario, path, failOn string
		code                   string
		sarif                  bool
	}{
		{"01-oai-kms-latent-outage", "infra", "error", "1", true},
		{"02-oac-kms-correct", "infra", "error", "0", true},
		{"01-oai-kms-latent-outage", "infra", "never", "0", true},
		{"01-oai-kms-latent-outage", "no-such-dir", "error", "2", false},
	} {
		t.Run(tt.scenario+"/"+tt.path+"/"+tt.failOn, func(t *testing.T) {
			g := newFakeGitHub(t)
			copyScenario(t, tt.scenario, filepath.Join(g.workspace, "infra"))
			cmd := exec.Command("bash", "run.sh")
			cmd.Env = g.env("S3FRONT_BIN="+bin, "INPUT_PATH="+tt.path, "INPUT_FAIL_ON="+tt.failOn, "INPUT_ARGS=--no-env --color never",
				"INPUT_SARIF_FILE=results/s3front.sarif", "INPUT_SUMMARY=true")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("run.sh must exit 0 (the action's last step fails): %v\n%s", err, out)
			}
			o := g.outputs(t)
			if o["exit-code"] != tt.code {
				t.Errorf("exit-code=%s, want %s\n%s", o["exit-code"], tt.code, out)
			}
			if (o["sarif-written"] == "true") != tt.sarif {
				t.Errorf("sarif-written=%s", o["sarif-written"])
			}
			if tt.sarif {
				data, err := os.ReadFile(filepath.Join(g.workspace, o["sarif-file"]))
				if err != nil || !strings.Contains(string(data), `"version": "2.1.0"`) || !strings.Contains(string(data), `"uri": "infra/main.tf"`) {
					t.Errorf("SARIF: %v\n%.300s", err, data)
				}
				summary, err := os.ReadFile(g.summary)
				if err != nil || !strings.HasPrefix(string(summary), "## s3front") {
					t.Errorf("job summary: %v %.100s", err, summary)
				}
			}
			switch tt.code {
			case "1":
				if !strings.Contains(string(out), "::error::s3front: findings at or above --fail-on error") || !strings.Contains(string(out), "oai-sse-kms") {
					t.Errorf("log:\n%s", out)
				}
			case "2":
				if !strings.Contains(string(out), "::error::s3front could not check no-such-dir") {
					t.Errorf("log:\n%s", out)
				}
			}
		})
	}
}

// fakeRelease lays out a release as GoReleaser publishes it (an archive
// per platform named s3front_<os>_<arch>.tar.gz, checksums.txt) and a
// curl on PATH that serves it from disk and logs the URLs asked for.
func fakeRelease(t *testing.T, tamper bool) (binDir, log string) {
	t.Helper()
	d := t.TempDir()
	rel := filepath.Join(d, "release")
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	asset := "s3front_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	f, err := os.Create(filepath.Join(rel, asset))
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	script := "#!/bin/sh\necho s3front v9.9.9\n"
	for _, e := range []struct{ name, body string }{{"LICENSE", "license\n"}, {"s3front", script}} {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o755, Size: int64(len(e.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	f.Close()
	data, _ := os.ReadFile(filepath.Join(rel, asset))
	sum := sha256.Sum256(data)
	if tamper {
		sum[0] ^= 0xff
	}
	checksums := hex.EncodeToString(sum[:]) + "  " + asset + "\n" + strings.Repeat("0", 64) + "  s3front_windows_amd64.zip\n"
	if err := os.WriteFile(filepath.Join(rel, "checksums.txt"), []byte(checksums), 0o644); err != nil {
		t.Fatal(err)
	}
	binDir = filepath.Join(d, "bin")
	log = filepath.Join(d, "curl.log")
	curl := `#!/bin/sh
# fake curl: -o FILE URL, served from the release directory
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
echo "$url" >> "` + log + `"
cp "` + rel + `/$(basename "$url")" "$out" 2>/dev/null || { echo "curl: (22) 404" >&2; exit 22; }
`
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(binDir, "curl"), []byte(curl), 0o755); err != nil {
		t.Fatal(err)
	}
	return binDir, log
}

func TestInstallScript(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the action runs on Linux and macOS runners")
	}
	for _, tt := range []struct {
		version, url string
		tamper, ok   bool
	}{
		{"v9.9.9", "https://github.com/s3front/s3front/releases/download/v9.9.9/", false, true},
		{"9.9.9", "https://github.com/s3front/s3front/releases/download/v9.9.9/", false, true},
		{"latest", "https://github.com/s3front/s3front/releases/latest/download/", false, true},
		{"v9.9.9", "https://github.com/s3front/s3front/releases/download/v9.9.9/", true, false},
	} {
		t.Run(tt.version, func(t *testing.T) {
			g := newFakeGitHub(t)
			binDir, log := fakeRelease(t, tt.tamper)
			cmd := exec.Command("bash", "install.sh")
			env := g.env("INPUT_VERSION=" + tt.version)
			env[0] = "PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			installed := filepath.Join(g.temp, "s3front", "bin", "s3front")
			if !tt.ok {
				if err == nil || !strings.Contains(string(out), "does not match its checksum") {
					t.Errorf("a tampered archive was accepted: %v\n%s", err, out)
				}
				if _, err := os.Stat(installed); err == nil {
					t.Error("the tampered binary was installed")
				}
				return
			}
			if err != nil {
				t.Fatalf("install.sh: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "s3front v9.9.9") {
				t.Errorf("the installed binary did not run:\n%s", out)
			}
			urls, _ := os.ReadFile(log)
			asset := "s3front_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
			if !strings.Contains(string(urls), tt.url+asset) || !strings.Contains(string(urls), tt.url+"checksums.txt") {
				t.Errorf("asked for:\n%s\nwant %s%s and checksums.txt", urls, tt.url, asset)
			}
			p, _ := os.ReadFile(g.path)
			if strings.TrimSpace(string(p)) != filepath.Dir(installed) {
				t.Errorf("GITHUB_PATH = %q", p)
			}
		})
	}
}

func TestInstallFromSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds s3front")
	}
	g := newFakeGitHub(t)
	abs, _ := filepath.Abs(root)
	cmd := exec.Command("bash", "install.sh")
	cmd.Env = g.env("INPUT_VERSION=source", "GITHUB_ACTION_PATH="+abs)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^s3front `).Match(out) {
		t.Errorf("no version printed:\n%s", out)
	}
}

// TestActionYAML keeps action.yml consistent: every input it uses is
// declared, every script it runs exists, outputs come from the check step.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Name    string
		Inputs  map[string]struct{ Description, Default string }
		Outputs map[string]struct{ Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID, Uses, Run, Shell, If string
				Env                      map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Name == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: %+v", a)
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(data), -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses undeclared input %s", m[1])
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	for _, s := range a.Runs.Steps {
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %q has no shell (composite actions need one)", s.Run)
		}
		for _, m := range regexp.MustCompile(`\$GITHUB_ACTION_PATH/([\w./-]+)`).FindAllStringSubmatch(s.Run, -1) {
			if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
				t.Errorf("step runs %s: %v", m[1], err)
			}
		}
	}
	for name, o := range a.Outputs {
		if !strings.Contains(o.Value, "steps.check.outputs.") {
			t.Errorf("output %s does not come from the check step", name)
		}
	}
	// The scripts read what the workflow passes.
	run, _ := os.ReadFile("run.sh")
	for _, v := range []string{"INPUT_PATH", "INPUT_FAIL_ON", "INPUT_ARGS", "INPUT_SARIF_FILE", "INPUT_SUMMARY"} {
		if !strings.Contains(string(run), v) {
			t.Errorf("run.sh ignores %s", v)
		}
	}
}

// TestPreCommitHooks runs each hook's entry as pre-commit would (no file
// names, in the repository root) on a failing and a passing scenario.
func TestPreCommitHooks(t *testing.T) {
	bin := s3front(t)
	data, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) == 0 {
		t.Fatal("no hooks")
	}
	for _, h := range hooks {
		if h.ID == "" || h.Name == "" || h.Entry == "" || (h.Language != "golang" && h.Language != "system") {
			t.Errorf("hook %+v", h)
		}
		if h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %s passes file names; a path spans several files", h.ID)
		}
		re, err := regexp.Compile(h.Files)
		if err != nil {
			t.Fatalf("hook %s: files: %v", h.ID, err)
		}
		for name, want := range map[string]bool{"main.tf": true, "infra/prod.tfvars": true, "template.yaml": true, "cdk.out/x.template.json": true, "README.md": false, "main.go": false} {
			if re.MatchString(name) != want {
				t.Errorf("hook %s: files matches %s: %v", h.ID, name, !want)
			}
		}
		args := strings.Fields(h.Entry)
		if args[0] != "s3front" {
			t.Fatalf("hook %s runs %s", h.ID, args[0])
		}
		for _, tt := range []struct {
			scenario string
			fail     bool
		}{{"01-oai-kms-latent-outage", true}, {"02-oac-kms-correct", false}} {
			repo := t.TempDir()
			copyScenario(t, tt.scenario, repo)
			cmd := exec.Command(bin, args[1:]...)
			cmd.Dir = repo
			out, err := cmd.Output()
			if tt.fail != (err != nil) {
				t.Errorf("hook %s on %s: %v", h.ID, tt.scenario, err)
			}
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != 1 {
				t.Errorf("hook %s on %s: exit %d\n%s", h.ID, tt.scenario, ee.ExitCode(), ee.Stderr)
			}
			if len(out) != 0 {
				t.Errorf("hook %s prints on stdout with --quiet:\n%s", h.ID, out)
			}
		}
	}
}

// TestGoReleaserConfig checks .goreleaser.yaml against what the rest of
// the repository relies on: the main package, the version variable, the
// archive names the action downloads, checksums and SBOMs.
func TestGoReleaserConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Version     int    `yaml:"version"`
		ProjectName string `yaml:"project_name"`
		Builds      []struct {
			Main    string   `yaml:"main"`
			Binary  string   `yaml:"binary"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
		Sboms []struct {
			Artifacts string `yaml:"artifacts"`
		} `yaml:"sboms"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || len(c.Builds) != 1 || len(c.Archives) != 1 {
		t.Fatalf("config: %+v", c)
	}
	b := c.Builds[0]
	if _, err := os.Stat(filepath.Join(root, b.Main, "main.go")); err != nil || b.Binary != "s3front" {
		t.Errorf("build main %s binary %s: %v", b.Main, b.Binary, err)
	}
	src, _ := os.ReadFile(filepath.Join(root, "cmd", "s3front", "version.go"))
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version=") || !strings.Contains(string(src), "var version = ") {
		t.Error("the release does not set main.version")
	}
	name := strings.NewReplacer("{{ .ProjectName }}", c.ProjectName, "{{ .Os }}", "linux", "{{ .Arch }}", "amd64").Replace(c.Archives[0].NameTemplate)
	install, _ := os.ReadFile("install.sh")
	if name != "s3front_linux_amd64" || !strings.Contains(string(install), `asset="s3front_${os}_${arch}.tar.gz"`) {
		t.Errorf("archive %s.tar.gz is not what install.sh downloads", name)
	}
	if c.Checksum.NameTemplate != "checksums.txt" || c.Checksum.Algorithm != "sha256" || !strings.Contains(string(install), "checksums.txt") {
		t.Errorf("checksum %+v", c.Checksum)
	}
	if len(c.Sboms) == 0 || c.Sboms[0].Artifacts != "archive" {
		t.Errorf("no SBOM per archive: %+v", c.Sboms)
	}
	for _, want := range []string{"linux", "darwin"} {
		if !strings.Contains(strings.Join(b.Goos, " "), want) {
			t.Errorf("no %s build (the action's runners)", want)
		}
	}
}
