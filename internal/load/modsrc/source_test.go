package modsrc

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSource(t *testing.T) {
	cases := []struct {
		raw  string
		want Source
		str  string // String(); "" means raw
	}{
		{"terraform-aws-modules/cloudfront/aws", Source{Kind: Registry, Host: "registry.terraform.io", Namespace: "terraform-aws-modules", Name: "cloudfront", Provider: "aws"},
			"registry.terraform.io/terraform-aws-modules/cloudfront/aws"},
		{"app.terraform.io/Example_Corp/vpc/aws//modules/sub", Source{Kind: Registry, Host: "app.terraform.io", Namespace: "Example_Corp", Name: "vpc", Provider: "aws", Subdir: "modules/sub"}, ""},
		{"App.Terraform.IO:8443/org/vpc/aws", Source{Kind: Registry, Host: "app.terraform.io:8443", Namespace: "org", Name: "vpc", Provider: "aws"}, "app.terraform.io:8443/org/vpc/aws"},
		{"github.com/org/repo", Source{Kind: Git, URL: "https://github.com/org/repo.git"}, "git::https://github.com/org/repo.git"},
		{"github.com/org/repo//modules/site?ref=v1.2.0", Source{Kind: Git, URL: "https://github.com/org/repo.git", Ref: "v1.2.0", Subdir: "modules/site"}, "git::https://github.com/org/repo.git//modules/site?ref=v1.2.0"},
		{"github.com/org/repo/modules/site", Source{Kind: Git, URL: "https://github.com/org/repo.git", Subdir: "modules/site"}, "git::https://github.com/org/repo.git//modules/site"},
		{"git@github.com:org/repo.git?ref=main", Source{Kind: Git, URL: "ssh://git@github.com/org/repo.git", Ref: "main"}, "git::ssh://git@github.com/org/repo.git?ref=main"},
		{"git::ssh://git@example.com/org/repo.git//x?ref=v1&depth=3", Source{Kind: Git, URL: "ssh://git@example.com/org/repo.git", Ref: "v1", Depth: 3, Subdir: "x"}, "git::ssh://git@example.com/org/repo.git//x?ref=v1&depth=3"},
		{"git::https://example.com/vpc.git?ref=51d462976d84fdea54b47d80dcabbf680badcdb8", Source{Kind: Git, URL: "https://example.com/vpc.git", Ref: "51d462976d84fdea54b47d80dcabbf680badcdb8"}, ""},
		{"git::file:///srv/repos/site.git?ref=v1", Source{Kind: Git, URL: "file:///srv/repos/site.git", Ref: "v1"}, ""},
		{"bitbucket.org/team/repo", Source{Kind: Git, URL: "https://bitbucket.org/team/repo.git"}, "git::https://bitbucket.org/team/repo.git"},
		{"https://example.com/vpc-module.zip", Source{Kind: HTTP, URL: "https://example.com/vpc-module.zip", Archive: "zip"}, "https://example.com/vpc-module.zip?archive=zip"},
		{"https://example.com/v1.0.0.tar.gz//modules/*", Source{Kind: HTTP, URL: "https://example.com/v1.0.0.tar.gz", Archive: "tar.gz", Subdir: "modules/*"}, "https://example.com/v1.0.0.tar.gz//modules/*?archive=tar.gz"},
		{"https://example.com/vpc-module?archive=tgz", Source{Kind: HTTP, URL: "https://example.com/vpc-module", Archive: "tgz"}, ""},
		{"https://example.com/module", Source{Kind: HTTP, URL: "https://example.com/module"}, ""},
		{"http::https://example.com/m.tar.gz?checksum=sha256:00", Source{Kind: HTTP, URL: "https://example.com/m.tar.gz", Archive: "tar.gz", Checksum: "sha256:00"}, "https://example.com/m.tar.gz?archive=tar.gz&checksum=sha256%3A00"},
	}
	for _, c := range cases {
		got, err := ParseSource(c.raw)
		if err != nil {
			t.Errorf("ParseSource(%q): %v", c.raw, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseSource(%q)\n got %+v\nwant %+v", c.raw, got, c.want)
		}
		str := c.str
		if str == "" {
			str = c.raw
		}
		if got.String() != str {
			t.Errorf("ParseSource(%q).String() = %q, want %q", c.raw, got.String(), str)
		}
		// The normalised address parses to the same source.
		if again, err := ParseSource(got.String()); err != nil || again != got {
			t.Errorf("ParseSource(%q) does not round-trip: %+v, %v", got.String(), again, err)
		}
	}
}

func TestParseSourceErrors(t *testing.T) {
	cases := []struct {
		raw, want   string
		unsupported bool
	}{
		{"s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", "s3:: sources", true},
		{"bucket.s3-eu-west-1.amazonaws.com/vpc/module.zip", "s3:: sources", true},
		{"gcs::https://www.googleapis.com/storage/v1/modules/foomodule.zip", "gcs:: sources", true},
		{"www.googleapis.com/storage/v1/modules/foomodule.zip", "gcs:: sources", true},
		{"hg::http://example.com/vpc.hg", "Mercurial", true},
		{"/abs/path/module", "absolute paths", true},
		{"example.com/just/two", "not a local path", true},
		{"git::https://example.com/x.git?sshkey=AAAA", "ssh-agent", true},
		{"git::ext::sh -c touch% /tmp/pwned", "git over", true},
		{"https://example.com/m.tar.xz", "xz archives", true},
		{"hashicorp/consul/aws//../../etc", "leads outside", false},
		{"git::https://example.com/x.git//../y", "leads outside", false},
		{"git::https://example.com/x.git?ref=--upload-pack=touch", "invalid ref", false},
		{"./local", "local module source", false},
		{"", "empty", false},
	}
	for _, c := range cases {
		_, err := ParseSource(c.raw)
		if err == nil {
			t.Errorf("ParseSource(%q): no error", c.raw)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSource(%q) = %v, want it to say %q", c.raw, err, c.want)
		}
		if errors.Is(err, ErrUnsupported) != c.unsupported {
			t.Errorf("ParseSource(%q): unsupported = %v, want %v", c.raw, errors.Is(err, ErrUnsupported), c.unsupported)
		}
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"git::https://user:s3cret@example.com/x.git?ref=v1":          "git::https://user:xxxxx@example.com/x.git?ref=v1",
		"https://token@example.com/x.tgz":                            "https://xxxxx@example.com/x.tgz",
		"ssh://git@example.com/x.git":                                "ssh://git@example.com/x.git",
		"https://bucket.example.com/m.zip?X-Amz-Signature=abc&ref=1": "https://bucket.example.com/m.zip?X-Amz-Signature=xxxxx&ref=1",
		"not a url?token=abc":                                        "not a url?…",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDisplay(t *testing.T) {
	cases := map[string]string{
		"git::https://user:pw@example.com/org/repo.git?ref=v1.2.0": "example.com/org/repo.git@v1.2.0",
		"git@github.com:org/repo.git":                              "github.com/org/repo.git",
		"https://example.com/m.tar.gz?archive=tar.gz":              "example.com/m.tar.gz",
		"git::file:///srv/x.git?ref=main":                          "file:///srv/x.git@main",
	}
	for in, want := range cases {
		s, err := ParseSource(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.display(); got != want {
			t.Errorf("display(%q) = %q, want %q", in, got, want)
		}
	}
}
