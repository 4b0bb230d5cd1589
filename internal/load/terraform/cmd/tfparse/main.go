// Command tfparse is the parse-only floor of the benchmarks: it finds the
// Terraform files under the given directories (skipping .git and
// .terraform), reads each once and parses it with HCL (one file per core,
// as the loader does), and does nothing else. s3front check cannot be
// faster than reading and parsing what it checks; BENCHMARKS.md compares
// the two.
//
//	go run ./internal/load/terraform/cmd/tfparse DIR...
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tfparse DIR...")
		os.Exit(2)
	}
	files := make(chan string, 64)
	var (
		wg              sync.WaitGroup
		nfiles, nbytes  atomic.Int64
		nblocks, nerror atomic.Int64
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range files {
				src, err := os.ReadFile(p)
				if err != nil {
					nerror.Add(1)
					continue
				}
				var f *hcl.File
				var diags hcl.Diagnostics
				if strings.HasSuffix(p, ".json") {
					f, diags = hcljson.Parse(src, p)
				} else {
					f, diags = hclsyntax.ParseConfig(src, p, hcl.InitialPos)
				}
				if diags.HasErrors() || f == nil {
					nerror.Add(1)
					continue
				}
				if b, ok := f.Body.(*hclsyntax.Body); ok {
					nblocks.Add(int64(len(b.Blocks)))
				}
				nfiles.Add(1)
				nbytes.Add(int64(len(src)))
			}
		}()
	}
	for _, dir := range os.Args[1:] {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == ".terraform") {
				return filepath.SkipDir
			}
			n := d.Name()
			if !d.IsDir() && (strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json") || strings.HasSuffix(n, ".tofu")) {
				files <- p
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	close(files)
	wg.Wait()
	fmt.Printf("%d files, %d bytes, %d top-level blocks, %d errors\n", nfiles.Load(), nbytes.Load(), nblocks.Load(), nerror.Load())
}
