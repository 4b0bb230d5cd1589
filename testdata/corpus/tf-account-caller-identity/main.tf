# Everything is deployed with a provider alias, and the bucket policy
# spells the distribution's ARN with data.aws_caller_identity read through
# that same alias. Nothing says which account it is, but it is the same
# account everywhere, so the correct OAC setup is allowed without
# --account (and no input is reported missing).
provider "aws" {
  alias  = "site"
  region = "eu-west-1"
}

data "aws_caller_identity" "site" {
  provider = aws.site
}

resource "aws_s3_bucket" "site" {
  provider = aws.site
  bucket   = "caller-identity-site"
}

resource "aws_s3_bucket_public_access_block" "site" {
  provider                = aws.site
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_origin_access_control" "site" {
  provider                          = aws.site
  name                              = "site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_s3_bucket_policy" "site" {
  provider = aws.site
  bucket   = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.site.arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::${data.aws_caller_identity.site.account_id}:distribution/${aws_cloudfront_distribution.site.id}" } }
    }]
  })
}

resource "aws_cloudfront_distribution" "site" {
  provider            = aws.site
  enabled             = true
  default_root_object = "index.html"

  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id       = "site"
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
