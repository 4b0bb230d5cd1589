package s3front_test

import (
	"strings"
	"testing"
)

// TestForeignOwnerMessage: the finding for an existing object another
// account owns names the object and its owner, never an empty uploader.
func TestForeignOwnerMessage(t *testing.T) {
	rep := checkPath(t, "testdata/corpus/tf-existing-object-foreign-owner")
	found := false
	for _, f := range rep.Findings {
		if f.Rule != "foreign-object-owner" {
			continue
		}
		found = true
		if !strings.HasPrefix(f.Message, "object legacy.html of aws_s3_bucket.site is owned by account 222222222222") {
			t.Errorf("message: %s", f.Message)
		}
	}
	if !found {
		t.Fatal("no foreign-object-owner finding")
	}
	hops := 0
	for _, p := range rep.Paths {
		if p.Scenario != "viewer-get-existing" {
			continue
		}
		for _, h := range p.Trace {
			if h.Hop == "ownership" {
				hops++
				if !strings.Contains(h.Detail, "(declared owner)") {
					t.Errorf("ownership hop of a declared object: %s", h.Detail)
				}
			}
		}
	}
	if hops == 0 {
		t.Error("no ownership hop on the viewer-get-existing path")
	}
}
