package awstest

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Bucket is a bucket served by [S3Buckets]: SSE-KMS default encryption
// with KeyARN and a Bucket Key, no policy, ACLs enabled (no ownership
// controls), and Objects, each SSE-KMS with the same key.
type Bucket struct {
	Name, Region, KeyARN string
	Objects              []string
}

// Canonical is the canonical user ID of the account's owner in [S3Buckets].
const Canonical = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"

// S3Buckets answers the read-only S3 calls s3front makes for many buckets
// from memory, in S3's wire format, far faster than moto: for tests whose
// subject is the number of calls, not the shape of one answer.
func S3Buckets(buckets []Bucket) http.Handler {
	byName := map[string]Bucket{}
	var names []string
	for _, b := range buckets {
		byName[b.Name] = b
		names = append(names, b.Name)
	}
	sort.Strings(names)
	const ns = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	owner := `<Owner><ID>` + Canonical + `</ID></Owner>`
	acl := `<AccessControlPolicy` + ns + `>` + owner + `<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + Canonical + `</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := Identify(r, nil)
		b, ok := byName[op.Bucket]
		fail := func(status int, code string) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(status)
			if r.Method != "HEAD" {
				fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message></Error>`, code, code)
			}
		}
		if op.Operation != "ListBuckets" && !ok {
			fail(404, "NoSuchBucket")
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		switch op.Operation {
		case "ListBuckets":
			var sb strings.Builder
			for _, n := range names {
				fmt.Fprintf(&sb, `<Bucket><Name>%s</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate><BucketRegion>%s</BucketRegion></Bucket>`, n, region(byName[n]))
			}
			fmt.Fprintf(w, `<ListAllMyBucketsResult%s>%s<Buckets>%s</Buckets></ListAllMyBucketsResult>`, ns, owner, sb.String())
		case "GetBucketLocation":
			fmt.Fprintf(w, `<LocationConstraint%s>%s</LocationConstraint>`, ns, strings.TrimPrefix(region(b), "us-east-1"))
		case "GetBucketPolicy":
			fail(404, "NoSuchBucketPolicy")
		case "GetBucketEncryption":
			fmt.Fprintf(w, `<ServerSideEncryptionConfiguration%s><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>%s</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`, ns, b.KeyARN)
		case "GetBucketOwnershipControls":
			fail(404, "OwnershipControlsNotFoundError")
		case "GetPublicAccessBlock":
			fmt.Fprintf(w, `<PublicAccessBlockConfiguration%s><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`, ns)
		case "GetBucketAcl", "GetObjectAcl":
			fmt.Fprint(w, acl)
		case "GetBucketWebsite":
			fail(404, "NoSuchWebsiteConfiguration")
		case "GetBucketRequestPayment":
			fmt.Fprintf(w, `<RequestPaymentConfiguration%s><Payer>BucketOwner</Payer></RequestPaymentConfiguration>`, ns)
		case "ListObjectsV2":
			var sb strings.Builder
			for _, k := range b.Objects {
				fmt.Fprintf(&sb, `<Contents><Key>%s</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass>%s</Contents>`, k, owner)
			}
			fmt.Fprintf(w, `<ListBucketResult%s><Name>%s</Name><Prefix></Prefix><KeyCount>%d</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>%s</ListBucketResult>`, ns, b.Name, len(b.Objects), sb.String())
		case "HeadObject":
			for _, k := range b.Objects {
				if k == op.Key {
					w.Header().Set("x-amz-server-side-encryption", "aws:kms")
					w.Header().Set("x-amz-server-side-encryption-aws-kms-key-id", b.KeyARN)
					w.Header().Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
					w.Header().Set("Content-Length", "1")
					w.WriteHeader(200)
					return
				}
			}
			fail(404, "NotFound")
		default:
			fail(501, "NotImplemented")
		}
	})
}

func region(b Bucket) string {
	if b.Region == "" {
		return "us-east-1"
	}
	return b.Region
}
