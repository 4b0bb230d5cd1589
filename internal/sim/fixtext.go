package sim

import (
	"regexp"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// Input styles decide how a fix spells references and settings: a
// Terraform expression, a CloudFormation Fn::Sub, or a literal ARN.
const (
	styleTerraform = "terraform"
	styleCFN       = "cloudformation"
	styleLiteral   = "literal"
)

// Spell returns the Terraform or the CloudFormation spelling of a setting,
// by the language of the resource ref (the Terraform one for ARNs).
func Spell(ref, terraform, cloudformation string) string {
	if styleOf(ref) == styleCFN {
		return cloudformation
	}
	return terraform
}

var tfAddress = regexp.MustCompile(`(^|\.)(aws_[a-z0-9_]+)\.[A-Za-z_][A-Za-z0-9_-]*`)

// styleOf infers the input format from a resource reference.
func styleOf(ref string) string {
	switch {
	case strings.HasPrefix(ref, "arn:"):
		return styleLiteral
	case tfAddress.MatchString(ref):
		return styleTerraform
	}
	return styleCFN
}

// DistributionARNText spells a distribution's ARN for a policy statement
// in the input's own language.
func DistributionARNText(d *model.Distribution) string { return DistributionARNIn(d, "") }

// DistributionARNIn spells a distribution's ARN for a statement in the
// policy of the resource owner: a Terraform reference is relative to the
// module both are in.
func DistributionARNIn(d *model.Distribution, owner string) string {
	if d.ARN.Known && !ident.Has(d.ARN.V) {
		return d.ARN.V
	}
	switch styleOf(d.Ref) {
	case styleTerraform:
		return "${" + localRef(d.Ref, owner) + ".arn}"
	case styleCFN:
		return "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${" + logicalID(d.Ref) + "}"
	}
	return ident.Render(d.ARN.V)
}

// BucketARNText spells a bucket's ARN for a statement of its own policy.
func BucketARNText(b *model.Bucket) string {
	switch styleOf(b.Ref) {
	case styleTerraform:
		return "${" + localRef(b.Ref, b.Ref) + ".arn}"
	case styleCFN:
		if b.Name.Known && !ident.Has(b.Name.V) {
			return model.BucketARN("aws", b.Name.V)
		}
		return "arn:${AWS::Partition}:s3:::${" + logicalID(b.Ref) + "}"
	}
	return ident.Render(model.BucketARN("aws", b.Name.V))
}

// localRef is a Terraform address as written inside the module of owner:
// without the module path both share ("" owner: the address as is).
func localRef(ref, owner string) string {
	if owner == "" {
		return ref
	}
	p := modulePath(ref)
	if p != "" && p == modulePath(owner) {
		return ref[len(p):]
	}
	return ref
}

// modulePath is the module part of a Terraform address,
// "module.web[\"a\"]." of "module.web[\"a\"].aws_s3_bucket.this".
func modulePath(ref string) string {
	locs := tfAddress.FindAllStringIndex(ref, -1)
	if len(locs) == 0 {
		return ""
	}
	i := locs[len(locs)-1][0]
	if i > 0 && ref[i] == '.' {
		i++
	}
	return ref[:i]
}

// logicalID is the logical ID of a CloudFormation ref ("Nested/Bucket"
// and "cdk.out/Stack/Bucket" name Bucket in their own template).
func logicalID(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

// OAIARNText spells the IAM ARN of the origin access identity with ID id
// (oai when it is in the input) for a statement in the policy of owner.
func OAIARNText(oai *model.OAI, id, owner string) string {
	if oai != nil {
		switch styleOf(oai.Ref) {
		case styleTerraform:
			return "${" + localRef(oai.Ref, owner) + ".iam_arn}"
		case styleCFN:
			return "arn:${AWS::Partition}:iam::cloudfront:user/CloudFront Origin Access Identity ${" + logicalID(oai.Ref) + "}"
		}
		if oai.IAMARN.Known {
			return ident.Render(oai.IAMARN.V)
		}
	}
	return ident.Render(model.OAIARN(id))
}

// OACBucketGrant is the bucket policy statement that admits one
// distribution's origin access control [CF-S3].
func OACBucketGrant(d *model.Distribution, b *model.Bucket, actions ...string) Statement {
	if len(actions) == 0 {
		actions = []string{"s3:GetObject"}
	}
	return Statement{Sid: "AllowCloudFrontServicePrincipal", Principal: [2]string{"Service", "cloudfront.amazonaws.com"},
		Actions: actions, Resources: []string{BucketARNText(b) + "/*"},
		Conds: []Cond{{Op: "StringEquals", Key: "AWS:SourceArn", Values: []string{DistributionARNIn(d, b.Ref)}}}}
}

// OACKeyGrant is the key policy statement, in the policy of the resource
// owner, that lets one distribution's origin access control use a key
// [CF-S3].
func OACKeyGrant(d *model.Distribution, owner string, actions ...string) Statement {
	if len(actions) == 0 {
		actions = []string{"kms:Decrypt"}
	}
	return Statement{Sid: "AllowCloudFrontServicePrincipalSSE-KMS", Principal: [2]string{"Service", "cloudfront.amazonaws.com"},
		Actions: actions, Resources: []string{"*"},
		Conds: []Cond{{Op: "StringEquals", Key: "AWS:SourceArn", Values: []string{DistributionARNIn(d, owner)}}}}
}

// OAIBucketGrant admits an origin access identity, its ARN spelled by
// OAIARNText.
func OAIBucketGrant(oaiARN string, b *model.Bucket) Statement {
	return Statement{Sid: "AllowCloudFrontOriginAccessIdentity", Principal: [2]string{"AWS", oaiARN},
		Actions: []string{"s3:GetObject"}, Resources: []string{BucketARNText(b) + "/*"}}
}

// OACKeyStatement is [OACKeyGrant] written in the syntax of the policy pol
// of the resource ref (a new key: the bucket's policy, for the user's
// style).
func OACKeyStatement(ref string, pol model.Policy, d *model.Distribution, actions ...string) string {
	return SyntaxOf(ref, pol).Render(OACKeyGrant(d, ref, actions...))
}

func unescapeHTML(b []byte) []byte {
	s := string(b)
	s = strings.ReplaceAll(s, `\u003c`, "<")
	s = strings.ReplaceAll(s, `\u003e`, ">")
	s = strings.ReplaceAll(s, `\u0026`, "&")
	return []byte(s)
}

// spaced puts a space after the colons and commas of compact JSON (outside
// strings), the way people write policies.
func spaced(b []byte) []byte {
	var out []byte
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		out = append(out, c)
		switch {
		case c == '\\' && in && i+1 < len(b):
			i++
			out = append(out, b[i])
		case c == '"':
			in = !in
		case !in && (c == ':' || c == ','):
			out = append(out, ' ')
		}
	}
	return out
}
