# A bucket policy whose condition lists every project tag value grows past
# the 20 KB AWS allows for a bucket policy; a key policy likewise past the
# 32 KB of a key policy. Neither can be applied. (The values are generated
# long so that the case stays small.)
provider "aws" {
  region = "eu-west-1"
}

locals {
  long     = join("", [for i in range(100) : "project-x"])
  projects = [for i in range(25) : "${local.long}-${i}"]
  teams    = [for i in range(40) : "${local.long}-${i}"]
}

resource "aws_s3_bucket" "shared" {
  bucket = "multi-tenant-shared-files"
}

resource "aws_s3_bucket_policy" "shared" {
  bucket = aws_s3_bucket.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ProjectReaders"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.shared.arn}/*"
      Condition = { StringEquals = { "aws:PrincipalTag/project" = local.projects } }
    }]
  })
}

resource "aws_kms_key" "shared" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admin"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "TeamDecrypt"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalTag/team" = local.teams } }
      }
    ]
  })
}
