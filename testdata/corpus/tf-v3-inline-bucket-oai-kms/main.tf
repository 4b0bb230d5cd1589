# AWS provider v3 style: ACL, policy, versioning and default encryption are
# arguments and blocks of aws_s3_bucket itself. The bucket is served through
# an OAI and its inline default encryption uses a customer key.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 3.75"
    }
  }
}

provider "aws" {
  region = "us-east-2"
}

resource "aws_kms_key" "legacy" {
  description         = "legacy site"
  enable_key_rotation = true
}

resource "aws_cloudfront_origin_access_identity" "legacy" {
  comment = "legacy"
}

resource "aws_s3_bucket" "legacy" {
  bucket = "legacy-v3-site-bucket"
  acl    = "private"

  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OAIRead",
      "Effect": "Allow",
      "Principal": { "AWS": "${aws_cloudfront_origin_access_identity.legacy.iam_arn}" },
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::legacy-v3-site-bucket/*"
    }
  ]
}
POLICY

  versioning {
    enabled = true
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.legacy.arn
      }
    }
  }
}

resource "aws_s3_bucket_public_access_block" "legacy" {
  bucket                  = aws_s3_bucket.legacy.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudfront_distribution" "legacy" {
  enabled             = true
  default_root_object = "index.html"
  origin {
    origin_id   = "legacy"
    domain_name = aws_s3_bucket.legacy.bucket_regional_domain_name
    s3_origin_config {
      origin_access_identity = aws_cloudfront_origin_access_identity.legacy.cloudfront_access_identity_path
    }
  }

  default_cache_behavior {
    target_origin_id       = "legacy"
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
