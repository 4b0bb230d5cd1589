package rules

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// deployerUploadDenied evaluates the bucket owner's upload of a new object
// as deployments send it, relying on default encryption: without an
// x-amz-server-side-encryption header, which S3 does not fill from the
// default (SEMANTICS §9, CONFIRMED). It returns the Deny keyed on the
// encryption headers that refuses it, when the same upload sending the
// default's own headers is not refused by it: the Deny blocks exactly the
// uploads that default encryption would have encrypted as required.
func deployerUploadDenied(b *model.Bucket) *iam.Statement {
	if !b.Policy.HasDoc() || !b.Name.Known || !b.Encryption.Algorithm.Known || b.Encryption.Algorithm.V == "" {
		return nil
	}
	acct := b.Account.V
	if !b.Account.Known {
		acct = ident.New(ident.Account, b.Ref+" account")
	}
	eval := func(alg, key string) iam.Result {
		ctx := iam.Context{}
		ctx.Set("aws:SecureTransport", "true")
		ctx.Set("aws:PrincipalArn", model.RootARN("aws", acct))
		ctx.Set("aws:PrincipalAccount", acct)
		ctx.Set("aws:PrincipalIsAWSService", "false")
		ctx.Set("aws:ViaAWSService", "false")
		if alg != "" {
			ctx.Set("s3:x-amz-server-side-encryption", alg)
			if key != "" {
				ctx.Set("s3:x-amz-server-side-encryption-aws-kms-key-id", key)
			}
		}
		return iam.Evaluate(&iam.Input{Request: iam.Request{
			Principal: iam.Principal{Type: iam.IAM, ARN: model.RootARN("aws", acct), Account: acct},
			Action:    "s3:PutObject", Resource: model.ObjectARN("aws", b.Name.V, "index.html"),
			ResourceAccount: acct, Context: ctx,
		}, ResourcePolicy: b.Policy.V})
	}
	bare := eval("", "")
	if bare.Decision != iam.ExplicitDeny {
		return nil
	}
	st := encryptionDeny(bare)
	if st == nil {
		return nil
	}
	key := ""
	if b.Encryption.KeyID.Known && !ident.Has(b.Encryption.KeyID.V) {
		key = b.Encryption.KeyID.V
	}
	withHeader := eval(b.Encryption.Algorithm.V, key)
	if withHeader.Decision == iam.ExplicitDeny && encryptionDeny(withHeader) == st {
		return nil // the Deny wants another encryption than the default: it does its job
	}
	return st
}

// encryptionDeny returns the Deny statement keyed on the encryption
// headers among the statements that decided res.
func encryptionDeny(res iam.Result) *iam.Statement {
	for _, r := range res.Reasons {
		if r.Kind != iam.StatementDenies || r.Statement == nil {
			continue
		}
		for _, c := range r.Statement.Conditions {
			if strings.HasPrefix(strings.ToLower(c.Key), "s3:x-amz-server-side-encryption") {
				return r.Statement
			}
		}
	}
	return nil
}

// checkDenyUnencrypted reports, for every bucket (served by a distribution
// or not), a Deny that refuses the deployments relying on default
// encryption; where a viewer upload through CloudFront already reported
// the statement, that finding says so instead.
func checkDenyUnencrypted(p *pass) {
	served := map[*model.Bucket][]*sim.Path{}
	for _, sv := range p.servedBuckets() {
		served[sv.bucket] = sv.paths
	}
	for _, b := range p.cfg.Buckets {
		st := deployerUploadDenied(b)
		if st == nil {
			continue
		}
		at := b.Policy.Src
		if at.Resource == "" {
			at.Resource = b.Ref
		}
		if !st.Pos.IsZero() {
			at.Pos = st.Pos
		}
		deploy := "uploads by the bucket owner's deployments that rely on default encryption (`aws s3 sync` or `aws s3 cp` without --sse, most CI upload steps) will be denied too (403 AccessDenied)"
		if i := p.findingAt(at); i >= 0 {
			p.findings[i].Message += "; " + deploy
			continue
		}
		var paths []string
		for _, path := range served[b] {
			if path.Scenario == sim.ViewerGetNew && path.Uploader == "" {
				paths = append(paths, PathID(path))
			}
		}
		readers := "no distribution in the input reads the bucket"
		if ds := distributionsOf(served[b]); len(ds) > 0 {
			readers = "what " + distList(ds) + " serves comes from those uploads"
		}
		msg := fmt.Sprintf("statement %s of the bucket policy of %s denies s3:PutObject unless the request carries x-amz-server-side-encryption; S3 does not fill that header from the bucket's default encryption (%s), so every upload that relies on default encryption (the bucket owner's deployments with `aws s3 sync` or `aws s3 cp` without --sse, most CI upload steps) will be denied (403 AccessDenied), although default encryption would have encrypted it as the statement requires; %s",
			stmtName(st), b.Ref, render(b.Encryption.Algorithm.V), readers)
		p.report(at, msg, sim.DenyUnencryptedFix(p.res.Index, b, st), []model.Src{srcOr(b.Encryption.Algorithm, resourceSrc(b.Meta))}, dedupe(paths)...)
	}
}

// findingAt returns the index of the pass's finding at src, or -1.
func (p *pass) findingAt(src model.Src) int {
	for i, f := range p.findings {
		if f.Resource == src.Resource && f.Location.File == src.File && f.Location.Line == src.Line && f.Location.Col == src.Col {
			return i
		}
	}
	return -1
}
