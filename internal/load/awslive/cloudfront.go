package awslive

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3front/s3front/model"
)

func (a *account) cfARN(kind, id string) string {
	return "arn:" + a.partition + ":cloudfront::" + a.id + ":" + kind + "/" + id
}

// readDistributions lists the account's distributions; everything the
// model needs of them comes from the listing (DistributionSummary), so no
// call is made per distribution. The summary does not carry the default
// root object: it stays unknown.
func (a *account) readDistributions(ctx context.Context) {
	var marker *string
	for {
		out, _, f := do(ctx, a.r, "cloudfront", "ListDistributions", "account "+a.id, nil, func(c context.Context) (*cloudfront.ListDistributionsOutput, error) {
			return a.cf.ListDistributions(c, &cloudfront.ListDistributionsInput{Marker: marker, MaxItems: aws.Int32(100)})
		})
		if f != nil {
			a.r.fail(f, acctSrc(a.partition, a.id, "/DistributionList"))
			return
		}
		if out.DistributionList == nil {
			return
		}
		for _, s := range out.DistributionList.Items {
			a.distribution(s)
		}
		if !aws.ToBool(out.DistributionList.IsTruncated) || out.DistributionList.NextMarker == nil {
			return
		}
		marker = out.DistributionList.NextMarker
	}
}

func (a *account) distribution(s cftypes.DistributionSummary) {
	id := aws.ToString(s.Id)
	arn := aws.ToString(s.ARN)
	if arn == "" {
		arn = model.DistributionARN(a.partition, a.id, id)
	}
	src := at(arn, "")
	p := func(ptr string) model.Src { return at(arn, ptr) }
	m := model.Meta{Ref: arn, Type: "AWS::CloudFront::Distribution", Src: src,
		Account: model.Known(a.id, p("/ARN")), Region: model.Known("", src)}
	d := model.NewDistribution(m)
	d.ID = model.Known(id, p("/Id"))
	d.ARN = model.Known(arn, p("/ARN"))
	d.DomainName = model.Known(aws.ToString(s.DomainName), p("/DomainName"))
	d.Enabled = model.Known(aws.ToBool(s.Enabled), p("/Enabled"))
	var aliases []string
	if s.Aliases != nil {
		aliases = append(aliases, s.Aliases.Items...)
	}
	d.Aliases = model.Known(aliases, p("/Aliases"))
	d.WebACL = model.Known(aws.ToString(s.WebACLId), p("/WebACLId"))
	d.DefaultRootObject = model.Unknown[string](src, "the default root object of "+arn+" (ListDistributions does not return it, and s3front reads nothing per distribution)")
	if s.Origins != nil {
		for i, o := range s.Origins.Items {
			d.Origins = append(d.Origins, a.origin(arn, fmt.Sprintf("/Origins/Items/%d", i), o))
		}
	}
	if s.OriginGroups != nil {
		for i, g := range s.OriginGroups.Items {
			base := fmt.Sprintf("/OriginGroups/Items/%d", i)
			og := &model.OriginGroup{ID: model.Known(aws.ToString(g.Id), p(base+"/Id")), Src: p(base)}
			if g.Members != nil {
				for j, mb := range g.Members.Items {
					og.Members = append(og.Members, model.Known(aws.ToString(mb.OriginId), p(fmt.Sprintf("%s/Members/Items/%d/OriginId", base, j))))
				}
			}
			var codes []int
			if g.FailoverCriteria != nil && g.FailoverCriteria.StatusCodes != nil {
				for _, c := range g.FailoverCriteria.StatusCodes.Items {
					codes = append(codes, int(c))
				}
			}
			og.FailoverCodes = model.Known(codes, p(base+"/FailoverCriteria/StatusCodes"))
			d.OriginGroups = append(d.OriginGroups, og)
		}
	}
	if b := s.DefaultCacheBehavior; b != nil {
		d.DefaultBehavior = behavior(arn, "/DefaultCacheBehavior", "*", b.TargetOriginId, b.ViewerProtocolPolicy, b.AllowedMethods,
			b.CachePolicyId, b.OriginRequestPolicyId, b.ForwardedValues, b.LambdaFunctionAssociations, b.FunctionAssociations, b.TrustedKeyGroups, b.TrustedSigners)
	}
	if s.CacheBehaviors != nil {
		for i, b := range s.CacheBehaviors.Items {
			d.Behaviors = append(d.Behaviors, behavior(arn, fmt.Sprintf("/CacheBehaviors/Items/%d", i), aws.ToString(b.PathPattern), b.TargetOriginId, b.ViewerProtocolPolicy, b.AllowedMethods,
				b.CachePolicyId, b.OriginRequestPolicyId, b.ForwardedValues, b.LambdaFunctionAssociations, b.FunctionAssociations, b.TrustedKeyGroups, b.TrustedSigners))
		}
	}
	var pages []string
	if s.CustomErrorResponses != nil {
		for i, e := range s.CustomErrorResponses.Items {
			base := fmt.Sprintf("/CustomErrorResponses/Items/%d", i)
			ce := &model.CustomErrorResponse{Src: p(base), ErrorCode: model.Known(int(aws.ToInt32(e.ErrorCode)), p(base+"/ErrorCode"))}
			rc := 0
			if e.ResponseCode != nil && *e.ResponseCode != "" {
				fmt.Sscan(*e.ResponseCode, &rc)
			}
			ce.ResponseCode = model.Known(rc, p(base+"/ResponseCode"))
			ce.ResponsePagePath = model.Known(aws.ToString(e.ResponsePagePath), p(base+"/ResponsePagePath"))
			if pp := aws.ToString(e.ResponsePagePath); pp != "" {
				pages = append(pages, pp)
			}
			d.CustomErrors = append(d.CustomErrors, ce)
		}
	}
	a.r.mu.Lock()
	a.out.Distributions = append(a.out.Distributions, d)
	a.r.mu.Unlock()
	// The buckets its S3 origins read, with what to sample in them.
	for _, o := range d.Origins {
		ep := model.ParseEndpoint(o.DomainName.V)
		switch ep.Kind {
		case model.S3Regional, model.S3Global, model.S3Website:
		default:
			continue
		}
		prefix := strings.Trim(o.Path.V, "/")
		if prefix != "" {
			prefix += "/"
		}
		ref := originRef{bucket: ep.Bucket, prefix: prefix, region: ep.Region, account: a.id, src: o.Src}
		for _, pg := range pages {
			ref.pages = append(ref.pages, prefix+strings.TrimPrefix(pg, "/"))
		}
		a.r.mu.Lock()
		a.origins = append(a.origins, ref)
		a.r.mu.Unlock()
	}
}

func (a *account) origin(arn, base string, o cftypes.Origin) *model.Origin {
	p := func(ptr string) model.Src { return at(arn, base+ptr) }
	og := model.NewOrigin(p(""))
	og.ID = model.Known(aws.ToString(o.Id), p("/Id"))
	og.DomainName = model.Known(aws.ToString(o.DomainName), p("/DomainName"))
	og.Path = model.Known(aws.ToString(o.OriginPath), p("/OriginPath"))
	og.OAC = model.Known(aws.ToString(o.OriginAccessControlId), p("/OriginAccessControlId"))
	switch {
	case o.S3OriginConfig != nil:
		og.S3 = model.Known(true, p("/S3OriginConfig"))
		path := aws.ToString(o.S3OriginConfig.OriginAccessIdentity)
		if id, ok := model.OAIFromPath(path); ok {
			og.OAI = model.Known(id, p("/S3OriginConfig/OriginAccessIdentity"))
		} else {
			og.OAI = model.Unknown[string](p("/S3OriginConfig/OriginAccessIdentity"), "origin access identity path "+path+" of "+arn+" is not origin-access-identity/cloudfront/ID")
		}
	case o.CustomOriginConfig != nil:
		og.S3 = model.Known(false, p("/CustomOriginConfig"))
		og.Custom = &model.CustomOrigin{ProtocolPolicy: model.Known(string(o.CustomOriginConfig.OriginProtocolPolicy), p("/CustomOriginConfig/OriginProtocolPolicy")), Src: p("/CustomOriginConfig")}
	case o.VpcOriginConfig != nil:
		og.S3 = model.Known(false, p("/VpcOriginConfig"))
	default:
		isS3 := og.OAC.V != "" && model.ParseEndpoint(og.DomainName.V).Kind == model.S3Regional
		og.S3 = model.Known(isS3, p(""))
	}
	if o.CustomHeaders != nil {
		for i, h := range o.CustomHeaders.Items {
			og.CustomHeaders = append(og.CustomHeaders, model.CustomHeader{Name: aws.ToString(h.HeaderName), Value: aws.ToString(h.HeaderValue), Src: p(fmt.Sprintf("/CustomHeaders/Items/%d", i))})
		}
	}
	return og
}

func behavior(arn, base, pattern string, target *string, vpp cftypes.ViewerProtocolPolicy, methods *cftypes.AllowedMethods,
	cachePolicy, originRequest *string, fv *cftypes.ForwardedValues, lambdas *cftypes.LambdaFunctionAssociations,
	funcs *cftypes.FunctionAssociations, keyGroups *cftypes.TrustedKeyGroups, signers *cftypes.TrustedSigners) *model.Behavior {
	p := func(ptr string) model.Src { return at(arn, base+ptr) }
	b := model.NewBehavior(p(""))
	if base == "/DefaultCacheBehavior" {
		b.PathPattern = model.Defaulted("*", p(""))
	} else {
		b.PathPattern = model.Known(pattern, p("/PathPattern"))
	}
	b.TargetOrigin = model.Known(aws.ToString(target), p("/TargetOriginId"))
	b.ViewerProtocolPolicy = model.Known(string(vpp), p("/ViewerProtocolPolicy"))
	if methods != nil {
		b.AllowedMethods = model.Known(methodList(methods.Items), p("/AllowedMethods"))
		if methods.CachedMethods != nil {
			b.CachedMethods = model.Known(methodList(methods.CachedMethods.Items), p("/AllowedMethods/CachedMethods"))
		}
	}
	b.CachePolicy = model.Known(aws.ToString(cachePolicy), p("/CachePolicyId"))
	b.OriginRequestPolicy = model.Known(aws.ToString(originRequest), p("/OriginRequestPolicyId"))
	if fv != nil && aws.ToString(cachePolicy) == "" {
		f := &model.ForwardedValues{Src: p("/ForwardedValues")}
		var hs []string
		if fv.Headers != nil {
			hs = append(hs, fv.Headers.Items...)
		}
		f.Headers = model.Known(hs, p("/ForwardedValues/Headers"))
		f.QueryString = model.Known(aws.ToBool(fv.QueryString), p("/ForwardedValues/QueryString"))
		ck := "none"
		if fv.Cookies != nil && fv.Cookies.Forward != "" {
			ck = string(fv.Cookies.Forward)
		}
		f.Cookies = model.Known(ck, p("/ForwardedValues/Cookies/Forward"))
		b.Forwarded = f
	}
	if lambdas != nil {
		for i, l := range lambdas.Items {
			s := p(fmt.Sprintf("/LambdaFunctionAssociations/Items/%d", i))
			b.EdgeFunctions = append(b.EdgeFunctions, model.EdgeFunction{Kind: "lambda", EventType: model.Known(string(l.EventType), s), ARN: model.Known(aws.ToString(l.LambdaFunctionARN), s), Src: s})
		}
	}
	if funcs != nil {
		for i, l := range funcs.Items {
			s := p(fmt.Sprintf("/FunctionAssociations/Items/%d", i))
			b.EdgeFunctions = append(b.EdgeFunctions, model.EdgeFunction{Kind: "function", EventType: model.Known(string(l.EventType), s), ARN: model.Known(aws.ToString(l.FunctionARN), s), Src: s})
		}
	}
	signed := (keyGroups != nil && aws.ToBool(keyGroups.Enabled)) || (signers != nil && aws.ToBool(signers.Enabled))
	b.Signed = model.Known(signed, p("/TrustedKeyGroups"))
	return b
}

func methodList(ms []cftypes.Method) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func (a *account) readOAIs(ctx context.Context) {
	var marker *string
	for {
		out, _, f := do(ctx, a.r, "cloudfront", "ListCloudFrontOriginAccessIdentities", "account "+a.id, nil, func(c context.Context) (*cloudfront.ListCloudFrontOriginAccessIdentitiesOutput, error) {
			return a.cf.ListCloudFrontOriginAccessIdentities(c, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{Marker: marker, MaxItems: aws.Int32(100)})
		})
		if f != nil {
			a.r.fail(f, acctSrc(a.partition, a.id, "/CloudFrontOriginAccessIdentityList"))
			return
		}
		l := out.CloudFrontOriginAccessIdentityList
		if l == nil {
			return
		}
		for _, s := range l.Items {
			id := aws.ToString(s.Id)
			arn := a.cfARN("origin-access-identity", id)
			o := &model.OAI{Meta: model.Meta{Ref: arn, Type: "AWS::CloudFront::CloudFrontOriginAccessIdentity", Src: at(arn, ""), Account: model.Known(a.id, at(arn, "")), Region: model.Known("", at(arn, ""))},
				ID: model.Known(id, at(arn, "/Id")), IAMARN: model.Known(model.OAIARN(id), at(arn, "/Id")),
				CanonicalUser: model.Known(aws.ToString(s.S3CanonicalUserId), at(arn, "/S3CanonicalUserId"))}
			a.r.mu.Lock()
			a.out.OAIs = append(a.out.OAIs, o)
			a.r.mu.Unlock()
		}
		if !aws.ToBool(l.IsTruncated) || l.NextMarker == nil {
			return
		}
		marker = l.NextMarker
	}
}

func (a *account) readOACs(ctx context.Context) {
	var marker *string
	for {
		out, _, f := do(ctx, a.r, "cloudfront", "ListOriginAccessControls", "account "+a.id, nil, func(c context.Context) (*cloudfront.ListOriginAccessControlsOutput, error) {
			return a.cf.ListOriginAccessControls(c, &cloudfront.ListOriginAccessControlsInput{Marker: marker, MaxItems: aws.Int32(100)})
		})
		if f != nil {
			a.r.fail(f, acctSrc(a.partition, a.id, "/OriginAccessControlList"))
			return
		}
		l := out.OriginAccessControlList
		if l == nil {
			return
		}
		for _, s := range l.Items {
			id := aws.ToString(s.Id)
			arn := a.cfARN("origin-access-control", id)
			o := &model.OAC{Meta: model.Meta{Ref: arn, Type: "AWS::CloudFront::OriginAccessControl", Src: at(arn, ""), Account: model.Known(a.id, at(arn, "")), Region: model.Known("", at(arn, ""))},
				ID: model.Known(id, at(arn, "/Id")), Name: model.Known(aws.ToString(s.Name), at(arn, "/Name")),
				OriginType:      model.Known(string(s.OriginAccessControlOriginType), at(arn, "/OriginAccessControlOriginType")),
				SigningBehavior: model.Known(string(s.SigningBehavior), at(arn, "/SigningBehavior")),
				SigningProtocol: model.Known(string(s.SigningProtocol), at(arn, "/SigningProtocol"))}
			a.r.mu.Lock()
			a.out.OACs = append(a.out.OACs, o)
			a.r.mu.Unlock()
		}
		if !aws.ToBool(l.IsTruncated) || l.NextMarker == nil {
			return
		}
		marker = l.NextMarker
	}
}

// readCachePolicies lists the custom cache policies (managed ones are
// known by ID to the model).
func (a *account) readCachePolicies(ctx context.Context) {
	var marker *string
	for {
		out, _, f := do(ctx, a.r, "cloudfront", "ListCachePolicies", "account "+a.id, nil, func(c context.Context) (*cloudfront.ListCachePoliciesOutput, error) {
			return a.cf.ListCachePolicies(c, &cloudfront.ListCachePoliciesInput{Marker: marker, MaxItems: aws.Int32(100), Type: cftypes.CachePolicyTypeCustom})
		})
		if f != nil {
			a.r.fail(f, acctSrc(a.partition, a.id, "/CachePolicyList"))
			return
		}
		l := out.CachePolicyList
		if l == nil {
			return
		}
		for _, s := range l.Items {
			cp := s.CachePolicy
			if cp == nil || cp.CachePolicyConfig == nil {
				continue
			}
			id := aws.ToString(cp.Id)
			arn := a.cfARN("cache-policy", id)
			c := cp.CachePolicyConfig
			m := &model.CachePolicy{Meta: model.Meta{Ref: arn, Type: "AWS::CloudFront::CachePolicy", Src: at(arn, ""), Account: model.Known(a.id, at(arn, "")), Region: model.Known("", at(arn, ""))},
				ID: model.Known(id, at(arn, "/Id")), Name: model.Known(aws.ToString(c.Name), at(arn, "/CachePolicyConfig/Name")),
				DefaultTTL: model.Known(aws.ToInt64(c.DefaultTTL), at(arn, "/CachePolicyConfig/DefaultTTL")),
				MaxTTL:     model.Known(aws.ToInt64(c.MaxTTL), at(arn, "/CachePolicyConfig/MaxTTL")),
				MinTTL:     model.Known(aws.ToInt64(c.MinTTL), at(arn, "/CachePolicyConfig/MinTTL"))}
			hb, hs := "none", []string{}
			const hp = "/CachePolicyConfig/ParametersInCacheKeyAndForwardedToOrigin/HeadersConfig"
			if pk := c.ParametersInCacheKeyAndForwardedToOrigin; pk != nil && pk.HeadersConfig != nil {
				hb = string(pk.HeadersConfig.HeaderBehavior)
				if pk.HeadersConfig.Headers != nil {
					hs = append(hs, pk.HeadersConfig.Headers.Items...)
				}
			}
			m.HeaderBehavior = model.Known(hb, at(arn, hp+"/HeaderBehavior"))
			m.Headers = model.Known(hs, at(arn, hp+"/Headers"))
			a.r.mu.Lock()
			a.out.CachePolicies = append(a.out.CachePolicies, m)
			a.r.mu.Unlock()
		}
		if l.NextMarker == nil || aws.ToString(l.NextMarker) == "" {
			return
		}
		marker = l.NextMarker
	}
}

func (a *account) readOriginRequestPolicies(ctx context.Context) {
	var marker *string
	for {
		out, _, f := do(ctx, a.r, "cloudfront", "ListOriginRequestPolicies", "account "+a.id, nil, func(c context.Context) (*cloudfront.ListOriginRequestPoliciesOutput, error) {
			return a.cf.ListOriginRequestPolicies(c, &cloudfront.ListOriginRequestPoliciesInput{Marker: marker, MaxItems: aws.Int32(100), Type: cftypes.OriginRequestPolicyTypeCustom})
		})
		if f != nil {
			a.r.fail(f, acctSrc(a.partition, a.id, "/OriginRequestPolicyList"))
			return
		}
		l := out.OriginRequestPolicyList
		if l == nil {
			return
		}
		for _, s := range l.Items {
			op := s.OriginRequestPolicy
			if op == nil || op.OriginRequestPolicyConfig == nil {
				continue
			}
			id := aws.ToString(op.Id)
			arn := a.cfARN("origin-request-policy", id)
			c := op.OriginRequestPolicyConfig
			m := &model.OriginRequestPolicy{Meta: model.Meta{Ref: arn, Type: "AWS::CloudFront::OriginRequestPolicy", Src: at(arn, ""), Account: model.Known(a.id, at(arn, "")), Region: model.Known("", at(arn, ""))},
				ID: model.Known(id, at(arn, "/Id")), Name: model.Known(aws.ToString(c.Name), at(arn, "/OriginRequestPolicyConfig/Name"))}
			hb, hs := "none", []string{}
			const hp = "/OriginRequestPolicyConfig/HeadersConfig"
			if c.HeadersConfig != nil {
				hb = string(c.HeadersConfig.HeaderBehavior)
				if c.HeadersConfig.Headers != nil {
					hs = append(hs, c.HeadersConfig.Headers.Items...)
				}
			}
			m.HeaderBehavior = model.Known(hb, at(arn, hp+"/HeaderBehavior"))
			m.Headers = model.Known(hs, at(arn, hp+"/Headers"))
			a.r.mu.Lock()
			a.out.OriginRequestPolicies = append(a.out.OriginRequestPolicies, m)
			a.r.mu.Unlock()
		}
		if l.NextMarker == nil || aws.ToString(l.NextMarker) == "" {
			return
		}
		marker = l.NextMarker
	}
}
