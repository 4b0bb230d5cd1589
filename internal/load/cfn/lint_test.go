package cfn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/source"
)

// lintFinding is one entry of cfn-lint --format json.
type lintFinding struct {
	Filename string
	Level    string
	Rule     struct{ Id string }
	Message  string
	Location struct {
		Start struct{ LineNumber, ColumnNumber int }
	}
}

// cfnLint runs cfn-lint on files and returns its findings by file. The
// test is skipped when cfn-lint is not installed, unless CI is set.
func cfnLint(t *testing.T, files []string) map[string][]lintFinding {
	t.Helper()
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("cfn-lint is not installed (pip install cfn-lint)")
		}
		t.Skip("cfn-lint is not installed")
	}
	args := append([]string{"--format", "json", "--"}, files...)
	out, err := exec.Command(bin, args...).Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("cfn-lint: %v", err)
	}
	var fs []lintFinding
	if err := json.Unmarshal(out, &fs); err != nil {
		t.Fatalf("cfn-lint output: %v\n%s", err, out)
	}
	by := map[string][]lintFinding{}
	for _, f := range fs {
		by[filepath.Clean(f.Filename)] = append(by[filepath.Clean(f.Filename)], f)
	}
	return by
}

func lintErrors(fs []lintFinding) []string {
	var out []string
	for _, f := range fs {
		if f.Level == "Error" {
			out = append(out, f.Rule.Id+" "+f.Message)
		}
	}
	return out
}

// TestLintValid runs cfn-lint on every template meant to be valid: cfn-lint
// must accept each (warnings allowed), and so must the loader.
func TestLintValid(t *testing.T) {
	files := validTemplates(t)
	// Nested templates are linted too.
	nested, _ := filepath.Glob(filepath.Join(repoRoot, "testdata/corpus/cfn-*/stacks/*.yaml"))
	files = append(files, nested...)
	lint := cfnLint(t, files)
	for _, f := range files {
		if errs := lintErrors(lint[filepath.Clean(f)]); len(errs) > 0 {
			t.Errorf("cfn-lint rejects %s: %s", f, strings.Join(errs, "; "))
		}
		if _, err := loadFile(t, f, cfn.Options{}); err != nil {
			t.Errorf("cfn-lint accepts %s but the loader does not: %v", f, err)
		}
	}
}

// deployTimeErrors are error cases cfn-lint accepts because it does not
// evaluate them; CloudFormation rejects them when the stack is created
// (or, for suppressions, they break our own metadata schema).
var deployTimeErrors = map[string]string{
	"nested-cycle.yaml":    "a nested stack that includes itself never finishes creating",
	"bad-suppression.yaml": "Metadata.s3front is s3front's schema, not CloudFormation's",
}

// TestErrors loads every template of testdata/errors: each must fail with a
// positioned *source.Error whose text is in the .err file next to it
// (go test -update rewrites them); cfn-lint must reject each too, except
// the deploy-time errors above, and when cfn-lint reports a syntax error
// (E0000) the loader's error must be on the same line.
func TestErrors(t *testing.T) {
	var files []string
	for _, p := range []string{"testdata/errors/*.yaml", "testdata/errors/*.json"} {
		m, _ := filepath.Glob(p)
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) < 15 {
		t.Fatalf("found %d error cases", len(files))
	}
	var lint map[string][]lintFinding
	if _, err := exec.LookPath("cfn-lint"); err == nil || os.Getenv("CI") != "" {
		lint = cfnLint(t, files)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			_, err := cfn.Load(t.Context(), os.DirFS("testdata/errors"), name, cfn.Options{})
			if err == nil {
				t.Fatal("loaded without error")
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if se.Pos.File == "" || se.Pos.Line == 0 || se.Pos.Col == 0 {
				t.Errorf("error is not positioned file:line:col: %v", err)
			}
			golden := strings.TrimSuffix(f, filepath.Ext(f)) + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, rerr := os.ReadFile(golden); rerr != nil {
				t.Errorf("%v (run go test -update)", rerr)
			} else if got := err.Error() + "\n"; got != string(want) {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
			if lint == nil {
				return
			}
			errs := lintErrors(lint[filepath.Clean(f)])
			if why, ok := deployTimeErrors[name]; ok {
				if len(errs) > 0 {
					t.Errorf("cfn-lint now rejects %s (%s); remove it from deployTimeErrors (%s)", name, strings.Join(errs, "; "), why)
				}
				return
			}
			if len(errs) == 0 {
				t.Errorf("cfn-lint accepts %s, but the loader rejects it: %v", name, err)
			}
			var syntaxLines []int
			for _, lf := range lint[filepath.Clean(f)] {
				if lf.Rule.Id == "E0000" {
					syntaxLines = append(syntaxLines, lf.Location.Start.LineNumber)
				}
			}
			if len(syntaxLines) > 0 && !slices.Contains(syntaxLines, se.Pos.Line) {
				t.Errorf("cfn-lint puts the syntax error on line %v, the loader on line %d", syntaxLines, se.Pos.Line)
			}
		})
	}
}

// TestLintMutants mutates the valid templates at random (fixed seed):
// every mutant cfn-lint accepts must load. It takes about a minute of
// cfn-lint time, so it runs only with S3FRONT_LINT_MUTANTS=<count>:
//
//	S3FRONT_LINT_MUTANTS=1000 go test ./internal/load/cfn -run TestLintMutants
func TestLintMutants(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("S3FRONT_LINT_MUTANTS"))
	if n <= 0 {
		t.Skip("set S3FRONT_LINT_MUTANTS to the number of mutants to try")
	}
	var sources []string
	for _, f := range validTemplates(t) {
		if strings.HasSuffix(f, ".yaml") && !strings.Contains(f, "nested") {
			sources = append(sources, f)
		}
	}
	values := []string{"true", `"x"`, "[]", "{}", "!Ref AWS::NoValue", "!Ref AWS::Region", "42", "!GetAtt Foo.Bar", `""`,
		"!If [Nope, a, b]", "!Select [5, [a]]", `!Split [",", "a,b"]`, `!Join ["", []]`, "!Base64 abc", `!Sub "${AWS::AccountId}"`,
		"null", `!Cidr ["10.0.0.0/16", 2, 8]`, `!GetAZs ""`, "!FindInMap [M, a, b]", "!ImportValue x", "!Equals [a, b]",
		"[!Ref AWS::NoValue]", `{"Ref": {"Fn::Base64": "abc"}}`}
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	var files []string
	for i := range n {
		data, err := os.ReadFile(sources[i%len(sources)])
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for range 1 + rng.IntN(2) {
			j := rng.IntN(len(lines))
			switch rng.IntN(5) {
			case 0:
				lines = append(lines[:j], lines[j+1:]...)
			case 1:
				lines = append(lines[:j+1], lines[j:]...)
			default:
				if k, _, ok := strings.Cut(lines[j], ": "); ok {
					lines[j] = k + ": " + values[rng.IntN(len(values))]
				}
			}
		}
		f := filepath.Join(dir, fmt.Sprintf("m%04d.yaml", i))
		if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	lint := cfnLint(t, files)
	accepted := 0
	for _, f := range files {
		if len(lintErrors(lint[filepath.Clean(f)])) > 0 {
			continue
		}
		accepted++
		_, err := loadFile(t, f, cfn.Options{})
		var se *source.Error
		// Metadata.s3front is our schema, which cfn-lint does not check.
		if err != nil && !(errors.As(err, &se) && (strings.Contains(se.Msg, "suppression") || strings.Contains(se.Msg, "s3front"))) {
			data, _ := os.ReadFile(f)
			t.Errorf("cfn-lint accepts %s but the loader does not: %v\n%s", filepath.Base(f), err, data)
		}
	}
	t.Logf("%d of %d mutants accepted by cfn-lint", accepted, len(files))
}
