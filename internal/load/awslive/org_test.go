package awslive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/s3front/s3front/internal/load/awslive/awstest"
)

// TestOrganizationPolicies: from the management account, the SCPs that
// apply to the account are read level by level from the root; the RCP
// levels are read the same way, or stay unknown naming the call when the
// endpoint refuses them.
func TestOrganizationPolicies(t *testing.T) {
	env := awstest.Start(t, awstest.CloudFront(nil))
	env.Env(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(env.Config(t))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) == 0 {
		t.Fatalf("ListRoots: %v", err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	_, _ = org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
	p, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("deny-kms-delete"), Description: aws.String("test"), Type: orgtypes.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: aws.String(root)}); err != nil {
		t.Fatal(err)
	}
	cfg, _, _ := load(t, opts())
	if len(cfg.Accounts) != 1 {
		t.Fatalf("%d accounts", len(cfg.Accounts))
	}
	a := cfg.Accounts[0]
	if !a.OrgID.Known || a.OrgID.V == "" {
		t.Fatalf("organization: %+v", a.OrgID)
	}
	if !a.SCPs.Known || len(a.SCPs.V) < 2 || a.SCPs.V[0].Target != root {
		t.Fatalf("SCP levels %+v, want the root first, then the account", a.SCPs)
	}
	found := false
	for _, pol := range a.SCPs.V[0].Policies {
		if pol.Policy.HasDoc() && strings.Contains(pol.Ref, aws.ToString(p.Policy.PolicySummary.Id)) {
			found = true
		}
	}
	if !found {
		t.Errorf("the SCP attached to the root is not read: %+v", a.SCPs.V[0])
	}
	if !a.RCPs.Known && !strings.Contains(a.RCPs.Missing, "organizations:ListPoliciesForTarget") {
		t.Errorf("RCPs unknown without naming the call: %q", a.RCPs.Missing)
	}
}
