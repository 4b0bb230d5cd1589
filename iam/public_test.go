package iam_test

import (
	"os"
	"testing"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/iam/iamtest"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// TestPublicCorpus holds the Block Public Access classifier to the cases
// of testdata/public.
func TestPublicCorpus(t *testing.T) {
	data, err := os.ReadFile("testdata/public/bpa.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := source.ParseJSON("bpa.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Get("cases").Elems {
		t.Run(c.Get("name").Text, func(t *testing.T) {
			p, err := iam.FromNode(c.Get("policy"), iam.Resource, "bucket policy")
			if err != nil {
				t.Fatal(err)
			}
			got, stmts := iam.Public(p)
			want := ident.Of(c.Get("public").Text == "true")
			if got != want {
				t.Errorf("Public = %s, want %s: %s", got, want, iamtest.JSON(c.Get("policy")))
			}
			if (got == ident.True) != (len(stmts) > 0) {
				t.Errorf("Public = %s with %d statements", got, len(stmts))
			}
		})
	}
}

func TestPublicSymbols(t *testing.T) {
	policy := func(principal string) *iam.Policy {
		n := &source.Node{Kind: source.Object, Fields: []source.Field{
			{Key: "Statement", Value: &source.Node{Kind: source.Object, Fields: []source.Field{
				{Key: "Effect", Value: source.StringNode("Allow", source.Pos{})},
				{Key: "Principal", Value: &source.Node{Kind: source.Object, Fields: []source.Field{{Key: "AWS", Value: source.StringNode(principal, source.Pos{})}}}},
				{Key: "Action", Value: source.StringNode("s3:GetObject", source.Pos{})},
				{Key: "Resource", Value: source.StringNode("*", source.Pos{})},
			}}},
		}}
		p, err := iam.FromNode(n, iam.Resource, "p")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got, _ := iam.Public(policy("arn:aws:iam::" + ident.New(ident.Account, "provider.aws") + ":root")); got != ident.False {
		t.Errorf("account symbol: %s, want false (a fixed value)", got)
	}
	if got, _ := iam.Public(policy(ident.New(ident.Any, "var.reader"))); got != ident.Unknown {
		t.Errorf("unknown symbol: %s, want unknown", got)
	}
}
