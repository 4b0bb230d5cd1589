package emulate

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/s3front/s3front/iam"
)

// What moto does not keep, the edge does: who owns each bucket and object
// (moto gives every one the same owner), the ACLs S3 would evaluate, and
// the account whose AWS managed key encrypted an object.

// acl is a canned ACL or explicit grants.
type acl struct {
	canned string
	grants []aclGrant
}

// aclGrant is one grant: to a canonical user (id) or a group (uri).
type aclGrant struct {
	id, uri, perm string
}

const (
	allUsersURI  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// expand lists the grants of an ACL for an object or bucket owned by
// ownerCanon in a bucket owned by bucketCanon.
func (a acl) expand(ownerCanon, bucketCanon string) []aclGrant {
	g := []aclGrant{{id: ownerCanon, perm: "FULL_CONTROL"}}
	switch a.canned {
	case "public-read":
		g = append(g, aclGrant{uri: allUsersURI, perm: "READ"})
	case "public-read-write":
		g = append(g, aclGrant{uri: allUsersURI, perm: "READ"}, aclGrant{uri: allUsersURI, perm: "WRITE"})
	case "authenticated-read":
		g = append(g, aclGrant{uri: authUsersURI, perm: "READ"})
	case "bucket-owner-read":
		if bucketCanon != ownerCanon {
			g = append(g, aclGrant{id: bucketCanon, perm: "READ"})
		}
	case "bucket-owner-full-control":
		if bucketCanon != ownerCanon {
			g = append(g, aclGrant{id: bucketCanon, perm: "FULL_CONTROL"})
		}
	}
	return append(g, a.grants...)
}

// public reports whether the ACL grants anything to everyone or to every
// authenticated AWS user [S3-BPA].
func (a acl) public() bool {
	switch a.canned {
	case "public-read", "public-read-write", "authenticated-read":
		return true
	}
	for _, g := range a.grants {
		if g.uri == allUsersURI || g.uri == authUsersURI {
			return true
		}
	}
	return false
}

// aclFromHeaders reads x-amz-acl and the x-amz-grant-* headers; ok is
// false when the request carries no ACL at all.
func aclFromHeaders(h http.Header) (a acl, ok bool) {
	if v := h.Get("x-amz-acl"); v != "" {
		a.canned, ok = v, true
	}
	for hdr, perm := range map[string]string{"x-amz-grant-read": "READ", "x-amz-grant-write": "WRITE", "x-amz-grant-read-acp": "READ_ACP",
		"x-amz-grant-write-acp": "WRITE_ACP", "x-amz-grant-full-control": "FULL_CONTROL"} {
		v := h.Get(hdr)
		if v == "" {
			continue
		}
		ok = true
		for _, part := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			val = strings.Trim(val, `"`)
			switch strings.ToLower(k) {
			case "id":
				a.grants = append(a.grants, aclGrant{id: val, perm: perm})
			case "uri":
				a.grants = append(a.grants, aclGrant{uri: val, perm: perm})
			case "emailaddress":
				a.grants = append(a.grants, aclGrant{id: "email:" + val, perm: perm})
			}
		}
	}
	return a, ok
}

// objectRec is what the edge knows of an object beyond moto.
type objectRec struct {
	owner string // account
	acl   acl
	// managedKey is the account whose AWS managed key aws/s3 encrypted
	// the object ("" when a customer key or no KMS key did).
	managedKey string
}

// pendingUpload is a multipart upload in progress.
type pendingUpload struct {
	bucket, key string
	rec         objectRec
}

type ledger struct {
	mu          sync.Mutex
	bucketOwner map[string]string
	bucketACL   map[string]acl
	// bucketPolicy holds bucket policies: moto would evaluate them
	// itself (Deny statements without their conditions), so they are
	// kept here and never reach it.
	bucketPolicy map[string][]byte
	objects      map[string]map[string]*objectRec
	uploads      map[string]*pendingUpload
}

func newLedger() *ledger {
	return &ledger{bucketOwner: map[string]string{}, bucketACL: map[string]acl{}, bucketPolicy: map[string][]byte{}, objects: map[string]map[string]*objectRec{}, uploads: map[string]*pendingUpload{}}
}

func (l *ledger) owner(bucket, fallback string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, ok := l.bucketOwner[bucket]; ok {
		return o
	}
	return fallback
}

func (l *ledger) object(bucket, key string) *objectRec {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.objects[bucket][key]; r != nil {
		c := *r
		return &c
	}
	return nil
}

func (l *ledger) putObject(bucket, key string, rec objectRec) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.objects[bucket] == nil {
		l.objects[bucket] = map[string]*objectRec{}
	}
	l.objects[bucket][key] = &rec
}

func (l *ledger) deleteObject(bucket, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.objects[bucket], key)
}

// bucketConf is a bucket's configuration as S3 would evaluate it, read
// from the backend.
type bucketConf struct {
	name, owner, region string
	policy              *iam.Policy
	pab                 [4]bool // BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
	accountPAB          [4]bool
	ownership           string
	encAlg, encKey      string
	bucketKey           bool
	acl                 acl
	read                time.Time
}

const (
	blockPublicACLs = iota
	ignorePublicACLs
	blockPublicPolicy
	restrictPublicBuckets
)

// bpa reports whether one Block Public Access setting is on at the
// bucket or the account level (the most restrictive combination wins).
func (b *bucketConf) bpa(i int) bool { return b.pab[i] || b.accountPAB[i] }

func (b *bucketConf) aclsDisabled() bool { return b.ownership == "BucketOwnerEnforced" }

// confCache holds bucket configurations for a short while; any change
// made through the edge drops the bucket's entry.
type confCache struct {
	mu sync.Mutex
	m  map[string]*bucketConf
}

const confTTL = 2 * time.Second

func (c *confCache) drop(bucket string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bucket == "" {
		c.m = nil
		return
	}
	delete(c.m, bucket)
}

// bucket reads a bucket's configuration; nil (and no error) when the
// bucket does not exist.
func (f *front) bucket(ctx context.Context, name string) (*bucketConf, error) {
	f.confs.mu.Lock()
	if b := f.confs.m[name]; b != nil && f.now().Sub(b.read) < confTTL {
		f.confs.mu.Unlock()
		return b, nil
	}
	f.confs.mu.Unlock()
	st, _, body, err := f.be.s3Read(ctx, http.MethodGet, name, "", sub("location"))
	if err != nil {
		return nil, err
	}
	if st == http.StatusNotFound {
		return nil, nil
	}
	b := &bucketConf{name: name, owner: f.ledger.owner(name, f.account), region: xmlText(body, "LocationConstraint"), read: f.now()}
	if b.region == "" {
		b.region = "us-east-1"
	}
	f.ledger.mu.Lock()
	body = f.ledger.bucketPolicy[name]
	f.ledger.mu.Unlock()
	if len(body) > 0 {
		p, perr := iam.Parse("arn:aws:s3:::"+name+"#/Policy", body, iam.Resource)
		if perr != nil {
			return nil, perr
		}
		b.policy = p
	}
	st, _, body, err = f.be.s3Read(ctx, http.MethodGet, name, "", sub("publicAccessBlock"))
	if err != nil {
		return nil, err
	}
	if st == http.StatusOK {
		b.pab = pabFromXML(body)
	}
	b.accountPAB = f.accountPAB(ctx, b.owner)
	st, _, body, err = f.be.s3Read(ctx, http.MethodGet, name, "", sub("ownershipControls"))
	if err != nil {
		return nil, err
	}
	b.ownership = "ObjectWriter" // no ownership controls: the writer owns its objects
	if st == http.StatusOK {
		if v := xmlText(body, "ObjectOwnership"); v != "" {
			b.ownership = v
		}
	}
	st, _, body, err = f.be.s3Read(ctx, http.MethodGet, name, "", sub("encryption"))
	if err != nil {
		return nil, err
	}
	b.encAlg = "AES256" // SSE-S3 is every bucket's default since 2023-01-05 [S3-DEFENC]
	if st == http.StatusOK {
		if v := xmlText(body, "SSEAlgorithm"); v != "" {
			b.encAlg = v
		}
		b.encKey = xmlText(body, "KMSMasterKeyID")
		b.bucketKey = xmlText(body, "BucketKeyEnabled") == "true"
	}
	f.ledger.mu.Lock()
	b.acl = f.ledger.bucketACL[name]
	f.ledger.mu.Unlock()
	f.confs.mu.Lock()
	if f.confs.m == nil {
		f.confs.m = map[string]*bucketConf{}
	}
	f.confs.m[name] = b
	f.confs.mu.Unlock()
	return b, nil
}

func pabFromXML(body []byte) [4]bool {
	var p [4]bool
	for i, n := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		p[i] = xmlText(body, n) == "true"
	}
	return p
}

// accountPAB reads the account-level Block Public Access settings
// (s3control); all off when none are set.
func (f *front) accountPAB(ctx context.Context, account string) [4]bool {
	u := *f.be.base
	u.Path = "/v20180820/configuration/publicAccessBlock"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return [4]bool{}
	}
	req.Header.Set("Authorization", authHeader("s3", "us-east-1"))
	req.Header.Set("x-amz-account-id", account)
	resp, err := f.be.client.Do(req)
	if err != nil {
		return [4]bool{}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return [4]bool{}
	}
	var doc struct {
		XMLName xml.Name
		Inner   []byte `xml:",innerxml"`
	}
	if xml.NewDecoder(resp.Body).Decode(&doc) != nil {
		return [4]bool{}
	}
	return pabFromXML(append(append([]byte("<x>"), doc.Inner...), "</x>"...))
}
