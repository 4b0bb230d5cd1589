package edit

import "testing"

func TestTerraform(t *testing.T) {
	for _, tc := range []struct {
		name, src, bucket, resource string
		key                         Key
	}{
		{"separate-resource", `# the site's bucket
resource "aws_s3_bucket" "site" {
  bucket = "site-assets"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id # keep this comment

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
`, "aws_s3_bucket.site", "aws_s3_bucket_server_side_encryption_configuration.site", Key{Ref: "aws_kms_key.web"}},
		{"inline-block", `resource "aws_s3_bucket" "site" {
  bucket = "site-assets"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
`, "aws_s3_bucket.site", "", Key{ARN: "arn:aws:kms:us-east-1:111122223333:key/1111"}},
		{"new-resource", `resource "aws_s3_bucket" "site" {
  bucket = "site-assets"
}
`, "aws_s3_bucket.site", "", Key{Ref: "aws_kms_key.web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := TerraformEncryption("main.tf", []byte(tc.src), Encryption{Bucket: tc.bucket, Resource: tc.resource}, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "tf-"+tc.name+".diff", UnifiedDiff("main.tf", []byte(tc.src), out, false))
		})
	}
}

func TestCloudFormation(t *testing.T) {
	for _, tc := range []struct {
		name, src, id string
		key           Key
	}{
		{"replace", `Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: site-assets
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256

      # the rest
      Tags:
        - Key: team
          Value: web
  Key:
    Type: AWS::KMS::Key
`, "Site", Key{Ref: "Key"}},
		{"add", `Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: site-assets
  Other:
    Type: AWS::SNS::Topic
`, "Site", Key{ARN: "arn:aws:kms:us-east-1:111122223333:key/1111"}},
		{"no-properties", `Resources:
  Site:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain`, "Site", Key{Ref: "Key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := CloudFormationEncryption("template.yaml", []byte(tc.src), tc.id, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "cfn-"+tc.name+".diff", UnifiedDiff("template.yaml", []byte(tc.src), out, false))
		})
	}
}
