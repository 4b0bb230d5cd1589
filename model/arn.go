package model

import (
	"strings"

	"github.com/s3front/s3front/ident"
)

// The functions below compose identities the way AWS composes them, so
// that an ARN built from a Terraform interpolation, a CloudFormation
// Fn::Sub or an API response compares equal when it names the same thing.
// Arguments may hold ident symbols.

// DistributionARN is arn:<partition>:cloudfront::<account>:distribution/<id>.
func DistributionARN(partition, account, id string) string {
	return "arn:" + partition + ":cloudfront::" + account + ":distribution/" + id
}

// BucketARN is arn:<partition>:s3:::<bucket>.
func BucketARN(partition, bucket string) string { return "arn:" + partition + ":s3:::" + bucket }

// ObjectARN is arn:<partition>:s3:::<bucket>/<key>.
func ObjectARN(partition, bucket, key string) string {
	return BucketARN(partition, bucket) + "/" + key
}

// KeyARN is arn:<partition>:kms:<region>:<account>:key/<id>.
func KeyARN(partition, region, account, id string) string {
	return "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + id
}

// AliasARN is arn:<partition>:kms:<region>:<account>:<alias/name>.
func AliasARN(partition, region, account, alias string) string {
	return "arn:" + partition + ":kms:" + region + ":" + account + ":" + alias
}

// OAIARN is the IAM-style ARN bucket policies use for an origin access identity.
func OAIARN(id string) string {
	return "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity " + id
}

// OAIPath is the value of s3_origin_config.origin_access_identity /
// S3OriginConfig.OriginAccessIdentity for an OAI.
func OAIPath(id string) string { return "origin-access-identity/cloudfront/" + id }

// OAIFromPath extracts the OAI ID from origin-access-identity/cloudfront/ID.
// It returns "" and true for an empty path (no OAI), and false when the
// string is not an OAI path.
func OAIFromPath(p string) (string, bool) {
	if p == "" {
		return "", true
	}
	const prefix = "origin-access-identity/cloudfront/"
	if strings.HasPrefix(p, prefix) && len(p) > len(prefix) {
		return p[len(prefix):], true
	}
	return "", false
}

// RootARN is arn:<partition>:iam::<account>:root.
func RootARN(partition, account string) string {
	return "arn:" + partition + ":iam::" + account + ":root"
}

// BucketRegionalDomain is <bucket>.s3.<region>.amazonaws.com (.com.cn in China).
func BucketRegionalDomain(partition, bucket, region string) string {
	return bucket + ".s3." + region + "." + dnsSuffix(partition)
}

// BucketGlobalDomain is <bucket>.s3.amazonaws.com.
func BucketGlobalDomain(partition, bucket string) string {
	return bucket + ".s3." + dnsSuffix(partition)
}

// WebsiteDomain is <bucket>.s3-website-<region>.amazonaws.com, the form
// valid in every Region that has website endpoints (newer Regions also
// accept s3-website.<region>).
func WebsiteDomain(partition, bucket, region string) string {
	return bucket + ".s3-website-" + region + "." + dnsSuffix(partition)
}

func dnsSuffix(partition string) string { return DNSSuffix(partition) }

// EndpointKind classifies an origin domain name.
type EndpointKind uint8

// Endpoint kinds.
const (
	// NotS3 is any other host (an ALB, an API, a custom domain).
	NotS3 EndpointKind = iota
	// S3Regional is bucket.s3.region.amazonaws.com (or s3-region, dualstack).
	S3Regional
	// S3Global is bucket.s3.amazonaws.com, the legacy global endpoint.
	S3Global
	// S3Website is a static website endpoint.
	S3Website
	// S3Accelerate is bucket.s3-accelerate.amazonaws.com, not usable as origin.
	S3Accelerate
	// Malformed is not a bare host name: a scheme, a path, a port, or a
	// path-style S3 URL.
	Malformed
)

func (k EndpointKind) String() string {
	switch k {
	case S3Regional:
		return "S3 REST endpoint (regional)"
	case S3Global:
		return "S3 REST endpoint (global)"
	case S3Website:
		return "S3 website endpoint"
	case S3Accelerate:
		return "S3 Transfer Acceleration endpoint"
	case Malformed:
		return "malformed origin domain"
	}
	return "custom origin"
}

// Endpoint is what an origin domain name says about its target.
type Endpoint struct {
	Kind EndpointKind
	// Bucket is the bucket name for S3 endpoints.
	Bucket string
	// Region is the Region in the host name, "" for the global endpoint.
	Region string
	// Problem explains a Malformed domain.
	Problem string
	// As is, for a Malformed domain, the kind of the bare host name it
	// holds (the domain without scheme, path or port, or a path-style URL
	// turned into the bucket's host name), and Host that host name: what
	// the user most likely meant. NotS3 when nothing usable is left.
	As   EndpointKind
	Host string
}

// Effective is the endpoint's kind, or for a malformed domain the kind of
// the host name it holds.
func (e Endpoint) Effective() EndpointKind {
	if e.Kind == Malformed {
		return e.As
	}
	return e.Kind
}

// ParseEndpoint classifies an origin domain name. The name may hold ident
// symbols (an unknown bucket name, a provider's Region). A malformed
// domain also says what bare host name it holds (As, Host), so that
// everything but the domain can still be checked.
func ParseEndpoint(domain string) Endpoint {
	e := parseEndpoint(domain)
	if e.Kind != Malformed {
		return e
	}
	if host := repairHost(domain); host != "" {
		switch r := parseEndpoint(host); r.Kind {
		case S3Regional, S3Global, S3Website:
			e.As, e.Host, e.Region = r.Kind, host, r.Region
			if e.Bucket == "" {
				e.Bucket = r.Bucket
			}
		}
	}
	return e
}

// repairHost returns the bare host name a malformed origin domain holds:
// without scheme, path, query or port; a path-style URL
// (s3.region.amazonaws.com/bucket) becomes the bucket's host name.
func repairHost(domain string) string {
	m, unmask := ident.Mask(domain)
	if i := strings.Index(m, "://"); i >= 0 {
		m = m[i+3:]
	}
	host, path, _ := strings.Cut(m, "/")
	host, _, _ = strings.Cut(host, "?")
	host, _, _ = strings.Cut(host, "#")
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	lower := strings.ToLower(host)
	if (strings.HasPrefix(lower, "s3.") || strings.HasPrefix(lower, "s3-")) && path != "" {
		b, _, _ := strings.Cut(path, "/")
		b, _, _ = strings.Cut(b, "?")
		if b == "" {
			return ""
		}
		host = b + "." + host
	}
	if host == "" {
		return ""
	}
	return unmask(host)
}

func parseEndpoint(domain string) Endpoint {
	m, unmask := ident.Mask(domain)
	lower := strings.ToLower(m)
	switch {
	case strings.Contains(lower, "://"):
		return Endpoint{Kind: Malformed, Problem: "the origin domain must be a host name without a scheme (remove \"" + m[:strings.Index(m, "://")+3] + "\")"}
	case strings.ContainsAny(lower, "/?#"):
		if b, ok := pathStyleBucket(lower); ok {
			return Endpoint{Kind: Malformed, Bucket: unmask(b), Problem: "path-style S3 URLs are not valid origins; use the bucket's regional domain " + "<bucket>.s3.<region>.amazonaws.com"}
		}
		return Endpoint{Kind: Malformed, Problem: "the origin domain must be a bare host name; put a path in the origin path setting instead"}
	case strings.Contains(lower, ":"):
		return Endpoint{Kind: Malformed, Problem: "the origin domain must not include a port"}
	}
	host := strings.TrimSuffix(lower, ".")
	var suffix string
	switch {
	case strings.HasSuffix(host, ".amazonaws.com.cn"):
		suffix = ".amazonaws.com.cn"
	case strings.HasSuffix(host, ".amazonaws.com"):
		suffix = ".amazonaws.com"
	default:
		return Endpoint{Kind: NotS3}
	}
	rest := host[:len(host)-len(suffix)] // bucket.s3.region | bucket.s3 | bucket.s3-website-region ...
	cut := func(sep string) (string, string, bool) {
		i := strings.LastIndex(rest, sep)
		if i <= 0 {
			return "", "", false
		}
		return rest[:i], rest[i+len(sep):], true
	}
	orig := func(s string) string { return unmask(s) }
	if b, tail, ok := cut(".s3-website"); ok {
		region := strings.TrimPrefix(strings.TrimPrefix(tail, "-"), ".")
		return Endpoint{Kind: S3Website, Bucket: orig(originalCase(m, b)), Region: orig(region)}
	}
	if b, tail, ok := cut(".s3-accelerate"); ok && (tail == "" || tail == ".dualstack") {
		return Endpoint{Kind: S3Accelerate, Bucket: orig(originalCase(m, b))}
	}
	if b, tail, ok := cut(".s3"); ok {
		switch {
		case tail == "":
			return Endpoint{Kind: S3Global, Bucket: orig(originalCase(m, b))}
		case strings.HasPrefix(tail, ".dualstack."):
			return Endpoint{Kind: S3Regional, Bucket: orig(originalCase(m, b)), Region: orig(tail[len(".dualstack."):])}
		case strings.HasPrefix(tail, "."):
			return Endpoint{Kind: S3Regional, Bucket: orig(originalCase(m, b)), Region: orig(tail[1:])}
		}
	}
	if b, tail, ok := cut(".s3-"); ok && !strings.Contains(tail, ".") {
		if tail == "external-1" {
			return Endpoint{Kind: S3Global, Bucket: orig(originalCase(m, b))}
		}
		return Endpoint{Kind: S3Regional, Bucket: orig(originalCase(m, b)), Region: orig(tail)}
	}
	if rest == "s3" || strings.HasPrefix(rest, "s3.") || strings.HasPrefix(rest, "s3-") {
		return Endpoint{Kind: Malformed, Problem: "an S3 service endpoint without a bucket is not a valid origin; use <bucket>.s3.<region>.amazonaws.com"}
	}
	return Endpoint{Kind: NotS3}
}

// originalCase returns the prefix of m with the length of lowerPrefix: the
// bucket name as written (bucket names are lower case anyway; this keeps a
// wrongly capitalised name visible in messages).
func originalCase(m, lowerPrefix string) string { return m[:len(lowerPrefix)] }

func pathStyleBucket(lower string) (string, bool) {
	for _, p := range []string{"s3.amazonaws.com/", "s3-external-1.amazonaws.com/"} {
		if i := strings.Index(lower, p); i >= 0 && (i == 0 || lower[i-1] == '/') {
			b, _, _ := strings.Cut(lower[i+len(p):], "/")
			return b, b != ""
		}
	}
	if strings.HasPrefix(lower, "s3.") || strings.HasPrefix(lower, "s3-") {
		if _, after, ok := strings.Cut(lower, "/"); ok {
			b, _, _ := strings.Cut(after, "/")
			return b, b != ""
		}
	}
	return "", false
}

// PartitionOf returns the AWS partition a Region belongs to ("aws" for
// commercial Regions and for names it doesn't recognise).
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// DNSSuffix returns the domain of a partition's service endpoints
// (AWS::URLSuffix; data.aws_partition.dns_suffix).
func DNSSuffix(partition string) string {
	switch partition {
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	case "aws-iso-e":
		return "cloud.adc-e.uk"
	case "aws-iso-f":
		return "csp.hci.ic.gov"
	case "aws-eusc":
		return "amazonaws.eu"
	}
	return "amazonaws.com"
}
