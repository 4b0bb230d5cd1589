package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// KeyPolicyAPI reads and writes key policies.
type KeyPolicyAPI interface {
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	PutKeyPolicy(context.Context, *kms.PutKeyPolicyInput, ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error)
}

// DistributionAPI migrates distributions to origin access control.
type DistributionAPI interface {
	CreateOriginAccessControl(context.Context, *cloudfront.CreateOriginAccessControlInput, ...func(*cloudfront.Options)) (*cloudfront.CreateOriginAccessControlOutput, error)
	GetDistributionConfig(context.Context, *cloudfront.GetDistributionConfigInput, ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	UpdateDistribution(context.Context, *cloudfront.UpdateDistributionInput, ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error)
}

// errManual marks a step s3front does not carry out itself.
var errManual = errors.New("needs a person")

// fixThenSwitch applies the bucket's first step, re-reads the account,
// re-simulates, and goes on until the switch is safe (then switches) or
// a step needs a person.
func fixThenSwitch(ctx context.Context, api LiveAPI, bp *BucketPlan, o EncryptionOptions) error {
	limit := o.MaxSteps
	if limit <= 0 {
		limit = 6
	}
	for i := 0; ; i++ {
		switch {
		case bp.Status == interlock.Compliant:
			return nil
		case bp.Status == interlock.Safe:
			return putEncryption(ctx, api.S3, bp, o.BucketKey)
		case bp.Status == interlock.Unknown:
			bp.Note = "stopped: cannot determine whether the switch is safe: " + strings.Join(bp.Missing, "; ")
			return nil
		case len(bp.First) == 0:
			bp.Note = "stopped: unsafe, and no step to take is known"
			return nil
		case i >= limit:
			bp.Note = fmt.Sprintf("stopped after %d steps: still unsafe", limit)
			return nil
		}
		st := bp.First[0]
		estate, err := api.Estate(ctx, []string{bp.KeyARN})
		if err != nil {
			return err
		}
		did, err := applyStep(ctx, api, estate, bp, st)
		if errors.Is(err, errManual) {
			bp.Note = "stopped: the next step needs a person: " + st.Do + " (" + st.Resource + "):\n" + st.Fix
			return nil
		}
		if err != nil {
			return err
		}
		bp.Applied = append(bp.Applied, did...)
		estate, err = api.Estate(ctx, []string{bp.KeyARN})
		if err != nil {
			return err
		}
		nb, err := planBucket(ctx, api.S3, estate, bp.Bucket, bp.KeyARN, o.BucketKey)
		if err != nil {
			return err
		}
		nb.Applied = bp.Applied
		*bp = *nb
	}
}

// applyStep carries out one step; it returns what it changed.
func applyStep(ctx context.Context, api LiveAPI, estate *model.Config, bp *BucketPlan, st interlock.Step) ([]string, error) {
	var dists []*model.Distribution
	for _, d := range estate.Distributions {
		if contains(st.For, d.Ref) && d.ID.Known && d.ARN.Known {
			dists = append(dists, d)
		}
	}
	switch st.Rule {
	case "oai-sse-kms":
		var did []string
		for _, d := range dists {
			out, err := migrateToOAC(ctx, api, d, bp)
			if err != nil {
				return did, err
			}
			did = append(did, out...)
		}
		return did, nil
	case "oac-key-policy-missing":
		var arns []string
		for _, d := range dists {
			arns = append(arns, d.ARN.V)
		}
		if err := grantKey(ctx, api.KMS, bp.KeyARN, arns); err != nil {
			return nil, err
		}
		return []string{fmt.Sprintf("key policy of %s: kms:Decrypt for cloudfront.amazonaws.com from %s", bp.KeyARN, strings.Join(arns, ", "))}, nil
	case "deny-unencrypted-blocks-upload":
		n, err := replaceDenyUnencrypted(ctx, api.S3, bp)
		if err != nil {
			return nil, err
		}
		return []string{fmt.Sprintf("bucket policy of %s: %d deny-unencrypted statement(s) replaced by the SSE-KMS statements with Null guards", bp.Bucket, n)}, nil
	}
	return nil, errManual
}

// migrateToOAC gives distribution d an origin access control for the
// bucket's origins, in AWS's order: create the OAC, let it read in the
// bucket policy (the OAI statement stays until the distribution is
// deployed), then switch the origins.
func migrateToOAC(ctx context.Context, api LiveAPI, d *model.Distribution, bp *BucketPlan) ([]string, error) {
	name := "s3front-" + d.ID.V + "-" + bp.Bucket
	if len(name) > 64 {
		name = name[:64]
	}
	oac, err := api.CloudFront.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
		Name: aws.String(name), Description: aws.String("s3front enforce encryption: " + bp.Bucket),
		OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
		SigningBehavior:               cftypes.OriginAccessControlSigningBehaviorsAlways,
		SigningProtocol:               cftypes.OriginAccessControlSigningProtocolsSigv4,
	}})
	if err != nil {
		return nil, fmt.Errorf("cloudfront:CreateOriginAccessControl for %s: %s", d.ID.V, shortErr(err))
	}
	oacID := aws.ToString(oac.OriginAccessControl.Id)
	did := []string{"created origin access control " + oacID + " (" + name + ")"}
	if err := allowOAC(ctx, api.S3, bp, d.ARN.V); err != nil {
		return did, err
	}
	did = append(did, fmt.Sprintf("bucket policy of %s: s3:GetObject for cloudfront.amazonaws.com from %s", bp.Bucket, d.ARN.V))
	cfg, err := api.CloudFront.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID.V)})
	if err != nil {
		return did, fmt.Errorf("cloudfront:GetDistributionConfig %s: %s", d.ID.V, shortErr(err))
	}
	dc := cfg.DistributionConfig
	var switched []string
	if dc.Origins != nil {
		for i := range dc.Origins.Items {
			o := &dc.Origins.Items[i]
			if model.ParseEndpoint(aws.ToString(o.DomainName)).Bucket != bp.Bucket {
				continue
			}
			o.OriginAccessControlId = aws.String(oacID)
			if o.S3OriginConfig != nil {
				o.S3OriginConfig.OriginAccessIdentity = aws.String("")
			} else if o.CustomOriginConfig == nil {
				o.S3OriginConfig = &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}
			}
			switched = append(switched, aws.ToString(o.Id))
		}
	}
	if len(switched) == 0 {
		return did, fmt.Errorf("distribution %s has no origin for bucket %s", d.ID.V, bp.Bucket)
	}
	if _, err := api.CloudFront.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID.V), IfMatch: cfg.ETag, DistributionConfig: dc}); err != nil {
		return did, fmt.Errorf("cloudfront:UpdateDistribution %s: %s", d.ID.V, shortErr(err))
	}
	return append(did, fmt.Sprintf("distribution %s: origin %s on origin access control %s instead of its origin access identity (delete the OAI statement and the OAI once it is deployed)", d.ID.V, strings.Join(switched, ", "), oacID)), nil
}

// policyDoc is a policy as generic JSON, Statement always a list.
type policyDoc map[string]any

func parseDoc(s string) (policyDoc, error) {
	doc := policyDoc{}
	if strings.TrimSpace(s) == "" {
		return policyDoc{"Version": "2012-10-17", "Statement": []any{}}, nil
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, err
	}
	switch st := doc["Statement"].(type) {
	case []any:
	case nil:
		doc["Statement"] = []any{}
	default:
		doc["Statement"] = []any{st}
	}
	return doc, nil
}

func (d policyDoc) statements() []any { return d["Statement"].([]any) }

func (d policyDoc) String() string {
	b, _ := json.MarshalIndent(d, "", "  ")
	return string(b)
}

func allowOAC(ctx context.Context, s3c BucketsAPI, bp *BucketPlan, distARN string) error {
	doc, err := bucketPolicy(ctx, s3c, bp)
	if err != nil {
		return err
	}
	doc["Statement"] = append(doc.statements(), map[string]any{
		"Sid": "AllowCloudFrontServicePrincipal" + sidSuffix(distARN), "Effect": "Allow",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
		"Resource":  "arn:" + partitionOf(distARN) + ":s3:::" + bp.Bucket + "/*",
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": distARN}},
	})
	return putBucketPolicy(ctx, s3c, bp, doc)
}

func bucketPolicy(ctx context.Context, s3c BucketsAPI, bp *BucketPlan) (policyDoc, error) {
	out, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bp.Bucket)}, inRegion(bp.Region))
	var ae smithy.APIError
	text := ""
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucketPolicy":
	case err != nil:
		return nil, fmt.Errorf("bucket %s: s3:GetBucketPolicy: %s", bp.Bucket, shortErr(err))
	default:
		text = aws.ToString(out.Policy)
	}
	doc, err := parseDoc(text)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: its policy is not JSON: %v", bp.Bucket, err)
	}
	return doc, nil
}

func putBucketPolicy(ctx context.Context, s3c BucketsAPI, bp *BucketPlan, doc policyDoc) error {
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bp.Bucket), Policy: aws.String(doc.String())}, inRegion(bp.Region)); err != nil {
		return fmt.Errorf("bucket %s: s3:PutBucketPolicy: %s", bp.Bucket, shortErr(err))
	}
	return nil
}

func grantKey(ctx context.Context, kc KeyPolicyAPI, keyARN string, distARNs []string) error {
	out, err := kc.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")})
	if err != nil {
		return fmt.Errorf("key %s: kms:GetKeyPolicy: %s", keyARN, shortErr(err))
	}
	doc, err := parseDoc(aws.ToString(out.Policy))
	if err != nil {
		return fmt.Errorf("key %s: its policy is not JSON: %v", keyARN, err)
	}
	var src any = distARNs[0]
	if len(distARNs) > 1 {
		src = distARNs
	}
	doc["Statement"] = append(doc.statements(), map[string]any{
		"Sid": "AllowCloudFrontServicePrincipalSSE-KMS" + sidSuffix(distARNs[0]), "Effect": "Allow",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": src}},
	})
	if _, err := kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(doc.String())}); err != nil {
		return fmt.Errorf("key %s: kms:PutKeyPolicy: %s", keyARN, shortErr(err))
	}
	return nil
}

// replaceDenyUnencrypted swaps each Deny on s3:PutObject keyed on a
// missing encryption header for the statements that enforce the key with
// Null guards.
func replaceDenyUnencrypted(ctx context.Context, s3c BucketsAPI, bp *BucketPlan) (int, error) {
	doc, err := bucketPolicy(ctx, s3c, bp)
	if err != nil {
		return 0, err
	}
	b := &model.Bucket{Meta: model.Meta{Ref: "arn:aws:s3:::" + bp.Bucket}, Name: model.Known(bp.Bucket, model.Src{})}
	var repl []any
	if err := json.Unmarshal([]byte("["+sim.RequireKMSStatements(b, bp.KeyARN, "")+"]"), &repl); err != nil {
		return 0, err
	}
	var out []any
	n := 0
	for _, s := range doc.statements() {
		if isDenyUnencrypted(s) {
			if n == 0 {
				out = append(out, repl...)
			}
			n++
			continue
		}
		out = append(out, s)
	}
	if n == 0 {
		return 0, errManual
	}
	doc["Statement"] = out
	return n, putBucketPolicy(ctx, s3c, bp, doc)
}

func isDenyUnencrypted(s any) bool {
	m, ok := s.(map[string]any)
	if !ok || m["Effect"] != "Deny" {
		return false
	}
	cond, _ := m["Condition"].(map[string]any)
	for op, kv := range cond {
		if op == "Null" {
			continue // already guarded
		}
		keys, _ := kv.(map[string]any)
		for k := range keys {
			if strings.HasPrefix(strings.ToLower(k), "s3:x-amz-server-side-encryption") {
				_, guarded := cond["Null"]
				return !guarded
			}
		}
	}
	return false
}

func sidSuffix(arn string) string {
	id := arn[strings.LastIndex(arn, "/")+1:]
	var b strings.Builder
	for _, r := range id {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
