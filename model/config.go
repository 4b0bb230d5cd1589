package model

import "sort"

// Config is the whole graph s3front reasons about: every account, CDN,
// storage and key resource of the input, whatever format it came from.
type Config struct {
	Accounts              []*Account             `json:"accounts,omitempty"`
	Distributions         []*Distribution        `json:"distributions,omitempty"`
	OAIs                  []*OAI                 `json:"origin_access_identities,omitempty"`
	OACs                  []*OAC                 `json:"origin_access_controls,omitempty"`
	CachePolicies         []*CachePolicy         `json:"cache_policies,omitempty"`
	OriginRequestPolicies []*OriginRequestPolicy `json:"origin_request_policies,omitempty"`
	Buckets               []*Bucket              `json:"buckets,omitempty"`
	Keys                  []*Key                 `json:"keys,omitempty"`
	// Writers are principals declared to upload into buckets, beyond those
	// the simulator derives from bucket policies.
	Writers []*Writer `json:"writers,omitempty"`
	// Unresolved lists inputs a loader could not resolve (rule
	// unresolved-input): an unset variable, a remote module, an API call
	// that failed.
	Unresolved []Unresolved `json:"unresolved,omitempty"`
	// Suppressions silence findings (inline comments, template metadata).
	Suppressions []Suppression `json:"suppressions,omitempty"`
	// Files lists the input files the model was loaded from.
	Files []string `json:"files,omitempty"`
}

// Meta is what every resource has.
type Meta struct {
	// Ref is the resource's identity in the input: a Terraform address
	// (module.web["a"].aws_s3_bucket.site), a CloudFormation logical ID,
	// or an ARN. Unique within a Config.
	Ref string `json:"ref"`
	// Type is the input's resource type, e.g. aws_s3_bucket or
	// AWS::S3::Bucket.
	Type string `json:"type,omitempty"`
	// Src is where the resource is declared.
	Src Src `json:"src"`
	// Account owns the resource (may be an ident symbol); Region is where
	// it lives. CloudFront resources are global and have no Region.
	Account Value[string] `json:"account"`
	Region  Value[string] `json:"region"`
}

// Account is an AWS account that owns resources of the input.
type Account struct {
	// ID is the 12-digit ID, or an ident.Account symbol naming the provider
	// configuration or stack it stands for.
	ID Value[string] `json:"id"`
	// Partition is "aws" unless the input says otherwise.
	Partition Value[string] `json:"partition"`
	// PublicAccessBlock holds the account-level Block Public Access
	// settings; unknown when the input does not declare them.
	PublicAccessBlock PublicAccessBlock `json:"public_access_block"`
	// OrgID is the organization the account belongs to; known and empty
	// when it belongs to none.
	OrgID Value[string] `json:"org_id"`
	// SCPs and RCPs are the organization policies that apply to the
	// account, one level per entry from the root to the account; known and
	// empty when the account is in no organization.
	SCPs Value[[]OrgLevel] `json:"scps"`
	RCPs Value[[]OrgLevel] `json:"rcps"`
	Src  Src               `json:"src"`
}

// OrgLevel is one level of an organization (root, OU, account) and the
// policies attached at it.
type OrgLevel struct {
	Target   string      `json:"target"`
	Policies []OrgPolicy `json:"policies"`
}

// OrgPolicy is an SCP or RCP.
type OrgPolicy struct {
	Ref    string `json:"ref"`
	Policy Policy `json:"policy"`
}

// Unresolved is an input a loader could not resolve.
type Unresolved struct {
	// What names the input: `variable "key_arn"`, `module "cdn" (source
	// git::https://...)`, `Custom::CDKBucketDeployment BucketDeployment`.
	What string `json:"what"`
	// Why says why it could not be resolved and what to pass to resolve it.
	Why string `json:"why"`
	Src Src    `json:"src"`
	// Names are the names of the identities (ident.Any symbols) that stand
	// for this input in the model, e.g. "var.role_arn": paths whose missing
	// inputs show ${name} depend on it.
	Names []string `json:"names,omitempty"`
	// Incomplete says what part of the input this leaves unchecked
	// (IncompleteModule: a module call and everything in it;
	// IncompleteResource: a resource), or "" when it only leaves values
	// unknown. A check with such an entry is incomplete and says so.
	Incomplete string `json:"incomplete,omitempty"`
	// IfUsed marks an input that matters only if a simulated path stays
	// unknown because of it (an account no configuration fixes): the
	// unresolved-input finding is reported only then.
	IfUsed bool `json:"if_used,omitempty"`
}

// What an unresolved input leaves unchecked ([Unresolved.Incomplete]).
const (
	IncompleteModule   = "module"
	IncompleteResource = "resource"
)

// Suppression silences one rule for one resource.
type Suppression struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Reason   string `json:"reason,omitempty"`
	// Expires is YYYY-MM-DD; empty for no expiry.
	Expires string `json:"expires,omitempty"`
	Src     Src    `json:"src"`
	// Invalid, when set, says why a comment that looks like a
	// suppression is not one (an impossible date, a malformed rule ID):
	// it silences nothing, and the check warns about it.
	Invalid string `json:"invalid,omitempty"`
}

// Sort puts every list of the config in a stable order (by Ref), so that
// output does not depend on map iteration or file order.
func (c *Config) Sort() {
	sort.SliceStable(c.Distributions, func(i, j int) bool { return c.Distributions[i].Ref < c.Distributions[j].Ref })
	sort.SliceStable(c.OAIs, func(i, j int) bool { return c.OAIs[i].Ref < c.OAIs[j].Ref })
	sort.SliceStable(c.OACs, func(i, j int) bool { return c.OACs[i].Ref < c.OACs[j].Ref })
	sort.SliceStable(c.CachePolicies, func(i, j int) bool { return c.CachePolicies[i].Ref < c.CachePolicies[j].Ref })
	sort.SliceStable(c.OriginRequestPolicies, func(i, j int) bool {
		return c.OriginRequestPolicies[i].Ref < c.OriginRequestPolicies[j].Ref
	})
	sort.SliceStable(c.Buckets, func(i, j int) bool { return c.Buckets[i].Ref < c.Buckets[j].Ref })
	sort.SliceStable(c.Keys, func(i, j int) bool { return c.Keys[i].Ref < c.Keys[j].Ref })
	sort.SliceStable(c.Writers, func(i, j int) bool { return c.Writers[i].Ref < c.Writers[j].Ref })
	sort.SliceStable(c.Accounts, func(i, j int) bool { return c.Accounts[i].ID.V < c.Accounts[j].ID.V })
	sort.SliceStable(c.Unresolved, func(i, j int) bool {
		a, b := c.Unresolved[i], c.Unresolved[j]
		if a.Src.File != b.Src.File {
			return a.Src.File < b.Src.File
		}
		if a.Src.Line != b.Src.Line {
			return a.Src.Line < b.Src.Line
		}
		return a.What < b.What
	})
	sort.Strings(c.Files)
}

// Merge appends the resources of o to c (for inputs made of several
// files or stacks).
func (c *Config) Merge(o *Config) {
	c.Accounts = append(c.Accounts, o.Accounts...)
	c.Distributions = append(c.Distributions, o.Distributions...)
	c.OAIs = append(c.OAIs, o.OAIs...)
	c.OACs = append(c.OACs, o.OACs...)
	c.CachePolicies = append(c.CachePolicies, o.CachePolicies...)
	c.OriginRequestPolicies = append(c.OriginRequestPolicies, o.OriginRequestPolicies...)
	c.Buckets = append(c.Buckets, o.Buckets...)
	c.Keys = append(c.Keys, o.Keys...)
	c.Writers = append(c.Writers, o.Writers...)
	c.Unresolved = append(c.Unresolved, o.Unresolved...)
	c.Suppressions = append(c.Suppressions, o.Suppressions...)
	c.Files = append(c.Files, o.Files...)
}
