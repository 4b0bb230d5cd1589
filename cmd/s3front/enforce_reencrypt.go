package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/awsconfig"
	"github.com/s3front/s3front/internal/enforce"
	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/model"
)

// writeOptions are the options of the SDK configuration enforce writes
// with: the identity flags of the live read, the SDK's retries as asked.
func (f *awsFlags) writeOptions(e *env, attempts int) awsconfig.Options {
	return awsconfig.Options{Profile: f.profile, Region: f.region, RoleARN: f.roleARN, ExternalID: f.externalID,
		SessionName: f.sessionName, MaxAttempts: attempts, DialContext: e.awsDial}
}

func newReencryptCmd(e *env) *cobra.Command {
	var (
		o          enforce.ReencryptOptions
		aws        awsFlags
		in         inputFlags
		inputs     []string
		format     string
		checkpoint string
		noCkpt     bool
		noBK       bool
		progress   string
		batch      bool
		bo         enforce.BatchOptions
	)
	cmd := &cobra.Command{
		Use:   "reencrypt --bucket BUCKET [--key ARN|alias] [--apply]",
		Short: "copy the objects of a bucket in place under a KMS key (SSE-KMS)",
		Long: `reencrypt copies every object of a bucket that is not yet SSE-KMS under the
key onto itself, encrypted under it, keeping its metadata, content headers,
tags, storage class, website redirect, Object Lock settings and (where the
bucket has ACLs) its grants. Objects above 5 GiB are copied in parts. In a
versioned bucket each copy is a new version; --delete-old-versions deletes
the version it was made from. A copy that would change nothing is never
sent. Progress is journalled to a checkpoint file: run the same command
again to resume after an interruption.

Without --apply it only lists and counts: how many objects it would copy,
and how many bytes.

Before copying, the interlock replays every request of the distributions
that read the bucket (from --input: Terraform, CloudFormation or a
snapshot) with the objects under the key, and refuses when a reader could
not decrypt them (an origin access identity, a key policy without
CloudFront). --no-interlock skips that check.`,
		Example: `  # what would be copied
  s3front enforce reencrypt --bucket site-assets --key alias/site --input infra/
  # copy, 32 objects at a time, at most 500 requests a second
  s3front enforce reencrypt --bucket site-assets --key alias/site --input infra/ --apply --concurrency 32 --rate 500`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			if o.Bucket == "" {
				return usageError{errors.New("--bucket is required")}
			}
			if o.DeleteOldVersions && !o.Apply {
				fmt.Fprintln(e.stderr, "s3front: note: --delete-old-versions only acts with --apply")
			}
			o.BucketKey = !noBK
			if o.Apply && !noCkpt {
				o.Checkpoint = checkpoint
				if o.Checkpoint == "" {
					o.Checkpoint = "s3front-reencrypt-" + o.Bucket + ".checkpoint"
				}
			}
			switch progress {
			case "auto":
				if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					o.Progress = e.stderr
				}
			case "always":
				o.Progress = e.stderr
			case "never":
			default:
				return usageError{fmt.Errorf("--progress must be auto, always or never, not %q", progress)}
			}
			o.Log = e.stderr
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			switch {
			case len(aws.accounts) > 0:
				return usageError{errors.New("reencrypt works on one bucket of one account: drop --accounts (use --role-arn to act in another account)")}
			case aws.enabled && len(inputs) > 0:
				return usageError{errors.New("--aws and --input both describe what reads the bucket: give one")}
			case aws.enabled:
				o.EstateFunc = func(ctx context.Context, keyARN string) (*model.Config, error) {
					opts := aws.options(e)
					opts.Keys = []string{keyARN}
					cfg, _, err := s3front.LoadAWS(ctx, opts)
					if err != nil {
						return nil, usageError{err}
					}
					return cfg, nil
				}
			case len(inputs) > 0:
				cfg, err := in.load(ctx, e, inputs)
				if err != nil {
					return err
				}
				o.Estate = cfg
			}
			o.Concurrency = aws.concurrency
			cfg, err := awsconfig.Load(ctx, aws.writeOptions(e, 1))
			if err != nil {
				return err
			}
			if batch {
				o.Checkpoint = ""
				rep, err := enforce.ReencryptBatch(ctx, awsconfig.S3(cfg), kms.NewFromConfig(cfg), s3control.NewFromConfig(cfg), sts.NewFromConfig(cfg), o, bo)
				if rep != nil && rep.ReencryptReport != nil {
					if werr := writeBatch(e.stdout, rep, format); werr != nil {
						return werr
					}
				}
				if errors.Is(err, enforce.ErrRefused) {
					fmt.Fprintf(e.stderr, "s3front: %v\n", err)
					return &exitError{code: exitFindings}
				}
				return err
			}
			rep, err := enforce.Reencrypt(ctx, awsconfig.S3(cfg), kms.NewFromConfig(cfg), o)
			if rep != nil {
				if werr := writeReencrypt(e.stdout, rep, format, o.Checkpoint); werr != nil {
					return werr
				}
			}
			switch {
			case errors.Is(err, enforce.ErrRefused):
				fmt.Fprintf(e.stderr, "s3front: %v\n", err)
				return &exitError{code: exitFindings}
			case err != nil && errors.Is(err, context.Canceled) && rep != nil && rep.Result != nil:
				fmt.Fprintf(e.stderr, "s3front: interrupted; run the same command again to resume from %s\n", o.Checkpoint)
				return &exitError{code: exitFindings}
			case err != nil:
				return err
			case rep.Result != nil && rep.Result.Failed > 0:
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Bucket, "bucket", "", "the `bucket` to re-encrypt")
	f.StringVar(&o.Key, "key", "", "the KMS key: `ARN`, key ID or alias (default: the bucket's default encryption key)")
	f.StringVar(&o.Prefix, "prefix", "", "only keys that start with this `prefix`")
	f.BoolVar(&o.Apply, "apply", false, "copy (default: dry run, count only)")
	f.BoolVar(&o.DeleteOldVersions, "delete-old-versions", false, "in a versioned bucket, delete the version each copy was made from")
	f.BoolVar(&noBK, "no-bucket-key", false, "copy without an S3 Bucket Key (default: with one)")
	f.Float64Var(&o.Rate, "rate", 0, "at most this many requests a `second` (0: no limit)")
	f.IntVar(&o.Retries, "retries", 10, "retries of a failed call, with exponential backoff")
	f.Int64Var(&o.MultipartThreshold, "multipart-threshold", reencrypt.MaxCopySize, "copy objects larger than this many `bytes` in parts (at most 5 GiB)")
	f.Int64Var(&o.PartSize, "part-size", 512<<20, "part size in `bytes` for multipart copies")
	f.StringVar(&checkpoint, "checkpoint", "", "journal `file` to resume from (default: s3front-reencrypt-BUCKET.checkpoint)")
	f.BoolVar(&noCkpt, "no-checkpoint", false, "keep no checkpoint")
	f.StringArrayVar(&inputs, "input", nil, "Terraform, CloudFormation or snapshot `path` holding what reads the bucket, for the interlock (repeatable; or --aws to read it live)")
	f.BoolVar(&o.NoInterlock, "no-interlock", false, "copy without asking the interlock (at your own risk)")
	f.StringVar(&format, "format", "text", "output format: text or json")
	f.StringVar(&progress, "progress", "auto", "progress bar on stderr: auto (on a terminal), always or never")
	f.BoolVar(&batch, "batch", false, "create S3 Batch Operations copy jobs instead of copying in process")
	f.StringVar(&bo.RoleARN, "batch-role", "", "with --batch: the IAM role `ARN` the jobs run as")
	f.StringVar(&bo.WorkBucket, "work-bucket", "", "with --batch: the `bucket` for manifests and completion reports")
	f.StringVar(&bo.Inventory, "inventory", "", "with --batch: build the manifest from this S3 Inventory report (`s3://.../manifest.json`) instead of a listing")
	f.StringVar(&bo.Account, "batch-account", "", "with --batch: the account `ID` that runs the jobs (default: the caller's)")
	aws.register(cmd)
	in.register(cmd)
	return cmd
}

func writeBatch(w io.Writer, rep *enforce.BatchReport, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	mode := "dry run"
	if rep.Apply {
		mode = "apply"
	}
	fmt.Fprintf(w, "bucket %s, key %s (S3 Batch Operations, %s)\n", rep.Bucket, rep.KeyARN, mode)
	writeInterlock(w, rep.Interlock, rep.Note)
	for _, j := range rep.Jobs {
		id := "would create"
		if j.JobID != "" {
			id = "job " + j.JobID
		}
		fmt.Fprintf(w, "  %s: %d objects (%s) of storage class %s, manifest %s\n", id, j.Objects, reencrypt.Bytes(j.Bytes), j.StorageClass, j.Manifest)
	}
	if len(rep.Jobs) == 0 {
		fmt.Fprintln(w, "  no objects to copy")
	}
	var whys []string
	for why := range rep.Excluded {
		whys = append(whys, why)
	}
	sort.Strings(whys)
	for _, why := range whys {
		fmt.Fprintf(w, "  left out: %d %s\n", rep.Excluded[why], why)
	}
	if !rep.Apply && len(rep.Jobs) > 0 {
		fmt.Fprintln(w, "run again with --apply --batch-role ARN to upload the manifests and create the jobs (the role's policies: --format json)")
	}
	return nil
}

func writeReencrypt(w io.Writer, rep *enforce.ReencryptReport, format, checkpoint string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	mode := "dry run"
	if rep.Apply {
		mode = "apply"
	}
	fmt.Fprintf(w, "bucket %s, key %s (%s)\n", rep.Bucket, rep.KeyARN, mode)
	writeInterlock(w, rep.Interlock, rep.Note)
	r := rep.Result
	if r == nil {
		return nil
	}
	fmt.Fprintf(w, "objects: %d", r.Objects())
	if r.Resumed {
		fmt.Fprintf(w, " (%d done by the earlier run)", r.Carried)
	}
	fmt.Fprintf(w, " · under the key already %d", r.UnderKey)
	if rep.Apply {
		fmt.Fprintf(w, " · copied %d (%s)", r.Copied, reencrypt.Bytes(r.Bytes))
	} else {
		fmt.Fprintf(w, " · would copy %d (%s)", r.Would, reencrypt.Bytes(r.Bytes))
	}
	fmt.Fprintf(w, " · skipped %d · failed %d\n", r.Skipped, r.Failed)
	fmt.Fprintf(w, "bucket: versioning %s, ACLs %s\n", orText(r.Versioning, "never enabled"), map[bool]string{true: "enabled (grants kept)", false: "disabled"}[r.ACLs])
	if r.Multipart+r.VersionsDeleted+r.Retries > 0 {
		fmt.Fprintf(w, "multipart copies %d · old versions deleted %d · retries %d (throttled %d) · rechecked %d\n", r.Multipart, r.VersionsDeleted, r.Retries, r.Throttled, r.Rechecked)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s %s: %s\n", p.Result, p.Key, p.Reason)
	}
	if !rep.Apply && r.Would > 0 {
		fmt.Fprintln(w, "run again with --apply to copy them")
	}
	if rep.Apply && checkpoint != "" {
		fmt.Fprintf(w, "checkpoint: %s\n", filepath.Clean(checkpoint))
	}
	return nil
}

func writeInterlock(w io.Writer, v *enforce.Verdict, note string) {
	if v == nil {
		fmt.Fprintf(w, "interlock: %s\n", note)
		return
	}
	readers := strings.Join(v.Readers, ", ")
	if readers == "" {
		readers = "no distribution"
	}
	fmt.Fprintf(w, "interlock: %s (read by %s)\n", v.Status, readers)
	if note != "" {
		fmt.Fprintf(w, "  note: %s\n", note)
	}
	for _, b := range v.Breaks {
		fmt.Fprintf(w, "  would break: %s %s %s → %d %s at %s (%s)\n", b.Distribution, b.Scenario, b.Path, b.Status, b.ErrorCode, b.When, b.Rule)
	}
	for i, s := range v.First {
		fmt.Fprintf(w, "  first %d: %s: %s\n", i+1, s.Resource, s.Do)
	}
	for _, m := range v.Missing {
		fmt.Fprintf(w, "  cannot determine: %s\n", m)
	}
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
