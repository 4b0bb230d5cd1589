package awslive

import "sort"

// Call names one API operation the reader makes: the SDK's service and
// operation names and the IAM action that authorizes it.
type Call struct {
	Service    string
	Operation  string
	Permission string
}

// Calls lists every operation the reader may make, with the IAM action
// each needs. docs/aws-permissions.json grants exactly these (GetCallerIdentity
// needs none), and tests hold the reader to this list.
func Calls() []Call {
	return []Call{
		{"sts", "GetCallerIdentity", ""},
		{"sts", "AssumeRole", "sts:AssumeRole"},
		{"cloudfront", "ListDistributions", "cloudfront:ListDistributions"},
		{"cloudfront", "ListOriginAccessControls", "cloudfront:ListOriginAccessControls"},
		{"cloudfront", "ListCloudFrontOriginAccessIdentities", "cloudfront:ListCloudFrontOriginAccessIdentities"},
		{"cloudfront", "ListCachePolicies", "cloudfront:ListCachePolicies"},
		{"cloudfront", "ListOriginRequestPolicies", "cloudfront:ListOriginRequestPolicies"},
		{"s3", "ListBuckets", "s3:ListAllMyBuckets"},
		{"s3", "GetBucketLocation", "s3:GetBucketLocation"},
		{"s3", "GetBucketPolicy", "s3:GetBucketPolicy"},
		{"s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
		{"s3", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
		{"s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		{"s3", "GetBucketAcl", "s3:GetBucketAcl"},
		{"s3", "GetBucketWebsite", "s3:GetBucketWebsite"},
		{"s3", "GetBucketRequestPayment", "s3:GetBucketRequestPayment"},
		{"s3", "ListObjectsV2", "s3:ListBucket"},
		{"s3", "HeadObject", "s3:GetObject"},
		{"s3", "GetObjectAcl", "s3:GetObjectAcl"},
		{"s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
		{"kms", "DescribeKey", "kms:DescribeKey"},
		{"kms", "GetKeyPolicy", "kms:GetKeyPolicy"},
		{"kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"},
		{"organizations", "DescribeOrganization", "organizations:DescribeOrganization"},
		{"organizations", "ListAccounts", "organizations:ListAccounts"},
		{"organizations", "ListParents", "organizations:ListParents"},
		{"organizations", "ListPoliciesForTarget", "organizations:ListPoliciesForTarget"},
		{"organizations", "DescribePolicy", "organizations:DescribePolicy"},
	}
}

// permission returns the IAM action of service's operation.
func permission(service, op string) string {
	for _, c := range Calls() {
		if c.Service == service && c.Operation == op {
			return c.Permission
		}
	}
	return service + ":" + op
}

// Permissions lists the IAM actions of [Calls], sorted, without duplicates.
func Permissions() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range Calls() {
		if c.Permission != "" && !seen[c.Permission] {
			seen[c.Permission] = true
			out = append(out, c.Permission)
		}
	}
	sort.Strings(out)
	return out
}
