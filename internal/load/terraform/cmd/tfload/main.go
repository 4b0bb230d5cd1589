// Command tfload loads a Terraform directory or plan JSON with the
// s3front Terraform loader and prints the model snapshot, with identity
// symbols rendered as ${name}. It is a development and benchmarking aid.
//
//	go run ./internal/load/terraform/cmd/tfload [-raw] [-q] DIR|plan.json
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/terraform"
	"github.com/s3front/s3front/model"
)

func main() {
	raw := flag.Bool("raw", false, "print symbols as they are stored")
	quiet := flag.Bool("q", false, "print only a summary")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tfload [-raw] [-q] DIR|plan.json")
		os.Exit(2)
	}
	arg := flag.Arg(0)
	var cfg *model.Config
	var err error
	if st, statErr := os.Stat(arg); statErr == nil && !st.IsDir() {
		data, rerr := os.ReadFile(arg)
		if rerr != nil {
			fmt.Fprintln(os.Stderr, rerr)
			os.Exit(2)
		}
		cfg, err = terraform.LoadPlan(context.Background(), filepath.Base(arg), data, terraform.Options{Env: os.Environ()})
	} else {
		cfg, err = terraform.LoadDir(context.Background(), os.DirFS(arg), ".", terraform.Options{Env: os.Environ()})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	if *quiet {
		fmt.Printf("distributions %d buckets %d keys %d oais %d oacs %d unresolved %d files %d\n",
			len(cfg.Distributions), len(cfg.Buckets), len(cfg.Keys), len(cfg.OAIs), len(cfg.OACs), len(cfg.Unresolved), len(cfg.Files))
		return
	}
	var b bytes.Buffer
	if err := model.WriteSnapshot(&b, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := b.String()
	if !*raw {
		out = ident.Render(out)
	}
	fmt.Print(out)
}
