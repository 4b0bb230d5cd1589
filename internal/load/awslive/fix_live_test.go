package awslive_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/emulate"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
	"github.com/s3front/s3front/report"
)

// TestFixLive creates shared scenarios in moto and the CloudFront
// emulator, computes `s3front fix --aws` for them, applies the changes
// (--apply) and reads the estate again: the error findings the fix
// changes are gone, the commands it prints name every change, and no
// working path broke.
func TestFixLive(t *testing.T) {
	em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
	if err != nil {
		t.Fatal(err)
	}
	env := awstest.Start(t, em)
	env.Env(t)
	for _, sc := range []struct {
		name  string
		rules []string // errors the fix must remove
		cmds  []string // commands it must print
	}{
		{"01-oai-kms-latent-outage", []string{"oai-sse-kms"}, []string{"aws cloudfront create-origin-access-control", "aws s3api put-bucket-policy", "aws kms put-key-policy", "aws cloudfront update-distribution"}},
		{"03-oac-key-policy-missing", []string{"oac-key-policy-missing"}, []string{"aws kms put-key-policy"}},
		{"04-source-arn-other-distribution", []string{"source-arn-mismatch"}, []string{"aws s3api put-bucket-policy"}},
		{"10-public-bucket-behind-cloudfront", []string{"bucket-public"}, []string{"aws s3api put-bucket-policy", "aws s3api put-public-access-block"}},
		{"11-unscoped-cloudfront-grant", []string{"cloudfront-grant-unscoped"}, []string{"aws s3api put-bucket-policy", "aws kms put-key-policy"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			env.Reset(t)
			em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
			if err != nil {
				t.Fatal(err)
			}
			env.Route("cloudfront", em)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			static, err := s3front.Load(ctx, []string{filepath.Join("..", "..", "..", "testdata", "scenarios", sc.name)}, s3front.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cfg := env.Config(t)
			p := &provisioner{t: t, ctx: ctx, cfg: cfg, s3: s3.NewFromConfig(cfg), cf: cloudfront.NewFromConfig(cfg)}
			p.provision(static)
			live, _, before := load(t, opts())
			fr, err := s3front.FixAWS(ctx, live, s3front.FixOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for _, c := range fr.Calls {
				for _, l := range c.Commands() {
					text.WriteString(l + "\n")
				}
			}
			t.Logf("commands:\n%s", text.String())
			for _, f := range fr.Findings {
				if f.Why != "" {
					t.Logf("%s %s: %s", f.Finding.Rule, f.Finding.Resource, f.Why)
				}
			}
			for _, want := range sc.cmds {
				if !strings.Contains(text.String(), want) {
					t.Errorf("no %q command", want)
				}
			}
			var log bytes.Buffer
			if err := s3front.ApplyAWS(ctx, opts(), fr.Calls, &log); err != nil {
				t.Fatalf("apply: %v\n%s", err, log.String())
			}
			_, _, after := load(t, opts())
			for _, f := range after.Findings {
				for _, r := range sc.rules {
					if f.Rule == r && f.Severity == report.Error {
						t.Errorf("after the fix: %s %s: %s", f.Rule, f.Resource, f.Message)
					}
				}
			}
			now := map[string]string{}
			for _, p := range after.Paths {
				now[p.Distribution+" "+pathKey("", p)] = p.Outcome
			}
			for _, p := range before.Paths {
				if k := p.Distribution + " " + pathKey("", p); p.Outcome == "allow" && p.Intended && now[k] != "allow" {
					t.Errorf("after the fix, %s is %q (was allowed)", k, now[k])
				}
			}
		})
	}
}

// TestMigrateLive plans `s3front migrate oai-to-oac --aws` for the seed
// outage created in moto and the emulator and makes each step's calls in
// turn, reading the estate again after each: no path that worked breaks,
// and at the end nothing at warning or above is left of the OAI.
func TestMigrateLive(t *testing.T) {
	em, err := emulate.NewServer(emulate.Options{Account: awstest.Account})
	if err != nil {
		t.Fatal(err)
	}
	env := awstest.Start(t, em)
	env.Env(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	static, err := s3front.Load(ctx, []string{filepath.Join("..", "..", "..", "testdata", "scenarios", "01-oai-kms-latent-outage")}, s3front.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.Config(t)
	p := &provisioner{t: t, ctx: ctx, cfg: cfg, s3: s3.NewFromConfig(cfg), cf: cloudfront.NewFromConfig(cfg)}
	p.provision(static)
	live, _, rep := load(t, opts())
	plan, err := s3front.PlanMigrationAWS(ctx, live, nil)
	if err != nil {
		t.Fatal(err)
	}
	worked := map[string]bool{}
	for _, p := range rep.Paths {
		if p.Outcome == "allow" {
			worked[p.Distribution+" "+pathKey("", p)] = true
		}
	}
	applied := 0
	for i, s := range plan.Steps {
		if len(s.Manual) > 0 {
			t.Fatalf("step %d needs manual work: %v", i+1, s.Manual)
		}
		if len(s.Calls) == 0 {
			continue
		}
		t.Logf("step %d %s:\n%s", i+1, s.Title, strings.Join(s.Commands, "\n"))
		var log bytes.Buffer
		if err := s3front.ApplyAWS(ctx, opts(), s.Calls, &log); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		applied++
		_, _, now := load(t, opts())
		out := map[string]string{}
		for _, p := range now.Paths {
			out[p.Distribution+" "+pathKey("", p)] = p.Outcome
		}
		for k := range worked {
			if out[k] != "allow" {
				t.Errorf("after step %d (%s): %s is %q (was allowed)", i+1, s.Title, k, out[k])
			}
		}
	}
	if applied < 5 {
		t.Errorf("%d steps made calls; want create, grants, switch, removal and deletion", applied)
	}
	_, _, end := load(t, opts())
	for _, f := range end.Findings {
		if f.Severity == report.Error || f.Severity == report.Warning && strings.HasPrefix(f.Rule, "oai") {
			t.Errorf("after the migration: %s %s: %s", f.Rule, f.Resource, f.Message)
		}
	}
}
