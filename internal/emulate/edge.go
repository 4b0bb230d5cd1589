package emulate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
)

// The data plane: each emulated distribution answers on its domain name
// (dXXXX.cloudfront.net, or an alias, sent as the Host header) and under
// /_edge/ID/ on the edge's address. GET and HEAD are served from S3
// origins through the same decisions as a direct S3 request, made for the
// principal CloudFront uses (the CloudFront service principal with the
// distribution as aws:SourceArn for OAC, the origin access identity, or
// an anonymous request), with S3's error bodies passed on as CloudFront
// does, custom error responses, and a cache that invalidations empty.

// edgeDist is what the data plane needs of one distribution, copied out
// of the emulator's state.
type edgeDist struct {
	id, arn, domain string
	config          *node
	oacs            map[string]*node // OAC ID -> config
	oais            map[string]*originAccessIdentity
	cachePolicies   map[string]*node
	invalidations   []edgeInvalidation
}

type edgeInvalidation struct {
	created time.Time
	done    bool
	paths   []string
}

// edgeTarget finds the distribution a request is addressed to: a path
// under /_edge/ID-or-domain/, or a Host that is a distribution's domain
// name or alias. ok is true for /_edge/ requests even when d is nil.
func (f *front) edgeTarget(r *http.Request) (d *edgeDist, path string, ok bool) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	want, path := "", r.URL.Path
	if rest, found := strings.CutPrefix(r.URL.Path, "/_edge/"); found {
		want, path, _ = strings.Cut(rest, "/")
		path = "/" + path
		ok = true
	}
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	for _, dist := range f.s.st.distributions {
		match := want != "" && (dist.id == want || dist.domain == strings.ToLower(want))
		if want == "" {
			match = host == dist.domain
			for _, a := range dist.config.items("Aliases") {
				match = match || strings.EqualFold(a.text, host)
			}
		}
		if match {
			return f.snapshot(dist), path, true
		}
	}
	return nil, path, ok
}

// snapshot copies a distribution and what it refers to (under s.mu).
func (f *front) snapshot(d *distribution) *edgeDist {
	s := f.s
	e := &edgeDist{id: d.id, arn: d.arn, domain: d.domain, config: d.config.clone(),
		oacs: map[string]*node{}, oais: map[string]*originAccessIdentity{}, cachePolicies: map[string]*node{}}
	for _, o := range e.config.items("Origins") {
		if id := o.value("OriginAccessControlId"); id != "" {
			if oac := s.st.oacs[id]; oac != nil {
				e.oacs[id] = oac.config.clone()
			}
		}
		if id := oaiID(o.value("S3OriginConfig", "OriginAccessIdentity")); id != "" {
			if oai := s.st.oais[id]; oai != nil {
				c := *oai
				e.oais[id] = &c
			}
		}
	}
	for _, b := range append([]*node{e.config.child("DefaultCacheBehavior")}, e.config.items("CacheBehaviors")...) {
		if id := b.value("CachePolicyId"); id != "" {
			if p := s.lookupPolicy(cachePolicies, id); p != nil {
				e.cachePolicies[id] = p.config.clone()
			}
		}
	}
	for _, inv := range d.invalidations {
		e.invalidations = append(e.invalidations, edgeInvalidation{created: inv.created, done: s.deployed(inv.created), paths: paths(inv.batch)})
	}
	return e
}

// oaiID is the ID in origin-access-identity/cloudfront/ID.
func oaiID(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// cfError answers an error CloudFront itself generates (an HTML page).
func cfError(w http.ResponseWriter, status int, title, why string) {
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Server", "CloudFront")
	h.Set("X-Cache", "Error from cloudfront")
	if why != "" {
		h.Set("x-s3front-reason", headerText(why))
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>%d ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\n%s\n</BODY></HTML>\n", status, title)
}

// behavior returns the cache behavior that serves path: the first whose
// path pattern matches, else the default.
func (d *edgeDist) behavior(path string) *node {
	for _, b := range d.config.items("CacheBehaviors") {
		pat := "/" + strings.TrimPrefix(b.value("PathPattern"), "/")
		if ident.Like(pat, path, false) == ident.True {
			return b
		}
	}
	return d.config.child("DefaultCacheBehavior")
}

// origin returns the origin a behavior targets (an origin group's
// primary member).
func (d *edgeDist) origin(target string) *node {
	for _, g := range d.config.items("OriginGroups") {
		if g.value("Id") == target {
			if ms := g.items("Members"); len(ms) > 0 {
				target = ms[0].value("OriginId")
			}
		}
	}
	for _, o := range d.config.items("Origins") {
		if o.value("Id") == target {
			return o
		}
	}
	return nil
}

// originBucket parses an S3 origin domain: the bucket and whether it is a
// website endpoint; ok is false for any other origin.
func originBucket(domain string) (bucket string, website, ok bool) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if !strings.HasSuffix(domain, ".amazonaws.com") {
		return "", false, false
	}
	if i := strings.Index(domain, ".s3-website"); i > 0 {
		return domain[:i], true, true
	}
	for _, sep := range []string{".s3.", ".s3-"} {
		if i := strings.Index(domain, sep); i > 0 {
			return domain[:i], false, true
		}
	}
	return "", false, false
}

func allowedMethod(b *node, m string) bool {
	for _, x := range b.items("AllowedMethods") {
		if strings.EqualFold(x.text, m) {
			return true
		}
	}
	return false
}

// edge serves one viewer request.
func (f *front) edge(w http.ResponseWriter, r *http.Request, d *edgeDist, path string) {
	if d == nil {
		cfError(w, http.StatusNotFound, "No distribution answers on this address.", "no emulated distribution has this ID or domain name")
		return
	}
	w.Header().Set("Via", "1.1 "+d.id+".cloudfront.net (CloudFront)")
	w.Header().Set("X-Amz-Cf-Pop", "LOCAL1-P1")
	w.Header().Set("X-Amz-Cf-Id", f.s.ids.uuid())
	if d.config.value("Enabled") != "true" {
		cfError(w, http.StatusForbidden, "The distribution is disabled.", "distribution "+d.id+" is disabled")
		return
	}
	if path == "/" {
		if dro := d.config.value("DefaultRootObject"); dro != "" {
			path = "/" + strings.TrimPrefix(dro, "/")
		}
	}
	b := d.behavior(path)
	if b == nil || !allowedMethod(b, r.Method) {
		cfError(w, http.StatusForbidden, "This distribution is not configured to allow the HTTP request method that was used for this request.", "the behavior does not allow "+r.Method)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		cfError(w, http.StatusNotImplemented, "The local edge serves GET and HEAD only.", "")
		return
	}
	status, hdr, body := f.edgeFetch(r.Context(), r, d, b, path, true)
	copyHeader(w.Header(), hdr)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// edgeFetch answers a GET for path through behavior b: from the cache, or
// from the origin through the edge's decisions; custom error responses
// apply when errPages is set.
func (f *front) edgeFetch(ctx context.Context, r *http.Request, d *edgeDist, b *node, path string, errPages bool) (int, http.Header, []byte) {
	pol := d.cachePolicies[b.value("CachePolicyId")]
	ck := d.id + " " + path
	if pol != nil && pol.value("ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig", "QueryStringBehavior") != "none" {
		ck += "?" + r.URL.RawQuery
	}
	if e := f.cache.get(ck, d.invalidations, path, f.now()); e != nil {
		h := e.header.Clone()
		h.Set("X-Cache", strings.Replace(h.Get("X-Cache"), "Miss", "Hit", 1))
		h.Set("Age", strconv.Itoa(int(f.now().Sub(e.stored).Seconds())))
		return e.status, h, e.body
	}
	status, h, body, cacheable := f.originFetch(ctx, r, d, b, path)
	if status >= 400 && errPages {
		for _, ce := range d.config.items("CustomErrorResponses") {
			if ce.value("ErrorCode") != strconv.Itoa(status) || ce.value("ResponsePagePath") == "" {
				continue
			}
			page := ce.value("ResponsePagePath")
			ps, ph, pbody := f.edgeFetch(ctx, r, d, d.behavior(page), page, false)
			if ps < 400 {
				if rc, err := strconv.Atoi(ce.value("ResponseCode")); err == nil && rc > 0 {
					ps = rc
				}
				ph.Set("x-s3front-masked", strconv.Itoa(status)+" "+h.Get("x-s3front-rule"))
				return ps, ph, pbody
			}
			break
		}
	}
	if ttl := edgeTTL(pol, b, status, h); ttl > 0 && cacheable {
		f.cache.put(ck, &cacheEntry{status: status, header: h.Clone(), body: body, stored: f.now(), expires: f.now().Add(ttl)})
	}
	return status, h, body
}

// edgeTTL is how long a response is cached: for a 200, the object's
// max-age within the cache policy's bounds (the legacy TTLs without one);
// for a 404, the error caching minimum of 10 seconds; other errors only
// with Cache-Control [CF-STATUS].
func edgeTTL(pol *node, b *node, status int, h http.Header) time.Duration {
	minT, defT, maxT := secs(b.value("MinTTL"), 0), secs(b.value("DefaultTTL"), 86400), secs(b.value("MaxTTL"), 31536000)
	if pol != nil {
		minT, defT, maxT = secs(pol.value("MinTTL"), 0), secs(pol.value("DefaultTTL"), 0), secs(pol.value("MaxTTL"), 0)
	}
	age, hasAge := maxAge(h.Get("Cache-Control"))
	switch {
	case status == http.StatusOK:
		t := defT
		if hasAge {
			t = age
		}
		return min(max(t, minT), maxT)
	case status == http.StatusNotFound:
		if maxT == 0 {
			return 0
		}
		return 10 * time.Second
	case hasAge && maxT > 0:
		return age
	}
	return 0
}

func secs(s string, def int) time.Duration {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second
	}
	return time.Duration(def) * time.Second
}

func maxAge(cc string) (time.Duration, bool) {
	for _, part := range strings.Split(cc, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(strings.ToLower(part)), "=")
		if k == "s-maxage" || k == "max-age" {
			if n, err := strconv.Atoi(v); err == nil {
				return time.Duration(n) * time.Second, true
			}
		}
		if k == "no-cache" || k == "no-store" || k == "private" {
			return 0, true
		}
	}
	return 0, false
}

// originFetch sends the request to the behavior's origin as CloudFront
// would and returns the answer; cacheable is false for bodies too large
// to keep.
func (f *front) originFetch(ctx context.Context, r *http.Request, d *edgeDist, b *node, path string) (int, http.Header, []byte, bool) {
	o := d.origin(b.value("TargetOriginId"))
	if o == nil {
		return f.cfPage(http.StatusBadGateway, "The behavior's origin does not exist.")
	}
	bucket, website, ok := originBucket(o.value("DomainName"))
	if !ok {
		return f.cfPage(http.StatusBadGateway, "The local edge serves S3 origins only: "+o.value("DomainName")+" is not an S3 bucket endpoint.")
	}
	c := &caller{Principal: iam.Principal{Type: iam.Anonymous}}
	keys := iam.Context{}
	switch {
	case website:
		// A website endpoint is a custom origin: S3 sees an anonymous request.
	case o.value("OriginAccessControlId") != "":
		oac := d.oacs[o.value("OriginAccessControlId")]
		sb := oac.value("SigningBehavior")
		switch {
		case sb == "never":
		case sb == "no-override" && r.Header.Get("Authorization") != "":
			c = f.identify(r)
		default:
			c = &caller{Principal: iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"}}
		}
	case oaiID(o.value("S3OriginConfig", "OriginAccessIdentity")) != "":
		oai := d.oais[oaiID(o.value("S3OriginConfig", "OriginAccessIdentity"))]
		if oai != nil {
			c = &caller{Principal: iam.Principal{Type: iam.OAI, ARN: iam.OAIPrefix + oai.id, CanonicalUser: oai.canonicalUser}}
		}
	}
	keys = requestKeys(c, "")
	if c.Type == iam.Service {
		keys.Set("aws:SourceArn", d.arn)
		keys.Set("aws:SourceAccount", f.account)
	}
	key := strings.TrimPrefix(path, "/")
	if op := strings.Trim(o.value("OriginPath"), "/"); op != "" {
		key = op + "/" + key
	}
	if k, err := url.PathUnescape(key); err == nil {
		key = k
	}
	h := http.Header{}
	h.Set("X-Cache", "Error from cloudfront")
	deny := func(dn *denial) (int, http.Header, []byte, bool) {
		h.Set("Content-Type", "application/xml")
		h.Set("Server", "AmazonS3")
		if dn.why != "" {
			h.Set("x-s3front-reason", headerText(dn.why))
		}
		if dn.rule != "" {
			h.Set("x-s3front-rule", dn.rule)
		}
		h.Set("x-s3front-principal", c.label())
		body := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + dn.code + "</Code><Message>" + xmlEscape(dn.msg) + "</Message><RequestId>" + f.s.ids.uuid() + "</RequestId><HostId>s3front-edge</HostId></Error>")
		return dn.status, h, body, true
	}
	bc, err := f.bucket(ctx, bucket)
	if err != nil {
		return f.cfPage(http.StatusBadGateway, "The origin did not answer: "+err.Error())
	}
	if bc == nil {
		return deny(noSuchBucket(bucket))
	}
	dn, err := f.readObject(ctx, c, bc, key, keys)
	if err != nil {
		return f.cfPage(http.StatusBadGateway, "The origin did not answer: "+err.Error())
	}
	if dn != nil {
		return deny(dn)
	}
	resp, err := f.be.s3(ctx, http.MethodGet, bucket, key, nil, nil)
	if err != nil {
		return f.cfPage(http.StatusBadGateway, "The origin did not answer: "+err.Error())
	}
	defer resp.Body.Close()
	const maxCached = 64 << 20
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCached+1))
	if err != nil {
		return f.cfPage(http.StatusBadGateway, "The origin did not answer: "+err.Error())
	}
	for _, k := range []string{"Content-Type", "Cache-Control", "Content-Encoding", "Content-Disposition", "Content-Language", "ETag", "Last-Modified", "Expires",
		"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-version-id"} {
		if v := resp.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	for k, vs := range resp.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-meta-") {
			h[k] = vs
		}
	}
	h.Set("Server", "AmazonS3")
	if resp.StatusCode == http.StatusOK {
		h.Set("X-Cache", "Miss from cloudfront")
	}
	h.Set("x-s3front-principal", c.label())
	return resp.StatusCode, h, body, len(body) <= maxCached
}

func (f *front) cfPage(status int, msg string) (int, http.Header, []byte, bool) {
	rec := &headerRecorder{h: http.Header{}}
	cfError(rec, status, msg, msg)
	return status, rec.h, rec.buf.Bytes(), false
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

// headerRecorder captures a response written by cfError.
type headerRecorder struct {
	h   http.Header
	buf bytes.Buffer
}

func (r *headerRecorder) Header() http.Header         { return r.h }
func (r *headerRecorder) Write(p []byte) (int, error) { return r.buf.Write(p) }
func (r *headerRecorder) WriteHeader(int)             {}
