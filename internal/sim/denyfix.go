package sim

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// RequireKMSStatements are bucket policy statements that enforce SSE-KMS
// under one key without denying the uploads that send no encryption
// header, which default encryption then encrypts under that key: uploads
// through CloudFront (it adds no such header), log delivery, `aws s3 cp`
// without --sse (SEMANTICS §9: S3 does not fill the condition keys from
// the bucket default, and a negated operator on a missing key is true).
// Each Deny is guarded by a Null condition, so it only applies to a
// request that does name an encryption:
//
//  1. a request that asks for an encryption other than aws:kms;
//  2. a request that names a KMS key other than keyARN;
//  3. a request that asks for aws:kms without naming a key, which S3
//     encrypts under the AWS managed key aws/s3 (PutObject API reference),
//     which CloudFront can never decrypt.
//
// sid prefixes the statement IDs; keyARN is the key's ARN as the policy
// should spell it (an ARN, or an interpolation such as
// ${aws_kms_key.site.arn}). The statements are JSON, separated by commas,
// ready to go into a Statement array.
func RequireKMSStatements(b *model.Bucket, keyARN, sid string) string {
	sx := Syntax{Lang: styleOf(b.Ref), Form: model.FormJSON}
	var out []string
	for _, st := range RequireKMS(b, keyARN, sid) {
		out = append(out, sx.Render(st))
	}
	return strings.Join(out, ",\n")
}

// RequireKMS is the statements of [RequireKMSStatements], for rendering
// in the syntax of the policy they go into.
func RequireKMS(b *model.Bucket, keyARN, sid string) []Statement {
	if sid == "" {
		sid = "RequireSSEKMS"
	}
	res := []string{BucketARNText(b) + "/*"}
	const alg = "s3:x-amz-server-side-encryption"
	const kid = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	deny := func(id string, conds ...Cond) Statement {
		return Statement{Sid: sid + id, Effect: "Deny", Principal: [2]string{"AWS", "*"}, Actions: []string{"s3:PutObject"}, Resources: res, Conds: conds}
	}
	return []Statement{
		deny("OtherEncryption", Cond{Op: "StringNotEquals", Key: alg, Values: []string{"aws:kms"}}, Cond{Op: "Null", Key: alg, Values: []string{"false"}}),
		deny("OtherKey", Cond{Op: "StringNotEquals", Key: kid, Values: []string{keyARN}}, Cond{Op: "Null", Key: kid, Values: []string{"false"}}),
		deny("AWSManagedKey", Cond{Op: "StringEquals", Key: alg, Values: []string{"aws:kms"}}, Cond{Op: "Null", Key: kid, Values: []string{"true"}}),
	}
}

// KeyARNText spells the ARN of the key a bucket's default encryption
// names, in the input's own language; "" when the default names no
// customer key.
func KeyARNText(ix *Index, b *model.Bucket) string {
	e := b.Encryption
	if !e.Algorithm.Known || !strings.HasPrefix(e.Algorithm.V, "aws:kms") || !e.KeyID.Known || e.KeyID.V == "" {
		return ""
	}
	k, found := ix.Key(e.KeyID.V)
	if found == ident.True && k.ARN.Known && !ident.Has(k.ARN.V) {
		return k.ARN.V
	}
	if found == ident.True {
		switch styleOf(k.Ref) {
		case styleTerraform:
			return "${" + k.Ref + ".arn}"
		case styleCFN:
			return "${" + k.Ref + ".Arn}"
		}
	}
	if !ident.Has(e.KeyID.V) {
		return e.KeyID.V
	}
	return ident.Render(e.KeyID.V)
}
