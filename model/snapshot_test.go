package model

import (
	"bytes"
	"strings"
	"testing"
)

func TestIsSnapshot(t *testing.T) {
	for in, want := range map[string]bool{
		`{"s3front_snapshot": 1, "config": {}}`:              true,
		`{"config": {"buckets": []}, "s3front_snapshot": 1}`: true,
		"  \n" + `{"config": {}, "s3front_snapshot": 1}`:     true,
		`{"AWSTemplateFormatVersion": "2010-09-09"}`:         false,
		`["s3front_snapshot"]`:                               false,
	} {
		if got := IsSnapshot([]byte(in)); got != want {
			t.Errorf("IsSnapshot(%q) = %v", in, got)
		}
	}
}

// TestSnapshotRoundTrip writes a model and reads it back: same bytes, same
// positions.
func TestSnapshotRoundTrip(t *testing.T) {
	in := `{"s3front_snapshot": 1, "config": {
  "buckets": [{"ref": "b", "account": "111122223333", "region": "eu-west-1", "name": "assets",
    "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "CF", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]},
    "ownership": {"unknown": "the bucket's ownership controls could not be read"}}],
  "keys": [{"ref": "k", "account": "111122223333", "region": "eu-west-1", "id": "1234abcd-12ab-34cd-56ef-1234567890ab"}]}}`
	cfg, err := ReadSnapshot("in.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Buckets[0]
	if b.Ownership.Known || !strings.Contains(b.Ownership.Missing, "could not be read") {
		t.Errorf("ownership should be unknown: %+v", b.Ownership)
	}
	if !b.PublicAccessBlock.BlockPublicACLs.Default || !b.PublicAccessBlock.BlockPublicACLs.V {
		t.Errorf("omitted BPA should take AWS's default: %+v", b.PublicAccessBlock.BlockPublicACLs)
	}
	if got := b.Policy.V.Statements[0].Pos; got.File != "in.json" || got.Line != 3 {
		t.Errorf("statement position %v", got)
	}
	k := cfg.Keys[0]
	if !k.Policy.Default || k.Policy.V == nil || !k.ARN.Known || k.ARN.V != "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Errorf("key defaults: %+v %+v", k.Policy, k.ARN)
	}
	var out1, out2 bytes.Buffer
	if err := WriteSnapshot(&out1, cfg); err != nil {
		t.Fatal(err)
	}
	cfg2, err := ReadSnapshot("out.json", out1.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out1.String())
	}
	if err := WriteSnapshot(&out2, cfg2); err != nil {
		t.Fatal(err)
	}
	if out1.String() != out2.String() {
		t.Errorf("round trip changed the snapshot:\n%s\n---\n%s", out1.String(), out2.String())
	}
	if got := cfg2.Buckets[0].Policy.V.Statements[0].Pos; got.File != "in.json" || got.Line != 3 {
		t.Errorf("positions must survive a round trip, got %v", got)
	}
}

func TestSnapshotErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"s3front_snapshot": 9, "config": {}}`: "snapshot version 9 is newer",
		`{"config": {}}`:                        "not an s3front snapshot",
		`{"s3front_snapshot": 1, "config": {"buckets": [{"nmae": "x"}]}}`:      `1:49: unknown member "nmae" in bucket`,
		`{"s3front_snapshot": 1, "config": {"buckets": [{"name": 3}]}}`:        "expected a string, found number 3",
		`{"s3front_snapshot": 1, "config": {"buckets": [{"website": "yes"}]}}`: "expected true or false",
		`{"s3front_snapshot": 1, "config": {"buckets": [{"policy": 1}]}}`:      "a policy is a policy document",
	} {
		_, err := ReadSnapshot("x.json", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadSnapshot(%s): error %v, want %q", in, err, want)
		}
	}
}

func FuzzReadSnapshot(f *testing.F) {
	f.Add([]byte(`{"s3front_snapshot": 1, "config": {"buckets": [{"ref": "b", "name": "x", "policy": {"Version": "2012-10-17", "Statement": []}}]}}`))
	f.Add([]byte(`{"s3front_snapshot": 1, "config": {"distributions": [{"ref": "d", "origins": [{"id": {"unknown": "x"}}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ReadSnapshot("f.json", data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteSnapshot(&b, cfg); err != nil {
			t.Fatal(err)
		}
	})
}
