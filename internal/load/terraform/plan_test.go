package terraform

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/s3front/s3front/ident"
)

func TestIsPlan(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"format_version":"1.2","planned_values":{}}`, true},
		{`{"format_version":"1.0","values":{"root_module":{}}}`, true},
		{"\ufeff\n {\"terraform_version\":\"1.9.0\",\"format_version\":\"1.2\"}", true},
		{`{"version":4,"resources":[]}`, false},
		{`{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, false},
		{`{"s3front_snapshot":1,"config":{}}`, false},
		{`{"format_version":"1.2"`, false},
		{`[]`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := IsPlan([]byte(tt.in)); got != tt.want {
			t.Errorf("IsPlan(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLoadPlanErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`{"version":4,"resources":[]}`, "raw state file"},
		{`{"format_version":"1.2"}`, "neither planned_values nor values"},
		{`{"format_version":`, "plan.json:1:"},
		{`[1]`, "not a Terraform plan"},
	}
	for _, tt := range tests {
		_, err := LoadPlan(context.Background(), "plan.json", []byte(tt.in), Options{})
		var errs Errors
		if !errors.As(err, &errs) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("LoadPlan(%q): %v, want Errors mentioning %q", tt.in, err, tt.msg)
		}
	}
}

// TestPlanReferences checks that an attribute known only after apply
// whose configuration is a plain reference takes the identity HCL
// evaluation would give it.
func TestPlanReferences(t *testing.T) {
	data, err := os.ReadFile("../../../testdata/corpus/tf-plan-oai-kms-switch/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadPlan(context.Background(), "plan.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Buckets[0]
	want := "arn:aws:kms:us-east-1:210987654321:key/${aws_kms_key.marketing.id}"
	if got := ident.Render(b.Encryption.KeyID.V); got != want || !b.Encryption.KeyID.Known {
		t.Errorf("key id %q, want %q", got, want)
	}
	if b.Encryption.KeyID.Src.Resource != "aws_s3_bucket_server_side_encryption_configuration.marketing" {
		t.Errorf("src %+v", b.Encryption.KeyID.Src)
	}
	k := cfg.Keys[0]
	if ident.Render(k.ARN.V) != want || k.Account.V != "210987654321" || k.Region.V != "us-east-1" {
		t.Errorf("key %s %s %s", ident.Render(k.ARN.V), k.Account.V, k.Region.V)
	}
	if !k.Policy.Default {
		t.Errorf("a new key without a configured policy gets the default key policy: %+v", k.Policy)
	}
	d := cfg.Distributions[0]
	if d.Origins[0].OAI.V != "E3OAIEXAMPLE55" || d.ARN.V != "arn:aws:cloudfront::210987654321:distribution/E1PLANEXAMPLE7" {
		t.Errorf("distribution %+v %+v", d.Origins[0].OAI, d.ARN)
	}
}
