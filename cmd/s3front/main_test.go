package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript cmp sections")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"s3front": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs every CLI behaviour script in testdata/script.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			// REPO lets scripts use the repository's corpus.
			env.Setenv("REPO", wd+"/../..")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// modregistry, gitrepo and expand serve remote modules
			// (modules_test.go).
			"modregistry": cmdModRegistry,
			"gitrepo":     cmdGitRepo,
			"expand":      cmdExpand,
			// bounded SECONDS MB CODE PROG ARGS... runs PROG in the script's
			// directory and requires exit status CODE, a wall time under
			// SECONDS and a peak RSS under MB; its output goes to the files
			// bounded.stdout and bounded.stderr.
			"bounded": bounded,
			// cmpjson [-drop KEY]... A B compares two JSON files as values,
			// without the members named KEY at any depth.
			"cmpjson": func(ts *testscript.TestScript, neg bool, args []string) {
				var drop []string
				for len(args) >= 2 && args[0] == "-drop" {
					drop = append(drop, args[1])
					args = args[2:]
				}
				if len(args) != 2 {
					ts.Fatalf("usage: cmpjson [-drop KEY]... A B")
				}
				var a, b any
				for i, v := range []*any{&a, &b} {
					if err := json.Unmarshal([]byte(ts.ReadFile(args[i])), v); err != nil {
						ts.Fatalf("%s: %v", args[i], err)
					}
					*v = dropKeys(*v, drop)
				}
				eq := reflect.DeepEqual(a, b)
				if eq == neg {
					ja, _ := json.MarshalIndent(a, "", " ")
					jb, _ := json.MarshalIndent(b, "", " ")
					ts.Logf("%s:\n%s\n%s:\n%s", args[0], ja, args[1], jb)
					if neg {
						ts.Fatalf("%s and %s are the same", args[0], args[1])
					}
					ts.Fatalf("%s and %s differ", args[0], args[1])
				}
			},
			// exits CODE PROG ARGS... runs PROG and requires exit status CODE;
			// its output is captured like exec's.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits CODE PROG ARGS...")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad code %q", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exits: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}

// dropKeys removes the members named in keys from every object of v.
func dropKeys(v any, keys []string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if slices.Contains(keys, k) {
				delete(x, k)
				continue
			}
			x[k] = dropKeys(e, keys)
		}
	case []any:
		for i, e := range x {
			x[i] = dropKeys(e, keys)
		}
	}
	return v
}

func bounded(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: bounded SECONDS MB CODE PROG ARGS...")
	}
	secs, err1 := strconv.ParseFloat(args[0], 64)
	mb, err2 := strconv.Atoi(args[1])
	code, err3 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil || err3 != nil {
		ts.Fatalf("bounded: bad SECONDS, MB or CODE")
	}
	// The program is looked up on the script's PATH, where testscript
	// puts s3front.
	prog := ""
	for _, d := range filepath.SplitList(ts.Getenv("PATH")) {
		if p := filepath.Join(d, args[3]); fileExists(p) {
			prog = p
			break
		}
	}
	if prog == "" {
		ts.Fatalf("bounded: %s not found on the script's PATH", args[3])
	}
	cmd := exec.Command(prog, args[4:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = append(os.Environ(), "PATH="+ts.Getenv("PATH"), "NO_COLOR=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("bounded: %v", err)
		}
		got = ee.ExitCode()
	}
	ts.Check(os.WriteFile(ts.MkAbs("bounded.stdout"), []byte(stdout.String()), 0o644))
	ts.Check(os.WriteFile(ts.MkAbs("bounded.stderr"), []byte(stderr.String()), 0o644))
	rss := 0
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int(ru.Maxrss / 1024) // KB on Linux
	}
	ts.Logf("bounded: exit %d in %s, peak RSS %d MB", got, took.Round(time.Millisecond), rss)
	if got != code {
		ts.Fatalf("exit status %d, want %d\nstderr: %s", got, code, stderr.String())
	}
	if took.Seconds() > secs {
		ts.Fatalf("took %s, more than %gs", took, secs)
	}
	if rss > mb {
		ts.Fatalf("peak RSS %d MB, more than %d MB", rss, mb)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
