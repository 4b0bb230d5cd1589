package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestServeScript runs testdata/serve: `s3front serve` driven by the aws
// CLI (v1). Each script gets a free 127.0.0.1 port ($PORT, $ENDPOINT) and
// dummy credentials. Under CI=true a missing aws CLI is a failure.
func TestServeScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/serve",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			env.Setenv("PORT", fmt.Sprint(port))
			env.Setenv("ENDPOINT", fmt.Sprintf("http://127.0.0.1:%d", port))
			for k, v := range map[string]string{
				"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
				"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
				"AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "",
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond != "aws" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			if _, err := exec.LookPath("aws"); err != nil {
				if os.Getenv("CI") == "true" {
					return false, fmt.Errorf("the aws CLI is required under CI=true (.ci/run installs it): %v", err)
				}
				return false, nil
			}
			return true, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// waitport HOST:PORT waits (10 s at most) until it accepts connections.
			"waitport": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: waitport HOST:PORT")
				}
				deadline := time.Now().Add(10 * time.Second)
				for {
					c, err := net.DialTimeout("tcp", args[0], time.Second)
					if err == nil {
						c.Close()
						return
					}
					if time.Now().After(deadline) {
						ts.Fatalf("nothing listens on %s: %v", args[0], err)
					}
					time.Sleep(50 * time.Millisecond)
				}
			},
			// capture NAME sets $NAME to the last command's stdout, trimmed.
			"capture": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: capture NAME")
				}
				ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
			},
			// expand FILE replaces $NAME in FILE by the variables' values.
			"expand": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: expand FILE")
				}
				data := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
				if err := os.WriteFile(ts.MkAbs(args[0]), []byte(data), 0o644); err != nil {
					ts.Fatalf("%v", err)
				}
			},
		},
	})
}
