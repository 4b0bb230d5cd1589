package s3front_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/corpus"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// confirmedFacts ties every fact SEMANTICS.md marks CONFIRMED to the
// output that rests on it: where a fact is confirmed, the output says
// "will" (or states it plainly), never "expected". Each entry names the
// fact by a phrase of its SEMANTICS.md line.
var confirmedFacts = []struct {
	fact  string // a phrase of the SEMANTICS.md line
	input string
	check func(*report.Report) error // nil: the fact shapes no output
	why   string                     // for facts without output
}{
	{fact: "AWS's S3 403 guide lists a key policy that doesn't allow `kms:Decrypt`", input: "testdata/scenarios/03-oac-key-policy-missing",
		check: confirmedResponse("viewer-get-new", 403, "AccessDenied", "oac-key-policy-missing")},
	{fact: "| OAC + key policy lacks CloudFront | 403 (CONFIRMED, doc-level)", input: "testdata/scenarios/03-oac-key-policy-missing",
		check: confirmedResponse("viewer-get-new", 403, "AccessDenied", "oac-key-policy-missing")},
	{fact: "Object Lambda Access Point origin \"you must use origin access control\"", input: "testdata/corpus/tf-access-point-origin-oai",
		check: pathWithHop("viewer-get-new", "origin", "S3 Object Lambda access point alias")},
	{fact: "for an S3 Access Point origin \"you must use origin access control\"", input: "testdata/corpus/tf-access-point-origin-oai",
		check: findingSays("origin-domain-invalid", "supports access point origins only with origin access control", "will not be authorized")},
	{fact: "S3 does **not** fill these condition keys from the bucket default", input: "testdata/corpus/tf-unserved-bucket-encryption-rollout",
		check: findingSays("deny-unencrypted-blocks-upload", "S3 does not fill that header from the bucket's default encryption", "will be denied")},
	{fact: "The Content-MD5 or x-amz-sdk-checksum-algorithm header is required", input: "object-lock",
		check: pathWithHop("viewer-put", "s3", "S3 will refuse an upload without Content-MD5 or x-amz-sdk-checksum-algorithm")},
	{fact: "an SCP in the bucket account therefore does not restrict", input: "testdata/snapshots/pass-scp-does-not-restrict-oac/snapshot.json",
		check: pathWithHop("viewer-get-new", "s3", "service control policies don't apply to the CloudFront service principal")},
	{fact: "launched November 2024", why: "the launch date of RCPs shapes no output; RCPs themselves are evaluated (perimeter-deny-blocks-cloudfront)"},
	{fact: "`svc:cloudfront.amazonaws.com`", why: "S3 server access log contents are not part of any output"},
	{fact: "on KMS throttling S3 answers **503 `SlowDown`**", input: "testdata/corpus/tf-unserved-bucket-encryption-rollout",
		check: findingSays("bucket-key-disabled", "S3 will answer 503 SlowDown")},
}

// TestConfirmedFacts holds each confirmed fact to its output, and fails
// when SEMANTICS.md marks a fact CONFIRMED that the table doesn't cover.
func TestConfirmedFacts(t *testing.T) {
	if data, err := os.ReadFile("../shared/SEMANTICS.md"); err == nil {
		for _, line := range semanticsItems(string(data)) {
			if !strings.Contains(strings.ReplaceAll(line, "UNCONFIRMED", ""), "CONFIRMED") || strings.Contains(line, "**CONFIRMED** = ") {
				continue
			}
			covered := false
			for _, f := range confirmedFacts {
				if strings.Contains(line, f.fact) {
					covered = true
				}
			}
			if !covered {
				t.Errorf("SEMANTICS.md marks a fact CONFIRMED that no test ties to its output:\n%s", line)
			}
		}
		for _, f := range confirmedFacts {
			if !strings.Contains(string(data), f.fact) {
				t.Errorf("%q is no longer in SEMANTICS.md", f.fact)
			}
		}
	}
	for _, f := range confirmedFacts {
		if f.check == nil {
			if f.why == "" {
				t.Errorf("%q: no check and no reason", f.fact)
			}
			continue
		}
		t.Run(f.fact, func(t *testing.T) {
			var rep *report.Report
			if f.input == "object-lock" {
				rep = objectLockReport(t)
			} else {
				rep = checkPath(t, f.input)
			}
			if err := f.check(rep); err != nil {
				t.Error(err)
			}
		})
	}
}

// semanticsItems splits SEMANTICS.md into its facts: table rows, and
// bullets or numbered items with their continuation lines.
func semanticsItems(doc string) []string {
	var items []string
	cur := ""
	flush := func() {
		if cur != "" {
			items = append(items, cur)
		}
		cur = ""
	}
	item := regexp.MustCompile(`^(- |\d+\. |\|)`)
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			items = append(items, line)
		case item.MatchString(line):
			flush()
			cur = line
		case cur != "":
			cur += " " + strings.TrimSpace(line)
		default:
			cur = line
		}
	}
	flush()
	return items
}

// objectLockReport checks a correct OAC upload setup whose bucket has
// Object Lock on.
func objectLockReport(t *testing.T) *report.Report {
	ctx := context.Background()
	cfg, err := s3front.Load(ctx, []string{"testdata/corpus/tf-oac-uploads-correct"}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range cfg.Buckets {
		b.ObjectLock = model.Known(true, b.Src)
	}
	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// confirmedResponse requires the scenario's path to deny with the status
// and code, without "expected", and the finding to state it plainly.
func confirmedResponse(scenario string, status int, code, rule string) func(*report.Report) error {
	return func(r *report.Report) error {
		for _, p := range r.Paths {
			if p.Scenario != scenario || p.Outcome != "deny" {
				continue
			}
			if p.Status != status || p.ErrorCode != code || p.Expected || p.ExpectedBasis != "" {
				return fmt.Errorf("%s: %d %s expected=%v %q, want a confirmed %d %s", scenario, p.Status, p.ErrorCode, p.Expected, p.ExpectedBasis, status, code)
			}
			return findingSays(rule, fmt.Sprintf("(%d %s)", status, code))(r)
		}
		return fmt.Errorf("no denied %s path", scenario)
	}
}

// findingSays requires a finding of rule whose message holds every phrase
// and never hedges with "expected".
func findingSays(rule string, phrases ...string) func(*report.Report) error {
	return func(r *report.Report) error {
		for _, f := range r.Findings {
			if f.Rule != rule {
				continue
			}
			for _, ph := range phrases {
				if !strings.Contains(f.Message, ph) {
					return fmt.Errorf("%s: message lacks %q: %s", rule, ph, f.Message)
				}
			}
			if strings.Contains(f.Message, "expected") {
				return fmt.Errorf("%s: a confirmed fact is worded as expected: %s", rule, f.Message)
			}
			return nil
		}
		return fmt.Errorf("no %s finding", rule)
	}
}

// pathWithHop requires a path of the scenario with a hop whose detail
// holds the phrase.
func pathWithHop(scenario, hop, phrase string) func(*report.Report) error {
	return func(r *report.Report) error {
		for _, p := range r.Paths {
			if p.Scenario != scenario {
				continue
			}
			for _, h := range p.Trace {
				if h.Hop == hop && strings.Contains(h.Detail, phrase) {
					if strings.Contains(h.Detail, "expected") {
						return fmt.Errorf("%s %s hop hedges a confirmed fact: %s", scenario, hop, h.Detail)
					}
					return nil
				}
			}
		}
		return fmt.Errorf("no %s path with a %s hop saying %q", scenario, hop, phrase)
	}
}

// TestExpectedWording holds every undocumented response in the corpus to
// wording that can't be read as "intended": a path marked expected says
// how it is known, and no message uses the bare "expected 403" form.
func TestExpectedWording(t *testing.T) {
	cases, err := corpus.Cases("testdata/scenarios", "testdata/corpus", "testdata/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	bare := regexp.MustCompile(`\(expected\)|expected \d{3}\b|expected: AWS`)
	for _, c := range cases {
		exp, err := corpus.ReadExpect(c.Expect)
		if err != nil || exp.Error != "" {
			continue
		}
		rep := checkPath(t, c.Input)
		for _, p := range rep.Paths {
			if p.Expected != (p.ExpectedBasis != "") || (p.Expected && p.ExpectedBasis != "observed" && p.ExpectedBasis != "inferred") {
				t.Errorf("%s: path %s: expected=%v basis %q", c.Name, p.ID, p.Expected, p.ExpectedBasis)
			}
		}
		for _, f := range rep.Findings {
			if bare.MatchString(f.Message) {
				t.Errorf("%s: %s says %q: %s", c.Name, f.Rule, bare.FindString(f.Message), f.Message)
			}
		}
	}
}
