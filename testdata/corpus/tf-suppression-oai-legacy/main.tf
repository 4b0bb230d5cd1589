# A site that still uses an OAI on purpose (its bucket is SSE-S3). The team
# accepted the legacy warning until the migration date.
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "blog" {
  bucket = "team-blog-static"
}

resource "aws_s3_bucket_public_access_block" "blog" {
  bucket                  = aws_s3_bucket.blog.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_origin_access_identity" "blog" {
  comment = "blog"
}

resource "aws_s3_bucket_policy" "blog" {
  bucket = aws_s3_bucket.blog.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_cloudfront_origin_access_identity.blog.iam_arn }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.blog.arn}/*"
    }]
  })
}

# s3front:ignore:oai-legacy:exp:2099-12-31 migration to OAC planned with the redesign
resource "aws_cloudfront_distribution" "blog" {
  enabled             = true
  default_root_object = "index.html"
  origin {
    origin_id   = "blog"
    domain_name = aws_s3_bucket.blog.bucket_regional_domain_name
    s3_origin_config {
      origin_access_identity = aws_cloudfront_origin_access_identity.blog.cloudfront_access_identity_path
    }
  }

  default_cache_behavior {
    target_origin_id       = "blog"
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
