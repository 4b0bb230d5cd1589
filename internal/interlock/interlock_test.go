package interlock_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/model"
)

func load(t *testing.T, dir string) *model.Config {
	t.Helper()
	cfg, err := s3front.Load(context.Background(), []string{dir}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func bucket(t *testing.T, cfg *model.Config, ref string) *model.Bucket {
	t.Helper()
	for _, b := range cfg.Buckets {
		if b.Ref == ref {
			return b
		}
	}
	t.Fatalf("no bucket %s", ref)
	return nil
}

func TestSeedOutage(t *testing.T) {
	seed := filepath.Join("..", "..", "testdata", "scenarios", "01-oai-kms-latent-outage")
	for _, tc := range []struct {
		name, dir string
		objects   bool
		status    string
		compliant bool
		rules     []string // rules of the breaks, and of the first steps, in order
		when      string
	}{
		{"before the outage: OAI, SSE-S3", "testdata/seed-sse-s3", false, interlock.Unsafe, false, []string{"oai-sse-kms"}, "next-upload"},
		{"the outage itself: compliant and broken", seed, false, interlock.Unsafe, true, []string{"oai-sse-kms"}, "next-upload"},
		{"on OAC, key policy without CloudFront", "testdata/seed-oac-no-grant", false, interlock.Unsafe, false, []string{"oac-key-policy-missing"}, "next-upload"},
		{"on OAC, key grants CloudFront", "testdata/seed-oac-granted", false, interlock.Safe, false, nil, ""},
		{"re-encrypting objects behind an OAI", "testdata/seed-sse-s3", true, interlock.Unsafe, false, []string{"oai-sse-kms"}, ""},
		{"re-encrypting objects behind a granted OAC", "testdata/seed-oac-granted", true, interlock.Safe, false, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := load(t, tc.dir)
			tg := interlock.TargetFor(cfg, "aws_kms_key.web", true)
			if tg.Key == nil {
				t.Fatal("key aws_kms_key.web not resolved")
			}
			tg.Objects = tc.objects
			v, err := interlock.Check(context.Background(), cfg, bucket(t, cfg, "aws_s3_bucket.webapp"), tg)
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != tc.status || v.Compliant != tc.compliant {
				t.Fatalf("status %s compliant %v, want %s %v; breaks %+v missing %v", v.Status, v.Compliant, tc.status, tc.compliant, v.Breaks, v.Missing)
			}
			if len(v.Readers) != 1 || v.Readers[0] != "aws_cloudfront_distribution.webapp" {
				t.Errorf("readers %v", v.Readers)
			}
			var rules []string
			for _, s := range v.First {
				rules = append(rules, s.Rule)
				if s.Fix == "" || s.Do == "" || len(s.For) == 0 {
					t.Errorf("step without fix: %+v", s)
				}
			}
			if strings.Join(rules, ",") != strings.Join(tc.rules, ",") {
				t.Errorf("first steps %v, want %v", rules, tc.rules)
			}
			for _, b := range v.Breaks {
				if b.Distribution != "aws_cloudfront_distribution.webapp" || b.Rule != tc.rules[0] {
					t.Errorf("break %+v", b)
				}
				if tc.when != "" && b.When != tc.when {
					t.Errorf("break when %s, want %s", b.When, tc.when)
				}
			}
			if tc.status == interlock.Unsafe && len(v.Breaks) == 0 {
				t.Error("unsafe without breaks")
			}
		})
	}
}

func TestUnknownKey(t *testing.T) {
	cfg := load(t, "testdata/seed-oac-granted")
	tg := interlock.TargetFor(cfg, "arn:aws:kms:us-east-1:111122223333:key/0000-unknown", true)
	if tg.Key != nil {
		t.Fatal("resolved a key the input does not hold")
	}
	v, err := interlock.Check(context.Background(), cfg, bucket(t, cfg, "aws_s3_bucket.webapp"), tg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != interlock.Unknown || len(v.Missing) == 0 {
		t.Fatalf("a key outside the input: status %s missing %v breaks %+v", v.Status, v.Missing, v.Breaks)
	}
}

// TestAlreadyBrokenStaysUnsafe: the seed outage switched to another key.
// Its OAI reader is denied before and after, and after the switch because
// of the encryption: the switch leaves it broken, so it is not safe.
func TestAlreadyBrokenStaysUnsafe(t *testing.T) {
	cfg := load(t, filepath.Join("..", "..", "testdata", "scenarios", "01-oai-kms-latent-outage"))
	tg := interlock.TargetFor(cfg, "alias/another-key", true)
	v, err := interlock.Check(context.Background(), cfg, bucket(t, cfg, "aws_s3_bucket.webapp"), tg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Compliant || v.Status != interlock.Unsafe || len(v.Breaks) == 0 || v.Breaks[0].Rule != "oai-sse-kms" {
		t.Fatalf("status %s compliant %v breaks %+v, want unsafe through oai-sse-kms", v.Status, v.Compliant, v.Breaks)
	}
}
