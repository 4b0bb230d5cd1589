# Generated: serve the bucket through origin access control.
locals {
  price_class = "PriceClass_100"
}

resource "aws_cloudfront_distribution" "site" {
  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }
}
