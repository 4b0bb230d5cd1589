provider "aws" {
  region = "eu-west-2"
}

# The bucket policy is rendered from a template file with the distribution
# ARN passed in.

resource "aws_s3_bucket" "docs" {
  bucket = "templated-docs-site"
}

resource "aws_s3_bucket_public_access_block" "docs" {
  bucket                  = aws_s3_bucket.docs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_origin_access_control" "docs" {
  name                              = "docs"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_s3_bucket_policy" "docs" {
  bucket = aws_s3_bucket.docs.id
  policy = templatefile("${path.module}/policies/bucket.json.tpl", {
    bucket_arn       = aws_s3_bucket.docs.arn
    distribution_arn = aws_cloudfront_distribution.docs.arn
  })
}

resource "aws_cloudfront_distribution" "docs" {
  enabled             = true
  default_root_object = "index.html"
  origin {
    origin_id                = "docs"
    domain_name              = aws_s3_bucket.docs.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.docs.id
  }

  default_cache_behavior {
    target_origin_id       = "docs"
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
