# Origins and behaviors generated with dynamic blocks from a map of
# content areas; each area has its own bucket, all behind one OAC.
provider "aws" {
  region = "eu-central-1"
}

locals {
  areas = {
    docs  = "/docs/*"
    media = "/media/*"
  }
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "area" {
  for_each = local.areas
  bucket   = "portal-${each.key}-content"
}

resource "aws_s3_bucket_public_access_block" "area" {
  for_each                = aws_s3_bucket.area
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_origin_access_control" "portal" {
  name                              = "portal"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_s3_bucket_policy" "area" {
  for_each = aws_s3_bucket.area
  bucket   = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudFrontRead"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${each.value.arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.portal.arn } }
    }]
  })
}

resource "aws_cloudfront_distribution" "portal" {
  enabled             = true
  default_root_object = "index.html"

  dynamic "origin" {
    for_each = aws_s3_bucket.area
    content {
      origin_id                = origin.key
      domain_name              = origin.value.bucket_regional_domain_name
      origin_access_control_id = aws_cloudfront_origin_access_control.portal.id
    }
  }

  default_cache_behavior {
    target_origin_id       = "docs"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.areas
    iterator = area
    content {
      path_pattern           = area.value
      target_origin_id       = area.key
      viewer_protocol_policy = "redirect-to-https"
      allowed_methods        = ["GET", "HEAD"]
      cached_methods         = ["GET", "HEAD"]
      cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    }
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
