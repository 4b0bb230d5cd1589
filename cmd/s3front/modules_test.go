package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

// registries are the module registries the running scripts started.
var registries sync.Map // *testscript.TestScript → *modtest.Registry

// cmdModRegistry: "modregistry start DIR [TOKEN]" serves the modules laid
// out in DIR (namespace/name/provider/version/) as a Terraform registry
// on 127.0.0.1, writes a Terraform CLI configuration whose host blocks
// point registry.terraform.io and app.terraform.io at it, and sets
// TF_CLI_CONFIG_FILE to it (TOKEN: requests must carry it).
// "modregistry stop" stops it.
func cmdModRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: modregistry start DIR [TOKEN] | modregistry stop")
	}
	switch args[0] {
	case "start":
		if len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: modregistry start DIR [TOKEN]")
		}
		r := modtest.NewRegistry(ts.MkAbs(args[1]), false)
		if len(args) == 3 {
			r.Token = args[2]
		}
		registries.Store(ts, r)
		ts.Defer(r.Close)
		rc := filepath.Join(ts.Getenv("WORK"), ".modregistry.tfrc")
		if err := os.WriteFile(rc, []byte(r.CLIConfig("registry.terraform.io", "app.terraform.io")), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
		ts.Setenv("TF_CLI_CONFIG_FILE", rc)
	case "stop":
		v, ok := registries.LoadAndDelete(ts)
		if !ok {
			ts.Fatalf("modregistry stop: no registry started")
		}
		v.(*modtest.Registry).Close()
	default:
		ts.Fatalf("usage: modregistry start DIR [TOKEN] | modregistry stop")
	}
}

// cmdGitRepo: "gitrepo SRC DST [TAG...]" makes a git repository at DST
// whose one commit holds the files of SRC, tagged TAG...
func cmdGitRepo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: gitrepo SRC DST [TAG...]")
	}
	if _, err := modtest.GitRepo(ts.MkAbs(args[0]), ts.MkAbs(args[1]), args[2:]...); err != nil {
		ts.Fatalf("%v", err)
	}
}

// cmdExpand: "expand FILE..." replaces @WORK@ in the files with the
// script's $WORK (for absolute file:// sources).
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expand FILE...")
	}
	for _, f := range args {
		p := ts.MkAbs(f)
		data, err := os.ReadFile(p)
		if err != nil {
			ts.Fatalf("%v", err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), "@WORK@", ts.Getenv("WORK"))), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
	}
}
