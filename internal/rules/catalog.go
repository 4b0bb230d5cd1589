package rules

import "github.com/s3front/s3front/report"

// All returns every rule of RULES.md, in catalogue order, as a new slice:
// callers may filter it freely.
func All() []*Rule {
	rs := []*Rule{
		// Path-breaking rules (error).
		{ID: "oai-sse-kms", Severity: report.Error, FromPaths: true, Sections: []string{"1.2", "16.1"}, Codes: []string{"KMS.UnrecognizedClientException"}},
		{ID: "oac-key-policy-missing", Severity: report.Error, FromPaths: true, Sections: []string{"2.3", "12.1"}, Codes: []string{"AccessDenied"}},
		{ID: "aws-managed-key", Severity: report.Error, FromPaths: true, Sections: []string{"1.2", "8.3"}, Codes: []string{"AccessDenied"}},
		{ID: "bucket-policy-denies-origin", Severity: report.Error, FromPaths: true, Sections: []string{"2.1", "2.2", "12"}, Codes: []string{"AccessDenied"}},
		{ID: "source-arn-mismatch", Severity: report.Error, FromPaths: true, Sections: []string{"2.1", "14.9"}, Codes: []string{"AccessDenied"}},
		{ID: "oac-signing-disabled", Severity: report.Error, FromPaths: true, Sections: []string{"3.1"}, Codes: []string{"AccessDenied", "KMS.UnrecognizedClientException"}},
		{ID: "website-endpoint-origin", Severity: report.Error, FromPaths: true, Sections: []string{"1", "10"}, Codes: []string{"AccessDenied"}},
		{ID: "host-header-forwarded", Severity: report.Error, FromPaths: true, Sections: []string{"3.2"}, Codes: []string{"SignatureDoesNotMatch", "AccessDenied", "NoSuchBucket"}},
		{ID: "foreign-object-owner", Severity: report.Error, FromPaths: true, Sections: []string{"5"}, Codes: []string{"AccessDenied"}},
		{ID: "kms-key-unusable", Severity: report.Error, FromPaths: true, Sections: []string{"8"}, Codes: []string{"KMS.DisabledException", "KMS.KMSInvalidStateException", "KMS.NotFoundException", "KMS.InvalidKeyUsageException"}},
		{ID: "oac-upload-denied", Severity: report.Error, FromPaths: true, Sections: []string{"1.2", "2.3"}, Codes: []string{"AccessDenied", "InvalidRequest", "KMS.UnrecognizedClientException"}},
		{ID: "deny-unencrypted-blocks-upload", Severity: report.Error, FromPaths: true, Sections: []string{"9"}, Codes: []string{"AccessDenied"}, check: checkDenyUnencrypted},
		{ID: "bucket-key-context-mismatch", Severity: report.Error, FromPaths: true, Sections: []string{"7"}, Codes: []string{"AccessDenied"}},
		{ID: "requester-pays-origin", Severity: report.Error, FromPaths: true, Sections: []string{"11.1"}, Codes: []string{"AccessDenied"}},
		{ID: "http-viewer-denied-at-origin", Severity: report.Error, FromPaths: true, Sections: []string{"1.2", "3.1"}, Codes: []string{"AccessDenied", "InvalidArgument"}},
		{ID: "perimeter-deny-blocks-cloudfront", Severity: report.Error, FromPaths: true, Sections: []string{"11.4", "14.12"}, Codes: []string{"AccessDenied"}},
		{ID: "s3-origin-unsigned", Severity: report.Error, FromPaths: true, Sections: []string{"1", "3.1"}, Codes: []string{"AccessDenied", "KMS.UnrecognizedClientException"}},
		// Deploy-time rules.
		{ID: "bpa-rejects-policy", Severity: report.Error, Sections: []string{"5", "6"}, Codes: []string{"AccessDenied"}, check: checkBPARejects},
		{ID: "policy-invalid", Severity: report.Error, Sections: []string{"2.2", "12"}, Codes: []string{"MalformedPolicyDocument", "MalformedPolicy"}, check: checkPolicyInvalid},
		{ID: "origin-domain-invalid", Severity: report.Error, FromPaths: true, Sections: []string{"10", "14.14"}, Codes: []string{"InvalidArgument", "IllegalUpdate"}},
		// Exposure rules.
		{ID: "bucket-public", Severity: report.Error, Sections: []string{"6"}, check: checkBucketPublic},
		{ID: "cloudfront-grant-unscoped", Severity: report.Error, Sections: []string{"2.1", "6"}, check: checkGrantUnscoped},
		{ID: "bpa-incomplete", Severity: report.Warning, Sections: []string{"6"}, check: checkBPAIncomplete},
		{ID: "viewer-http-allowed", Severity: report.Warning, Sections: []string{"13.2"}, check: checkViewerHTTP},
		{ID: "viewer-write-methods-unused", Severity: report.Warning, FromPaths: true, Sections: []string{"2.3", "13.2"}},
		// Hygiene and diagnosis.
		{ID: "oai-legacy", Severity: report.Warning, Sections: []string{"1.1"}, check: checkOAILegacy},
		{ID: "bucket-not-kms", Severity: report.Note, Sections: []string{"9", "16.1"}, check: checkBucketNotKMS},
		{ID: "mixed-encryption", Severity: report.Warning, Sections: []string{"9"}, check: checkMixedEncryption},
		{ID: "global-bucket-endpoint", Severity: report.Note, Sections: []string{"10"}, check: checkGlobalEndpoint},
		{ID: "missing-object-403", Severity: report.Note, Sections: []string{"4"}, Codes: []string{"AccessDenied", "NoSuchKey"}, check: checkMissingObject},
		{ID: "error-page-masks-denial", Severity: report.Note, Sections: []string{"4.3"}, check: checkErrorPage},
		{ID: "key-rotation-disabled", Severity: report.Note, Sections: []string{"8"}, check: checkKeyRotation},
		{ID: "bucket-key-disabled", Severity: report.Note, Sections: []string{"7", "14.20"}, check: checkBucketKey},
		{ID: "access-control-unused", Severity: report.Note, Sections: []string{"1"}, check: checkAccessControlUnused},
		{ID: "cloudfront-grant-account-wide", Severity: report.Note, Sections: []string{"2.3"}, check: checkGrantAccountWide},
		{ID: "unresolved-input", Severity: report.Note, check: checkUnresolved},
	}
	for _, r := range rs {
		r.Title, r.Doc = doc(r.ID)
	}
	return rs
}
