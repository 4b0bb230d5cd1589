# A site served through the lookup(..., null) module, with a legacy origin
# access identity, from a bucket whose default encryption is a customer
# managed key: objects uploaded from now on cannot be read (OAI + SSE-KMS).
provider "aws" {
  region = "eu-west-1"
}

module "cdn" {
  source = "./modules/cdn"

  origin_access_identities = {
    site = "docs site"
  }

  origin = {
    site = {
      domain_name = aws_s3_bucket.site.bucket_regional_domain_name
      s3_origin_config = {
        origin_access_identity = "site"
      }
    }
  }
}

resource "aws_s3_bucket" "site" {
  bucket = "docs-site-content"
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_kms_key" "site" {
  description         = "docs site"
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.site.arn
    }
    bucket_key_enabled = true
  }
}

data "aws_iam_policy_document" "site" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = module.cdn.oai_arns
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json
}
