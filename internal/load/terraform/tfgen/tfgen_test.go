package tfgen

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/internal/load/terraform"
	"github.com/s3front/s3front/model"
)

// definite counts the unresolved inputs that are reported whatever the
// simulation finds (not the accounts nothing fixes, Unresolved.IfUsed).
func definite(us []model.Unresolved) int {
	n := 0
	for _, u := range us {
		if !u.IfUsed {
			n++
		}
	}
	return n
}

// TestMonorepoLoads: every root of the generated monorepo loads into one
// site, with no unresolved input.
func TestMonorepoLoads(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, text := range Monorepo(3) {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	for _, root := range []string{"envs/site0000", "envs/site0002"} {
		cfg, err := terraform.LoadDir(context.Background(), fsys, root, terraform.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Distributions) != 1 || len(cfg.Buckets) != 1 || len(cfg.Keys) != 1 || definite(cfg.Unresolved) != 0 {
			t.Errorf("%s: %d distributions, %d buckets, %d keys, unresolved %v", root, len(cfg.Distributions), len(cfg.Buckets), len(cfg.Keys), cfg.Unresolved)
		}
		if !cfg.Buckets[0].Policy.HasDoc() || !cfg.Keys[0].Policy.HasDoc() {
			t.Errorf("%s: policies not resolved", root)
		}
	}
}

func TestRootsLoad(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, text := range Roots(2) {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	cfg, err := terraform.LoadDir(context.Background(), fsys, "envs/site0001", terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Distributions) != 1 || definite(cfg.Unresolved) != 0 {
		t.Errorf("%d distributions, unresolved %v", len(cfg.Distributions), cfg.Unresolved)
	}
}
