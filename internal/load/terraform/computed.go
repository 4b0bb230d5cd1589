package terraform

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// where is the Region, account and partition a resource lives in.
type where struct {
	region    model.Value[string]
	account   model.Value[string]
	partition string
	provAddr  string
}

// whereOf resolves the provider of a resource instance, with the
// resource-level region argument of provider v6 taking precedence.
func whereOf(prov *provInst, body *evBlock) where {
	p := prov.resolve()
	w := where{region: p.region, account: p.account, partition: p.partition, provAddr: p.addr}
	if a := body.attr("region"); a != nil {
		if s, ok := concreteString(a.val); ok && s != "" {
			w.region = model.Known(s, model.Src{Pos: a.pos})
			w.partition = model.PartitionOf(s)
		}
	}
	return w
}

func str(s string) cty.Value { return cty.StringVal(s) }

// computed returns the attributes AWS decides when the resource is
// created, as identities of the resource (model/doc.go): a distribution's
// id is the symbol <address>.id, its arn is composed from the provider's
// account and that id, and so on. Policies that embed these attributes
// then hold exactly the strings the model composes.
func (l *loader) computed(ri *resInst) map[string]cty.Value {
	w := whereOf(ri.prov, ri.body)
	return computedAttrs(l, ri.addr, ri.mode(), ri.typ(), ri.body, w)
}

func computedAttrs(l *loader, addr string, mode resMode, typ string, body *evBlock, w where) map[string]cty.Value {
	part, acct, region := w.partition, w.account.V, w.region.V
	sym := func(k ident.Kind, attr string) string { return ident.New(k, addr+"."+attr) }
	given := func(name string) (string, bool) {
		if a := body.attr(name); a != nil {
			return strVal(a.val)
		}
		return "", false
	}
	out := map[string]cty.Value{}
	if mode == dataMode {
		switch typ {
		case "aws_caller_identity":
			out["account_id"] = str(acct)
			out["id"] = str(acct)
			out["arn"] = str(sym(ident.Any, "arn"))
			out["user_id"] = str(sym(ident.Any, "user_id"))
		case "aws_region":
			r := region
			if s, ok := given("name"); ok {
				r = s
			} else if s, ok := given("region"); ok {
				r = s
			}
			out["name"], out["id"], out["region"] = str(r), str(r), str(r)
			out["endpoint"] = str("ec2." + r + "." + model.DNSSuffix(part))
			out["description"] = str(sym(ident.Any, "description"))
		case "aws_partition":
			out["partition"], out["id"] = str(part), str(part)
			out["dns_suffix"] = str(model.DNSSuffix(part))
			out["reverse_dns_prefix"] = str(reverseDNS(part))
		case "aws_cloudfront_cache_policy", "aws_cloudfront_origin_request_policy":
			find, like := model.ManagedCachePolicy, model.ManagedCachePolicyLike
			if typ == "aws_cloudfront_origin_request_policy" {
				find, like = model.ManagedOriginRequestPolicy, model.ManagedOriginRequestPolicyLike
			}
			id := sym(ident.PolicyID, "id")
			name := ""
			if s, ok := given("id"); ok {
				id = s
			} else if s, ok := given("name"); ok {
				name = s
				if mp, found := find(s); found {
					id = mp.ID
					name = mp.Name
				} else if mp, near := like(s); near && l != nil {
					l.unresolvedAt(body.pos, addr, "no AWS managed policy is named "+strconvQuote(s)+": AWS names it "+strconvQuote(mp.Name)+" (names are exact), so Terraform's plan fails to read this data source; its settings are unknown")
				} else if l != nil {
					l.unresolvedAt(body.pos, addr, "only AWS managed policies are resolved by name without a live account; "+strconvQuote(ident.Render(s))+" is not one of them, so its settings are unknown")
				}
			}
			out["id"] = str(id)
			if name != "" {
				out["name"] = str(name)
			}
			out["etag"] = str(sym(ident.Any, "etag"))
		case "aws_kms_key":
			kid, _ := given("key_id")
			id, arn := kmsDataKey(addr, kid, part, region, acct)
			out["id"], out["key_id"], out["arn"] = str(id), str(id), str(arn)
		case "aws_kms_alias":
			name, _ := given("name")
			id := sym(ident.KeyID, "target_key_id")
			out["target_key_id"] = str(id)
			out["target_key_arn"] = str(model.KeyARN(part, region, acct, id))
			out["arn"] = str(model.AliasARN(part, region, acct, name))
			out["id"] = str(name)
		case "aws_s3_bucket":
			b, _ := given("bucket")
			bucketAttrs(out, part, b, region)
		case "aws_iam_policy_document":
			if l != nil {
				js := l.policyDocument(addr, body)
				out["json"], out["minified_json"] = str(js), str(js)
				out["id"] = str(sym(ident.Any, "id"))
			}
		}
		return out
	}
	switch typ {
	case "aws_cloudfront_distribution":
		id := sym(ident.DistributionID, "id")
		out["id"] = str(id)
		out["arn"] = str(model.DistributionARN(part, acct, id))
		out["domain_name"] = str(sym(ident.Name, "domain_name"))
		out["hosted_zone_id"] = str("Z2FDTNDATAQYW2")
		out["etag"] = str(sym(ident.Any, "etag"))
		out["status"] = str(sym(ident.Any, "status"))
	case "aws_cloudfront_origin_access_identity":
		id := sym(ident.OAIID, "id")
		out["id"] = str(id)
		out["iam_arn"] = str(model.OAIARN(id))
		out["cloudfront_access_identity_path"] = str(model.OAIPath(id))
		out["s3_canonical_user_id"] = str(sym(ident.CanonicalUser, "s3_canonical_user_id"))
		out["etag"] = str(sym(ident.Any, "etag"))
		out["caller_reference"] = str(sym(ident.Any, "caller_reference"))
	case "aws_cloudfront_origin_access_control":
		out["id"] = str(sym(ident.OACID, "id"))
		out["etag"] = str(sym(ident.Any, "etag"))
		out["arn"] = str("arn:" + part + ":cloudfront::" + acct + ":origin-access-control/" + sym(ident.OACID, "id"))
	case "aws_cloudfront_cache_policy", "aws_cloudfront_origin_request_policy":
		out["id"] = str(sym(ident.PolicyID, "id"))
		out["etag"] = str(sym(ident.Any, "etag"))
	case "aws_s3_bucket":
		b, ok := given("bucket")
		if !ok {
			b = sym(ident.BucketName, "bucket")
		}
		bucketAttrs(out, part, b, region)
		out["bucket"] = str(b)
	case "aws_s3_bucket_website_configuration":
		b, _ := given("bucket")
		out["website_endpoint"] = str(model.WebsiteDomain(part, b, region))
		out["website_domain"] = str("s3-website-" + region + "." + model.DNSSuffix(part))
		out["id"] = str(b)
	case "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
		"aws_s3_bucket_acl", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
		"aws_s3_bucket_request_payment_configuration", "aws_s3_bucket_object_lock_configuration":
		b, _ := given("bucket")
		out["id"] = str(b)
	case "aws_s3_object", "aws_s3_bucket_object":
		b, _ := given("bucket")
		k, _ := given("key")
		out["id"] = str(k)
		out["arn"] = str(model.ObjectARN(part, b, k))
		out["etag"] = str(sym(ident.Any, "etag"))
		out["version_id"] = str(sym(ident.Any, "version_id"))
	case "aws_kms_key", "aws_kms_replica_key":
		id := sym(ident.KeyID, "id")
		out["id"], out["key_id"] = str(id), str(id)
		out["arn"] = str(model.KeyARN(part, region, acct, id))
	case "aws_kms_alias":
		name, ok := given("name")
		if !ok {
			name = "alias/" + sym(ident.Name, "name")
		}
		out["name"], out["id"] = str(name), str(name)
		out["arn"] = str(model.AliasARN(part, region, acct, name))
		if t, ok := given("target_key_id"); ok {
			if strings.HasPrefix(t, "arn:") {
				out["target_key_arn"] = str(t)
			} else {
				out["target_key_arn"] = str(model.KeyARN(part, region, acct, t))
			}
		}
	case "aws_kms_grant":
		out["grant_id"] = str(sym(ident.Name, "grant_id"))
		out["grant_token"] = str(sym(ident.Any, "grant_token"))
	case "aws_iam_role", "aws_iam_user":
		name, ok := given("name")
		if !ok {
			name = sym(ident.Name, "name")
		}
		p, ok := given("path")
		if !ok {
			p = "/"
		}
		kind := "role"
		if typ == "aws_iam_user" {
			kind = "user"
		}
		out["name"], out["id"] = str(name), str(name)
		out["arn"] = str("arn:" + part + ":iam::" + acct + ":" + kind + p + name)
		out["unique_id"] = str(sym(ident.Name, "unique_id"))
	case "aws_organizations_policy":
		out["id"] = str(sym(ident.PolicyID, "id"))
		out["arn"] = str(sym(ident.Any, "arn"))
	}
	return out
}

func bucketAttrs(out map[string]cty.Value, part, b, region string) {
	out["id"] = str(b)
	out["arn"] = str(model.BucketARN(part, b))
	out["bucket_regional_domain_name"] = str(model.BucketRegionalDomain(part, b, region))
	out["bucket_domain_name"] = str(model.BucketGlobalDomain(part, b))
	out["website_endpoint"] = str(model.WebsiteDomain(part, b, region))
	out["website_domain"] = str("s3-website-" + region + "." + model.DNSSuffix(part))
	out["region"] = str(region)
}

// kmsDataKey composes the ID and ARN of a key found by a data source from
// its key_id argument (a key ID, key ARN, alias name or alias ARN).
func kmsDataKey(addr, keyID, part, region, acct string) (id, arn string) {
	switch {
	case strings.HasPrefix(keyID, "arn:") && strings.Contains(keyID, ":key/"):
		return keyID[strings.LastIndex(keyID, ":key/")+5:], keyID
	case keyID != "" && !strings.HasPrefix(keyID, "arn:") && !strings.HasPrefix(keyID, "alias/"):
		return keyID, model.KeyARN(part, region, acct, keyID)
	}
	id = ident.New(ident.KeyID, addr+".id")
	return id, model.KeyARN(part, region, acct, id)
}

func reverseDNS(partition string) string {
	if partition == "aws-cn" {
		return "cn.com.amazonaws"
	}
	return "com.amazonaws"
}
