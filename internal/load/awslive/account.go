package awslive

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/model"
)

// readAccount reads the account-level Block Public Access settings and
// attaches the organization's policies.
func (a *account) readAccount(ctx context.Context) {
	src := acctSrc(a.partition, a.id, "")
	acct := model.NewAccount(model.Known(a.id, src), a.partition, src)
	out, absent, f := do(ctx, a.r, "s3control", "GetPublicAccessBlock", "account "+a.id, []string{"NoSuchPublicAccessBlockConfiguration"}, func(c context.Context) (*s3control.GetPublicAccessBlockOutput, error) {
		return a.s3ctl.GetPublicAccessBlock(c, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(a.id)})
	})
	const ptr = "/PublicAccessBlockConfiguration/"
	switch {
	case f != nil:
		miss := a.r.fail(f, acctSrc(a.partition, a.id, "/PublicAccessBlockConfiguration"))
		pab := &acct.PublicAccessBlock
		for _, v := range []*model.Value[bool]{&pab.BlockPublicACLs, &pab.IgnorePublicACLs, &pab.BlockPublicPolicy, &pab.RestrictPublicBuckets} {
			*v = model.Unknown[bool](src, miss)
		}
	case absent || out.PublicAccessBlockConfiguration == nil:
		// No account-level configuration: every setting is off.
		s := acctSrc(a.partition, a.id, "/PublicAccessBlockConfiguration")
		acct.PublicAccessBlock = model.PublicAccessBlock{
			BlockPublicACLs: model.Known(false, s), IgnorePublicACLs: model.Known(false, s),
			BlockPublicPolicy: model.Known(false, s), RestrictPublicBuckets: model.Known(false, s),
		}
	default:
		c := out.PublicAccessBlockConfiguration
		acct.PublicAccessBlock = model.PublicAccessBlock{
			BlockPublicACLs:       model.Known(aws.ToBool(c.BlockPublicAcls), acctSrc(a.partition, a.id, ptr+"BlockPublicAcls")),
			IgnorePublicACLs:      model.Known(aws.ToBool(c.IgnorePublicAcls), acctSrc(a.partition, a.id, ptr+"IgnorePublicAcls")),
			BlockPublicPolicy:     model.Known(aws.ToBool(c.BlockPublicPolicy), acctSrc(a.partition, a.id, ptr+"BlockPublicPolicy")),
			RestrictPublicBuckets: model.Known(aws.ToBool(c.RestrictPublicBuckets), acctSrc(a.partition, a.id, ptr+"RestrictPublicBuckets")),
		}
	}
	a.org.apply(ctx, a.r, acct)
	a.out.Accounts = append(a.out.Accounts, acct)
}

// orgInfo is what the caller can read of its organization.
type orgInfo struct {
	client orgAPI
	// id is the organization ID, "" when the caller is in none; known
	// says whether that could be read at all.
	id      string
	known   bool
	missing string
	// policies caches DescribePolicy by policy ID.
	cache map[string]orgPolicyDoc
}

type orgPolicyDoc struct {
	policy model.OrgPolicy
}

// organization reads whether the caller's account is in an organization.
func (r *reader) organization(ctx context.Context, org orgAPI, caller string) *orgInfo {
	oi := &orgInfo{client: org, cache: map[string]orgPolicyDoc{}}
	out, absent, f := do(ctx, r, "organizations", "DescribeOrganization", "account "+caller, []string{"AWSOrganizationsNotInUseException"}, func(c context.Context) (*organizations.DescribeOrganizationOutput, error) {
		return org.DescribeOrganization(c, &organizations.DescribeOrganizationInput{})
	})
	switch {
	case f != nil:
		oi.missing = r.fail(f, model.Src{Resource: "organization"})
	case absent:
		oi.known = true
	default:
		oi.known = true
		if out.Organization != nil {
			oi.id = aws.ToString(out.Organization.Id)
		}
	}
	return oi
}

// apply reads the SCPs and RCPs that apply to acct, from the root down,
// when the caller may (the management account or a delegated
// administrator); otherwise they stay unknown, naming the call.
func (oi *orgInfo) apply(ctx context.Context, r *reader, acct *model.Account) {
	src := acct.Src
	if !oi.known {
		acct.OrgID = model.Unknown[string](src, oi.missing)
		acct.SCPs = model.Unknown[[]model.OrgLevel](src, oi.missing)
		acct.RCPs = model.Unknown[[]model.OrgLevel](src, oi.missing)
		return
	}
	acct.OrgID = model.Known(oi.id, src)
	if oi.id == "" {
		acct.SCPs = model.Known([]model.OrgLevel{}, src)
		acct.RCPs = model.Known([]model.OrgLevel{}, src)
		return
	}
	id := acct.ID.V
	// The chain of targets from the account up to the root.
	chain := []string{id}
	child := id
	for depth := 0; depth < 8; depth++ {
		out, _, f := do(ctx, r, "organizations", "ListParents", child, nil, func(c context.Context) (*organizations.ListParentsOutput, error) {
			return oi.client.ListParents(c, &organizations.ListParentsInput{ChildId: aws.String(child)})
		})
		if f != nil {
			miss := r.fail(f, src)
			acct.SCPs = model.Unknown[[]model.OrgLevel](src, miss)
			acct.RCPs = model.Unknown[[]model.OrgLevel](src, miss)
			return
		}
		if len(out.Parents) == 0 {
			break
		}
		p := out.Parents[0]
		chain = append(chain, aws.ToString(p.Id))
		if p.Type == orgtypes.ParentTypeRoot {
			break
		}
		child = aws.ToString(p.Id)
	}
	// Root first.
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	for _, kind := range []struct {
		filter orgtypes.PolicyType
		iam    iam.Kind
		dst    *model.Value[[]model.OrgLevel]
	}{
		{orgtypes.PolicyTypeServiceControlPolicy, iam.SCP, &acct.SCPs},
		{orgtypes.PolicyTypeResourceControlPolicy, iam.RCP, &acct.RCPs},
	} {
		levels := []model.OrgLevel{}
		ok := true
		for _, target := range chain {
			lvl := model.OrgLevel{Target: target}
			var token *string
			for {
				out, _, f := do(ctx, r, "organizations", "ListPoliciesForTarget", target, nil, func(c context.Context) (*organizations.ListPoliciesForTargetOutput, error) {
					return oi.client.ListPoliciesForTarget(c, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: kind.filter, NextToken: token})
				})
				if f != nil {
					*kind.dst = model.Unknown[[]model.OrgLevel](src, r.fail(f, src))
					ok = false
					break
				}
				for _, ps := range out.Policies {
					p, err := oi.policy(ctx, r, aws.ToString(ps.Id), aws.ToString(ps.Arn), kind.iam)
					if err != "" {
						*kind.dst = model.Unknown[[]model.OrgLevel](src, err)
						ok = false
						break
					}
					lvl.Policies = append(lvl.Policies, p)
				}
				if !ok || out.NextToken == nil {
					break
				}
				token = out.NextToken
			}
			if !ok {
				break
			}
			sort.Slice(lvl.Policies, func(i, j int) bool { return lvl.Policies[i].Ref < lvl.Policies[j].Ref })
			levels = append(levels, lvl)
		}
		if ok {
			*kind.dst = model.Known(levels, src)
		}
	}
}

// policy reads one organization policy (cached); a failure returns the
// text unknown values carry.
func (oi *orgInfo) policy(ctx context.Context, r *reader, id, arn string, kind iam.Kind) (model.OrgPolicy, string) {
	r.mu.Lock()
	c, ok := oi.cache[id]
	r.mu.Unlock()
	if ok {
		return c.policy, ""
	}
	out, _, f := do(ctx, r, "organizations", "DescribePolicy", arn, nil, func(c context.Context) (*organizations.DescribePolicyOutput, error) {
		return oi.client.DescribePolicy(c, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
	})
	if f != nil {
		return model.OrgPolicy{}, r.fail(f, at(arn, "/Policy/Content"))
	}
	content := ""
	if out.Policy != nil {
		content = aws.ToString(out.Policy.Content)
	}
	p := model.OrgPolicy{Ref: arn, Policy: parsePolicy(arn, "/Policy/Content", content, kind)}
	r.mu.Lock()
	oi.cache[id] = orgPolicyDoc{policy: p}
	r.mu.Unlock()
	return p, ""
}

// parsePolicy reads a policy document returned by an API. Its positions
// are JSON pointers under base in the document of arn; a document AWS
// stored but we cannot read is kept as an error (rule policy-invalid).
func parsePolicy(arn, base, doc string, kind iam.Kind) model.Policy {
	src := at(arn, base)
	if !json.Valid([]byte(doc)) {
		// Some APIs return the document URL-encoded; AWS's own CLI
		// decodes it the same way.
		if u, err := urlUnescape(doc); err == nil && json.Valid([]byte(u)) {
			doc = u
		}
	}
	n, err := sourceParse(arn, base, doc)
	if err != nil {
		return model.Policy{Value: model.Known[*iam.Policy](nil, src), Err: err}
	}
	p, err := iam.FromNode(n, kind, arn)
	if err != nil {
		return model.Policy{Value: model.Known[*iam.Policy](nil, src), Err: err}
	}
	return model.Policy{Value: model.Known(p, src)}
}
