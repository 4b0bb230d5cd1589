package awslive

import (
	"context"
	"io"
	"net"
	"time"
)

// Options configure a live read.
type Options struct {
	// Profile is the shared config profile (--profile); "" uses the
	// standard chain (environment, shared config, SSO, web identity,
	// container and instance roles).
	Profile string
	// Region is the home Region for global calls (STS, Organizations,
	// s3control); "" takes it from the profile or AWS_REGION, else
	// us-east-1. CloudFront is always called in its partition's global
	// Region.
	Region string
	// Regions, when set, limits the read to origin buckets (and their
	// keys) in these Regions; buckets elsewhere are reported, not read.
	Regions []string
	// RoleARN is a role to assume first (--role-arn), with ExternalID and
	// SessionName.
	RoleARN     string
	ExternalID  string
	SessionName string
	// Accounts lists the accounts to read (--accounts): 12-digit IDs, or
	// the single word "org" for every active account of the caller's
	// organization. In each account other than the caller's, the reader
	// assumes RoleName. Empty means the caller's account only.
	Accounts []string
	RoleName string
	// Keys names KMS keys (ARNs, or aliases of the home Region) to read
	// besides those the buckets use: the key buckets are to be switched
	// to, whose policy decides whether CloudFront can decrypt.
	Keys []string
	// Sample is the number of newest objects read per origin bucket
	// (HEAD, and the object ACL unless ACLs are disabled), beside the
	// default root object and error pages; 0 means the default (20), a
	// negative number no sample.
	Sample int
	// ListPages caps the ListObjectsV2 pages (1,000 keys each) read to
	// find the newest objects of a bucket; 0 means 10.
	ListPages int
	// Concurrency bounds the calls in flight per account; 0 means 16.
	Concurrency int
	// CallTimeout bounds each call including its retries; 0 means 30s.
	CallTimeout time.Duration
	// MaxAttempts is the SDK's attempts per call (adaptive retry mode);
	// 0 means 5.
	MaxAttempts int
	// Progress, when not nil, receives a progress line (carriage-return
	// updated); pass the terminal's stderr, or nil.
	Progress io.Writer
	// DialContext, when set, replaces the dialer of the SDK's HTTP client
	// (proxies, tests that serve every host from one local address).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (o Options) sample() int {
	switch {
	case o.Sample < 0:
		return 0
	case o.Sample == 0:
		return 20
	}
	return o.Sample
}

func (o Options) listPages() int {
	if o.ListPages <= 0 {
		return 10
	}
	return o.ListPages
}

func (o Options) concurrency() int {
	if o.Concurrency <= 0 {
		return 16
	}
	return o.Concurrency
}

func (o Options) callTimeout() time.Duration {
	if o.CallTimeout <= 0 {
		return 30 * time.Second
	}
	return o.CallTimeout
}

func (o Options) maxAttempts() int {
	if o.MaxAttempts <= 0 {
		return 5
	}
	return o.MaxAttempts
}

// BucketCalls is the most calls the reader makes per origin bucket, beside
// its object sample: location, policy, encryption, ownership controls,
// public access block, ACL, website and request payment.
const BucketCalls = 8

// KeyCalls is the most calls the reader makes per KMS key: DescribeKey,
// GetKeyPolicy and GetKeyRotationStatus.
const KeyCalls = 3
