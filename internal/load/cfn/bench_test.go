package cfn_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/internal/load/cfn"
)

// siteTemplate generates a template with n sites, each a customer managed
// key, a bucket, its policy, an OAC and a distribution (5n resources,
// every one written with intrinsic functions).
func siteTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Project: {Type: String, Default: bench}\nConditions:\n  InEast: !Equals [!Ref AWS::Region, us-east-1]\nResources:\n")
	for i := range n {
		fmt.Fprintf(&b, `  Key%[1]d:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Admin
            Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
          - Sid: CloudFront
            Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: kms:Decrypt
            Resource: "*"
            Condition:
              ArnLike:
                AWS:SourceArn: !Sub "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"
  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Project}-site-%[1]d-${AWS::AccountId}"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt Key%[1]d.Arn}
            BucketKeyEnabled: true
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}
  Policy%[1]d:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket%[1]d
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: !Join ["", [!GetAtt Bucket%[1]d.Arn, "/*"]]
            Condition:
              StringEquals:
                AWS:SourceArn: !Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Dist%[1]d}"
  OAC%[1]d:
    Type: AWS::CloudFront::OriginAccessControl
    Properties:
      OriginAccessControlConfig: {Name: !Sub "${Project}-%[1]d", OriginAccessControlOriginType: s3, SigningBehavior: always, SigningProtocol: sigv4}
  Dist%[1]d:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Comment: !If [InEast, east, elsewhere]
        DefaultRootObject: index.html
        Origins:
          - Id: s3
            DomainName: !GetAtt Bucket%[1]d.RegionalDomainName
            OriginAccessControlId: !GetAtt OAC%[1]d.Id
            S3OriginConfig: {OriginAccessIdentity: ""}
        DefaultCacheBehavior:
          TargetOriginId: s3
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
`, i)
	}
	return []byte(b.String())
}

// BenchmarkLoad loads generated templates of 50 and 500 sites.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{50, 500, 2000} {
		data := siteTemplate(n)
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			fsys := fstest.MapFS{"t.yaml": {Data: data}}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				cfg, err := cfn.Load(context.Background(), fsys, "t.yaml", cfn.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(cfg.Distributions) != n {
					b.Fatalf("%d distributions", len(cfg.Distributions))
				}
			}
		})
	}
}

func TestSiteTemplateLoads(t *testing.T) {
	cfg, err := cfn.Load(context.Background(), fstest.MapFS{"t.yaml": {Data: siteTemplate(3)}}, "t.yaml", cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Buckets) != 3 || !cfg.Buckets[2].Policy.HasDoc() || len(cfg.Unresolved) != 1 || cfg.Unresolved[0].What != "condition InEast" {
		t.Fatalf("buckets %d, unresolved %+v", len(cfg.Buckets), cfg.Unresolved)
	}
}

// TestGenerateSites writes the benchmark template to a file, for measuring
// the loader and `s3front check` as processes:
//
//	S3FRONT_GEN_TEMPLATE=/tmp/sites500.yaml S3FRONT_GEN_SITES=500 go test ./internal/load/cfn -run TestGenerateSites
func TestGenerateSites(t *testing.T) {
	out := os.Getenv("S3FRONT_GEN_TEMPLATE")
	if out == "" {
		t.Skip("set S3FRONT_GEN_TEMPLATE (and S3FRONT_GEN_SITES) to write a generated template")
	}
	n, err := strconv.Atoi(os.Getenv("S3FRONT_GEN_SITES"))
	if err != nil || n < 1 {
		n = 500
	}
	if err := os.WriteFile(out, siteTemplate(n), 0o644); err != nil {
		t.Fatal(err)
	}
}
