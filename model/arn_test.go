package model

import (
	"testing"

	"github.com/s3front/s3front/ident"
)

func TestParseEndpoint(t *testing.T) {
	sym := ident.New(ident.BucketName, "aws_s3_bucket.site.bucket")
	tests := []struct {
		in     string
		kind   EndpointKind
		bucket string
		region string
	}{
		{"assets.s3.eu-west-2.amazonaws.com", S3Regional, "assets", "eu-west-2"},
		{"www.example.org.s3.us-east-1.amazonaws.com", S3Regional, "www.example.org", "us-east-1"},
		{"assets.s3.amazonaws.com", S3Global, "assets", ""},
		{"assets.s3-us-west-2.amazonaws.com", S3Regional, "assets", "us-west-2"},
		{"assets.s3-external-1.amazonaws.com", S3Global, "assets", ""},
		{"assets.s3.dualstack.us-east-1.amazonaws.com", S3Regional, "assets", "us-east-1"},
		{"www.example.org.s3-website-us-east-1.amazonaws.com", S3Website, "www.example.org", "us-east-1"},
		{"site.s3-website.eu-central-1.amazonaws.com", S3Website, "site", "eu-central-1"},
		{"site.s3-accelerate.amazonaws.com", S3Accelerate, "site", ""},
		{"cn.s3.cn-north-1.amazonaws.com.cn", S3Regional, "cn", "cn-north-1"},
		{"https://assets.s3.amazonaws.com", Malformed, "", ""},
		{"s3.amazonaws.com/assets", Malformed, "assets", ""},
		{"assets.s3.amazonaws.com/path", Malformed, "", ""},
		{"api.example.com", NotS3, "", ""},
		{"my-alb-123.us-east-1.elb.amazonaws.com", NotS3, "", ""},
		{sym + ".s3.us-east-1.amazonaws.com", S3Regional, sym, "us-east-1"},
	}
	for _, tt := range tests {
		e := ParseEndpoint(tt.in)
		if e.Kind != tt.kind || (tt.kind != Malformed && (e.Bucket != tt.bucket || e.Region != tt.region)) || (tt.kind == Malformed && e.Problem == "") {
			t.Errorf("ParseEndpoint(%q) = %+v, want kind %v bucket %q region %q", ident.Render(tt.in), e, tt.kind, tt.bucket, tt.region)
		}
	}
}

func TestManaged(t *testing.T) {
	p, ok := ManagedOriginRequestPolicy("Managed-AllViewer")
	if !ok || p.ID != "216adef6-5c7f-47e4-b989-5492eafa07d3" {
		t.Fatal("AllViewer by name")
	}
	if f, ok := p.ForwardsHeader("Host"); !f || !ok {
		t.Error("AllViewer forwards Host")
	}
	p, _ = ManagedOriginRequestPolicy("b689b0a8-53d0-40ab-baf2-68738e2966ac")
	if f, ok := p.ForwardsHeader("host"); f || !ok {
		t.Error("AllViewerExceptHostHeader does not forward Host")
	}
	// Names are exact, as ListCachePolicies spells them: two policies
	// have no "Managed-" prefix (terraform-provider-aws#41507).
	for name, want := range map[string]bool{
		"Managed-CachingDisabled":                   true,
		"cachingdisabled":                           false,
		"CachingDisabled":                           false,
		"UseOriginCacheControlHeaders":              true,
		"UseOriginCacheControlHeaders-QueryStrings": true,
		"Managed-UseOriginCacheControlHeaders":      false,
	} {
		if _, ok := ManagedCachePolicy(name); ok != want {
			t.Errorf("ManagedCachePolicy(%q): %v, want %v", name, ok, want)
		}
	}
	if p, ok := ManagedCachePolicyLike("cachingdisabled"); !ok || p.Name != "Managed-CachingDisabled" {
		t.Error("CachingDisabled by short name, loosely")
	}
	if p, ok := ManagedCachePolicyLike("Managed-UseOriginCacheControlHeaders"); !ok || p.Name != "UseOriginCacheControlHeaders" {
		t.Error("UseOriginCacheControlHeaders with a prefix, loosely")
	}
}

// TestParseEndpointRepair checks the host name a malformed origin domain
// holds, which lets every other origin check run.
func TestParseEndpointRepair(t *testing.T) {
	sym := ident.New(ident.BucketName, "aws_s3_bucket.site.bucket")
	for _, tt := range []struct {
		in, host, bucket, region string
		as                       EndpointKind
	}{
		{"https://assets.s3.eu-west-1.amazonaws.com", "assets.s3.eu-west-1.amazonaws.com", "assets", "eu-west-1", S3Regional},
		{"https://assets.s3.eu-west-1.amazonaws.com/", "assets.s3.eu-west-1.amazonaws.com", "assets", "eu-west-1", S3Regional},
		{"assets.s3.amazonaws.com/path", "assets.s3.amazonaws.com", "assets", "", S3Global},
		{"s3.amazonaws.com/assets", "assets.s3.amazonaws.com", "assets", "", S3Global},
		{"s3.eu-west-1.amazonaws.com/assets/sub", "assets.s3.eu-west-1.amazonaws.com", "assets", "eu-west-1", S3Regional},
		{"s3-eu-west-1.amazonaws.com/assets", "assets.s3-eu-west-1.amazonaws.com", "assets", "eu-west-1", S3Regional},
		{"assets.s3.eu-west-1.amazonaws.com:443", "assets.s3.eu-west-1.amazonaws.com", "assets", "eu-west-1", S3Regional},
		{"http://site.s3-website-us-east-1.amazonaws.com", "site.s3-website-us-east-1.amazonaws.com", "site", "us-east-1", S3Website},
		{"https://" + sym + ".s3.us-east-1.amazonaws.com", sym + ".s3.us-east-1.amazonaws.com", sym, "us-east-1", S3Regional},
		{"https://api.example.com/v1", "", "", "", NotS3},
		{"s3.amazonaws.com", "", "", "", NotS3},
	} {
		e := ParseEndpoint(tt.in)
		if e.As != tt.as || e.Host != tt.host || e.Region != tt.region || (tt.as != NotS3 && e.Bucket != tt.bucket) {
			t.Errorf("ParseEndpoint(%q) = %+v, want as %v host %q bucket %q region %q", ident.Render(tt.in), e, tt.as, ident.Render(tt.host), tt.bucket, tt.region)
		}
		if e.Kind != Malformed && tt.as != NotS3 {
			t.Errorf("ParseEndpoint(%q): kind %v, want malformed", tt.in, e.Kind)
		}
	}
}
