package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/report"
)

func runAWS(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runEnv(context.Background(), args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, awsDial: awstest.Dial})
	return code, out.String(), errb.String()
}

// TestCheckAWS runs check --aws and snapshot --aws end to end against moto
// and recorded CloudFront listings: findings and paths belong to the root
// aws:ACCOUNT, a denied call is listed in summary.incomplete with the
// permission it needs, -v prints the calls per service, and the snapshot
// checks to the same paths offline.
func TestCheckAWS(t *testing.T) {
	env := awstest.Start(t, awstest.CloudFront([]awstest.Dist{{ID: "E1CLI00000001", Bucket: "cli-site", OAI: "E2OAICLI00001"}}))
	env.Env(t)
	s := s3.NewFromConfig(env.Config(t))
	ctx := context.Background()
	if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("cli-site")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cli-site"), Key: aws.String("index.html"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	env.Inject(awstest.Fault{Match: func(o awstest.Op) bool { return o.Operation == "GetBucketPolicy" }, Respond: awstest.Denied})

	code, stdout, stderr := runAWS(t, "check", "--aws", "--format", "json", "-v", "--timeout", "10s")
	if code != exitOK && code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"aws:   s3 ", "aws:   cloudfront", "1 failed", "aws:   total"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v output lacks %q:\n%s", want, stderr)
		}
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(rep.Paths) == 0 || rep.Paths[0].Root != "aws:"+awstest.Account {
		t.Fatalf("paths %+v, want paths under root aws:%s", rep.Paths, awstest.Account)
	}
	var inc *report.Incomplete
	for i, x := range rep.Summary.Incomplete {
		if x.What == "s3:GetBucketPolicy of arn:aws:s3:::cli-site" {
			inc = &rep.Summary.Incomplete[i]
		}
	}
	if inc == nil || !strings.Contains(inc.Why, "s3:GetBucketPolicy") || inc.Location.File != "arn:aws:s3:::cli-site" {
		t.Fatalf("summary.incomplete %+v, want the denied call with its permission", rep.Summary.Incomplete)
	}

	dir := t.TempDir()
	snap := filepath.Join(dir, "estate.json")
	if code, _, stderr := runAWS(t, "snapshot", "--aws", "-o", snap); code != exitOK {
		t.Fatalf("snapshot --aws: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil || !bytes.Contains(data, []byte(`"s3front_snapshot": 1`)) {
		t.Fatalf("snapshot: %v\n%.300s", err, data)
	}
	_, offline, _ := runAWS(t, "check", snap, "--format", "json")
	var rep2 report.Report
	if err := json.Unmarshal([]byte(offline), &rep2); err != nil {
		t.Fatal(err)
	}
	if len(rep2.Paths) != len(rep.Paths) {
		t.Fatalf("the snapshot checks to %d paths, the live read to %d", len(rep2.Paths), len(rep.Paths))
	}
	for i := range rep.Paths {
		a, b := rep.Paths[i], rep2.Paths[i]
		if a.Scenario != b.Scenario || a.Outcome != b.Outcome || a.ErrorCode != b.ErrorCode || a.When != b.When || a.Key != b.Key {
			t.Errorf("path %d: live %s %s %s, snapshot %s %s %s", i, a.Scenario, a.Key, a.Outcome, b.Scenario, b.Key, b.Outcome)
		}
	}
}
