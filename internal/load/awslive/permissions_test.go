package awslive

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/s3front/s3front/iam"
)

// callSites finds every (service, operation) the reader's code calls
// through do(...), by reading its source.
func callSites(t *testing.T) map[[2]string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`do\(ctx, [a-z.]+, "([a-z0-9]+)", "([A-Za-z0-9]+)"`)
	out := map[[2]string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			out[[2]string{m[1], m[2]}] = true
		}
	}
	return out
}

// TestPermissions holds docs/aws-permissions.json, the least-privilege
// policy README and docs/aws-permissions.md tell users to attach, to the
// calls the reader makes: every call site is listed in Calls, every
// listed call is made (AssumeRole through the SDK's credentials
// provider), the policy grants exactly their permissions (checked with
// the iam package's evaluator), and every permission is read-only.
func TestPermissions(t *testing.T) {
	sites := callSites(t)
	listed := map[[2]string]bool{}
	for _, c := range Calls() {
		listed[[2]string{c.Service, c.Operation}] = true
	}
	for s := range sites {
		if !listed[s] {
			t.Errorf("the reader calls %s:%s, which Calls() does not list", s[0], s[1])
		}
	}
	for s := range listed {
		if !sites[s] && s != [2]string{"sts", "AssumeRole"} {
			t.Errorf("Calls() lists %s:%s, which the reader never calls", s[0], s[1])
		}
	}
	if len(sites) < 20 {
		t.Fatalf("found only %d call sites: the pattern no longer matches the code", len(sites))
	}

	data, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "aws-permissions.json"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := iam.Parse("aws-permissions.json", data, iam.Identity)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Action []string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var granted []string
	for _, st := range doc.Statement {
		granted = append(granted, st.Action...)
	}
	sort.Strings(granted)
	want := Permissions()
	if strings.Join(granted, " ") != strings.Join(want, " ") {
		t.Errorf("docs/aws-permissions.json grants\n  %v\nthe reader needs exactly\n  %v", granted, want)
	}
	for _, p := range want {
		res := iam.Evaluate(&iam.Input{
			Request:          iam.Request{Principal: iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::111122223333:role/s3front-read", Account: "111122223333"}, Action: p, Resource: "arn:aws:s3:::example", ResourceAccount: "111122223333"},
			IdentityPolicies: []*iam.Policy{pol},
		})
		if res.Decision != iam.Allowed {
			t.Errorf("the policy does not allow %s: %s", p, res.Decision)
		}
		_, action, _ := strings.Cut(p, ":")
		if !(strings.HasPrefix(action, "Get") || strings.HasPrefix(action, "List") || strings.HasPrefix(action, "Describe") || p == "sts:AssumeRole") {
			t.Errorf("%s is not a read-only permission", p)
		}
	}
	for _, write := range []string{"s3:PutBucketPolicy", "s3:DeleteObject", "kms:Decrypt", "cloudfront:UpdateDistribution", "s3:PutObject"} {
		res := iam.Evaluate(&iam.Input{
			Request:          iam.Request{Principal: iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::111122223333:role/s3front-read", Account: "111122223333"}, Action: write, Resource: "*", ResourceAccount: "111122223333"},
			IdentityPolicies: []*iam.Policy{pol},
		})
		if res.Decision == iam.Allowed {
			t.Errorf("the read-only policy allows %s", write)
		}
	}
}
