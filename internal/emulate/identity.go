package emulate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/s3front/s3front/iam"
)

// Identity is a principal the local edge recognises by the access key ID
// of a request's signature. Signatures are not verified: the access key ID
// names the caller, as a local emulator's test credentials do.
type Identity struct {
	// AccessKeyID is the key ID clients sign with (AWS_ACCESS_KEY_ID).
	AccessKeyID string
	// ARN is the caller: arn:aws:iam::ACCOUNT:root, a user, a role, or an
	// assumed-role session (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION).
	ARN string
	// Policies are its identity-based policies (with a permissions
	// boundary, session policies and SCPs left out). The account root user
	// needs none. nil for any other principal means it may do nothing on
	// its own account's resources unless a resource policy allows it.
	Policies []*iam.Policy
}

// caller is the principal of one request.
type caller struct {
	iam.Principal
	policies  []*iam.Policy
	accessKey string
	// service and region are the SigV4 credential scope's.
	service, region string
}

func (c *caller) anonymous() bool { return c.Type == iam.Anonymous }

// label names the caller in messages and headers.
func (c *caller) label() string {
	if c.anonymous() {
		return "anonymous"
	}
	return c.ARN
}

// CanonicalUserID is the S3 canonical user ID the edge gives an account:
// 64 hex digits derived from the account ID, stable across runs.
func CanonicalUserID(account string) string {
	h := sha256.Sum256([]byte("s3front canonical user " + account))
	return hex.EncodeToString(h[:])
}

// credential reads the access key ID and the credential scope of a SigV4
// (header or presigned query) or SigV2 signature; ok is false for an
// unsigned request.
func credential(r *http.Request) (key, region, service string, ok bool) {
	scope := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		switch {
		case strings.HasPrefix(auth, "AWS4-"):
			if i := strings.Index(auth, "Credential="); i >= 0 {
				scope = strings.SplitN(auth[i+len("Credential="):], ",", 2)[0]
			}
		case strings.HasPrefix(auth, "AWS "):
			k, _, _ := strings.Cut(strings.TrimPrefix(auth, "AWS "), ":")
			return strings.TrimSpace(k), "", "s3", true
		}
	} else if q := r.URL.Query().Get("X-Amz-Credential"); q != "" {
		scope = q
	} else if k := r.URL.Query().Get("AWSAccessKeyId"); k != "" {
		return k, "", "s3", true
	}
	if scope == "" {
		return "", "", "", false
	}
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) < 4 {
		return parts[0], "", "", true
	}
	return parts[0], parts[2], parts[3], true
}

// identify returns the caller of r: a configured identity by access key,
// the edge account's root user for any other key, anonymous without a
// signature.
func (f *front) identify(r *http.Request) *caller {
	key, region, service, ok := credential(r)
	if !ok {
		return &caller{Principal: iam.Principal{Type: iam.Anonymous}}
	}
	c := &caller{accessKey: key, region: region, service: service}
	f.idMu.Lock()
	id, found := f.identities[key]
	f.idMu.Unlock()
	if found {
		c.Principal = id.principal
		c.policies = id.Policies
		return c
	}
	c.Principal = rootPrincipal(f.account)
	return c
}

func rootPrincipal(account string) iam.Principal {
	return iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::" + account + ":root", Account: account, CanonicalUser: CanonicalUserID(account)}
}

// compiledIdentity is an Identity with its principal parsed.
type compiledIdentity struct {
	Identity
	principal iam.Principal
}

func compileIdentities(ids []Identity) (map[string]compiledIdentity, error) {
	out := map[string]compiledIdentity{}
	for _, id := range ids {
		if id.AccessKeyID == "" {
			return nil, fmt.Errorf("identity %s: no access key ID", id.ARN)
		}
		if _, dup := out[id.AccessKeyID]; dup {
			return nil, fmt.Errorf("access key ID %s is given twice", id.AccessKeyID)
		}
		p, err := iam.ParsePrincipal(id.ARN)
		if err != nil || p.Type != iam.IAM {
			return nil, fmt.Errorf("identity %s: want the ARN of an IAM user, role, role session or account root", id.ARN)
		}
		p.CanonicalUser = CanonicalUserID(p.Account)
		out[id.AccessKeyID] = compiledIdentity{Identity: id, principal: p}
	}
	return out, nil
}
