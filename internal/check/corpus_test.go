package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3front/s3front/internal/corpus"
	"github.com/s3front/s3front/model"
)

// TestSnapshotCorpus holds every snapshot case (testdata/snapshots: the
// snapshot versions of the shared scenarios, and our own) to its
// expect.json, without any loader involved.
func TestSnapshotCorpus(t *testing.T) {
	cases, err := corpus.Cases("../../testdata/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 15 {
		t.Fatalf("found %d snapshot cases, want at least the 15 shared scenarios", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(c.Input)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := model.ReadSnapshot(filepath.Base(c.Input), data)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Run(context.Background(), cfg, Options{Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			exp, err := corpus.ReadExpect(c.Expect)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range corpus.Verify(exp, rep) {
				t.Error(p)
			}
			for _, f := range rep.Findings {
				if f.Location.File == "" || (f.Location.Line == 0 && f.Location.Pointer == "") {
					t.Errorf("finding %s at %s has no location", f.Rule, f.Resource)
				}
				if f.Resource == "" {
					t.Errorf("finding %s has no resource", f.Rule)
				}
			}
		})
	}
}
