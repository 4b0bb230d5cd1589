package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front/iam/iamtest"
)

// TestPolicySimulateCorpus runs every case of the iam conformance corpus
// through `s3front policy simulate --format json`, in process, and holds
// the printed decision to the expected one.
func TestPolicySimulateCorpus(t *testing.T) {
	cases, err := iamtest.Load(filepath.Join("..", "..", "iam", "testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no corpus cases")
	}
	dir := t.TempDir()
	for i, c := range cases {
		file := filepath.Join(dir, "case.json")
		if err := os.WriteFile(file, c.Input, 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"policy", "simulate", "--input", file, "--format", "json"}, nil, &stdout, &stderr)
		if c.Error != "" {
			if code != exitUsage || !strings.Contains(stderr.String(), c.Error) {
				t.Errorf("%s/%s: exit %d, stderr %q; want exit %d and an error containing %q", c.File, c.Name, code, stderr.String(), exitUsage, c.Error)
			}
			continue
		}
		if code != exitOK {
			t.Errorf("%s/%s: exit %d: %s", c.File, c.Name, code, stderr.String())
			continue
		}
		var out struct {
			Decision string            `json:"decision"`
			Reasons  []json.RawMessage `json:"reasons"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Errorf("%s/%s: output is not JSON: %v\n%s", c.File, c.Name, err, stdout.String())
			continue
		}
		if out.Decision != c.Decision {
			t.Errorf("case %d %s/%s: decision %s, want %s", i, c.File, c.Name, out.Decision, c.Decision)
		}
	}
}
