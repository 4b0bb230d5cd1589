package configrule_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/configrule"
	"github.com/s3front/s3front/model"
)

const key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666"

type fakeConfig struct {
	got []*configservice.PutEvaluationsInput
}

func (f *fakeConfig) PutEvaluations(_ context.Context, in *configservice.PutEvaluationsInput, _ ...func(*configservice.Options)) (*configservice.PutEvaluationsOutput, error) {
	f.got = append(f.got, in)
	return &configservice.PutEvaluationsOutput{}, nil
}

type fakeS3 struct {
	enc map[string]types.ServerSideEncryptionRule
}

func (f *fakeS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	var out s3.ListBucketsOutput
	for name := range f.enc {
		out.Buckets = append(out.Buckets, types.Bucket{Name: aws.String(name)})
	}
	return &out, nil
}

func (f *fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	r := f.enc[aws.ToString(in.Bucket)]
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{r}}}, nil
}

func estate(t *testing.T, dir string) func(context.Context) (*model.Config, error) {
	cfg, err := s3front.Load(context.Background(), []string{dir}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return func(context.Context) (*model.Config, error) { return cfg, nil }
}

func event(t *testing.T, name string) []byte {
	b, err := os.ReadFile("testdata/events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordedEvents(t *testing.T) {
	kmsRule := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}, BucketKeyEnabled: aws.Bool(true)}
	sseS3 := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}
	for _, tc := range []struct {
		name, event, estate string
		s3                  map[string]types.ServerSideEncryptionRule
		compliance          string
		safe                string // "true", "false" or "" (no verdict)
		annotation          []string
		put                 bool
	}{
		{"SSE-S3 behind an OAI: non-compliant, unsafe to remediate", "config-change-sse-s3.json", "seed-sse-s3", nil, configrule.NonCompliant, "false",
			[]string{"default encryption is AES256", "UNSAFE to remediate", "oai-sse-kms", "first: migrate the origin"}, true},
		{"SSE-S3 behind a granted OAC: non-compliant, safe", "config-change-sse-s3.json", "seed-oac-granted", nil, configrule.NonCompliant, "true",
			[]string{"safe to remediate (aws_cloudfront_distribution.webapp can decrypt)"}, true},
		{"compliant, item as a JSON string, behind an OAI: compliant and broken", "config-change-kms-string.json", "seed-sse-s3", nil, configrule.Compliant, "false",
			[]string{"SSE-KMS under the required key", "its encryption breaks delivery", "oai-sse-kms"}, true},
		{"left the scope", "config-left-scope.json", "seed-sse-s3", nil, configrule.NotApplicable, "", []string{"left the rule's scope"}, true},
		{"oversized: read from S3", "config-oversized.json", "seed-oac-granted", map[string]types.ServerSideEncryptionRule{"example-webapp-assets": kmsRule}, configrule.Compliant, "true",
			[]string{"delivery works"}, true},
		{"periodic: every bucket", "config-scheduled.json", "seed-oac-granted", map[string]types.ServerSideEncryptionRule{"example-webapp-assets": sseS3}, configrule.NonCompliant, "true",
			[]string{"safe to remediate"}, true},
		{"EventBridge: switched to SSE-KMS behind an OAI", "eventbridge-put-bucket-encryption.json", "seed-sse-s3", nil, configrule.Compliant, "false",
			[]string{"its encryption breaks delivery", "oai-sse-kms"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgAPI := &fakeConfig{}
			var log bytes.Buffer
			// The estates are the interlock's fixtures: the same three stages of the seed outage.
			h := &configrule.Handler{Estate: estate(t, "../interlock/testdata/"+tc.estate), Config: cfgAPI, KeyARN: key, BucketKey: true, Log: &log}
			if tc.s3 != nil {
				h.Buckets = &fakeS3{enc: tc.s3}
			}
			resp, err := h.Invoke(context.Background(), event(t, tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Evaluations) != 1 {
				t.Fatalf("%d evaluations", len(resp.Evaluations))
			}
			e := resp.Evaluations[0]
			if e.Compliance != tc.compliance {
				t.Errorf("compliance %s, want %s (%s)", e.Compliance, tc.compliance, e.Annotation)
			}
			safe := ""
			if e.Safe != nil {
				safe = map[bool]string{true: "true", false: "false"}[*e.Safe]
			}
			if safe != tc.safe {
				t.Errorf("safe %q, want %q: %s", safe, tc.safe, e.Annotation)
			}
			for _, want := range tc.annotation {
				if !strings.Contains(e.Annotation, want) {
					t.Errorf("annotation %q lacks %q", e.Annotation, want)
				}
			}
			if len(e.Annotation) > 256 {
				t.Errorf("annotation of %d characters", len(e.Annotation))
			}
			if tc.put {
				if len(cfgAPI.got) != 1 || aws.ToString(cfgAPI.got[0].ResultToken) != "eyJyZXN1bHRUb2tlbiI6InRlc3QifQ==" {
					t.Fatalf("PutEvaluations calls: %+v", cfgAPI.got)
				}
				ev := cfgAPI.got[0].Evaluations[0]
				if aws.ToString(ev.ComplianceResourceId) != "example-webapp-assets" || aws.ToString(ev.ComplianceResourceType) != "AWS::S3::Bucket" ||
					string(ev.ComplianceType) != tc.compliance || aws.ToString(ev.Annotation) != e.Annotation || ev.OrderingTimestamp == nil {
					t.Errorf("evaluation sent: %+v", ev)
				}
			} else if len(cfgAPI.got) != 0 {
				t.Errorf("an EventBridge event sent evaluations")
			}
			var line map[string]any
			if err := json.Unmarshal(log.Bytes(), &line); err != nil {
				t.Fatalf("log line %q: %v", log.String(), err)
			}
			if tc.safe == "false" && line["level"] != "error" {
				t.Errorf("unsafe verdict logged at %v", line["level"])
			}
		})
	}
}

func TestBadEvents(t *testing.T) {
	h := &configrule.Handler{KeyARN: key}
	for _, in := range []string{`nope`, `{}`, `{"invokingEvent":"{\"messageType\":\"Weird\"}"}`, `{"invokingEvent":"not json"}`} {
		if _, err := h.Invoke(context.Background(), []byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}
