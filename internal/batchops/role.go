package batchops

import (
	"encoding/json"
)

// RoleInput names what the role's policy must cover.
type RoleInput struct {
	Partition  string
	Bucket     string
	WorkBucket string
	Prefix     string
	KeyARN     string
	// SourceKeyARNs are the keys objects are under today (SSE-KMS under
	// another key); the role must decrypt them to copy.
	SourceKeyARNs []string
}

// TrustPolicy is the role's trust policy: Batch Operations assumes it.
func TrustPolicy() string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole",
		}},
	})
}

// RolePolicy is the least-privilege permissions policy of the role a copy
// job runs as: read the objects (and their versions, tags) of the bucket,
// write them back with tags, read the manifest, write the report, and use
// the key to encrypt (and the source keys to decrypt).
func RolePolicy(in RoleInput) string {
	p := in.Partition
	if p == "" {
		p = "aws"
	}
	bucket := "arn:" + p + ":s3:::" + in.Bucket
	work := "arn:" + p + ":s3:::" + in.WorkBucket
	pre := in.Prefix
	if pre == "" {
		pre = "s3front/reencrypt/" + in.Bucket
	}
	keys := append([]string{in.KeyARN}, in.SourceKeyARNs...)
	stmts := []any{
		map[string]any{"Sid": "ReadSourceObjects", "Effect": "Allow",
			"Action":   []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"},
			"Resource": bucket + "/*"},
		map[string]any{"Sid": "WriteCopies", "Effect": "Allow",
			"Action":   []string{"s3:PutObject", "s3:PutObjectTagging"},
			"Resource": bucket + "/*"},
		map[string]any{"Sid": "ListBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
		map[string]any{"Sid": "ReadManifest", "Effect": "Allow",
			"Action":   []string{"s3:GetObject", "s3:GetObjectVersion"},
			"Resource": work + "/" + pre + "/manifests/*"},
		map[string]any{"Sid": "WriteReport", "Effect": "Allow", "Action": "s3:PutObject", "Resource": work + "/" + pre + "/reports/*"},
		map[string]any{"Sid": "UseKeys", "Effect": "Allow",
			"Action":   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			"Resource": keys},
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": stmts})
}

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // static shapes only
	}
	return string(b)
}
