package iam_test

import (
	"testing"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
)

const distPrefix = "arn:aws:cloudfront::111122223333:distribution/"

func symbolicPolicy(t *testing.T, allowArn, denyIP string) *iam.Policy {
	t.Helper()
	doc := `{"Version": "2012-10-17", "Statement": [
	  {"Sid": "OAC", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
	   "Condition": {"StringEquals": {"AWS:SourceArn": "` + allowArn + `"}}}`
	if denyIP != "" {
		doc += `, {"Sid": "DenyVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
	   "Condition": {"StringNotEquals": {"aws:SourceVpce": "` + denyIP + `"}}}`
	}
	doc += `]}`
	p, err := iam.Parse("p.json", []byte(doc), iam.Resource)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSymbols checks three-valued evaluation: unknowns decide only when
// they could change the outcome.
func TestSymbols(t *testing.T) {
	web := ident.New(ident.DistributionID, "aws_cloudfront_distribution.web.id")
	api := ident.New(ident.DistributionID, "aws_cloudfront_distribution.api.id")
	anyVal := ident.New(ident.Any, "var.distribution_id")
	tests := []struct {
		name      string
		policyArn string
		reqArn    string
		denyVpce  string
		reqVpce   string
		want      iam.Decision
	}{
		{"same symbol", distPrefix + web, distPrefix + web, "", "", iam.Allowed},
		{"two distributions are never the same", distPrefix + web, distPrefix + api, "", "", iam.ImplicitDeny},
		{"a domain name is never a distribution ID", distPrefix + web, distPrefix + "d111111abcdef8", "", "", iam.ImplicitDeny},
		{"an unset variable may be the distribution", distPrefix + anyVal, distPrefix + web, "", "", iam.Unknown},
		{"definite allow, maybe deny", distPrefix + web, distPrefix + web, "vpce-1", ident.New(ident.Any, "var.vpce"), iam.Unknown},
		{"definite deny wins over unknowns", distPrefix + anyVal, distPrefix + web, "vpce-1", "vpce-2", iam.ExplicitDeny},
		{"no allow, maybe deny: denied either way", distPrefix + web, distPrefix + api, "vpce-1", ident.New(ident.Any, "var.vpce"), iam.ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := iam.Context{}
			ctx.Set("aws:SourceArn", tt.reqArn)
			if tt.reqVpce != "" {
				ctx.Set("aws:SourceVpce", tt.reqVpce)
			}
			in := &iam.Input{
				Request: iam.Request{Principal: iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"},
					Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: "111122223333", Context: ctx},
				ResourcePolicy: symbolicPolicy(t, tt.policyArn, tt.denyVpce),
			}
			r := iam.Evaluate(in)
			if r.Decision != tt.want {
				t.Errorf("decision %s, want %s", r.Decision, tt.want)
				for _, x := range r.Reasons {
					t.Log(x.Kind, x.Message)
				}
			}
			if r2, _ := iam.Explain(in); r2.Decision != r.Decision {
				t.Errorf("Explain %s, Evaluate %s", r2.Decision, r.Decision)
			}
		})
	}
}

// TestEvaluateDoesNotAllocateMuch guards the fast path of a typical OAC
// decision: its allocations come only from building the reasons.
func TestEvaluateDoesNotAllocateMuch(t *testing.T) {
	p := symbolicPolicy(t, distPrefix+"E2QWRUHAPOMQZL", "")
	ctx := iam.Context{}
	ctx.Set("aws:SourceArn", distPrefix+"E2QWRUHAPOMQZL")
	in := &iam.Input{Request: iam.Request{Principal: iam.Principal{Type: iam.Service, ARN: "cloudfront.amazonaws.com"},
		Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ctx}, ResourcePolicy: p}
	allocs := testing.AllocsPerRun(100, func() { iam.Evaluate(in) })
	if allocs > 10 {
		t.Errorf("%v allocations per decision, want at most 10", allocs)
	}
}

// TestNoPermissionNeeded checks that sts:GetCallerIdentity is allowed
// without evaluating any policy, with one reason saying why.
func TestNoPermissionNeeded(t *testing.T) {
	deny, err := iam.Parse("deny.json", []byte(`{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}`), iam.Identity)
	if err != nil {
		t.Fatal(err)
	}
	in := &iam.Input{Request: iam.Request{Principal: iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::111122223333:user/alice"},
		Action: "STS:getcalleridentity", Resource: "*"}, IdentityPolicies: []*iam.Policy{deny}, SCPs: [][]*iam.Policy{{deny}}}
	res, matches := iam.Explain(in)
	if res.Decision != iam.Allowed || len(res.Reasons) != 1 || res.Reasons[0].Kind != iam.NeedsNoPermission || len(matches) != 0 {
		t.Fatalf("got %s, reasons %+v, %d matches; want allow with one needs-no-permission reason and no statement compared", res.Decision, res.Reasons, len(matches))
	}
	// The same action from an anonymous caller goes through the policies.
	in.Request.Principal = iam.Principal{Type: iam.Anonymous}
	if d := iam.Evaluate(in).Decision; d != iam.ImplicitDeny {
		t.Errorf("anonymous: %s, want implicit-deny", d)
	}
}

// TestTrustKind checks that a policy of kind Trust is evaluated as a role
// trust policy even when Input.TrustPolicy is not set.
func TestTrustKind(t *testing.T) {
	doc := []byte(`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/carol"}, "Action": "sts:AssumeRole"}}`)
	idDoc := []byte(`{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}`)
	trust, err := iam.Parse("trust.json", doc, iam.Trust)
	if err != nil {
		t.Fatal(err)
	}
	id, err := iam.Parse("id.json", idDoc, iam.Identity)
	if err != nil {
		t.Fatal(err)
	}
	in := &iam.Input{Request: iam.Request{Principal: iam.Principal{Type: iam.IAM, ARN: "arn:aws:iam::111122223333:user/alice"},
		Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/r", ResourceAccount: "111122223333"},
		IdentityPolicies: []*iam.Policy{id}, ResourcePolicy: trust}
	if d := iam.Evaluate(in).Decision; d != iam.ImplicitDeny {
		t.Errorf("identity policy alone against a trust policy naming another user: %s, want implicit-deny", d)
	}
	in.Request.Principal.ARN = "arn:aws:iam::111122223333:user/carol"
	in.IdentityPolicies = nil
	if d := iam.Evaluate(in).Decision; d != iam.Allowed {
		t.Errorf("trust policy naming the caller: %s, want allow", d)
	}
}
