package terraform

import "sort"

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

// schemaOf is schemaFor, built once per resource type and loader
// (schemas are not changed once built).
func (l *loader) schemaOf(mode resMode, typ string) *schema {
	key := typ
	if mode == dataMode {
		key = "data." + typ
	}
	s, ok := l.schemas[key]
	if !ok {
		s = schemaFor(mode, typ)
		l.schemas[key] = s
	}
	return s
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

func schemaFor(mode resMode, typ string) *schema {
	if mode == dataMode {
		switch typ {
		case "aws_iam_policy_document":
			return sch("statement", sch("principals", "not_principals", "condition"))
		}
		return nil
	}
	switch typ {
	case "aws_cloudfront_distribution":
		behavior := sch("forwarded_values", sch("cookies"), "lambda_function_association", "function_association", "grpc_config")
		return sch(
			"origin", sch("custom_origin_config", "s3_origin_config", "custom_header", "origin_shield", "vpc_origin_config"),
			"origin_group", sch("failover_criteria", "member", "selection_criteria"),
			"default_cache_behavior", behavior,
			"ordered_cache_behavior", behavior,
			"custom_error_response",
			"restrictions", sch("geo_restriction"),
			"viewer_certificate",
			"logging_config",
		)
	case "aws_s3_bucket":
		return sch(
			"server_side_encryption_configuration", sch("rule", sch("apply_server_side_encryption_by_default")),
			"website", "versioning", "logging", "grant", "cors_rule", "lifecycle_rule", "replication_configuration",
			"object_lock_configuration", sch("rule", sch("default_retention")),
		)
	case "aws_s3_bucket_server_side_encryption_configuration":
		return sch("rule", sch("apply_server_side_encryption_by_default"))
	case "aws_s3_bucket_ownership_controls":
		return sch("rule")
	case "aws_s3_bucket_acl":
		return sch("access_control_policy", sch("grant", sch("grantee"), "owner"))
	case "aws_s3_bucket_website_configuration":
		return sch("index_document", "error_document", "redirect_all_requests_to", "routing_rule", sch("condition", "redirect"))
	case "aws_s3_bucket_versioning":
		return sch("versioning_configuration")
	case "aws_s3_bucket_object_lock_configuration":
		return sch("rule", sch("default_retention"))
	case "aws_cloudfront_cache_policy":
		return sch("parameters_in_cache_key_and_forwarded_to_origin", sch(
			"headers_config", sch("headers"), "cookies_config", sch("cookies"), "query_strings_config", sch("query_strings")))
	case "aws_cloudfront_origin_request_policy":
		return sch("headers_config", sch("headers"), "cookies_config", sch("cookies"), "query_strings_config", sch("query_strings"))
	case "aws_kms_grant":
		return sch("constraints")
	}
	return nil
}

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
