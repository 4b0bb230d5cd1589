// Command modserve serves Terraform modules on 127.0.0.1 for manual runs:
// a module registry over a directory (namespace/name/provider/version/),
// plus modules whose versions are the v* tags of local git repositories
// (answered with git::file:// locations, as the public registry answers
// with git::https:// ones). It writes a Terraform CLI configuration that
// points registry.terraform.io at it, and serves until interrupted.
//
//	modserve -dir /tmp/reg -rc /tmp/tf.rc -git terraform-aws-modules/s3-bucket/aws=/path/to/terraform-aws-s3-bucket.git
//	TF_CLI_CONFIG_FILE=/tmp/tf.rc s3front check examples/complete
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

func main() {
	dir := flag.String("dir", "", "registry `directory` (namespace/name/provider/version/)")
	rc := flag.String("rc", "", "write the Terraform CLI configuration to this `file`")
	var gits repeated
	flag.Var(&gits, "git", "`ns/name/provider=GITDIR`: serve the v* tags of a git repository as versions (repeatable)")
	flag.Parse()
	if *dir == "" || *rc == "" {
		flag.Usage()
		os.Exit(2)
	}
	r := modtest.NewRegistry(*dir, false)
	for _, g := range gits {
		mod, repo, ok := strings.Cut(g, "=")
		if !ok || strings.Count(mod, "/") != 2 {
			fmt.Fprintf(os.Stderr, "modserve: -git wants ns/name/provider=GITDIR, not %q\n", g)
			os.Exit(2)
		}
		abs, _ := filepath.Abs(repo)
		out, err := exec.Command("git", "--git-dir="+abs, "tag", "--list", "v*").Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "modserve: %s: %v\n", repo, err)
			os.Exit(1)
		}
		for _, tag := range strings.Fields(string(out)) {
			v := strings.TrimPrefix(tag, "v")
			if err := os.MkdirAll(filepath.Join(*dir, mod, v), 0o755); err != nil {
				fmt.Fprintln(os.Stderr, "modserve:", err)
				os.Exit(1)
			}
			r.Locations[mod+"/"+v] = "git::file://" + abs + "?ref=" + tag
		}
	}
	if err := os.WriteFile(*rc, []byte(r.CLIConfig("registry.terraform.io")), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "modserve:", err)
		os.Exit(1)
	}
	fmt.Printf("modserve: registry at %s; TF_CLI_CONFIG_FILE=%s\n", r.ServicesURL(), *rc)
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
	r.Close()
}
