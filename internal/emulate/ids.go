package emulate

import (
	"crypto/sha256"
	"fmt"
	"io"
	"time"
)

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// idSource makes the identifiers CloudFront hands out, in CloudFront's
// shapes: distribution, OAC and OAI IDs and ETags are "E" and 13 upper-case
// letters or digits (E2QWRUHAPOMQZL), invalidation IDs "I" and 13, domain
// names "d" and 13 lower-case ones under cloudfront.net, policy IDs UUIDs,
// S3 canonical user IDs 64 hexadecimal digits.
type idSource struct {
	r io.Reader
}

func (s idSource) read(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.r, b); err != nil {
		// A failing random source is a programming error in the caller's
		// Options (crypto/rand does not fail).
		panic(fmt.Sprintf("emulate: random source: %v", err))
	}
	return b
}

func (s idSource) chars(alphabet string, n int) string {
	out := make([]byte, n)
	for i, b := range s.read(n) {
		out[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(out)
}

func (s idSource) resourceID() string     { return "E" + s.chars(upperAlnum, 13) }
func (s idSource) etag() string           { return "E" + s.chars(upperAlnum, 13) }
func (s idSource) invalidationID() string { return "I" + s.chars(upperAlnum, 13) }
func (s idSource) domainName() string     { return "d" + s.chars(lowerAlnum, 13) + ".cloudfront.net" }

func (s idSource) uuid() string {
	b := s.read(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s idSource) canonicalUserID() string { return fmt.Sprintf("%x", s.read(32)) }

// fixedETag is a stable ETag for a preloaded resource (managed policies).
func fixedETag(id string) string {
	sum := sha256.Sum256([]byte(id))
	out := make([]byte, 13)
	for i := range out {
		out[i] = upperAlnum[int(sum[i])%len(upperAlnum)]
	}
	return "E" + string(out)
}

// awsTime renders a timestamp the way CloudFront does (ISO 8601, UTC,
// milliseconds).
func awsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
