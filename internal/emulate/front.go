package emulate

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/s3front/s3front/iam"
)

// front is the local edge: in front of a storage backend (moto_server)
// it answers S3, KMS and STS calls, deciding each with s3front's iam
// evaluator and S3's own rules (bucket and key policies, Block Public
// Access, Object Ownership and ACLs, SSE-KMS), forwards what it allows,
// and serves each emulated distribution's data plane.
type front struct {
	s          *Server
	be         *backend
	account    string
	idMu       sync.Mutex
	identities map[string]compiledIdentity
	ledger     *ledger
	confs      confCache
	cache      *edgeCache
	now        func() time.Time
	log        *slog.Logger
	proxy      *httputil.ReverseProxy
}

func newFront(s *Server, opts Options) (*front, error) {
	be, err := newBackend(opts.Storage, s.account)
	if err != nil {
		return nil, err
	}
	ids, err := compileIdentities(opts.Identities)
	if err != nil {
		return nil, err
	}
	f := &front{s: s, be: be, account: s.account, identities: ids, ledger: newLedger(), cache: newEdgeCache(), now: s.now, log: s.log}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(be.base)
			pr.Out.Host = be.base.Host
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			f.log.Error("storage backend", "error", err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	return f, nil
}

// ServeHTTP routes a request: a distribution's data plane (by host name
// or /_edge/ID/ prefix), the CloudFront API, KMS, STS, S3, or the backend.
func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d, path, ok := f.edgeTarget(r); ok {
		f.edge(w, r, d, path)
		return
	}
	_, _, svc, signed := credential(r)
	switch {
	case strings.HasPrefix(r.URL.Path, "/2020-05-31/") || svc == "cloudfront":
		f.s.mux.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/v20180820/"):
		f.proxy.ServeHTTP(w, r) // s3control
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), "TrentService.") || svc == "kms":
		f.kms(w, r)
	case svc == "sts":
		f.sts(w, r)
	case svc == "s3" || !signed:
		f.s3(w, r)
	default:
		f.proxy.ServeHTTP(w, r)
	}
}

// sourceIP is the client's address.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	return host
}

// writeS3Error answers an S3 error in S3's XML, with the edge's reason in
// x-s3front-reason (and the rule in x-s3front-rule).
func writeS3Error(w http.ResponseWriter, r *http.Request, d *denial, rid string) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-amz-request-id", rid)
	if d.why != "" {
		h.Set("x-s3front-reason", headerText(d.why))
	}
	if d.rule != "" {
		h.Set("x-s3front-rule", d.rule)
	}
	w.WriteHeader(d.status)
	if r.Method == http.MethodHead {
		return
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error><Code>")
	xml.EscapeText(&b, []byte(d.code))
	b.WriteString("</Code><Message>")
	xml.EscapeText(&b, []byte(d.msg))
	b.WriteString("</Message><RequestId>" + rid + "</RequestId><HostId>s3front-edge</HostId></Error>")
	w.Write(b.Bytes())
}

// headerText makes a sentence safe for a header value.
func headerText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			r = ' '
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) > 1000 {
		out = out[:1000]
	}
	return out
}

// sts answers GetCallerIdentity for the edge's identities and forwards
// every other STS call.
func (f *front) sts(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	if action == "" {
		action = r.URL.Query().Get("Action")
	}
	c := f.identify(r)
	if action == "AssumeRole" {
		f.assumeRole(w, c, form)
		return
	}
	if action != "GetCallerIdentity" {
		f.proxy.ServeHTTP(w, r)
		return
	}
	if c.anonymous() {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error></ErrorResponse>`)
		return
	}
	userID := c.Account
	if !strings.HasSuffix(c.ARN, ":root") {
		userID = "AIDA" + strings.ToUpper(CanonicalUserID(c.ARN)[:17])
	}
	w.Header().Set("Content-Type", "text/xml")
	var b bytes.Buffer
	b.WriteString(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>`)
	xml.EscapeText(&b, []byte(c.ARN))
	b.WriteString(`</Arn><UserId>` + userID + `</UserId><Account>` + c.Account + `</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>` + f.s.ids.uuid() + `</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	w.Write(b.Bytes())
}

// kms decides KMS calls on a key with the key policy (and the caller's
// identity policies where the key policy delegates to the account) and
// forwards the calls it allows.
func (f *front) kms(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	c := f.identify(r)
	var in struct {
		KeyId  string
		Policy string
	}
	_ = json.Unmarshal(body, &in)
	fail := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		out, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
		w.Write(out)
	}
	if c.anonymous() {
		fail(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	if (op == "CreateKey" || op == "PutKeyPolicy") && strings.TrimSpace(in.Policy) != "" {
		if _, err := iam.Parse("policy", []byte(in.Policy), iam.Resource); err != nil {
			fail(400, "MalformedPolicyDocumentException", err.Error())
			return
		}
	}
	if in.KeyId != "" {
		k, found, err := f.key(r.Context(), in.KeyId, c.region)
		if err != nil {
			fail(500, "KMSInternalException", err.Error())
			return
		}
		if found && k.policy != nil {
			keys := requestKeys(c, sourceIP(r))
			keys.Set("kms:CallerAccount", c.Account)
			req := &iam.Input{Request: iam.Request{Principal: c.Principal, Action: "kms:" + op, Resource: k.arn, ResourceAccount: k.account, Context: keys},
				ResourcePolicy: k.policy, KeyPolicy: true, IdentityPolicies: c.policies}
			if res := iam.Evaluate(req); res.Decision != iam.Allowed {
				w.Header().Set("x-s3front-reason", headerText(reasonText(res, iam.NoAllow)))
				fail(400, "AccessDeniedException", fmt.Sprintf("User: %s is not authorized to perform: kms:%s on resource: %s because no resource-based policy allows the kms:%s action", c.ARN, op, k.arn, op))
				return
			}
		}
	}
	f.proxy.ServeHTTP(w, r)
}

// assumeRole mints credentials for a role session. The edge does not
// emulate IAM roles: any IAM caller may assume any role, and the session
// has the permissions of an administrator of the role's account.
func (f *front) assumeRole(w http.ResponseWriter, c *caller, form url.Values) {
	stsErr := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error></ErrorResponse>`, code, xmlEscape(msg))
	}
	if c.Type != iam.IAM {
		stsErr(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	role, session := form.Get("RoleArn"), form.Get("RoleSessionName")
	parts := strings.SplitN(role, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") || session == "" {
		stsErr(400, "ValidationError", "RoleArn must be a role ARN and RoleSessionName must be set")
		return
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	arn := "arn:aws:sts::" + parts[4] + ":assumed-role/" + name + "/" + session
	key := "ASIA" + strings.ToUpper(f.s.ids.chars(upperAlnum, 16))
	all, _ := iam.Parse("assumed role", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.Identity)
	p, err := iam.ParsePrincipal(arn)
	if err != nil {
		stsErr(400, "ValidationError", err.Error())
		return
	}
	p.CanonicalUser = CanonicalUserID(p.Account)
	f.idMu.Lock()
	f.identities[key] = compiledIdentity{Identity: Identity{AccessKeyID: key, ARN: arn, Policies: []*iam.Policy{all}}, principal: p}
	f.idMu.Unlock()
	exp := f.now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA%s:%s</AssumedRoleId><Arn>%s</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></AssumeRoleResponse>`,
		key, f.s.ids.chars(upperAlnum, 40), f.s.ids.chars(upperAlnum, 64), exp, strings.ToUpper(CanonicalUserID(role)[:17]), xmlEscape(session), xmlEscape(arn), f.s.ids.uuid())
}
