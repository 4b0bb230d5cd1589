package iam_test

import (
	"testing"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/iam/iamtest"
	"github.com/s3front/s3front/source"
)

// corpusPolicies returns every policy document of the corpus as JSON.
func corpusPolicies(t testing.TB) [][]byte {
	cases, err := iamtest.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, c := range cases {
		n, err := source.ParseJSON(c.Name, c.Input)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *source.Node)
		walk = func(n *source.Node) {
			if n.Kind == source.Object && n.Get("Statement") != nil {
				out = append(out, []byte(iamtest.JSON(n)))
				return
			}
			for _, e := range n.Elems {
				walk(e)
			}
			for _, f := range n.Fields {
				walk(f.Value)
			}
		}
		walk(n)
	}
	return out
}

// FuzzParse feeds arbitrary documents to the policy parser: it must never
// panic, and a document it accepts must evaluate without panicking.
//
//	go test ./iam -run '^$' -fuzz FuzzParse -parallel 1 -fuzztime 3m
func FuzzParse(f *testing.F) {
	for _, p := range corpusPolicies(f) {
		f.Add(p, uint8(0))
	}
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow" "Action": "s3:GetObject"}]}`), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := iam.Kind(k % 8)
		p, err := iam.Parse("fuzz.json", data, kind)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		in := &iam.Input{Request: iam.Request{Principal: iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"},
			Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: iam.Context{"aws:sourcearn": {"arn:aws:cloudfront::111122223333:distribution/E1"}}}}
		switch kind {
		case iam.Resource, iam.Trust:
			in.ResourcePolicy = p
		case iam.Identity:
			in.IdentityPolicies = []*iam.Policy{p}
		default:
			in.SCPs = [][]*iam.Policy{{p}}
		}
		iam.Evaluate(in)
		iam.Explain(in)
		iam.Public(p)
	})
}

// FuzzEvaluate evaluates random requests against the corpus's inputs:
// evaluation must never panic and Evaluate and Explain must agree.
//
//	go test ./iam -run '^$' -fuzz FuzzEvaluate -parallel 1 -fuzztime 3m
func FuzzEvaluate(f *testing.F) {
	cases, err := iamtest.Load(corpusDir)
	if err != nil {
		f.Fatal(err)
	}
	inputs := make([]*iam.Input, 0, len(cases))
	for _, c := range cases {
		if c.Error != "" {
			continue
		}
		in, err := iam.DecodeInput(c.File, c.Input)
		if err != nil {
			f.Fatal(err)
		}
		inputs = append(inputs, in)
	}
	f.Add(uint16(0), "cloudfront.amazonaws.com", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/index.html", "aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL")
	f.Add(uint16(7), "arn:aws:sts::111122223333:assumed-role/reader/s", "kms:Decrypt", "*", "aws:TagKeys", "a")
	f.Add(uint16(42), "anonymous", "s3:Get*", "arn:aws:s3:::doc-bucket/${aws:username}", "aws:SourceIp", "203.0.113.1")
	f.Add(uint16(3), "arn:aws:iam::111122223333:root", "sts:AssumeRole", "arn:aws:iam::111122223333:role/deployer", "sts:ExternalId", "x")
	f.Add(uint16(5), "arn:aws:sts::111122223333:assumed-role/r/s", "sts:GetSessionToken", "*", "aws:MultiFactorAuthPresent", "true")
	f.Fuzz(func(t *testing.T, idx uint16, principal, action, resource, key, value string) {
		base := inputs[int(idx)%len(inputs)]
		in := *base
		p, err := iam.ParsePrincipal(principal)
		if err == nil {
			in.Request.Principal = p
		}
		in.Request.Action = action
		in.Request.Resource = resource
		ctx := iam.Context{}
		for k, v := range base.Request.Context {
			ctx[k] = v
		}
		ctx.Set(key, value)
		in.Request.Context = ctx
		r1 := iam.Evaluate(&in)
		r2, _ := iam.Explain(&in)
		if r1.Decision != r2.Decision {
			t.Fatalf("Evaluate %s, Explain %s", r1.Decision, r2.Decision)
		}
	})
}
