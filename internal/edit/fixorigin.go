package edit

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// originMoves are the moves of the finding's origins to origin access
// control, for origins with no access control or a website endpoint.
func (fc *fixCtx) originMoves(website bool) []*move {
	var out []*move
	seen := map[*model.Origin]bool{}
	for _, p := range fc.paths {
		o, b := p.Origin, p.Bucket
		if o == nil || b == nil || seen[o] {
			continue
		}
		seen[o] = true
		mv := &move{d: p.Distribution, o: o, b: b, website: website}
		if b.Encryption.Algorithm.Known && strings.HasPrefix(b.Encryption.Algorithm.V, "aws:kms") {
			mv.kms = true
			if b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
				if k, ok := fc.res.Index.Key(b.Encryption.KeyID.V); ok == ident.True {
					mv.k = k
				}
			}
		}
		out = append(out, mv)
	}
	return out
}

// fixOrigins gives origins an origin access control with its grants:
// steps 1 to 4 of the migration, for origins that had none (or pointed at
// a website endpoint).
func fixOrigins(fc *fixCtx, website bool) error {
	if err := fc.synthesized(); err != nil {
		return err
	}
	moves := fc.originMoves(website)
	if len(moves) == 0 {
		return errNoEdit("the origin's bucket is not in the input")
	}
	p, err := planOn(fc.set, fc.cfg, fc.res, MigrateOptions{moves: moves, through: 4})
	if err != nil {
		return err
	}
	var manual []string
	for _, s := range p.Steps {
		manual = append(manual, s.Manual...)
	}
	if len(manual) > 0 {
		return fmt.Errorf("%s", strings.Join(manual, "; "))
	}
	return nil
}

func fixWebsite(fc *fixCtx) error  { return fixOrigins(fc, true) }
func fixUnsigned(fc *fixCtx) error { return fixOrigins(fc, false) }

// --- the AWS managed key ---

// fixManagedKey gives a bucket encrypted with aws/s3 a customer managed
// key whose policy lets the distributions that read it decrypt, and
// makes it the bucket's default encryption key. Objects already written
// with aws/s3 must be copied in place afterwards (the fix says so).
func fixManagedKey(fc *fixCtx) error {
	var b *model.Bucket
	var ds []*model.Distribution
	for _, p := range fc.paths {
		if p.Bucket != nil {
			b = p.Bucket
			ds = appendDist(ds, p.Distribution)
		}
	}
	if b == nil {
		return errNoEdit("the bucket is not in the input")
	}
	alg := b.Encryption.Algorithm
	if !written(alg) {
		return fmt.Errorf("the default encryption of %s is not written in the input", b.Ref)
	}
	w := fc.writer()
	switch langOf(alg.Src) {
	case langTerraform:
		return w.managedKeyTerraform(b, ds)
	case langCFN:
		return w.managedKeyCFN(b, ds)
	}
	return errNoEdit("the bucket is not read from a file s3front can change")
}

func appendDist(ds []*model.Distribution, d *model.Distribution) []*model.Distribution {
	for _, x := range ds {
		if x == d {
			return ds
		}
	}
	return append(ds, d)
}

func (w *writer) managedKeyTerraform(b *model.Bucket, ds []*model.Distribution) error {
	alg := b.Encryption.Algorithm
	t, err := w.set.tf(alg.Src.File)
	if err != nil {
		return err
	}
	prefix, local := splitAddr(b.Ref)
	_, labels := blockLabels(local)
	if len(labels) != 2 {
		return fmt.Errorf("%s is not a resource address", b.Ref)
	}
	name := labels[1]
	keyRef := prefix + "aws_kms_key." + name
	if !w.set.once("newkey|" + alg.Src.File + "|" + name) {
		return nil
	}
	for _, k := range w.cfg.Keys {
		if k.Ref == keyRef {
			return fmt.Errorf("%s already exists: make it the default key of %s (kms_master_key_id) and grant CloudFront in its policy", keyRef, b.Ref)
		}
	}
	// The statements, in the style of the bucket's policy.
	var arns []string
	for _, d := range ds {
		arns = appendUnique(arns, sim.DistributionARNIn(d, b.Ref))
	}
	grant := sim.OACKeyGrant(ds[0], b.Ref)
	grant.Conds[0].Values = arns
	grant, err = w.tfValues(grant, b.Policy, b.Ref)
	if err != nil {
		return err
	}
	sse := t.blockAtOffsetAny(alg.Src)
	if sse == nil {
		return fmt.Errorf("%s: the encryption setting is not in a block here", alg.Src.Pos)
	}
	acct, err := w.accountRef(t, alg.Src.File, t.topBlockOf(sse))
	if err != nil {
		return err
	}
	root := sim.Statement{Sid: "EnableIAMUserPermissions", Principal: [2]string{"AWS", "arn:aws:iam::${" + acct + "}:root"},
		Actions: []string{"kms:*"}, Resources: []string{"*"}}
	sx := sim.SyntaxOf(b.Ref, b.Policy)
	sse = t.blockAtOffsetAny(alg.Src)
	top := t.topBlockOf(sse)
	var policyExpr string
	var blocks []string
	if sx.Form == model.FormBlocks {
		doc := "data \"aws_iam_policy_document\" \"" + name + "_key\" {\n" + indentAll(sx.Render(root), "  ") + "\n\n" + indentAll(blocksForExpr(sx.Render(grant)), "  ") + "\n}"
		blocks = append(blocks, formatHCL(doc))
		policyExpr = "data.aws_iam_policy_document." + name + "_key.json"
	} else {
		sx.Form = model.FormObject
		policyExpr = "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n" + indentAll(sx.Render(root), "    ") + ",\n" + indentAll(sx.Render(grant), "    ") + "\n  ]\n})"
	}
	key, err := TFBlock("resource", []string{"aws_kms_key", name},
		[2]string{"description", hclQuote("default encryption of " + local + " (CloudFront's origin access control may decrypt)")},
		[2]string{"enable_key_rotation", "true"},
		[2]string{"policy", policyExpr})
	if err != nil {
		return err
	}
	blocks = append(blocks, key)
	if err := t.insertBefore(top, strings.Join(blocks, "\n\n")); err != nil {
		return err
	}
	sse = t.blockAtOffsetAny(alg.Src)
	if sse == nil {
		return fmt.Errorf("%s: the encryption setting moved", alg.Src.Pos)
	}
	return t.setAttr(sse, "kms_master_key_id", "aws_kms_key."+name+".arn")
}

// blockAtOffsetAny returns the innermost block holding the attribute at
// src (a position of the original text).
func (t *tfFile) blockAtOffsetAny(src model.Src) *hclsyntax.Block {
	a := t.attrAt(src.Line, src.Col)
	if a == nil {
		return nil
	}
	off := a.SrcRange.Start.Byte
	var found *hclsyntax.Block
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, bl := range b.Blocks {
			if bl.Range().Start.Byte <= off && off < bl.Range().End.Byte {
				found = bl
				walk(bl.Body)
			}
		}
	}
	walk(t.body)
	return found
}

// topBlockOf returns the top-level block that holds b.
func (t *tfFile) topBlockOf(b *hclsyntax.Block) *hclsyntax.Block {
	return t.blockAtOffset(b.TypeRange.Start.Byte)
}

// accountRef returns the reference to the account ID in the module of
// file (data.aws_caller_identity.NAME.account_id), adding the data
// source before block before (the first block when nil) when there is
// none.
func (w *writer) accountRef(t *tfFile, file string, before *hclsyntax.Block) (string, error) {
	for _, n := range w.moduleFiles(file) {
		mt, err := w.set.tf(n)
		if err != nil {
			continue
		}
		for _, b := range mt.body.Blocks {
			if b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_caller_identity" {
				return "data.aws_caller_identity." + b.Labels[1] + ".account_id", nil
			}
		}
	}
	key := "callerid|" + pathDir(file)
	if w.set.has(key) {
		return "data.aws_caller_identity.current.account_id", nil
	}
	if before == nil {
		for _, b := range t.body.Blocks {
			if b.Type == "resource" || b.Type == "data" {
				before = b
				break
			}
		}
	}
	if before == nil {
		return "", fmt.Errorf("%s: no resource to put the data source before", file)
	}
	if err := t.insertBefore(before, `data "aws_caller_identity" "current" {}`); err != nil {
		return "", err
	}
	w.set.once(key)
	return "data.aws_caller_identity.current.account_id", nil
}

func (w *writer) managedKeyCFN(b *model.Bucket, ds []*model.Distribution) error {
	alg := b.Encryption.Algorithm
	c, err := w.set.cfn(alg.Src.File)
	if err != nil {
		return err
	}
	id := b.Ref + "Key"
	if !w.set.once("newkey|" + alg.Src.File + "|" + id) {
		return nil
	}
	grant := sim.OACKeyGrant(ds[0], id)
	var arns []string
	for _, d := range ds {
		arns = appendUnique(arns, sim.DistributionARNIn(d, id))
	}
	grant.Conds[0].Values = arns
	comment := ""
	for _, d := range ds {
		if d.Src.File == alg.Src.File {
			// The distribution reads the bucket, which will name the key:
			// the key can't name the distribution.
			grant.Conds[0] = sim.Cond{Op: "ArnLike", Key: "AWS:SourceArn", Values: []string{"arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}}
			comment = fmt.Sprintf("any distribution of this account: naming %s would make a dependency cycle (key, distribution, bucket, key)", d.Ref)
		}
	}
	root := CFNMap("Sid", "EnableIAMUserPermissions", "Effect", "Allow",
		"Principal", CFNMap("AWS", CFNSub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")),
		"Action", "kms:*", "Resource", "*")
	body := CFNMap("Type", "AWS::KMS::Key", "Properties", CFNMap(
		"Description", CFNSub("default encryption of "+b.Ref+" (CloudFront's origin access control may decrypt)"),
		"EnableKeyRotation", CFNLit("true"),
		"KeyPolicy", CFNMap("Version", "2012-10-17", "Statement", CFNList(root, cfnStatement(grant, comment)))))
	if err := c.addResource(b.Ref, id, body); err != nil {
		return err
	}
	return c.setSibling(alg.Src.Pos, "KMSMasterKeyID", CFNGetAtt(id+".Arn"))
}
