package edit_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/model"
)

func TestProbe(t *testing.T) {
	dir := os.Getenv("PROBE")
	if dir == "" {
		t.Skip()
	}
	cfg, err := s3front.Load(context.Background(), []string{dir}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	show := func(what string, p model.Policy) {
		fmt.Printf("%s: src=%v default=%v known=%v\n", what, p.Src, p.Default, p.Known)
		if p.V == nil {
			return
		}
		fmt.Printf("  doc pos %v\n", p.V.Pos)
		for _, s := range p.V.Statements {
			fmt.Printf("  stmt %d pos %v", s.Index, s.Pos)
			if s.Action != nil {
				fmt.Printf(" action at %v items %v", s.Action.At, s.Action.Pos)
			}
			fmt.Println()
			for _, c := range s.Conditions {
				fmt.Printf("    cond %s %s pos %v vals %v\n", c.Operator, c.Key, c.Pos, c.ValuePos)
			}
		}
	}
	for _, b := range cfg.Buckets {
		show(b.Ref, b.Policy)
	}
	for _, k := range cfg.Keys {
		show(k.Ref, k.Policy)
	}
	for _, d := range cfg.Distributions {
		fmt.Println(d.Ref, d.Src)
		for _, o := range d.Origins {
			fmt.Println("  origin", o.Src, o.OAI.Src, o.OAC.Src)
		}
	}
	_ = iam.Allow
}
