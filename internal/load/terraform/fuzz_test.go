package terraform

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// Run the fuzzers with one worker (two stall on small machines):
//
//	go test ./internal/load/terraform -run '^$' -fuzz FuzzLoadDir -fuzztime 5m -parallel 1
//	go test ./internal/load/terraform -run '^$' -fuzz FuzzLoadPlan -fuzztime 5m -parallel 1
//	go test ./internal/load/terraform -run '^$' -fuzz FuzzOverride -fuzztime 5m -parallel 1
//	go test ./internal/load/terraform -run '^$' -fuzz FuzzYAMLDecode -fuzztime 5m -parallel 1

var fuzzSeeds = []string{
	`resource "aws_s3_bucket" "a" { bucket = "x" }`,
	`locals { a = local.b
b = local.a }`,
	`variable "v" { type = list(string) }
resource "aws_s3_bucket" "a" {
  for_each = toset(var.v)
  bucket = each.key
}`,
	`module "m" {
  source = "./m"
  count = 2
  name = "n${count.index}"
}`,
	`resource "aws_cloudfront_distribution" "d" {
  dynamic "origin" {
    for_each = { a = 1 }
    content { origin_id = origin.key }
  }
}`,
	`data "aws_iam_policy_document" "d" {
  source_policy_documents = ["{\"Statement\":[{\"Sid\":\"A\"}]}"]
  statement {
    sid = "A"
    principals {
      type = "*"
      identifiers = ["*"]
    }
    condition {
      test = "StringEquals"
      variable = "aws:SourceArn"
      values = [aws_cloudfront_distribution.d.arn]
    }
  }
}
resource "aws_cloudfront_distribution" "d" {}
resource "aws_s3_bucket_policy" "p" {
  bucket = "b"
  policy = data.aws_iam_policy_document.d.json
}`,
	`resource "aws_kms_key" "k" { policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*" }] }) }`,
	`variable "site" { type = any }
locals {
  a = lookup(var.site, "oac", null)
  b = var.site.name == null ? "x" : upper(var.site.name)
  c = cidrsubnets(cidrsubnet("10.0.0.0/16", 4, 1), 2, 2)
  d = yamldecode("a: [1, {b: c}]")
  e = fileset(path.module, "**/*.tf")
  f = element(split(",", var.site), -1)
}
resource "aws_s3_bucket" "a" { bucket = "${local.a}-${local.b}" }`,
	`# s3front:ignore:oai-legacy:exp:2030-01-01 reason
resource "aws_s3_bucket" "b" { bucket = format("%s", templatefile("t.tpl", {})) }`,
}

func FuzzLoadDir(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if ms, _ := filepath.Glob("../../../testdata/scenarios/*/main.tf"); len(ms) > 0 {
		for _, m := range ms {
			if data, err := os.ReadFile(m); err == nil {
				f.Add(string(data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		fsys := fstest.MapFS{
			"main.tf":   {Data: []byte(text)},
			"m/main.tf": {Data: []byte("variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" { bucket = var.name }\noutput \"arn\" { value = aws_s3_bucket.b.arn }\n")},
			"t.tpl":     {Data: []byte("${x}")},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cfg, err := LoadDir(ctx, fsys, ".", Options{Vars: []string{"v=[\"a\"]"}})
		if err != nil {
			if errs, ok := err.(Errors); ok {
				for _, e := range errs {
					if e.Msg == "" {
						t.Errorf("empty error message: %v", err)
					}
				}
			}
			return
		}
		for _, u := range cfg.Unresolved {
			if u.What == "" || u.Why == "" {
				t.Errorf("unresolved without text: %+v", u)
			}
		}
	})
}

// FuzzOverride loads a module whose override file is fuzzed too.
func FuzzOverride(f *testing.F) {
	f.Add(`resource "aws_s3_bucket" "a" { bucket = "x" }`, `resource "aws_s3_bucket" "a" { bucket = "y" }`)
	f.Add(`locals { a = 1 }
resource "aws_cloudfront_distribution" "d" {
  dynamic "origin" {
    for_each = { a = 1 }
    content { origin_id = origin.key }
  }
  lifecycle { ignore_changes = [tags] }
}`, `locals { a = 2 }
resource "aws_cloudfront_distribution" "d" {
  origin { origin_id = "b" }
  lifecycle { create_before_destroy = true }
}`)
	f.Add(`provider "aws" { alias = "e" }`, `provider "aws" {
  alias  = "e"
  region = "us-east-1"
}
moved {
  from = a.b
  to   = a.c
}`)
	f.Fuzz(func(t *testing.T, main, override string) {
		fsys := fstest.MapFS{"main.tf": {Data: []byte(main)}, "override.tf": {Data: []byte(override)}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := LoadDir(ctx, fsys, ".", Options{}); err != nil {
			if errs, ok := err.(Errors); ok {
				for _, e := range errs {
					if e.Msg == "" {
						t.Errorf("empty error message: %v", err)
					}
				}
			}
		}
	})
}

// FuzzYAMLDecode feeds yamldecode documents.
func FuzzYAMLDecode(f *testing.F) {
	for _, s := range []string{"a: 1\nb: [x, true, null]\n", "- &a [1, 2]\n- *a\n", "a: &x {b: *x}", "0x1f", "!!binary aGk=", ".inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = yamlDecode(src)
	})
}

func FuzzLoadPlan(f *testing.F) {
	if data, err := os.ReadFile("../../../testdata/corpus/tf-state-oac-kms-correct/state.json"); err == nil {
		f.Add(data)
	}
	if data, err := os.ReadFile("testdata/fixtures/plan/plan.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"x","policy":"{"}}]}},"resource_changes":[{"address":"aws_s3_bucket.b","change":{"after_unknown":{"arn":true,"grant":[{"id":true}]}}}]}`))
	f.Add([]byte(`{"format_version":"1.0","values":{"root_module":{"child_modules":[{"resources":[{"address":"module.m.aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","values":{"policy":"{\"Statement\":[]}","arn":"arn:aws:kms:eu-west-1:111122223333:key/x"}}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = IsPlan(data)
		cfg, err := LoadPlan(context.Background(), "plan.json", data, Options{})
		if err == nil && cfg == nil {
			t.Error("nil config without error")
		}
	})
}
