package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/awsconfig"
	"github.com/s3front/s3front/internal/configrule"
	"github.com/s3front/s3front/model"
)

func newLambdaCmd(e *env) *cobra.Command {
	var (
		event, key string
		bucketKey  bool
		send       bool
		inputs     []string
		in         inputFlags
		sample     int
	)
	cmd := &cobra.Command{
		Use:   "lambda",
		Short: "run as an AWS Lambda function: AWS Config rule and PutBucketEncryption watcher",
		Long: `lambda runs s3front as an AWS Lambda function (custom runtime: deploy the
binary as bootstrap; deploy/lambda/template.yaml does it with AWS SAM). It
answers two kinds of events:

  - AWS Config custom rule events for S3 buckets: COMPLIANT when the default
    encryption is SSE-KMS under the required key (rule parameter keyArn,
    bucketKey "true" to require a Bucket Key), NON_COMPLIANT otherwise, with
    an annotation that gives the interlock's verdict: whether switching the
    bucket is safe for the CloudFront distributions that read it, and what
    to do first. Evaluations go to Config (PutEvaluations).
  - EventBridge events of PutBucketEncryption calls (from CloudTrail): the
    new encryption is checked against the bucket's readers at once, and a
    change that breaks one is logged at level error.

The interlock reads the account live (read-only, as check --aws does).
Environment: S3FRONT_KEY_ARN (the required key when the rule names none,
and for EventBridge events), S3FRONT_BUCKET_KEY=true, S3FRONT_SAMPLE
(objects sampled per origin bucket, default 0).

Outside Lambda, --event FILE evaluates one event and prints the result;
evaluations are sent to Config only with --send.`,
		Example: `  s3front lambda --event config-event.json --input infra/ --key arn:aws:kms:us-east-1:111122223333:key/...`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if key == "" {
				key = os.Getenv("S3FRONT_KEY_ARN")
			}
			if !cmd.Flags().Changed("bucket-key") && os.Getenv("S3FRONT_BUCKET_KEY") != "" {
				bucketKey = strings.EqualFold(os.Getenv("S3FRONT_BUCKET_KEY"), "true")
			}
			if !cmd.Flags().Changed("sample") {
				fmt.Sscan(os.Getenv("S3FRONT_SAMPLE"), &sample)
			}
			api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
			if event == "" && api == "" {
				return usageError{errors.New("not running in AWS Lambda (AWS_LAMBDA_RUNTIME_API is not set): give --event FILE to evaluate one event")}
			}
			cfg, err := awsconfig.Load(ctx, awsconfig.Options{DialContext: e.awsDial})
			if err != nil {
				return err
			}
			h := &configrule.Handler{KeyARN: key, BucketKey: bucketKey, Log: e.stderr, Buckets: awsconfig.S3(cfg)}
			if event == "" || send {
				h.Config = configservice.NewFromConfig(cfg)
			}
			if len(inputs) > 0 {
				estate, err := in.load(ctx, e, inputs)
				if err != nil {
					return err
				}
				h.Estate = func(context.Context) (*model.Config, error) { return estate, nil }
			} else {
				h.Estate = func(ctx context.Context) (*model.Config, error) {
					o := s3front.AWSOptions{Sample: sample, DialContext: e.awsDial, CallTimeout: 20 * time.Second}
					if sample == 0 {
						o.Sample = -1
					}
					if key != "" {
						o.Keys = []string{key}
					}
					cfg, _, err := s3front.LoadAWS(ctx, o)
					return cfg, err
				}
			}
			invoke := func(ctx context.Context, payload []byte) ([]byte, error) {
				resp, err := h.Invoke(ctx, payload)
				if err != nil {
					return nil, err
				}
				return json.Marshal(resp)
			}
			if event != "" {
				payload, err := os.ReadFile(event)
				if err != nil {
					return usageError{err}
				}
				resp, err := h.Invoke(ctx, payload)
				if err != nil {
					return inputError{fmt.Errorf("%s: %w", event, err)}
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(resp)
			}
			return configrule.Serve(ctx, api, &http.Client{}, invoke)
		},
	}
	f := cmd.Flags()
	f.StringVar(&event, "event", "", "evaluate the event in this JSON `file` and print the result (outside Lambda)")
	f.StringVar(&key, "key", "", "the required KMS key `ARN` (default: $S3FRONT_KEY_ARN; a Config rule's keyArn parameter wins)")
	f.BoolVar(&bucketKey, "bucket-key", false, "require an S3 Bucket Key (default: $S3FRONT_BUCKET_KEY)")
	f.BoolVar(&send, "send", false, "with --event: send the evaluations to AWS Config")
	f.StringArrayVar(&inputs, "input", nil, "with --event: read what serves the buckets from this Terraform, CloudFormation or snapshot `path` instead of the live account")
	f.IntVar(&sample, "sample", 0, "objects to sample per origin bucket in the live read (default: $S3FRONT_SAMPLE, else none)")
	in.register(cmd)
	return cmd
}
