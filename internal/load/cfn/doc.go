// Package cfn loads AWS CloudFormation templates (hand-written, or
// synthesized by the AWS CDK, SAM or Amplify) into the s3front model.
//
// [Load] reads one template (YAML or JSON) from an fs.FS, resolves its
// parameters, conditions, mappings and intrinsic functions (package
// [github.com/s3front/s3front/internal/load/cfn/template]), loads nested
// stacks whose TemplateURL is a local path, and maps the resources of the
// delivery path to the model: distributions, OAIs and OACs, cache and
// origin request policies, buckets and bucket policies, KMS keys and
// aliases, and organization policies. [IsTemplate] recognises a template
// by its content.
//
// # Identities
//
// The loader follows the conventions of the model package:
//
//   - Ref of a distribution, OAI, OAC, KMS key, cache or origin request
//     policy is ident.New(kind, Ref+".id"); an OAI's S3CanonicalUserId is
//     ident.New(CanonicalUser, Ref+".s3_canonical_user_id"); a bucket
//     without BucketName is ident.New(BucketName, Ref+".bucket"). Ref is
//     the logical ID, prefixed by the logical IDs of the nested stacks that
//     hold it ("Cdn/SiteBucket").
//   - Fn::GetAtt attributes compose from those with the functions of
//     model/arn.go: Bucket.Arn is model.BucketARN, RegionalDomainName is
//     model.BucketRegionalDomain, Key.Arn is model.KeyARN, and so on, so
//     `!Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Dist}"`
//     is byte for byte the model.DistributionARN of Dist.
//   - AWS::AccountId is Options.AccountID or ident.New(Account,
//     "<stack>:AWS::AccountId"); AWS::Region is Options.Region or
//     ident.New(Region, "<stack>:AWS::Region"). <stack> is
//     Options.StackName, or the template's path without its extension.
//     Nested stacks share the account and Region of their parent.
//   - AWS::Partition is Options.Partition; else the partition of
//     Options.Region (cn-* is aws-cn, us-gov-* aws-us-gov); else "aws",
//     recorded as an assumption (Account.Partition.Default). A symbol would
//     make every literal "arn:aws:..." in the template incomparable with
//     the ARNs the template composes, for the sake of partitions almost no
//     template targets. AWS::URLSuffix follows the partition.
//   - AWS::StackName is Options.StackName or an ident Name symbol.
//
// # Unknown values
//
// A value that cannot be known offline (a parameter without Default or
// value, an SSM parameter, Fn::ImportValue, Fn::GetAZs, the output of a
// custom resource or macro, a condition over those) becomes an ident.Any
// symbol and an entry of Config.Unresolved (rule unresolved-input). A
// resource whose Condition is false is not loaded; a resource whose
// Condition cannot be decided is loaded as if it were created, with an
// Unresolved entry that says so: leaving it out would report its absence
// as a failure. An Fn::If over an undecidable condition yields the common
// value of its branches when they agree, and an unknown value otherwise.
//
// # Errors
//
// What CloudFormation refuses when it reads a template stops loading with a
// *source.Error at the position of the problem, with a hint: YAML or JSON
// syntax, duplicate keys, unknown sections, intrinsic functions or short
// tags, a Ref or Fn::GetAtt to nothing, undefined conditions, dependency
// cycles between resources (cfn-lint E3004), a nested stack that includes
// itself. What CloudFormation only refuses when it creates the stack, and
// cfn-lint does not check (an Fn::Select index out of range, a missing
// mapping entry, a property of the wrong type produced by a function), is
// an unknown value and an Unresolved entry that says CloudFormation will
// reject it: every template cfn-lint accepts loads.
//
// # Loops
//
// With the AWS::LanguageExtensions transform, Fn::ForEach loops of the
// Resources section are expanded (nested loops too) when their collection
// is known offline: a list, or a Ref to a CommaDelimitedList parameter
// with a value. A loop over an unknown collection is Unresolved. Loops
// inside properties, Outputs or Conditions are not expanded; their value
// is unknown.
//
// # Nested stacks
//
// An AWS::CloudFormation::Stack whose TemplateURL is a relative path (or
// whose CDK metadata names the synthesized file, aws:asset:path) is
// loaded from the same fs.FS, relative to the parent template, with the
// Parameters the parent passes. Its resources are named
// "<StackLogicalID>/<LogicalID>"; Fn::GetAtt Stack.Outputs.Name resolves
// to the child's output. Remote templates (https://, s3://) are
// Unresolved.
//
// # CDK and custom resources
//
// Custom resources run code at deploy time. The loader applies the effect
// of the ones it knows:
//
//   - Custom::S3OriginAccessControlKeyPolicy and
//     Custom::S3OriginAccessControlKeyPolicyUpdater (aws-cdk-lib
//     aws-cloudfront-origins, OAC with an SSE-KMS bucket) and
//     Custom::KmsKeyPolicyUpdater (AWS Solutions Constructs
//     aws-cloudfront-s3) add a statement allowing cloudfront.amazonaws.com
//     to use the key, conditioned on AWS:SourceArn of the distribution.
//   - Custom::S3OriginAccessControlBucketPolicyUpdater (aws-cdk-lib, an
//     imported bucket behind OAC) adds the OAC read statement and removes
//     OAI statements, when its IsImportedBucket property is set.
//   - Custom::CDKBucketDeployment uploads with the bucket's default
//     encryption unless it sets ServerSideEncryption; then it is a
//     declared writer.
//
// Custom::AWS calls that change S3, KMS or CloudFront settings, and any
// other custom resource that is given a bucket, key or distribution of
// the template, are Unresolved: what they do is not in the template.
//
// # Suppressions
//
// A resource's Metadata may silence findings about it:
//
//	Metadata:
//	  s3front:
//	    ignore:
//	      - id: bucket-not-kms
//	        reason: public assets, SSE-S3 is enough
//	        expires: 2026-12-31
package cfn
