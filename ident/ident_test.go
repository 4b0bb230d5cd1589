package ident

import (
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	acct := New(Account, "provider.aws")
	acct2 := New(Account, "provider.aws.eu")
	prod := New(DistributionID, "aws_cloudfront_distribution.prod.id")
	staging := New(DistributionID, "aws_cloudfront_distribution.staging.id")
	anyv := New(Any, "var.role_arn")
	bucket := New(BucketName, "aws_s3_bucket.b.bucket")
	arn := func(a, id string) string { return "arn:aws:cloudfront::" + a + ":distribution/" + id }

	tests := []struct {
		name       string
		op         func(a, b string) Tri
		pattern, v string
		want       Tri
	}{
		{"concrete equal", Equal, "abc", "abc", True},
		{"concrete differ", Equal, "abc", "abd", False},
		{"same symbolic arn", Equal, arn(acct, prod), arn(acct, prod), True},
		{"distinct distributions same account", Equal, arn(acct, staging), arn(acct, prod), False},
		{"distinct distributions, accounts may differ", Equal, arn(acct2, staging), arn(acct, prod), False},
		{"same distribution, accounts of two providers", Equal, arn(acct2, prod), arn(acct, prod), Unknown},
		{"literal account vs symbol", Equal, arn("111122223333", prod), arn(acct, prod), Unknown},
		{"literal bad account vs symbol", Equal, arn("1111", prod), arn(acct, prod), False},
		{"literal ID might be the distribution", Equal, arn(acct, "E2QWRUHAPOMQZL"), arn(acct, prod), Unknown},
		{"domain prefix is never an ID", Equal, arn(acct, "d303chch2n9rqs"), arn(acct, prod), False},
		{"unknown value", Equal, anyv, arn(acct, prod), Unknown},
		{"unknown value in both", Equal, anyv, anyv, True},
		{"fold", EqualFold, "ABC" + acct, "abc" + acct, True},
		{"like account wildcard", func(a, b string) Tri { return Like(a, b, false) }, arn(acct, "*"), arn(acct, prod), True},
		{"like other account literal", func(a, b string) Tri { return Like(a, b, false) }, arn("111122223333", "*"), arn(acct, prod), Unknown},
		{"like never", func(a, b string) Tri { return Like(a, b, false) }, "arn:aws:s3:::x/*", arn(acct, prod), False},
		{"arnlike same", ArnLike, arn(acct, prod), arn(acct, prod), True},
		{"arnlike distinct", ArnLike, arn(acct, staging), arn(acct, prod), False},
		{"arnlike account wide", ArnLike, arn(acct, "*"), arn(acct, prod), True},
		{"arnlike wildcard account", ArnLike, "arn:aws:cloudfront::*:distribution/*", arn(acct, prod), True},
		{"arnlike other service", ArnLike, "arn:aws:s3:::*", arn(acct, prod), False},
		{"arnlike unknown pattern", ArnLike, anyv, arn(acct, prod), Unknown},
		{"arnlike concrete", ArnLike, "arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y", True},
		{"arnlike not arn", ArnLike, "arn:aws:s3:::b/*", "b/x", False},
		{"bucket object", func(a, b string) Tri { return Like(a, b, false) }, "arn:aws:s3:::" + bucket + "/*", "arn:aws:s3:::" + bucket + "/index.html", True},
		{"bucket vs literal bucket", func(a, b string) Tri { return Like(a, b, false) }, "arn:aws:s3:::other/*", "arn:aws:s3:::" + bucket + "/index.html", Unknown},
		{"bucket vs literal impossible bucket", func(a, b string) Tri { return Like(a, b, false) }, "arn:aws:s3:::Other_Bucket/*", "arn:aws:s3:::" + bucket + "/index.html", False},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op(tt.pattern, tt.v); got != tt.want {
				t.Errorf("%s vs %s = %v, want %v", Render(tt.pattern), Render(tt.v), got, tt.want)
			}
		})
	}
}

func TestRenderAndSymbols(t *testing.T) {
	s := "arn:aws:cloudfront::" + New(Account, "provider.aws") + ":distribution/" + New(DistributionID, `module.x["a:b"].d.id`)
	if got, want := Render(s), `arn:aws:cloudfront::${provider.aws}:distribution/${module.x["a:b"].d.id}`; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	syms := Symbols(s)
	if len(syms) != 2 || syms[0].Kind != Account || syms[1].Kind != DistributionID {
		t.Errorf("Symbols = %v", syms)
	}
	if Has("plain") || !Has(s) {
		t.Error("Has")
	}
	if _, ok := IsSymbol(New(KeyID, "k")); !ok {
		t.Error("IsSymbol")
	}
	if _, ok := IsSymbol("x" + New(KeyID, "k")); ok {
		t.Error("IsSymbol on composite")
	}
	// A colon inside a symbol name never splits an ARN.
	if got := ArnLike("arn:aws:cloudfront::*:distribution/*", s); got != True {
		t.Errorf("ArnLike with colon in name = %v", got)
	}
}

func TestGlobConcrete(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"a*", "abc", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*b*", "abc", true},
		{"*x*", "abc", false},
		{"s3:Get*", "s3:GetObject", true},
		{"a*b*c", "aXbYbZc", true},
		{"ä?", "äö", true},
	}
	for _, tt := range tests {
		if got := globConcrete(tt.p, tt.s, false); got != tt.want {
			t.Errorf("glob(%q,%q)=%v", tt.p, tt.s, got)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("arn:aws:s3:::b/*", "arn:aws:s3:::b/x", true)
	f.Add(New(DistributionID, "a"), New(DistributionID, "b"), false)
	f.Fuzz(func(t *testing.T, p, v string, glob bool) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("slow: %v for %q %q", d, p, v)
			}
		}()
		r := match(p, v, glob, false)
		// Without symbols the answer is always definite.
		if !Has(p) && !Has(v) && r == Unknown {
			t.Fatalf("unknown without symbols: %q %q", p, v)
		}
		// A string always equals itself.
		if Equal(v, v) != True {
			t.Fatalf("%q != itself", v)
		}
		_ = ArnLike(p, v)
	})
}

func TestMask(t *testing.T) {
	b := New(BucketName, "aws_s3_bucket.s3.bucket")
	r := New(Region, "provider.aws.region")
	s := b + ".s3." + r + ".amazonaws.com"
	m, un := Mask(s)
	if got := un(m); got != s {
		t.Fatalf("round trip %q", Render(got))
	}
	parts := strings.Split(m, ".")
	if len(parts) != 5 || un(parts[0]) != b || un(parts[2]) != r {
		t.Fatalf("parts %q", parts)
	}
}
