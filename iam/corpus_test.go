package iam_test

import (
	"strings"
	"testing"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/iam/iamtest"
)

const corpusDir = "testdata/corpus"

// TestCorpus runs every conformance case through the decoder the CLI uses
// and the evaluator, and holds the decision to the expected one.
func TestCorpus(t *testing.T) {
	cases, err := iamtest.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 300 {
		t.Errorf("the corpus has %d cases; the bar is 300", len(cases))
	}
	for _, c := range cases {
		t.Run(c.File+"/"+c.Name, func(t *testing.T) {
			in, err := iam.DecodeInput(c.File, c.Input)
			if c.Error != "" {
				if err == nil {
					t.Fatalf("decoded, want an error containing %q\ninput: %s", c.Error, c.Input)
				}
				if !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("error %q, want one containing %q", err, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v\ninput: %s", err, c.Input)
			}
			res, matches := iam.Explain(in)
			if got := res.Decision.String(); got != c.Decision {
				t.Errorf("decision %s, want %s\ninput: %s", got, c.Decision, c.Input)
				for _, r := range res.Reasons {
					t.Logf("reason %s: %s (fix: %s)", r.Kind, r.Message, r.Fix)
				}
				for _, m := range matches {
					t.Logf("match %s #%d: applies=%s p=%s a=%s r=%s conds=%v", m.PolicyKind, m.Statement.Index, m.Applies, m.Principal, m.Action, m.Resource, m.Conditions)
				}
			}
			if fast := iam.Evaluate(in); fast.Decision != res.Decision {
				t.Errorf("Evaluate says %s, Explain says %s", fast.Decision, res.Decision)
			}
			if res.Decision != iam.Allowed && len(res.Reasons) == 0 {
				t.Errorf("a deny without reasons")
			}
		})
	}
}
