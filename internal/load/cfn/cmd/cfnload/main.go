// Command cfnload loads a CloudFormation template with the s3front
// CloudFormation loader and prints the model snapshot, with identity
// symbols rendered as ${name}. It is a development and benchmarking aid.
//
//	go run ./internal/load/cfn/cmd/cfnload [-raw] [-q] [-p Key=Value]... template.yaml
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/model"
)

type params []string

func (p *params) String() string     { return strings.Join(*p, ",") }
func (p *params) Set(s string) error { *p = append(*p, s); return nil }

func main() {
	raw := flag.Bool("raw", false, "print symbols as they are stored")
	quiet := flag.Bool("q", false, "print only a summary")
	var ps params
	flag.Var(&ps, "p", "a parameter value, Key=Value (repeatable; AWS::Region=... sets a pseudo parameter)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: cfnload [-raw] [-q] [-p Key=Value]... template.yaml")
		os.Exit(2)
	}
	dir, file := filepath.Split(flag.Arg(0))
	if dir == "" {
		dir = "."
	}
	cfg, err := cfn.Load(context.Background(), os.DirFS(dir), file, cfn.Options{Parameters: ps})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *quiet {
		fmt.Printf("%d distributions, %d buckets, %d keys, %d OAIs, %d OACs, %d unresolved\n",
			len(cfg.Distributions), len(cfg.Buckets), len(cfg.Keys), len(cfg.OAIs), len(cfg.OACs), len(cfg.Unresolved))
		for _, u := range cfg.Unresolved {
			fmt.Printf("  %s: %s (%s)\n", u.What, u.Why, u.Src.Pos)
		}
		return
	}
	var buf bytes.Buffer
	if err := model.WriteSnapshot(&buf, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := buf.String()
	if !*raw {
		out = ident.Render(out)
	}
	fmt.Print(out)
}
