# Two sites from for_each over a map: "docs" uses OAC with a correct key
# policy, "legacy" still uses an OAI. Both buckets use the same customer key.
provider "aws" {
  region = "ca-central-1"
}

locals {
  sites = {
    docs   = { oac = true }
    legacy = { oac = false }
  }
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "sites" {
  description         = "sites"
  enable_key_rotation = true
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
        Condition = { StringEquals = { "AWS:SourceArn" = [for k, d in aws_cloudfront_distribution.site : d.arn] } }
      }
    ]
  })
}

resource "aws_s3_bucket" "site" {
  for_each = local.sites
  bucket   = "maple-${each.key}-site"
}

resource "aws_s3_bucket_public_access_block" "site" {
  for_each                = local.sites
  bucket                  = aws_s3_bucket.site[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  for_each = local.sites
  bucket   = aws_s3_bucket.site[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.sites.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_cloudfront_origin_access_control" "docs" {
  name                              = "docs"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_origin_access_identity" "legacy" {
  comment = "legacy"
}

resource "aws_s3_bucket_policy" "site" {
  for_each = local.sites
  bucket   = aws_s3_bucket.site[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge({
      Sid       = "CloudFrontRead"
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.site[each.key].arn}/*"
      Principal = each.value.oac ? { Service = "cloudfront.amazonaws.com" } : { AWS = aws_cloudfront_origin_access_identity.legacy.iam_arn }
      }, each.value.oac ? {
      Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.site[each.key].arn } }
    } : {})]
  })
}

resource "aws_cloudfront_distribution" "site" {
  for_each            = local.sites
  enabled             = true
  default_root_object = "index.html"

  origin {
    origin_id                = each.key
    domain_name              = aws_s3_bucket.site[each.key].bucket_regional_domain_name
    origin_access_control_id = each.value.oac ? aws_cloudfront_origin_access_control.docs.id : null

    dynamic "s3_origin_config" {
      for_each = each.value.oac ? [] : [1]
      content {
        origin_access_identity = aws_cloudfront_origin_access_identity.legacy.cloudfront_access_identity_path
      }
    }
  }

  default_cache_behavior {
    target_origin_id       = each.key
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
