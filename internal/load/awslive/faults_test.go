package awslive_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

func unresolved(cfg *model.Config, what string) *model.Unresolved {
	for i, u := range cfg.Unresolved {
		if u.What == what {
			return &cfg.Unresolved[i]
		}
	}
	return nil
}

func finding(rep *report.Report, rule, msgPart string) *report.Finding {
	for i, f := range rep.Findings {
		if f.Rule == rule && strings.Contains(f.Message, msgPart) {
			return &rep.Findings[i]
		}
	}
	return nil
}

func bucket(cfg *model.Config, name string) *model.Bucket {
	for _, b := range cfg.Buckets {
		if b.Name.V == name {
			return b
		}
	}
	return nil
}

func op(service, operation string) func(awstest.Op) bool {
	return func(o awstest.Op) bool { return o.Service == service && o.Operation == operation }
}

// TestFaults: a denied, a throttled, a stalled call and an unreachable
// endpoint each leave the values they would have read unknown, name the
// call and the permission (unresolved-input and summary.incomplete), and
// the read goes on to a partial result.
func TestFaults(t *testing.T) {
	dists := []awstest.Dist{{ID: "E1FAULTS00001", Bucket: "faults", OAI: "E2OAIFAULT001"}, {ID: "E1HEALTHY0001", Bucket: "healthy", OAI: "E2OAIHEALTH01"}}
	env := awstest.Start(t, awstest.CloudFront(dists))
	env.Env(t)
	setup := func(t *testing.T) {
		env.Reset(t)
		site(t, env, "faults", "E2OAIFAULT001", map[string]string{"index.html": "kms"})
		site(t, env, "healthy", "E2OAIHEALTH01", map[string]string{"index.html": "kms"})
	}

	t.Run("denied", func(t *testing.T) {
		setup(t)
		env.Inject(awstest.Fault{Match: func(o awstest.Op) bool { return o.Operation == "GetBucketPolicy" && o.Bucket == "faults" }, Respond: awstest.Denied})
		cfg, _, rep := load(t, opts())
		u := unresolved(cfg, "s3:GetBucketPolicy of arn:aws:s3:::faults")
		if u == nil || !strings.Contains(u.Why, "denied (AccessDenied)") || !strings.Contains(u.Why, "allow s3:GetBucketPolicy") {
			t.Fatalf("unresolved entry %+v, want the denied call and its permission", u)
		}
		if b := bucket(cfg, "faults"); b == nil || b.Policy.Known || !strings.Contains(b.Policy.Missing, "access denied (s3:GetBucketPolicy)") {
			t.Fatalf("policy of the bucket: %+v, want unknown naming the call", b)
		}
		f := finding(rep, "unresolved-input", "s3:GetBucketPolicy of arn:aws:s3:::faults")
		if f == nil || len(f.Paths) == 0 {
			t.Fatalf("unresolved-input finding %+v, want one naming the paths it leaves unknown", f)
		}
		for _, p := range rep.Paths {
			if strings.Contains(p.Distribution, "E1FAULTS") && p.Scenario != "direct-anonymous-get" && p.Outcome != "unknown" {
				t.Errorf("%s %s: %s, want unknown (the bucket policy was not read)", p.Distribution, p.Scenario, p.Outcome)
			}
			if strings.Contains(p.Distribution, "E1HEALTHY") && p.Scenario == "viewer-get-existing" && p.Outcome != "deny" {
				t.Errorf("healthy %s: %s, want deny (the other bucket is read in full)", p.Scenario, p.Outcome)
			}
		}
	})

	t.Run("throttled once then served", func(t *testing.T) {
		setup(t)
		env.Inject(awstest.Fault{Match: op("kms", "GetKeyPolicy"), Times: 1, Respond: awstest.Throttled})
		env.Inject(awstest.Fault{Match: op("s3", "GetBucketOwnershipControls"), Times: 1, Respond: awstest.Throttled})
		// After a throttle the SDK's adaptive limiter paces the calls that
		// follow; on a loaded machine that pacing can outlast the tests'
		// short call timeout, which is not what this case is about.
		o := opts()
		o.CallTimeout = time.Minute
		cfg, res, _ := load(t, o)
		if len(cfg.Unresolved) != 0 {
			t.Fatalf("unresolved %+v: one throttled attempt must be retried", cfg.Unresolved)
		}
		if got, saw := res.Stats.Calls["kms:GetKeyPolicy"], env.Calls()["kms:GetKeyPolicy"]; saw != got+1 {
			t.Errorf("kms:GetKeyPolicy: %d calls counted, %d requests seen; want one retry more", got, saw)
		}
	})

	t.Run("throttled throughout", func(t *testing.T) {
		setup(t)
		env.Inject(awstest.Fault{Match: func(o awstest.Op) bool { return o.Operation == "GetBucketEncryption" && o.Bucket == "faults" }, Respond: awstest.Throttled})
		env.Inject(awstest.Fault{Match: op("kms", "GetKeyRotationStatus"), Respond: awstest.Throttled})
		cfg, _, rep := load(t, opts())
		u := unresolved(cfg, "s3:GetBucketEncryption of arn:aws:s3:::faults")
		if u == nil || !strings.Contains(u.Why, "throttled (SlowDown)") || !strings.Contains(u.Why, "s3:GetEncryptionConfiguration") {
			t.Fatalf("unresolved %+v, want the throttled call with its permission", u)
		}
		if b := bucket(cfg, "faults"); b.Encryption.Algorithm.Known {
			t.Errorf("default encryption known after throttling: %+v", b.Encryption.Algorithm)
		}
		var rot *model.Unresolved
		for i, u := range cfg.Unresolved {
			if strings.HasPrefix(u.What, "kms:GetKeyRotationStatus of ") {
				rot = &cfg.Unresolved[i]
			}
		}
		// Throttled throughout: either the SDK's retries ran out on a
		// ThrottlingException, or (on a loaded machine) the call's time ran
		// out while the adaptive retryer held it back; both are throttling.
		if rot == nil || !strings.Contains(rot.Why, "throttled (ThrottlingException)") && !strings.Contains(rot.Why, "throttled (client-side rate limit after throttling)") {
			t.Errorf("rotation status: %+v, want a throttled KMS call", rot)
		}
		if rep.Summary.Unknown == 0 {
			t.Error("no unknown path after a throttled read")
		}
	})

	t.Run("stalled call times out", func(t *testing.T) {
		setup(t)
		env.Inject(awstest.Fault{Match: func(o awstest.Op) bool { return o.Operation == "GetBucketAcl" && o.Bucket == "faults" }, Respond: awstest.Stall(time.Minute)})
		o := opts()
		o.CallTimeout = time.Second
		start := time.Now()
		cfg, _, _ := load(t, o)
		if d := time.Since(start); d > 45*time.Second {
			t.Errorf("read took %s with a 1s call timeout", d)
		}
		u := unresolved(cfg, "s3:GetBucketAcl of arn:aws:s3:::faults")
		if u == nil || !strings.Contains(u.Why, "timed out") {
			t.Fatalf("unresolved %+v, want a timed-out call", u)
		}
	})

	t.Run("unreachable endpoint", func(t *testing.T) {
		setup(t)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := l.Addr().String()
		l.Close()
		t.Setenv("AWS_ENDPOINT_URL_KMS", "http://"+closed)
		cfg, _, rep := load(t, opts())
		var kmsFail *model.Unresolved
		for i, u := range cfg.Unresolved {
			if strings.HasPrefix(u.What, "kms:DescribeKey of ") {
				kmsFail = &cfg.Unresolved[i]
			}
		}
		if kmsFail == nil || !strings.Contains(kmsFail.Why, "could not be reached") || !strings.Contains(kmsFail.Why, "kms:DescribeKey") {
			t.Fatalf("unresolved %+v, want the unreachable KMS endpoint", kmsFail)
		}
		if len(cfg.Keys) != 0 {
			t.Errorf("keys read from an unreachable endpoint: %d", len(cfg.Keys))
		}
		if len(cfg.Buckets) != 2 || len(cfg.Distributions) != 2 {
			t.Errorf("partial result: %d buckets, %d distributions; want both of each", len(cfg.Buckets), len(cfg.Distributions))
		}
		// The OAI outage does not need the key: it is decided anyway.
		if !hasRule(rep, "oai-sse-kms") {
			t.Error("oai-sse-kms not found without KMS")
		}
	})
	_ = fmt.Sprint
}
