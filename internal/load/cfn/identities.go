package cfn

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

func str(s string, at source.Pos) *source.Node {
	return &source.Node{Kind: source.String, Pos: at, Text: s}
}

// The identities of resources, composed as model/doc.go prescribes.

func (s *stack) distributionID(id string) string {
	return ident.New(ident.DistributionID, s.ref(id)+".id")
}

func (s *stack) oaiID(id string) string { return ident.New(ident.OAIID, s.ref(id)+".id") }

func (s *stack) oacID(id string) string { return ident.New(ident.OACID, s.ref(id)+".id") }

func (s *stack) keyID(id string) string { return ident.New(ident.KeyID, s.ref(id)+".id") }

func (s *stack) policyID(id string) string { return ident.New(ident.PolicyID, s.ref(id)+".id") }

func (s *stack) keyARN(id string) string {
	return model.KeyARN(s.l.partition, s.l.region, s.l.account, s.keyID(id))
}

// distributionDomain is <generated>.cloudfront.net.
func (s *stack) distributionDomain(id string) string {
	return ident.New(ident.Name, s.ref(id)+".domain_prefix") + ".cloudfront.net"
}

// attributes lists the Fn::GetAtt attributes of the types whose
// identities matter; other attributes of these types are errors, as in
// CloudFormation. ok is false for other types.
func attributes(typ string) (attrs []string, ok bool) {
	switch typ {
	case "AWS::S3::Bucket":
		return []string{"Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL",
			"MetadataTableConfiguration.S3TablesDestination.TableArn", "MetadataTableConfiguration.S3TablesDestination.TableNamespace",
			"MetadataConfiguration.Destination", "MetadataConfiguration.JournalTableConfiguration.TableName",
			"MetadataConfiguration.JournalTableConfiguration.TableArn", "MetadataConfiguration.InventoryTableConfiguration.TableName",
			"MetadataConfiguration.InventoryTableConfiguration.TableArn"}, true
	case "AWS::CloudFront::Distribution":
		return []string{"DomainName", "Id"}, true
	case "AWS::CloudFront::CloudFrontOriginAccessIdentity":
		return []string{"Id", "S3CanonicalUserId"}, true
	case "AWS::CloudFront::OriginAccessControl":
		return []string{"Id"}, true
	case "AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy":
		return []string{"Id", "LastModifiedTime"}, true
	case "AWS::KMS::Key":
		return []string{"Arn", "KeyId"}, true
	case "AWS::KMS::Alias", "AWS::S3::BucketPolicy":
		return nil, true
	}
	return nil, false
}

// Ref implements template.Resolver.
func (s *stack) Ref(r *template.Resource, at source.Pos) (*source.Node, error) {
	switch r.Type {
	case "AWS::S3::Bucket":
		n, err := s.bucketName(r)
		if err != nil {
			return nil, err
		}
		c := *n
		c.Pos = at
		return &c, nil
	case "AWS::CloudFront::Distribution":
		return str(s.distributionID(r.ID), at), nil
	case "AWS::CloudFront::CloudFrontOriginAccessIdentity":
		return str(s.oaiID(r.ID), at), nil
	case "AWS::CloudFront::OriginAccessControl":
		return str(s.oacID(r.ID), at), nil
	case "AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy", "AWS::CloudFront::ResponseHeadersPolicy":
		return str(s.policyID(r.ID), at), nil
	case "AWS::KMS::Key":
		return str(s.keyID(r.ID), at), nil
	case "AWS::KMS::Alias":
		n, err := s.memoProp(r, "AliasName")
		if err != nil {
			return nil, err
		}
		if n == nil {
			return nil, source.Errorf(r.Pos, "add AliasName: alias/name", "%s has no AliasName", r.ID)
		}
		c := *n
		c.Pos = at
		return &c, nil
	case "AWS::CloudFormation::Stack":
		return str("arn:"+s.l.partition+":cloudformation:"+s.l.region+":"+s.l.account+":stack/"+ident.New(ident.Name, s.ref(r.ID)+".stack_id"), at), nil
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile", "AWS::Lambda::Function",
		"AWS::SNS::Topic", "AWS::SQS::Queue":
		return str(ident.New(ident.Name, s.ref(r.ID)+".ref"), at), nil
	}
	if isCustom(r.Type) {
		return s.ev.Unknown(s.ref(r.ID)+".ref", "the physical ID of custom resource "+s.ref(r.ID)+" ("+r.Type+") is chosen by its code when the stack is deployed", at), nil
	}
	return str(ident.New(ident.Name, s.ref(r.ID)+".ref"), at), nil
}

// GetAtt implements template.Resolver.
func (s *stack) GetAtt(r *template.Resource, attr string, at source.Pos) (*source.Node, error) {
	if known, ok := attributes(r.Type); ok {
		valid := false
		for _, a := range known {
			valid = valid || a == attr
		}
		if !valid {
			hint := r.Type + " has no attributes for Fn::GetAtt; use Ref"
			if len(known) > 0 {
				hint = "the attributes of " + r.Type + " are " + strings.Join(known, ", ")
			}
			return nil, source.Errorf(at, hint, "Fn::GetAtt %s.%s: %s has no attribute %s", r.ID, attr, r.Type, attr)
		}
	}
	switch r.Type {
	case "AWS::S3::Bucket":
		n, err := s.bucketName(r)
		if err != nil {
			return nil, err
		}
		name := n.Text
		switch attr {
		case "Arn":
			return str(model.BucketARN(s.l.partition, name), at), nil
		case "DomainName":
			return str(model.BucketGlobalDomain(s.l.partition, name), at), nil
		case "RegionalDomainName":
			return str(model.BucketRegionalDomain(s.l.partition, name, s.l.region), at), nil
		case "DualStackDomainName":
			return str(name+".s3.dualstack."+s.l.region+"."+s.l.urlSuffix, at), nil
		case "WebsiteURL":
			return str("http://"+model.WebsiteDomain(s.l.partition, name, s.l.region), at), nil
		}
	case "AWS::CloudFront::Distribution":
		if attr == "Id" {
			return str(s.distributionID(r.ID), at), nil
		}
		return str(s.distributionDomain(r.ID), at), nil
	case "AWS::CloudFront::CloudFrontOriginAccessIdentity":
		if attr == "Id" {
			return str(s.oaiID(r.ID), at), nil
		}
		return str(ident.New(ident.CanonicalUser, s.ref(r.ID)+".s3_canonical_user_id"), at), nil
	case "AWS::CloudFront::OriginAccessControl":
		return str(s.oacID(r.ID), at), nil
	case "AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy":
		if attr == "Id" {
			return str(s.policyID(r.ID), at), nil
		}
	case "AWS::KMS::Key":
		if attr == "Arn" {
			return str(s.keyARN(r.ID), at), nil
		}
		return str(s.keyID(r.ID), at), nil
	case "AWS::CloudFormation::Stack":
		if name, ok := strings.CutPrefix(attr, "Outputs."); ok {
			return s.nestedOutput(r, name, at)
		}
	case "AWS::IAM::Role":
		if attr == "Arn" {
			n, err := s.memoProp(r, "RoleName")
			if err != nil {
				return nil, err
			}
			name := ident.New(ident.Name, s.ref(r.ID)+".name")
			if n != nil {
				name = n.Text
			}
			p := "/"
			if pn, err := s.memoProp(r, "Path"); err == nil && pn != nil {
				p = pn.Text
			}
			return str("arn:"+s.l.partition+":iam::"+s.l.account+":role"+p+name, at), nil
		}
	case "AWS::Lambda::Function":
		if attr == "Arn" {
			n, err := s.memoProp(r, "FunctionName")
			if err != nil {
				return nil, err
			}
			name := ident.New(ident.Name, s.ref(r.ID)+".name")
			if n != nil {
				name = n.Text
			}
			return str("arn:"+s.l.partition+":lambda:"+s.l.region+":"+s.l.account+":function:"+name, at), nil
		}
	}
	if isCustom(r.Type) {
		return s.ev.Unknown(s.ref(r.ID)+"."+attr, "attribute "+attr+" of custom resource "+s.ref(r.ID)+" ("+r.Type+") is returned by its code when the stack is deployed", at), nil
	}
	return str(ident.New(ident.Name, s.ref(r.ID)+"."+attr), at), nil
}

// bucketName is the bucket's name: its BucketName, or a symbol when AWS
// chooses it.
func (s *stack) bucketName(r *template.Resource) (*source.Node, error) {
	n, err := s.memoProp(r, "BucketName")
	if err != nil {
		return nil, err
	}
	if n == nil {
		return str(ident.New(ident.BucketName, s.ref(r.ID)+".bucket"), r.Pos), nil
	}
	return n, nil
}

// memoProp resolves one top-level property of a resource once (a Ref to a
// bucket resolves its BucketName), detecting cycles. The property must
// resolve to a string; nil means it is absent.
func (s *stack) memoProp(r *template.Resource, prop string) (*source.Node, error) {
	key := r.ID + "." + prop
	if n, ok := s.memo[key]; ok {
		return n, nil
	}
	if s.busy[key] {
		return nil, source.Errorf(r.Pos, "a resource's name must not depend on the resource itself",
			"%s.%s refers to itself (a circular dependency)", r.ID, prop)
	}
	var raw *source.Node
	if r.Properties != nil {
		raw = r.Properties.Get(prop)
	}
	if raw == nil || raw.Kind == source.Null {
		s.memo[key] = nil
		return nil, nil
	}
	s.busy[key] = true
	v, err := s.ev.Value(raw)
	delete(s.busy, key)
	if err != nil {
		return nil, err
	}
	if v != nil {
		switch v.Kind {
		case source.Number, source.Bool:
			v = str(v.Text, v.Pos)
		case source.String:
		case source.Null:
			v = nil
		default:
			// CloudFormation refuses it when the stack is created; the
			// name is unknown meanwhile.
			o := obj{s: s, ref: s.ref(r.ID), n: v, path: prop, at: v.Pos}
			v = s.ev.Unknown("invalid "+prop+" of "+s.ref(r.ID), o.path+" of "+o.ref+" must be a string, found "+v.Describe()+"; CloudFormation rejects the template when the stack is created", v.Pos)
		}
	}
	s.memo[key] = v
	return v, nil
}

// isCustom reports whether a type is a custom resource.
func isCustom(typ string) bool {
	return strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource"
}
