// Package tfgen generates Terraform configurations for benchmarks: one
// root module with n sites ([Sites]), a repository of n root modules with
// one site each ([Roots]), or a monorepo of n root modules that each call
// a shared site module ([Monorepo]). Each site is a private
// bucket with Block Public Access, a customer managed key whose policy
// (jsonencode) admits the site's distribution, default encryption with
// that key, an origin access control, an aws_iam_policy_document and the
// bucket policy using it, and a distribution: 8 resources and 1 data
// source, about 2.9 KB of HCL.
package tfgen

import (
	"fmt"
	"strconv"
	"strings"
)

// head is the start of a root module.
const head = `provider "aws" {
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
`

// site is one site of a root module; %[1]s is its name.
const site = `
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
`

// module is the site as a module called once per root.
const module = `variable "name" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "this" {
  bucket = "${var.name}-assets"
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_kms_key" "this" {
  description         = "${var.name} assets"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "this" {
  key_id = aws_kms_key.this.id
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
        Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.this.arn } }
      }
    ]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = var.name
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "CloudFrontRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_cloudfront_distribution" "this" {
  enabled             = true
  default_root_object = "index.html"
  comment             = "site ${var.name}"

  origin {
    origin_id                = var.name
    domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id       = var.name
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
`

// Sites returns the files (name → text) of one root module with n sites,
// 100 sites per file.
func Sites(n int) map[string]string {
	files := map[string]string{"main.tf": head}
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
		fmt.Fprintf(&b, site, "s"+strconv.Itoa(i))
	}
	flush(n - 1)
	return files
}

// Roots returns the files of a repository with n root modules,
// envs/siteNNNN, each a root module with one site (the same text as one
// site of [Sites]).
func Roots(n int) map[string]string {
	files := map[string]string{}
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("envs/site%04d/main.tf", i)] = head + fmt.Sprintf(site, "site")
	}
	return files
}

// Monorepo returns the files of a repository with n root modules,
// envs/siteNNNN, each calling modules/site (../../modules/site) for one
// site.
func Monorepo(n int) map[string]string {
	files := map[string]string{"modules/site/main.tf": module}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("site%04d", i)
		files["envs/"+name+"/main.tf"] = fmt.Sprintf(`provider "aws" {
  region = "eu-west-1"
}

module "site" {
  source = "../../modules/site"
  name   = "acme-prod-%s"
}
`, name)
	}
	return files
}
