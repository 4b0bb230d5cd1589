package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/s3front/s3front/internal/s3test"
)

// TestEnforceScript runs testdata/enforce: the enforce commands against
// moto behind s3test's fault proxy ($ENDPOINT). Scripts set up AWS
// resources with mkkey, mkbucket and putobj, and use distinct bucket
// names (one moto serves them all).
func TestEnforceScript(t *testing.T) {
	srv := s3test.Start(t)
	cfg := s3test.Config(t, srv.Moto)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
	kmsc := kms.NewFromConfig(cfg)
	ctx := context.Background()
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/enforce",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			env.Setenv("ENDPOINT", srv.URL)
			for k, v := range map[string]string{
				"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
				"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
			// mkkey NAME creates a KMS key with alias/NAME and sets
			// $NAME_ARN to its ARN.
			"mkkey": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: mkkey NAME")
				}
				out, err := kmsc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(args[0])})
				ts.Check(err)
				_, err = kmsc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/" + args[0]), TargetKeyId: out.KeyMetadata.KeyId})
				ts.Check(err)
				ts.Setenv(strings.ToUpper(args[0])+"_ARN", aws.ToString(out.KeyMetadata.Arn))
			},
			// mkbucket NAME [versioned] creates a bucket.
			"mkbucket": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 1 {
					ts.Fatalf("usage: mkbucket NAME [versioned]")
				}
				_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(args[0])})
				ts.Check(err)
				if len(args) > 1 && args[1] == "versioned" {
					_, err = s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(args[0]),
						VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
					ts.Check(err)
				}
				_, err = s3c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(args[0]),
					OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
				ts.Check(err)
			},
			// putobj BUCKET KEY SIZE [KEY_ARN] uploads SIZE bytes, SSE-S3
			// or under KEY_ARN.
			"putobj": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 3 {
					ts.Fatalf("usage: putobj BUCKET KEY SIZE [KEY_ARN]")
				}
				var n int
				for _, c := range args[2] {
					n = n*10 + int(c-'0')
				}
				in := &s3.PutObjectInput{Bucket: aws.String(args[0]), Key: aws.String(args[1]), Body: bytes.NewReader(bytes.Repeat([]byte("x"), n)),
					ContentType: aws.String("text/html"), ServerSideEncryption: types.ServerSideEncryptionAes256}
				if len(args) > 3 {
					in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String(args[3])
				}
				_, err := s3c.PutObject(ctx, in)
				ts.Check(err)
			},
		},
	})
}

// exitsCmd is `exits CODE PROG ARGS...`: run PROG, require exit status CODE.
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
