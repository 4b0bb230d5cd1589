// Package awsapply makes the changes `s3front fix --aws --apply` writes to
// a live AWS estate: whole bucket and key policies, origin access
// controls, origin switches, ownership and Block Public Access settings.
// It is the only part of s3front that writes to AWS, and runs only when
// the user asks (--apply); everything else about live resources is read.
package awsapply

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/edit"
)

// Apply makes calls in order with the SDK configuration cfg, writing one
// line per call to log. It stops at the first call that fails: the calls
// are ordered so that every prefix leaves the estate working.
func Apply(ctx context.Context, cfg aws.Config, calls []edit.LiveCall, log io.Writer) error {
	cf := cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.Region = "us-east-1" })
	oacs := map[string]string{} // name → ID
	for i, c := range calls {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		switch c.Op {
		case "PutBucketPolicy":
			_, err = s3.NewFromConfig(cfg, inRegion(c.Region)).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(c.Bucket), Policy: aws.String(c.Document)})
		case "PutKeyPolicy":
			_, err = kms.NewFromConfig(cfg, func(o *kms.Options) {
				if c.Region != "" {
					o.Region = c.Region
				}
			}).PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(c.KeyID), PolicyName: aws.String("default"), Policy: aws.String(c.Document)})
		case "CreateOriginAccessControl":
			var id string
			id, err = createOAC(ctx, cf, c.OAC)
			oacs[c.OAC] = id
		case "SwitchOrigin":
			id := c.OACID
			if id == "" {
				if id = oacs[c.OAC]; id == "" {
					id, err = findOAC(ctx, cf, c.OAC)
				}
			}
			if err == nil {
				err = switchOrigin(ctx, cf, c.Distribution, c.Origin, id)
			}
		case "DeleteOriginAccessIdentity":
			err = deleteOAI(ctx, cf, c.OAI)
		case "PutBucketOwnershipControls":
			_, err = s3.NewFromConfig(cfg, inRegion(c.Region)).PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{
				Bucket: aws.String(c.Bucket),
				OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{
					{ObjectOwnership: s3types.ObjectOwnership(c.Ownership)}}},
			})
		case "PutPublicAccessBlock":
			_, err = s3.NewFromConfig(cfg, inRegion(c.Region)).PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
				Bucket: aws.String(c.Bucket),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
					BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)},
			})
		default:
			err = fmt.Errorf("unknown change %q", c.Op)
		}
		if err != nil {
			return fmt.Errorf("change %d of %d (%s): %w", i+1, len(calls), describe(c), err)
		}
		fmt.Fprintf(log, "applied: %s\n", describe(c))
	}
	return nil
}

func inRegion(region string) func(*s3.Options) {
	return func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

// describe names a call for the log and errors.
func describe(c edit.LiveCall) string {
	switch c.Op {
	case "PutBucketPolicy", "PutBucketOwnershipControls", "PutPublicAccessBlock":
		return c.Op + " " + c.Bucket
	case "PutKeyPolicy":
		return c.Op + " " + c.KeyID
	case "CreateOriginAccessControl":
		return c.Op + " " + c.OAC
	case "SwitchOrigin":
		return "UpdateDistribution " + c.Distribution + " (origin " + c.Origin + " to origin access control)"
	case "DeleteOriginAccessIdentity":
		return "DeleteCloudFrontOriginAccessIdentity " + c.OAI
	}
	return c.Op
}

// createOAC creates the origin access control named name, or finds it
// when an earlier run created it.
func createOAC(ctx context.Context, cf *cloudfront.Client, name string) (string, error) {
	if id, err := findOAC(ctx, cf, name); err == nil {
		return id, nil
	}
	out, err := cf.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
			Name:                          aws.String(name),
			Description:                   aws.String("created by s3front fix"),
			OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
			SigningBehavior:               cftypes.OriginAccessControlSigningBehaviorsAlways,
			SigningProtocol:               cftypes.OriginAccessControlSigningProtocolsSigv4,
		},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.OriginAccessControl.Id), nil
}

func findOAC(ctx context.Context, cf *cloudfront.Client, name string) (string, error) {
	var marker *string
	for {
		out, err := cf.ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{Marker: marker})
		if err != nil {
			return "", err
		}
		l := out.OriginAccessControlList
		if l == nil {
			break
		}
		for _, it := range l.Items {
			if aws.ToString(it.Name) == name {
				return aws.ToString(it.Id), nil
			}
		}
		if !aws.ToBool(l.IsTruncated) || l.NextMarker == nil {
			break
		}
		marker = l.NextMarker
	}
	return "", fmt.Errorf("no origin access control named %s", name)
}

// switchOrigin attaches the origin access control oac to origin of
// distribution id and clears its origin access identity.
func switchOrigin(ctx context.Context, cf *cloudfront.Client, id, origin, oac string) error {
	got, err := cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
	if err != nil {
		return err
	}
	dc := got.DistributionConfig
	found := false
	if dc.Origins != nil {
		for i := range dc.Origins.Items {
			o := &dc.Origins.Items[i]
			if aws.ToString(o.Id) != origin {
				continue
			}
			found = true
			o.OriginAccessControlId = aws.String(oac)
			if o.S3OriginConfig == nil {
				o.S3OriginConfig = &cftypes.S3OriginConfig{}
			}
			o.S3OriginConfig.OriginAccessIdentity = aws.String("")
		}
	}
	if !found {
		return fmt.Errorf("distribution %s has no origin %s", id, origin)
	}
	_, err = cf.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: got.ETag, DistributionConfig: dc})
	return err
}

func deleteOAI(ctx context.Context, cf *cloudfront.Client, id string) error {
	got, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(id)})
	if err != nil {
		return err
	}
	_, err = cf.DeleteCloudFrontOriginAccessIdentity(ctx, &cloudfront.DeleteCloudFrontOriginAccessIdentityInput{Id: aws.String(id), IfMatch: got.ETag})
	return err
}
