package emulate

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
)

// s3Req is one S3 request as the edge sees it.
type s3Req struct {
	w      http.ResponseWriter
	r      *http.Request
	c      *caller
	rid    string
	bucket string
	key    string
	q      url.Values
	// fwdPath is the path-style escaped path forwarded to the backend.
	fwdPath string
}

// s3Target finds the bucket and key of a request: virtual-hosted
// (bucket.s3.REGION.amazonaws.com, bucket.s3.amazonaws.com) or path style.
func s3Target(r *http.Request) (bucket, key, fwdPath string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if strings.HasSuffix(host, ".amazonaws.com") {
		for _, sep := range []string{".s3.", ".s3-"} {
			if i := strings.Index(host, sep); i > 0 {
				bucket = host[:i]
				key = strings.TrimPrefix(r.URL.Path, "/")
				return bucket, key, "/" + bucket + r.URL.EscapedPath()
			}
		}
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key, r.URL.EscapedPath()
}

// s3 answers one S3 call.
func (f *front) s3(w http.ResponseWriter, r *http.Request) {
	q := &s3Req{w: w, r: r, c: f.identify(r), rid: f.s.ids.uuid(), q: r.URL.Query()}
	q.bucket, q.key, q.fwdPath = s3Target(r)
	if err := f.s3Call(r.Context(), q); err != nil {
		d, ok := err.(*denial)
		if !ok {
			f.log.Error("edge", "error", err)
			d = &denial{status: 500, code: "InternalError", msg: "We encountered an internal error. Please try again.", why: err.Error()}
		}
		writeS3Error(w, r, d, q.rid)
	}
}

func (q *s3Req) has(sub string) bool { _, ok := q.q[sub]; return ok }

func (q *s3Req) objectARN() string { return "arn:aws:s3:::" + q.bucket + "/" + q.key }

func noSuchBucket(name string) *denial {
	return &denial{status: 404, code: "NoSuchBucket", msg: "The specified bucket does not exist", why: "bucket " + name + " does not exist"}
}

// bucketSubresources maps a bucket subresource to the actions of GET, PUT
// and DELETE on it.
var bucketSubresources = []struct{ sub, get, put, del string }{
	{"policy", "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
	{"publicAccessBlock", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
	{"ownershipControls", "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
	{"encryption", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutEncryptionConfiguration"},
	{"acl", "s3:GetBucketAcl", "s3:PutBucketAcl", ""},
	{"location", "s3:GetBucketLocation", "", ""},
	{"website", "s3:GetBucketWebsite", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite"},
	{"requestPayment", "s3:GetBucketRequestPayment", "s3:PutBucketRequestPayment", ""},
	{"versioning", "s3:GetBucketVersioning", "s3:PutBucketVersioning", ""},
	{"object-lock", "s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", ""},
	{"tagging", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:PutBucketTagging"},
	{"cors", "s3:GetBucketCORS", "s3:PutBucketCORS", "s3:PutBucketCORS"},
	{"lifecycle", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
	{"logging", "s3:GetBucketLogging", "s3:PutBucketLogging", ""},
	{"notification", "s3:GetBucketNotification", "s3:PutBucketNotification", ""},
	{"uploads", "s3:ListBucketMultipartUploads", "", ""},
	{"versions", "s3:ListBucketVersions", "", ""},
}

func (f *front) s3Call(ctx context.Context, q *s3Req) error {
	r, c := q.r, q.c
	if q.bucket == "" {
		if r.Method != http.MethodGet {
			return &denial{status: 405, code: "MethodNotAllowed", msg: "The specified method is not allowed against this resource."}
		}
		return f.listBuckets(ctx, q)
	}
	if q.key == "" && r.Method == http.MethodPut && len(q.q) == 0 {
		return f.createBucket(ctx, q)
	}
	b, err := f.bucket(ctx, q.bucket)
	if err != nil {
		return err
	}
	if b == nil {
		return noSuchBucket(q.bucket)
	}
	keys := requestKeys(c, sourceIP(r))
	if q.key == "" {
		return f.bucketCall(ctx, q, b, keys)
	}
	check := func(action string, obj *objectRec, perm string) error {
		if d := authorizeS3(s3Check{c: c, b: b, action: action, resource: q.objectARN(), keys: keys, obj: obj, aclPerm: perm}); d != nil {
			return d
		}
		return nil
	}
	existing := func() *objectRec {
		if rec := f.ledger.object(q.bucket, q.key); rec != nil {
			return rec
		}
		return &objectRec{owner: b.owner}
	}
	switch {
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && q.has("acl"):
		if err := check("s3:GetObjectAcl", existing(), "READ_ACP"); err != nil {
			return err
		}
		if st, _, _, err := f.be.s3Read(ctx, http.MethodHead, q.bucket, q.key, nil); err != nil {
			return err
		} else if st == http.StatusNotFound {
			return &denial{status: 404, code: "NoSuchKey", msg: "The specified key does not exist."}
		}
		rec := existing()
		return writeACL(q.w, rec.owner, rec.acl.expand(CanonicalUserID(rec.owner), CanonicalUserID(b.owner)))
	case r.Method == http.MethodPut && q.has("acl"):
		rec := existing()
		if err := check("s3:PutObjectAcl", rec, "WRITE_ACP"); err != nil {
			return err
		}
		a, _ := aclFromHeaders(r.Header)
		if err := aclAllowed(b, a); err != nil {
			return err
		}
		rec.acl = a
		f.ledger.putObject(q.bucket, q.key, *rec)
		q.w.WriteHeader(http.StatusOK)
		return nil
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		if len(q.q) > 0 && (q.has("tagging") || q.has("retention") || q.has("legal-hold") || q.has("attributes")) {
			if err := check("s3:GetObject"+map[bool]string{true: "Tagging", false: "Attributes"}[q.has("tagging")], existing(), ""); err != nil {
				return err
			}
			f.forward(q)
			return nil
		}
		d, err := f.readObject(ctx, c, b, q.key, keys)
		if err != nil {
			return err
		}
		if d != nil {
			return d
		}
		f.forward(q)
		return nil
	case r.Method == http.MethodPut && q.has("partNumber"):
		if err := check("s3:PutObject", nil, ""); err != nil {
			return err
		}
		f.forward(q)
		return nil
	case r.Method == http.MethodPut || (r.Method == http.MethodPost && q.has("uploads")):
		return f.putObject(ctx, q, b, keys)
	case r.Method == http.MethodPost && q.has("uploadId"):
		if err := check("s3:PutObject", nil, ""); err != nil {
			return err
		}
		st := f.forwardCapture(q)
		if st == http.StatusOK {
			f.ledger.mu.Lock()
			p := f.ledger.uploads[q.q.Get("uploadId")]
			delete(f.ledger.uploads, q.q.Get("uploadId"))
			f.ledger.mu.Unlock()
			if p != nil {
				f.ledger.putObject(q.bucket, q.key, p.rec)
			}
		}
		return nil
	case r.Method == http.MethodDelete && q.has("uploadId"):
		if err := check("s3:AbortMultipartUpload", nil, ""); err != nil {
			return err
		}
		f.ledger.mu.Lock()
		delete(f.ledger.uploads, q.q.Get("uploadId"))
		f.ledger.mu.Unlock()
		f.forward(q)
		return nil
	case r.Method == http.MethodDelete:
		if err := check("s3:DeleteObject", nil, ""); err != nil {
			return err
		}
		if f.forwardCapture(q) < 300 {
			f.ledger.deleteObject(q.bucket, q.key)
		}
		return nil
	}
	return &denial{status: 501, code: "NotImplemented", msg: "The local edge does not implement this request.", why: r.Method + " " + r.URL.String()}
}

// readObject decides a GET or HEAD of an object: S3's authorization, then
// whether the object exists (404 only for readers that may list the
// bucket), then KMS for SSE-KMS objects. nil means S3 serves it.
func (f *front) readObject(ctx context.Context, c *caller, b *bucketConf, key string, keys iam.Context) (*denial, error) {
	rec := f.ledger.object(b.name, key)
	if rec == nil {
		rec = &objectRec{owner: b.owner}
	}
	objARN := "arn:aws:s3:::" + b.name + "/" + key
	if d := authorizeS3(s3Check{c: c, b: b, action: "s3:GetObject", resource: objARN, keys: keys, obj: rec, aclPerm: "READ"}); d != nil {
		return d, nil
	}
	st, h, _, err := f.be.s3Read(ctx, http.MethodHead, b.name, key, nil)
	if err != nil {
		return nil, err
	}
	if st == http.StatusNotFound {
		list := authorizeS3(s3Check{c: c, b: b, action: "s3:ListBucket", resource: "arn:aws:s3:::" + b.name, keys: keys, aclPerm: "READ"})
		if list == nil {
			return &denial{status: 404, code: "NoSuchKey", msg: "The specified key does not exist.", why: "no object " + key}, nil
		}
		return accessDenied("no object "+key+", and "+c.label()+" may not s3:ListBucket, so S3 answers 403", "missing-object-403"), nil
	}
	if st != http.StatusOK {
		return nil, fmt.Errorf("storage backend: HEAD %s/%s: status %d", b.name, key, st)
	}
	alg := h.Get("x-amz-server-side-encryption")
	if !strings.HasPrefix(alg, "aws:kms") {
		return nil, nil
	}
	return f.kmsForS3(ctx, kmsUse{c: c, b: b, keyRef: h.Get("x-amz-server-side-encryption-aws-kms-key-id"), managedAccount: rec.managedKey,
		objectARN: objARN, bucketKey: h.Get("x-amz-server-side-encryption-bucket-key-enabled") == "true", context: keys})
}

// aclAllowed checks an ACL a request sets against Object Ownership and
// Block Public Access.
func aclAllowed(b *bucketConf, a acl) error {
	if b.aclsDisabled() && !(a.canned == "" || a.canned == "bucket-owner-full-control" || a.canned == "private") || b.aclsDisabled() && len(a.grants) > 0 {
		return &denial{status: 400, code: "AccessControlListNotSupported", msg: "The bucket does not allow ACLs", rule: "foreign-object-owner",
			why: "Object Ownership of " + b.name + " is BucketOwnerEnforced (ACLs disabled): only no ACL or bucket-owner-full-control is accepted"}
	}
	if a.public() && b.bpa(blockPublicACLs) {
		return accessDenied("Block Public Access BlockPublicAcls rejects a public ACL", "bpa-rejects-policy")
	}
	return nil
}

// putObject decides PutObject, CopyObject and CreateMultipartUpload:
// ACLs against ownership and Block Public Access, the bucket and identity
// policies with the request's headers as condition keys, the source of a
// copy, and KMS for the encryption the object gets.
func (f *front) putObject(ctx context.Context, q *s3Req, b *bucketConf, keys iam.Context) error {
	r, c := q.r, q.c
	a, hasACL := aclFromHeaders(r.Header)
	if hasACL {
		if err := aclAllowed(b, a); err != nil {
			return err
		}
		if a.canned != "" {
			keys.Set("s3:x-amz-acl", a.canned)
		}
	}
	alg := r.Header.Get("x-amz-server-side-encryption")
	keyRef := r.Header.Get("x-amz-server-side-encryption-aws-kms-key-id")
	bk := r.Header.Get("x-amz-server-side-encryption-bucket-key-enabled")
	if alg != "" {
		keys.Set("s3:x-amz-server-side-encryption", alg)
	}
	if keyRef != "" {
		keys.Set("s3:x-amz-server-side-encryption-aws-kms-key-id", keyRef)
	}
	if d := authorizeS3(s3Check{c: c, b: b, action: "s3:PutObject", resource: q.objectARN(), keys: keys, aclPerm: "WRITE"}); d != nil {
		return d
	}
	if src := r.Header.Get("x-amz-copy-source"); src != "" {
		srcPath, _ := url.PathUnescape(strings.TrimPrefix(strings.SplitN(src, "?", 2)[0], "/"))
		sb, sk, _ := strings.Cut(srcPath, "/")
		sconf, err := f.bucket(ctx, sb)
		if err != nil {
			return err
		}
		if sconf == nil {
			return noSuchBucket(sb)
		}
		d, err := f.readObject(ctx, c, sconf, sk, requestKeys(c, sourceIP(r)))
		if err != nil || d != nil {
			if d != nil {
				return d
			}
			return err
		}
	}
	// The encryption the object gets: the request's headers, else the
	// bucket default [S3-DEFENC].
	if alg == "" {
		alg, keyRef = b.encAlg, b.encKey
		if bk == "" && b.bucketKey {
			bk = "true"
		}
	}
	rec := objectRec{owner: c.Account, acl: a}
	if c.Type != iam.IAM || b.aclsDisabled() || c.Account == b.owner ||
		(b.ownership == "BucketOwnerPreferred" && a.canned == "bucket-owner-full-control") {
		rec.owner = b.owner
	}
	if strings.HasPrefix(alg, "aws:kms") {
		d, err := f.kmsForS3(ctx, kmsUse{c: c, b: b, keyRef: keyRef, objectARN: q.objectARN(), bucketKey: bk == "true", upload: true, context: keys})
		if err != nil {
			return err
		}
		if d != nil {
			return d
		}
		if isManagedS3Alias(keyRef) {
			rec.managedKey = c.Account
		}
	}
	if r.Method == http.MethodPost {
		// CreateMultipartUpload: the object is recorded when it completes.
		st, body := f.forwardBuffered(q)
		if st == http.StatusOK {
			if id := xmlText(body, "UploadId"); id != "" {
				f.ledger.mu.Lock()
				f.ledger.uploads[id] = &pendingUpload{bucket: q.bucket, key: q.key, rec: rec}
				f.ledger.mu.Unlock()
			}
		}
		return nil
	}
	if f.forwardCapture(q) == http.StatusOK {
		f.ledger.putObject(q.bucket, q.key, rec)
	}
	return nil
}

// bucketCall decides a request on a bucket itself.
func (f *front) bucketCall(ctx context.Context, q *s3Req, b *bucketConf, keys iam.Context) error {
	r, c := q.r, q.c
	arn := "arn:aws:s3:::" + q.bucket
	authorize := func(action, perm string) error {
		if d := authorizeS3(s3Check{c: c, b: b, action: action, resource: arn, keys: keys, aclPerm: perm}); d != nil {
			return d
		}
		return nil
	}
	if r.Method == http.MethodDelete && len(q.q) == 0 {
		if err := authorize("s3:DeleteBucket", ""); err != nil {
			return err
		}
		if f.forwardCapture(q) < 300 {
			f.ledger.mu.Lock()
			delete(f.ledger.bucketOwner, q.bucket)
			delete(f.ledger.bucketACL, q.bucket)
			delete(f.ledger.bucketPolicy, q.bucket)
			delete(f.ledger.objects, q.bucket)
			f.ledger.mu.Unlock()
			f.confs.drop(q.bucket)
		}
		return nil
	}
	if r.Method == http.MethodPost && q.has("delete") {
		if err := authorize("s3:DeleteObject", ""); err != nil {
			return err
		}
		body, err := io.ReadAll(http.MaxBytesReader(q.w, r.Body, 2<<20))
		if err != nil {
			return &denial{status: 400, code: "MalformedXML", msg: "The XML you provided was not well-formed."}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var del struct {
			Object []struct{ Key string }
		}
		_ = xml.Unmarshal(body, &del)
		for _, o := range del.Object {
			if d := authorizeS3(s3Check{c: c, b: b, action: "s3:DeleteObject", resource: arn + "/" + o.Key, keys: keys}); d != nil {
				return d
			}
		}
		if f.forwardCapture(q) == http.StatusOK {
			for _, o := range del.Object {
				f.ledger.deleteObject(q.bucket, o.Key)
			}
		}
		return nil
	}
	if r.Method == http.MethodGet && (len(q.q) == 0 || q.has("list-type") || q.has("prefix") || q.has("delimiter") || q.has("marker") || q.has("max-keys")) && !q.has("uploads") && !q.has("versions") {
		if p := q.q.Get("prefix"); p != "" {
			keys.Set("s3:prefix", p)
		}
		if err := authorize("s3:ListBucket", "READ"); err != nil {
			return err
		}
		st, body := f.fetch(q)
		if st == http.StatusOK && (q.q.Get("fetch-owner") == "true" || !q.has("list-type")) {
			body = f.rewriteListingOwners(q.bucket, b.owner, body)
		}
		q.w.Write(body)
		return nil
	}
	for _, s := range bucketSubresources {
		if !q.has(s.sub) {
			continue
		}
		action := map[string]string{http.MethodGet: s.get, http.MethodHead: s.get, http.MethodPut: s.put, http.MethodDelete: s.del}[r.Method]
		if action == "" {
			break
		}
		if err := authorize(action, map[string]string{"acl": map[bool]string{true: "READ_ACP", false: "WRITE_ACP"}[r.Method == http.MethodGet]}[s.sub]); err != nil {
			return err
		}
		switch {
		case s.sub == "acl" && r.Method == http.MethodGet:
			return writeACL(q.w, b.owner, b.acl.expand(CanonicalUserID(b.owner), CanonicalUserID(b.owner)))
		case s.sub == "acl":
			a, _ := aclFromHeaders(r.Header)
			if err := aclAllowed(b, a); err != nil {
				return err
			}
			f.ledger.mu.Lock()
			f.ledger.bucketACL[q.bucket] = a
			f.ledger.mu.Unlock()
			f.confs.drop(q.bucket)
			q.w.WriteHeader(http.StatusOK)
			return nil
		case s.sub == "policy" && r.Method == http.MethodPut:
			body, err := io.ReadAll(http.MaxBytesReader(q.w, r.Body, 20<<10))
			if err != nil {
				return &denial{status: 400, code: "PolicyTooLarge", msg: "Policy exceeds the maximum allowed document size."}
			}
			p, perr := iam.Parse("policy", body, iam.Resource)
			if perr != nil {
				return &denial{status: 400, code: "MalformedPolicy", msg: perr.Error(), rule: "policy-invalid", why: perr.Error()}
			}
			if pub, _ := iam.Public(p); pub == ident.True && b.bpa(blockPublicPolicy) {
				return accessDenied("the policy is public and Block Public Access BlockPublicPolicy is on", "bpa-rejects-policy")
			}
			f.ledger.mu.Lock()
			f.ledger.bucketPolicy[q.bucket] = body
			f.ledger.mu.Unlock()
			f.confs.drop(q.bucket)
			q.w.WriteHeader(http.StatusNoContent)
			return nil
		case s.sub == "policy" && r.Method == http.MethodDelete:
			f.ledger.mu.Lock()
			delete(f.ledger.bucketPolicy, q.bucket)
			f.ledger.mu.Unlock()
			f.confs.drop(q.bucket)
			q.w.WriteHeader(http.StatusNoContent)
			return nil
		case s.sub == "policy":
			f.ledger.mu.Lock()
			body := f.ledger.bucketPolicy[q.bucket]
			f.ledger.mu.Unlock()
			if len(body) == 0 {
				return &denial{status: 404, code: "NoSuchBucketPolicy", msg: "The bucket policy does not exist"}
			}
			q.w.Header().Set("Content-Type", "application/json")
			q.w.Write(body)
			return nil
		case s.sub == "ownershipControls" && r.Method == http.MethodPut:
			body, _ := io.ReadAll(http.MaxBytesReader(q.w, r.Body, 64<<10))
			r.Body = io.NopCloser(bytes.NewReader(body))
			if xmlText(body, "ObjectOwnership") == "BucketOwnerEnforced" {
				for _, g := range b.acl.expand(CanonicalUserID(b.owner), CanonicalUserID(b.owner))[1:] {
					_ = g
					return &denial{status: 400, code: "InvalidBucketAclWithObjectOwnership", msg: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}
				}
			}
		}
		st := f.forwardCapture(q)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && st < 300 {
			f.confs.drop(q.bucket)
		}
		return nil
	}
	if r.Method == http.MethodHead {
		if err := authorize("s3:ListBucket", "READ"); err != nil {
			return err
		}
	} else if r.Method != http.MethodGet {
		if err := authorize("s3:PutBucket"+capitalize(firstKey(q.q)), ""); err != nil {
			return err
		}
		defer f.confs.drop(q.bucket)
	} else if err := authorize("s3:GetBucket"+capitalize(firstKey(q.q)), ""); err != nil {
		return err
	}
	f.forward(q)
	return nil
}

func firstKey(v url.Values) string {
	for k := range v {
		return k
	}
	return ""
}

// createBucket creates a bucket owned by the caller's account, with the
// defaults of new buckets since April 2023: ACLs disabled and all four
// Block Public Access settings on [S3-OO] [S3-NEWDEF].
func (f *front) createBucket(ctx context.Context, q *s3Req) error {
	c := q.c
	if c.Type != iam.IAM {
		return accessDenied("only IAM principals create buckets", "")
	}
	in := &iam.Input{Request: iam.Request{Principal: c.Principal, Action: "s3:CreateBucket", Resource: "arn:aws:s3:::" + q.bucket, ResourceAccount: c.Account,
		Context: requestKeys(c, sourceIP(q.r))}, IdentityPolicies: c.policies}
	if res := iam.Evaluate(in); res.Decision != iam.Allowed {
		return accessDenied(reasonText(res, iam.NoAllow), "")
	}
	if existing, err := f.bucket(ctx, q.bucket); err != nil {
		return err
	} else if existing != nil {
		if existing.owner == c.Account {
			return &denial{status: 409, code: "BucketAlreadyOwnedByYou", msg: "Your previous request to create the named bucket succeeded and you already own it."}
		}
		return &denial{status: 409, code: "BucketAlreadyExists", msg: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}
	}
	ownership := q.r.Header.Get("x-amz-object-ownership")
	if ownership == "" {
		ownership = "BucketOwnerEnforced"
		q.r.Header.Set("x-amz-object-ownership", ownership)
	}
	if f.forwardCapture(q) != http.StatusOK {
		return nil
	}
	f.ledger.mu.Lock()
	f.ledger.bucketOwner[q.bucket] = c.Account
	f.ledger.mu.Unlock()
	f.confs.drop(q.bucket)
	pab := `<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`
	oc := `<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>` + ownership + `</ObjectOwnership></Rule></OwnershipControls>`
	for sub, body := range map[string]string{"publicAccessBlock": pab, "ownershipControls": oc} {
		resp, err := f.be.s3(ctx, http.MethodPut, q.bucket, "", url.Values{sub: {""}}, []byte(body))
		if err != nil {
			return nil // the bucket exists; the client already has its answer
		}
		resp.Body.Close()
	}
	return nil
}

// listBuckets lists the buckets the caller's account owns.
func (f *front) listBuckets(ctx context.Context, q *s3Req) error {
	c := q.c
	if c.Type != iam.IAM {
		return accessDenied("anonymous requests cannot list buckets", "")
	}
	st, _, body, err := f.be.s3Read(ctx, http.MethodGet, "", "", nil)
	if err != nil {
		return err
	}
	if st != http.StatusOK {
		return fmt.Errorf("storage backend: ListBuckets: status %d", st)
	}
	var all struct {
		Buckets []struct {
			Name         string
			CreationDate string
		} `xml:"Buckets>Bucket"`
	}
	if err := xml.Unmarshal(body, &all); err != nil {
		return fmt.Errorf("storage backend: ListBuckets: %v", err)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + CanonicalUserID(c.Account) + `</ID><DisplayName>` + c.Account + `</DisplayName></Owner><Buckets>`)
	for _, bk := range all.Buckets {
		if f.ledger.owner(bk.Name, f.account) != c.Account {
			continue
		}
		b.WriteString("<Bucket><Name>")
		xml.EscapeText(&b, []byte(bk.Name))
		b.WriteString("</Name><CreationDate>" + bk.CreationDate + "</CreationDate></Bucket>")
	}
	b.WriteString("</Buckets></ListAllMyBucketsResult>")
	q.w.Header().Set("Content-Type", "application/xml")
	q.w.Write(b.Bytes())
	return nil
}

// writeACL answers GetBucketAcl or GetObjectAcl.
func writeACL(w http.ResponseWriter, owner string, grants []aclGrant) error {
	var b bytes.Buffer
	oc := CanonicalUserID(owner)
	b.WriteString(xml.Header + `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + oc + `</ID><DisplayName>` + owner + `</DisplayName></Owner><AccessControlList>`)
	for _, g := range grants {
		b.WriteString(`<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" `)
		if g.uri != "" {
			b.WriteString(`xsi:type="Group"><URI>`)
			xml.EscapeText(&b, []byte(g.uri))
			b.WriteString(`</URI>`)
		} else {
			b.WriteString(`xsi:type="CanonicalUser"><ID>`)
			xml.EscapeText(&b, []byte(g.id))
			b.WriteString(`</ID>`)
		}
		b.WriteString(`</Grantee><Permission>` + g.perm + `</Permission></Grant>`)
	}
	b.WriteString(`</AccessControlList></AccessControlPolicy>`)
	w.Header().Set("Content-Type", "application/xml")
	_, err := w.Write(b.Bytes())
	return err
}

// rewriteListingOwners puts each listed object's true owner in a listing.
func (f *front) rewriteListingOwners(bucket, bucketOwner string, body []byte) []byte {
	parts := bytes.Split(body, []byte("<Contents>"))
	for i := 1; i < len(parts); i++ {
		key := xmlText(append(append([]byte("<x>"), parts[i]...), "</x>"...), "Key")
		owner := bucketOwner
		if rec := f.ledger.object(bucket, key); rec != nil {
			owner = rec.owner
		}
		p := parts[i]
		if s := bytes.Index(p, []byte("<Owner>")); s >= 0 {
			if e := bytes.Index(p[s:], []byte("</Owner>")); e >= 0 {
				repl := []byte("<Owner><ID>" + CanonicalUserID(owner) + "</ID><DisplayName>" + owner + "</DisplayName></Owner>")
				p = append(append(append([]byte{}, p[:s]...), repl...), p[s+e+len("</Owner>"):]...)
			}
		}
		parts[i] = p
	}
	return bytes.Join(parts, []byte("<Contents>"))
}

// Forwarding to the backend.

func (f *front) backendRequest(q *s3Req) *http.Request {
	out := q.r.Clone(q.r.Context())
	u := *f.be.base
	u.RawPath = q.fwdPath
	u.Path, _ = url.PathUnescape(q.fwdPath)
	u.RawQuery = q.r.URL.RawQuery
	out.URL = &u
	out.Host = f.be.base.Host
	out.RequestURI = ""
	out.Header.Del("Accept-Encoding")
	return out
}

// forward streams the request to the backend and its answer back.
func (f *front) forward(q *s3Req) {
	f.forwardCapture(q)
}

// forwardCapture is forward, returning the backend's status.
func (f *front) forwardCapture(q *s3Req) int {
	resp, err := f.be.client.Do(f.backendRequest(q))
	if err != nil {
		writeS3Error(q.w, q.r, &denial{status: 502, code: "InternalError", msg: "The storage backend did not answer.", why: err.Error()}, q.rid)
		return 502
	}
	defer resp.Body.Close()
	copyHeader(q.w.Header(), resp.Header)
	q.w.WriteHeader(resp.StatusCode)
	io.Copy(q.w, resp.Body)
	return resp.StatusCode
}

// forwardBuffered forwards and also returns the body (small answers).
func (f *front) forwardBuffered(q *s3Req) (int, []byte) {
	st, body := f.fetch(q)
	q.w.Write(body)
	return st, body
}

// fetch forwards, writes the backend's headers and status, and returns
// the body for the caller to write.
func (f *front) fetch(q *s3Req) (int, []byte) {
	resp, err := f.be.client.Do(f.backendRequest(q))
	if err != nil {
		writeS3Error(q.w, q.r, &denial{status: 502, code: "InternalError", msg: "The storage backend did not answer.", why: err.Error()}, q.rid)
		return 502, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	copyHeader(q.w.Header(), resp.Header)
	q.w.Header().Del("Content-Length")
	q.w.WriteHeader(resp.StatusCode)
	return resp.StatusCode, body
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if strings.EqualFold(k, "Connection") || strings.EqualFold(k, "Transfer-Encoding") {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
