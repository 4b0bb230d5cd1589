package emulate

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seqReader is a deterministic random source: IDs are reproducible.
type seqReader struct{ n byte }

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		r.n = r.n*31 + 7
		p[i] = r.n
	}
	return len(p), nil
}

func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Rand == nil {
		opts.Rand = &seqReader{}
	}
	s, err := NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends one request to the handler.
func do(t *testing.T, s *Server, method, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// errorCode extracts Code and checks the ErrorResponse envelope.
func errorCode(t *testing.T, w *httptest.ResponseRecorder) (code, msg string) {
	t.Helper()
	n, err := parseXML(w.Body)
	if err != nil {
		t.Fatalf("error body is not XML: %v", err)
	}
	typ := "Sender"
	if w.Code >= 500 {
		typ = "Receiver"
	}
	if n.name != "ErrorResponse" || n.value("Error", "Type") != typ || n.value("RequestId") != w.Header().Get("x-amz-request-id") || n.value("RequestId") == "" {
		t.Fatalf("error envelope %s", n)
	}
	return n.value("Error", "Code"), n.value("Error", "Message")
}

const minimalLegacy = `<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <Comment></Comment>
  <CallerReference>cli-example</CallerReference>
  <Origins><Quantity>1</Quantity><Items><Origin>
    <Id>site</Id><DomainName>site.s3.amazonaws.com</DomainName>
    <FutureOriginSetting><Mode>kept</Mode></FutureOriginSetting>
    <S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig>
  </Origin></Items></Origins>
  <DefaultCacheBehavior>
    <TargetOriginId>site</TargetOriginId>
    <ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues>
    <TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>
    <ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy>
    <MinTTL>0</MinTTL>
  </DefaultCacheBehavior>
  <Enabled>true</Enabled>
  <FutureDistributionSetting>on</FutureDistributionSetting>
</DistributionConfig>`

// TestDefaultsAndRoundTrip: a minimal configuration comes back with
// AWS's defaults, the model's member order, and the elements s3front does
// not know kept where the client put them (after the known ones).
func TestDefaultsAndRoundTrip(t *testing.T) {
	s := newTestServer(t, Options{})
	w := do(t, s, "POST", "/2020-05-31/distribution", minimalLegacy)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	id := w.Header().Get("Location")[strings.LastIndex(w.Header().Get("Location"), "/")+1:]
	w = do(t, s, "GET", "/2020-05-31/distribution/"+id+"/config", "")
	if w.Code != http.StatusOK || w.Header().Get("ETag") == "" {
		t.Fatalf("status %d etag %q", w.Code, w.Header().Get("ETag"))
	}
	got := indentXML(t, w.Body.Bytes())
	golden(t, "testdata/minimal-legacy.golden.xml", got)
	for _, want := range []string{"<FutureOriginSetting>", "<Mode>kept</Mode>", "<FutureDistributionSetting>on</FutureDistributionSetting>"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s was not kept", want)
		}
	}
}

func indentXML(t *testing.T, data []byte) string {
	t.Helper()
	n, err := parseXML(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		pad := strings.Repeat("  ", depth)
		if len(n.kids) == 0 {
			b.WriteString(pad + "<" + n.name + ">" + n.text + "</" + n.name + ">\n")
			return
		}
		b.WriteString(pad + "<" + n.name + ">\n")
		for _, k := range n.kids {
			walk(k, depth+1)
		}
		b.WriteString(pad + "</" + n.name + ">\n")
	}
	walk(n, 0)
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

// TestWireErrors: AWS's codes, statuses and messages for what it rejects
// at the wire level, in CloudFront's XML error envelope.
func TestWireErrors(t *testing.T) {
	s := newTestServer(t, Options{MaxBodyBytes: 4096})
	tests := []struct {
		name, method, path, body string
		status                   int
		code, msg                string
	}{
		{"not XML", "POST", "/2020-05-31/distribution", "{}", 400, "MalformedInput", "malformed XML"},
		{"truncated", "POST", "/2020-05-31/origin-access-control", "<OriginAccessControlConfig><Name>x</Name>", 400, "MalformedInput", ""},
		{"empty body", "POST", "/2020-05-31/origin-access-control", "", 400, "MissingBody", ""},
		{"wrong root", "POST", "/2020-05-31/origin-access-control", "<DistributionConfig/>", 400, "MalformedInput", "<OriginAccessControlConfig>"},
		{"missing members", "POST", "/2020-05-31/origin-access-identity/cloudfront", "<CloudFrontOriginAccessIdentityConfig><Comment>c</Comment></CloudFrontOriginAccessIdentityConfig>", 400, "MalformedXML",
			"1 validation error detected: Value null at 'cloudFrontOriginAccessIdentityConfig.callerReference' failed to satisfy constraint: Member must not be null"},
		{"not a boolean", "POST", "/2020-05-31/cache-policy", "<CachePolicyConfig><Name>n</Name><MinTTL>x</MinTTL></CachePolicyConfig>", 400, "MalformedInput", "<MinTTL> must be an integer"},
		{"enum", "POST", "/2020-05-31/origin-access-control", "<OriginAccessControlConfig><Name>x</Name><SigningProtocol>sigv2</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlConfig>", 400, "MalformedXML",
			"Value 'sigv2' at 'originAccessControlConfig.signingProtocol' failed to satisfy constraint: Member must satisfy enum value set: [sigv4]"},
		{"list element", "POST", "/2020-05-31/distribution/E1/invalidation", "<InvalidationBatch><CallerReference>r</CallerReference><Paths><Quantity>1</Quantity><Items><Key>/a</Key></Items></Paths></InvalidationBatch>", 400, "MalformedInput", "unexpected element <Key>"},
		{"quantity", "POST", "/2020-05-31/distribution/E1/invalidation", "<InvalidationBatch><CallerReference>r</CallerReference><Paths><Quantity>2</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>", 400, "InconsistentQuantities", ""},
		{"no distribution", "POST", "/2020-05-31/distribution/E1/invalidation", "<InvalidationBatch><CallerReference>r</CallerReference><Paths><Quantity>1</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>", 404, "NoSuchDistribution", "The specified distribution does not exist."},
		{"too large", "POST", "/2020-05-31/distribution", "<DistributionConfig>" + strings.Repeat("<Comment>x</Comment>", 400) + "</DistributionConfig>", 413, "MalformedInput", ""},
		{"duplicate member", "POST", "/2020-05-31/origin-access-control", "<OriginAccessControlConfig><Name>x</Name><Name>y</Name></OriginAccessControlConfig>", 400, "MalformedInput", "twice"},
		{"mixed content", "POST", "/2020-05-31/origin-access-control", "<OriginAccessControlConfig>text<Name>x</Name></OriginAccessControlConfig>", 400, "MalformedInput", "mixes text"},
		{"bad MaxItems", "GET", "/2020-05-31/distribution?MaxItems=lots", "", 400, "InvalidArgument", "MaxItems"},
		{"bad policy type", "GET", "/2020-05-31/cache-policy?Type=mine", "", 400, "InvalidArgument", "managed or custom"},
		{"unknown operation", "GET", "/2020-05-31/streaming-distribution", "", 501, "NotImplemented", "does not emulate GET /2020-05-31/streaming-distribution"},
		{"known path, other method", "PATCH", "/2020-05-31/distribution", "", 501, "NotImplemented", ""},
		{"no such OAI", "GET", "/2020-05-31/origin-access-identity/cloudfront/E1", "", 404, "NoSuchCloudFrontOriginAccessIdentity", ""},
		{"no such policy", "GET", "/2020-05-31/origin-request-policy/nope/config", "", 404, "NoSuchOriginRequestPolicy", ""},
		{"delete without If-Match", "DELETE", "/2020-05-31/cache-policy/658327ea-f89d-4fab-a63d-7e88639e58f6", "", 400, "IllegalDelete", ""},
		{"tags of nothing", "GET", "/2020-05-31/tagging?Resource=arn:aws:cloudfront::123456789012:distribution/E1", "", 404, "NoSuchResource", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(t, s, tt.method, tt.path, tt.body)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			code, msg := errorCode(t, w)
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s: %s, want %s containing %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

// TestStateFile: the state survives a restart, byte for byte, and a state
// file of another account is refused.
func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := newTestServer(t, Options{StatePath: path})
	if w := do(t, s, "POST", "/2020-05-31/distribution", minimalLegacy); w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	oac := "<OriginAccessControlConfig><Name>x</Name><SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlConfig>"
	if w := do(t, s, "POST", "/2020-05-31/origin-access-control", oac); w.Code != 201 {
		t.Fatalf("create OAC: %d %s", w.Code, w.Body)
	}
	before := do(t, s, "GET", "/2020-05-31/distribution", "").Body.String()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Fatalf("state file is not JSON")
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.*")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}

	s2 := newTestServer(t, Options{StatePath: path})
	if after := do(t, s2, "GET", "/2020-05-31/distribution", "").Body.String(); after != before {
		t.Errorf("listing after restart differs:\n%s\n%s", before, after)
	}
	if w := do(t, s2, "POST", "/2020-05-31/origin-access-control", oac); w.Code != 409 {
		t.Errorf("OAC name reuse after restart: %d", w.Code)
	}
	if _, err := NewServer(Options{StatePath: path, Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), "holds account 123456789012") {
		t.Errorf("account mismatch: %v", err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewServer(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), "not a state file") {
		t.Errorf("broken state file: %v", err)
	}
	if _, err := NewServer(Options{StatePath: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory as state file: %v", err)
	}
}

// TestStateWriteFailureUndoes: when the state file cannot be written the
// change is undone and the client is told.
func TestStateWriteFailureUndoes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "state.json")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Options{StatePath: path})
	if err := os.RemoveAll(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	w := do(t, s, "POST", "/2020-05-31/distribution", minimalLegacy)
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
	if code, _ := errorCode(t, w); code != "InternalError" {
		t.Errorf("code %s", code)
	}
	if list := do(t, s, "GET", "/2020-05-31/distribution", "").Body.String(); !strings.Contains(list, "<Quantity>0</Quantity>") {
		t.Errorf("the failed change stayed: %s", list)
	}
}

// TestDeterministic: the same requests with the same random source give
// the same bytes.
func TestDeterministic(t *testing.T) {
	run := func() string {
		s := newTestServer(t, Options{Now: fixedNow})
		do(t, s, "POST", "/2020-05-31/distribution", minimalLegacy)
		return do(t, s, "GET", "/2020-05-31/distribution", "").Body.String()
	}
	if a, b := run(), run(); a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
}

func fixedNow() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
