package edit

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Key is the KMS key an edit writes, as a reference to a resource of the
// same configuration (aws_kms_key.web, written as its .arn) or as a
// literal ARN.
type Key struct {
	// Ref is a Terraform address or CloudFormation logical ID of the key
	// in the edited configuration; "" for a literal.
	Ref string
	// ARN is the literal key ARN (or alias) when Ref is "".
	ARN string
}

// Encryption is where a bucket's default encryption is set in a
// Terraform file.
type Encryption struct {
	// Bucket is the bucket resource's type and name (aws_s3_bucket.site),
	// without module path or instance key.
	Bucket string
	// Resource is the aws_s3_bucket_server_side_encryption_configuration
	// resource (type.name) that sets it, "" when none does: the legacy
	// inline block of the bucket is edited when present, otherwise a new
	// resource is added.
	Resource string
}

// TerraformEncryption sets the default encryption of a bucket to SSE-KMS
// under key with an S3 Bucket Key, in the Terraform file src.
func TerraformEncryption(filename string, src []byte, at Encryption, key Key) ([]byte, error) {
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	body := f.Body()
	btype, bname, ok := strings.Cut(at.Bucket, ".")
	if !ok {
		return nil, fmt.Errorf("%q is not a resource address (TYPE.NAME)", at.Bucket)
	}
	if at.Resource != "" {
		rtype, rname, _ := strings.Cut(at.Resource, ".")
		blk := body.FirstMatchingBlock("resource", []string{rtype, rname})
		if blk == nil {
			return nil, fmt.Errorf("%s: no resource %s", filename, at.Resource)
		}
		setRule(ruleBlock(blk.Body()), key)
		return f.Bytes(), nil
	}
	bucket := body.FirstMatchingBlock("resource", []string{btype, bname})
	if bucket == nil {
		return nil, fmt.Errorf("%s: no resource %s", filename, at.Bucket)
	}
	if inline := bucket.Body().FirstMatchingBlock("server_side_encryption_configuration", nil); inline != nil {
		setRule(ruleBlock(inline.Body()), key)
		return f.Bytes(), nil
	}
	body.AppendNewline()
	blk := body.AppendNewBlock("resource", []string{"aws_s3_bucket_server_side_encryption_configuration", bname})
	blk.Body().SetAttributeTraversal("bucket", hcl.Traversal{
		hcl.TraverseRoot{Name: btype}, hcl.TraverseAttr{Name: bname}, hcl.TraverseAttr{Name: "id"},
	})
	blk.Body().AppendNewline()
	setRule(blk.Body().AppendNewBlock("rule", nil).Body(), key)
	return f.Bytes(), nil
}

// ruleBlock returns the first rule block of an encryption configuration,
// adding one when there is none.
func ruleBlock(b *hclwrite.Body) *hclwrite.Body {
	if r := b.FirstMatchingBlock("rule", nil); r != nil {
		return r.Body()
	}
	return b.AppendNewBlock("rule", nil).Body()
}

func setRule(rule *hclwrite.Body, key Key) {
	def := rule.FirstMatchingBlock("apply_server_side_encryption_by_default", nil)
	if def == nil {
		def = rule.AppendNewBlock("apply_server_side_encryption_by_default", nil)
	}
	d := def.Body()
	d.SetAttributeValue("sse_algorithm", cty.StringVal("aws:kms"))
	if key.Ref != "" {
		parts := strings.Split(key.Ref, ".")
		tr := hcl.Traversal{hcl.TraverseRoot{Name: parts[0]}}
		for _, p := range parts[1:] {
			tr = append(tr, hcl.TraverseAttr{Name: p})
		}
		tr = append(tr, hcl.TraverseAttr{Name: "arn"})
		d.SetAttributeTraversal("kms_master_key_id", tr)
	} else {
		d.SetAttributeValue("kms_master_key_id", cty.StringVal(key.ARN))
	}
	rule.SetAttributeValue("bucket_key_enabled", cty.True)
}
