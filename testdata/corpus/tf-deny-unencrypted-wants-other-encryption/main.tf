# The deny statement requires SSE-KMS, but the bucket's default is SSE-S3:
# uploads relying on default encryption would not be encrypted as the
# policy demands, so denying them is the statement doing its job, not a
# rollout mistake.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "vault" {
  bucket = "vault-kms-required"
}

resource "aws_s3_bucket_public_access_block" "vault" {
  bucket                  = aws_s3_bucket.vault.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "vault" {
  bucket = aws_s3_bucket.vault.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyUnEncryptedObjectUploads"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.vault.arn}/*"
      Condition = { StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" } }
    }]
  })
}
