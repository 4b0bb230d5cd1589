# Four years of a legacy setup: the site is served through an Origin Access
# Identity. A scanner asked for a customer managed key on the bucket, so default
# encryption was switched to SSE-KMS. Existing objects stay SSE-S3 and keep
# working; the next deploy uploads KMS-encrypted objects, and they can't be served.

provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "webapp" {
  bucket = "example-webapp-assets"
}

resource "aws_s3_bucket_public_access_block" "webapp" {
  bucket                  = aws_s3_bucket.webapp.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_kms_key" "web" {
  description         = "web application buckets"
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "webapp" {
  bucket = aws_s3_bucket.webapp.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_cloudfront_origin_access_identity" "webapp" {
  comment = "web app origin access identity"
}

resource "aws_s3_bucket_policy" "webapp" {
  bucket = aws_s3_bucket.webapp.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_cloudfront_origin_access_identity.webapp.iam_arn }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.webapp.arn}/*"
    }]
  })
}

resource "aws_cloudfront_distribution" "webapp" {
  enabled             = true
  default_root_object = "index.html"

  origin {
    domain_name = aws_s3_bucket.webapp.bucket_regional_domain_name
    origin_id   = aws_s3_bucket.webapp.bucket_regional_domain_name

    s3_origin_config {
      origin_access_identity = aws_cloudfront_origin_access_identity.webapp.cloudfront_access_identity_path
    }
  }

  default_cache_behavior {
    target_origin_id       = aws_s3_bucket.webapp.bucket_regional_domain_name
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
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
