package terraform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// genSites generates a root module with n sites: each a bucket with Block
// Public Access, a customer key with a key policy scoped to the site's
// distribution, default encryption with that key, an OAC, a bucket policy
// from aws_iam_policy_document and a distribution. Files hold 100 sites
// each.
func genSites(n int) map[string]string {
	files := map[string]string{"main.tf": `provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

variable "environment" {
  type    = string
  default = "prod"
}

locals {
  prefix = "acme-${var.environment}"
}
`}
	var b strings.Builder
	flush := func(i int) {
		if b.Len() > 0 {
			files[fmt.Sprintf("sites_%04d.tf", i/100)] = b.String()
			b.Reset()
		}
	}
	for i := 0; i < n; i++ {
		if i > 0 && i%100 == 0 {
			flush(i - 1)
		}
		s := "s" + strconv.Itoa(i)
		fmt.Fprintf(&b, `
resource "aws_s3_bucket" "%[1]s" {
  bucket = "${local.prefix}-%[1]s-assets"
}

resource "aws_s3_bucket_public_access_block" "%[1]s" {
  bucket                  = aws_s3_bucket.%[1]s.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_kms_key" "%[1]s" {
  description         = "%[1]s assets"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "%[1]s" {
  key_id = aws_kms_key.%[1]s.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admin"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudFrontDecrypt"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.%[1]s.arn } }
      }
    ]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "%[1]s" {
  bucket = aws_s3_bucket.%[1]s.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.%[1]s.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_cloudfront_origin_access_control" "%[1]s" {
  name                              = "%[1]s"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

data "aws_iam_policy_document" "%[1]s" {
  statement {
    sid       = "CloudFrontRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.%[1]s.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.%[1]s.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "%[1]s" {
  bucket = aws_s3_bucket.%[1]s.id
  policy = data.aws_iam_policy_document.%[1]s.json
}

resource "aws_cloudfront_distribution" "%[1]s" {
  enabled             = true
  default_root_object = "index.html"
  comment             = "site %[1]s"

  origin {
    origin_id                = "%[1]s"
    domain_name              = aws_s3_bucket.%[1]s.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.%[1]s.id
  }

  default_cache_behavior {
    target_origin_id       = "%[1]s"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
`, s)
	}
	flush(n - 1)
	return files
}

func BenchmarkLoadDir(b *testing.B) {
	for _, n := range []int{100, 1000, 3000} {
		files := genSites(n)
		size := 0
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
			size += len(text)
		}
		b.Run("sites="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cfg, err := LoadDir(context.Background(), fsys, ".", Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(cfg.Distributions) != n {
					b.Fatalf("%d distributions", len(cfg.Distributions))
				}
			}
		})
	}
}

// TestGenerateSites writes the benchmark's root module to disk, for
// measuring a whole run (peak memory, s3front check):
//
//	S3FRONT_GEN_DIR=/tmp/sites1000 S3FRONT_GEN_SITES=1000 go test ./internal/load/terraform -run TestGenerateSites
func TestGenerateSites(t *testing.T) {
	dir := os.Getenv("S3FRONT_GEN_DIR")
	if dir == "" {
		t.Skip("set S3FRONT_GEN_DIR (and S3FRONT_GEN_SITES) to generate")
	}
	n, _ := strconv.Atoi(os.Getenv("S3FRONT_GEN_SITES"))
	if n <= 0 {
		n = 1000
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range genSites(n) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGeneratedSitesLoad(t *testing.T) {
	cfg := mustLoad(t, genSites(3), Options{})
	if len(cfg.Distributions) != 3 || len(cfg.Keys) != 3 || len(cfg.Buckets) != 3 {
		t.Fatalf("model: %d distributions, %d keys, %d buckets", len(cfg.Distributions), len(cfg.Keys), len(cfg.Buckets))
	}
	for _, bk := range cfg.Buckets {
		if !bk.Policy.HasDoc() || bk.Policy.V.Statements[0].Pos.Line == 0 {
			t.Errorf("%s: policy %+v", bk.Ref, bk.Policy)
		}
	}
	for _, k := range cfg.Keys {
		if !k.Policy.HasDoc() || k.Policy.Src.Resource != "aws_kms_key_policy."+strings.TrimPrefix(k.Ref, "aws_kms_key.") {
			t.Errorf("%s: policy src %+v", k.Ref, k.Policy.Src)
		}
	}
	if len(cfg.Unresolved) != 0 {
		t.Errorf("unresolved: %+v", cfg.Unresolved)
	}
}
