# Two origins are S3 access point aliases. CloudFront supports access point
# and Object Lambda access point origins only with origin access control
# (confirmed in the CloudFront origin docs); one uses an origin access
# identity, the other signs with OAC (its access point policy is not in
# this configuration).
provider "aws" {
  region = "eu-west-1"
}

resource "aws_cloudfront_origin_access_identity" "media" {}

resource "aws_cloudfront_origin_access_control" "thumbs" {
  name                              = "thumbs"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "media" {
  enabled             = true
  default_root_object = "index.html"

  origin {
    origin_id   = "media"
    domain_name = "media-ap-hzq3xkvsd4q5xb1d7m2f-s3alias.s3.eu-west-1.amazonaws.com"
    s3_origin_config {
      origin_access_identity = aws_cloudfront_origin_access_identity.media.cloudfront_access_identity_path
    }
  }

  origin {
    origin_id                = "thumbs"
    domain_name              = "thumbs-olap-7d2k1x9q4f0a8b3c5e6g--ol-s3.s3.eu-west-1.amazonaws.com"
    origin_access_control_id = aws_cloudfront_origin_access_control.thumbs.id
  }

  default_cache_behavior {
    target_origin_id       = "media"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  ordered_cache_behavior {
    path_pattern           = "/thumbs/*"
    target_origin_id       = "thumbs"
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
