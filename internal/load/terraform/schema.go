package terraform

import (
	"sort"
	"sync"
)

// schema names the nested block types of a resource type, recursively.
// Native syntax does not need it (blocks are written as blocks); JSON
// configuration and plan values do, to tell a block from an attribute.
// Only the resource types s3front maps to the model have one.
type schema struct {
	blocks map[string]*schema
}

func (s *schema) child(name string) *schema {
	if s == nil {
		return nil
	}
	return s.blocks[name]
}

func (s *schema) blockNames() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.blocks))
	for n := range s.blocks {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// sch builds a schema from alternating names and child schemas; a name
// followed by another name (or nothing) has no nested blocks.
func sch(items ...any) *schema {
	s := &schema{blocks: map[string]*schema{}}
	for i := 0; i < len(items); i++ {
		name := items[i].(string)
		var child *schema
		if i+1 < len(items) {
			if c, ok := items[i+1].(*schema); ok {
				child = c
				i++
			}
		}
		if child == nil {
			child = &schema{blocks: map[string]*schema{}}
		}
		s.blocks[name] = child
	}
	return s
}

// schemaFor returns the schema of a resource type (nil for types
// without nested blocks s3front reads). The schemas are built once per
// process and never changed.
func schemaFor(mode resMode, typ string) *schema {
	if mode == dataMode {
		return schemaTable()["data."+typ]
	}
	return schemaTable()[typ]
}

var schemaTable = sync.OnceValue(func() map[string]*schema {
	behavior := sch("forwarded_values", sch("cookies"), "lambda_function_association", "function_association", "grpc_config")
	return map[string]*schema{
		"data.aws_iam_policy_document": sch("statement", sch("principals", "not_principals", "condition")),
		"aws_cloudfront_distribution": sch(
			"origin", sch("custom_origin_config", "s3_origin_config", "custom_header", "origin_shield", "vpc_origin_config"),
			"origin_group", sch("failover_criteria", "member", "selection_criteria"),
			"default_cache_behavior", behavior,
			"ordered_cache_behavior", behavior,
			"custom_error_response",
			"restrictions", sch("geo_restriction"),
			"viewer_certificate",
			"logging_config",
		),
		"aws_s3_bucket": sch(
			"server_side_encryption_configuration", sch("rule", sch("apply_server_side_encryption_by_default")),
			"website", "versioning", "logging", "grant", "cors_rule", "lifecycle_rule", "replication_configuration",
			"object_lock_configuration", sch("rule", sch("default_retention")),
		),
		"aws_s3_bucket_server_side_encryption_configuration": sch("rule", sch("apply_server_side_encryption_by_default")),
		"aws_s3_bucket_ownership_controls":                   sch("rule"),
		"aws_s3_bucket_acl":                                  sch("access_control_policy", sch("grant", sch("grantee"), "owner")),
		"aws_s3_bucket_website_configuration":                sch("index_document", "error_document", "redirect_all_requests_to", "routing_rule", sch("condition", "redirect")),
		"aws_s3_bucket_versioning":                           sch("versioning_configuration"),
		"aws_s3_bucket_object_lock_configuration":            sch("rule", sch("default_retention")),
		"aws_cloudfront_cache_policy": sch("parameters_in_cache_key_and_forwarded_to_origin", sch(
			"headers_config", sch("headers"), "cookies_config", sch("cookies"), "query_strings_config", sch("query_strings"))),
		"aws_cloudfront_origin_request_policy": sch("headers_config", sch("headers"), "cookies_config", sch("cookies"), "query_strings_config", sch("query_strings")),
		"aws_kms_grant":                        sch("constraints"),
	}
})

var providerSchema = sch("assume_role", "assume_role_with_web_identity", "default_tags", "ignore_tags", "endpoints")

// modelledData are the data sources s3front evaluates offline.
var modelledData = map[string]bool{
	"aws_iam_policy_document":              true,
	"aws_caller_identity":                  true,
	"aws_region":                           true,
	"aws_partition":                        true,
	"aws_cloudfront_cache_policy":          true,
	"aws_cloudfront_origin_request_policy": true,
	"aws_kms_key":                          true,
	"aws_kms_alias":                        true,
	"aws_s3_bucket":                        true,
}
