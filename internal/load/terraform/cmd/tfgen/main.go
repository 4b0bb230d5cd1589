// Command tfgen writes the generated Terraform configurations of the
// benchmarks (BENCHMARKS.md): one root module with n sites, or a repository
// of n root modules (envs/siteNNNN) with one site each (-shared: each
// calling one shared site module), with a .git directory so that it is a
// repository.
//
//	go run ./internal/load/terraform/cmd/tfgen -sites 1000 /tmp/sites1000
//	go run ./internal/load/terraform/cmd/tfgen -roots 1000 /tmp/roots1000
//	go run ./internal/load/terraform/cmd/tfgen -roots 1000 -shared /tmp/mono1000
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/s3front/s3front/internal/load/terraform/tfgen"
)

func main() {
	sites := flag.Int("sites", 0, "one root module with this many sites")
	roots := flag.Int("roots", 0, "a repository of this many root modules, one site each")
	shared := flag.Bool("shared", false, "with -roots: each root calls one shared site module (../../modules/site)")
	flag.Parse()
	if flag.NArg() != 1 || (*sites > 0) == (*roots > 0) {
		fmt.Fprintln(os.Stderr, "usage: tfgen -sites N | -roots N [-shared] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	files := tfgen.Sites(*sites)
	if *roots > 0 {
		files = tfgen.Roots(*roots)
		if *shared {
			files = tfgen.Monorepo(*roots)
		}
		files[".git/HEAD"] = "ref: refs/heads/main\n"
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		if err == nil {
			err = os.WriteFile(p, []byte(text), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
