package emulate

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// FuzzRequestBody sends arbitrary bodies to every operation that reads
// one: the emulator must answer with a success or a 4xx error in
// CloudFront's envelope, never panic or fail with a 5xx.
//
//	go test ./internal/emulate -run '^$' -fuzz FuzzRequestBody -parallel 1
func FuzzRequestBody(f *testing.F) {
	f.Add(uint8(0), []byte(minimalLegacy))
	f.Add(uint8(1), []byte("<OriginAccessControlConfig><Name>x</Name><SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlConfig>"))
	f.Add(uint8(2), []byte("<CloudFrontOriginAccessIdentityConfig><CallerReference>r</CallerReference><Comment></Comment></CloudFrontOriginAccessIdentityConfig>"))
	f.Add(uint8(3), []byte("<CachePolicyConfig><Name>n</Name><MinTTL>0</MinTTL><ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip><HeadersConfig><HeaderBehavior>none</HeaderBehavior></HeadersConfig><CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig><QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig></ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig>"))
	f.Add(uint8(4), []byte("<InvalidationBatch><CallerReference>r</CallerReference><Paths><Quantity>1</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>"))
	f.Add(uint8(5), []byte("<Tags><Items><Tag><Key>k</Key><Value>v</Value></Tag></Items></Tags>"))
	f.Add(uint8(6), []byte("<DistributionConfigWithTags><DistributionConfig></DistributionConfig><Tags/></DistributionConfigWithTags>"))
	f.Add(uint8(0), []byte("<a><b>1</b><b><c/></b></a>"))
	f.Add(uint8(0), []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><DistributionConfig/>"))
	f.Add(uint8(0), []byte("<!DOCTYPE x [<!ENTITY e \"&e;&e;\">]><DistributionConfig>&e;</DistributionConfig>"))

	s, err := NewServer(Options{Rand: &seqReader{}, MaxBodyBytes: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	// A distribution to invalidate and tag.
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("POST", "/2020-05-31/distribution", bytes.NewReader([]byte(minimalLegacy))))
	if w.Code != 201 {
		f.Fatalf("setup: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	id := loc[len(loc)-14:]
	targets := []struct{ method, path string }{
		{"POST", "/2020-05-31/distribution"},
		{"POST", "/2020-05-31/origin-access-control"},
		{"POST", "/2020-05-31/origin-access-identity/cloudfront"},
		{"POST", "/2020-05-31/cache-policy"},
		{"POST", "/2020-05-31/distribution/" + id + "/invalidation"},
		{"POST", "/2020-05-31/tagging?Operation=Tag&Resource=arn:aws:cloudfront::123456789012:distribution/" + id},
		{"POST", "/2020-05-31/distribution?WithTags"},
		{"PUT", "/2020-05-31/distribution/" + id + "/config"},
		{"POST", "/2020-05-31/origin-request-policy"},
		{"POST", "/2020-05-31/response-headers-policy"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tg := targets[int(which)%len(targets)]
		r := httptest.NewRequest(tg.method, tg.path, bytes.NewReader(body))
		r.Header.Set("If-Match", "E0000000000000")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s: %d %s", tg.method, tg.path, w.Code, w.Body)
		}
		if w.Code >= 400 {
			n, err := parseXML(w.Body)
			if err != nil || n.name != "ErrorResponse" || n.value("Error", "Code") == "" {
				t.Fatalf("error body: %v %s", err, w.Body)
			}
		}
	})
}

// FuzzParseXML: the tree reader never panics, and what it accepts renders
// back to XML it accepts again, to the same tree.
func FuzzParseXML(f *testing.F) {
	f.Add([]byte(minimalLegacy))
	f.Add([]byte("<a>&lt;x&gt;&amp;<!-- c --></a>"))
	f.Add([]byte("<a><![CDATA[<b>]]></a>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseXML(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := parseXML(bytes.NewReader(n.document()))
		if err != nil {
			t.Fatalf("rendered tree does not parse: %v\n%s", err, n.document())
		}
		if again.String() != n.String() {
			t.Fatalf("round trip changed the tree:\n%s\n%s", n, again)
		}
	})
}
