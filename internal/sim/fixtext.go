package sim

import (
	"encoding/json"
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
func DistributionARNText(d *model.Distribution) string {
	if d.ARN.Known && !ident.Has(d.ARN.V) {
		return d.ARN.V
	}
	switch styleOf(d.Ref) {
	case styleTerraform:
		return "${" + d.Ref + ".arn}"
	case styleCFN:
		return "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${" + d.Ref + "}"
	}
	return ident.Render(d.ARN.V)
}

// BucketARNText spells a bucket's ARN likewise.
func BucketARNText(b *model.Bucket) string {
	if b.Name.Known && !ident.Has(b.Name.V) {
		return model.BucketARN("aws", b.Name.V)
	}
	switch styleOf(b.Ref) {
	case styleTerraform:
		return "${" + b.Ref + ".arn}"
	case styleCFN:
		return "arn:${AWS::Partition}:s3:::${" + b.Ref + "}"
	}
	return ident.Render(model.BucketARN("aws", b.Name.V))
}

// OACBucketStatement is the bucket policy statement that admits one
// distribution's origin access control [CF-S3].
func OACBucketStatement(d *model.Distribution, b *model.Bucket, actions ...string) string {
	if len(actions) == 0 {
		actions = []string{"s3:GetObject"}
	}
	return statementJSON(map[string]any{
		"Sid":       "AllowCloudFrontServicePrincipal",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
		"Action":    oneOrMany(actions),
		"Resource":  BucketARNText(b) + "/*",
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": DistributionARNText(d)}},
	})
}

// OACKeyStatement is the key policy statement that lets one distribution's
// origin access control use a key [CF-S3].
func OACKeyStatement(d *model.Distribution, actions ...string) string {
	if len(actions) == 0 {
		actions = []string{"kms:Decrypt"}
	}
	return statementJSON(map[string]any{
		"Sid":       "AllowCloudFrontServicePrincipalSSE-KMS",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
		"Action":    oneOrMany(actions),
		"Resource":  "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": DistributionARNText(d)}},
	})
}

// OAIBucketStatement admits an origin access identity.
func OAIBucketStatement(oaiARN string, b *model.Bucket) string {
	return statementJSON(map[string]any{
		"Sid":       "AllowCloudFrontOriginAccessIdentity",
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": ident.Render(oaiARN)},
		"Action":    "s3:GetObject",
		"Resource":  BucketARNText(b) + "/*",
	})
}

func oneOrMany(xs []string) any {
	if len(xs) == 1 {
		return xs[0]
	}
	return xs
}

// statementJSON renders a statement with AWS's usual member order.
func statementJSON(m map[string]any) string {
	order := []string{"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
	var b strings.Builder
	b.WriteString("{\n")
	first := true
	for _, k := range order {
		v, ok := m[k]
		if !ok {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		val, _ := json.Marshal(v)
		b.WriteString("  \"" + k + "\": ")
		b.Write(spaced(unescapeHTML(val)))
	}
	b.WriteString("\n}")
	return b.String()
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
