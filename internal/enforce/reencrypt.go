package enforce

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// ReencryptS3 is the S3 client re-encryption needs: the engine's calls and
// GetBucketEncryption (the key, when none is given).
type ReencryptS3 interface {
	reencrypt.S3
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// KeyDescriber resolves key IDs and aliases to key ARNs.
type KeyDescriber interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

// ReencryptOptions configure [Reencrypt].
type ReencryptOptions struct {
	reencrypt.Options
	// Key names the key as the user gave it (ARN, key ID, alias name or
	// alias ARN); "" means the bucket's default encryption key.
	Key string
	// Estate is a model of what reads the bucket (a live read, a snapshot,
	// Terraform or CloudFormation), for the interlock; nil means none.
	// EstateComplete says it holds every distribution of the account (a
	// live read): a bucket no origin names is then read by none.
	Estate         *model.Config
	EstateComplete bool
	// EstateFunc, when set, reads the estate once the key is resolved (a
	// live read that must include the key's policy); it sets Estate and
	// EstateComplete.
	EstateFunc func(ctx context.Context, keyARN string) (*model.Config, error) `json:"-"`
	// NoInterlock skips the interlock (the user takes the risk).
	NoInterlock bool
}

// ReencryptReport is what [Reencrypt] did.
type ReencryptReport struct {
	Bucket string `json:"bucket"`
	KeyARN string `json:"key_arn"`
	Apply  bool   `json:"apply"`
	// Interlock is the verdict on the bucket's readers; Note says why
	// there is none, or what was assumed to reach it.
	Interlock *Verdict `json:"interlock,omitempty"`
	Note      string   `json:"interlock_note,omitempty"`
	// Refused is true when the interlock stopped the run.
	Refused bool              `json:"refused"`
	Result  *reencrypt.Result `json:"result,omitempty"`
}

// ErrRefused is returned (with the report) when the interlock refuses.
var ErrRefused = errors.New("refused by the interlock")

// Reencrypt resolves the key, asks the interlock, and runs the engine.
func Reencrypt(ctx context.Context, s3c ReencryptS3, kc KeyDescriber, o ReencryptOptions) (*ReencryptReport, error) {
	rep, err := prepare(ctx, s3c, kc, &o)
	if err != nil {
		return rep, err
	}
	res, err := reencrypt.Run(ctx, s3c, o.Options)
	rep.Result = res
	return rep, err
}

// prepare resolves the key into o.KeyARN and asks the interlock; it
// returns ErrRefused (with the report) when the interlock refuses.
func prepare(ctx context.Context, s3c ReencryptS3, kc KeyDescriber, o *ReencryptOptions) (*ReencryptReport, error) {
	rep := &ReencryptReport{Bucket: o.Bucket, Apply: o.Apply}
	keyRef := o.Key
	if keyRef == "" {
		enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(o.Bucket)})
		if err != nil {
			return nil, fmt.Errorf("bucket %s: s3:GetBucketEncryption: %s\nhint: name the key with --key", o.Bucket, shortErr(err))
		}
		for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil && strings.HasPrefix(string(d.SSEAlgorithm), "aws:kms") {
				keyRef = aws.ToString(d.KMSMasterKeyID)
			}
		}
		if keyRef == "" {
			return nil, fmt.Errorf("bucket %s: its default encryption is not SSE-KMS with a customer managed key\nhint: name the key with --key, and switch the bucket first (s3front enforce encryption)", o.Bucket)
		}
	}
	arn, err := KeyARN(ctx, kc, keyRef)
	if err != nil {
		return nil, err
	}
	rep.KeyARN = arn
	o.KeyARN = arn
	if o.EstateFunc != nil && !o.NoInterlock {
		estate, err := o.EstateFunc(ctx, arn)
		if err != nil {
			return nil, err
		}
		o.Estate, o.EstateComplete = estate, true
	}
	switch {
	case o.NoInterlock:
		rep.Note = "interlock skipped (--no-interlock)"
	case o.Estate == nil:
		rep.Note = "cannot determine who reads the bucket: no estate was given"
		if o.Apply {
			rep.Refused = true
			return rep, fmt.Errorf("%w: %s\nhint: pass --input with the Terraform, CloudFormation or snapshot that holds the bucket's distributions, or --no-interlock to copy at your own risk", ErrRefused, rep.Note)
		}
	default:
		v, note, err := verdictFor(ctx, o.Estate, o.EstateComplete, o.Bucket, arn, o.BucketKey)
		if err != nil {
			return nil, err
		}
		rep.Note = note
		rep.Interlock = v
		if v == nil || v.Status == interlock.Unsafe || v.Status == interlock.Unknown {
			rep.Refused = o.Apply
		}
		if rep.Refused {
			why := note
			if v != nil {
				why = v.Summary()
			}
			return rep, fmt.Errorf("%w: %s", ErrRefused, why)
		}
	}
	return rep, nil
}

// verdictFor asks the interlock about bucket name of estate, with the
// objects under the key.
func verdictFor(ctx context.Context, estate *model.Config, complete bool, name, keyARN string, bucketKey bool) (*Verdict, string, error) {
	return VerdictFor(ctx, estate, complete, name, keyARN, bucketKey, true)
}

// VerdictFor asks the interlock about bucket name of estate under the key
// keyARN (objects: the bucket's objects too, as re-encryption does);
// complete says the estate holds every distribution (a live read), so a
// bucket none reads is safe. The note says what was assumed to match the
// bucket and key to the estate, or why there is no verdict (nil).
func VerdictFor(ctx context.Context, estate *model.Config, complete bool, name, keyARN string, bucketKey, objects bool) (*Verdict, string, error) {
	ix := sim.NewIndex(estate)
	b, found := ix.Bucket(name)
	note := ""
	switch {
	case b == nil && complete:
		return &Verdict{Bucket: name, Resource: name, Safe: true, Status: interlock.Safe, Readers: []string{}, Breaks: []interlock.Break{}, First: []interlock.Step{}},
			"no CloudFront distribution of the account reads the bucket", nil
	case b == nil:
		return nil, fmt.Sprintf("cannot determine who reads the bucket: the estate holds no bucket named %s", name), nil
	case found != ident.True:
		note = fmt.Sprintf("assumed %s is bucket %s (the input does not fix its name)", b.Ref, name)
	}
	t := interlock.TargetFor(estate, keyARN, bucketKey)
	if t.Key == nil {
		if k, f := ix.Key(keyARN); k != nil && f == ident.Unknown {
			t.Key = k
			t.KeyID = keyARN
			note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("assumed %s is key %s (the input does not fix its ARN)", k.Ref, keyARN)
			if k.ARN.Known {
				t.KeyID = k.ARN.V
			}
		}
	}
	t.Objects = objects
	v, err := interlock.Check(ctx, estate, b, t)
	if err != nil {
		return nil, "", err
	}
	return verdictOf(v), note, nil
}

// keyIDPattern matches key IDs: a UUID, or mrk- and 32 hex digits for a
// multi-Region key.
var keyIDPattern = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

// KeyARN resolves a key ID, alias name or alias ARN to the key's ARN.
func KeyARN(ctx context.Context, kc KeyDescriber, ref string) (string, error) {
	if strings.HasPrefix(ref, "arn:") && strings.Contains(ref, ":key/") {
		return ref, nil
	}
	id := ref
	if !awsKeyForm(id) {
		id = "alias/" + id
	}
	out, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("key %s: kms:DescribeKey: %s\nhint: give the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), or an alias that exists in this account and Region", ref, shortErr(err))
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}

func shortErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
