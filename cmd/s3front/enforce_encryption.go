package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/awsconfig"
	"github.com/s3front/s3front/internal/enforce"
	"github.com/s3front/s3front/model"
)

func newEncryptionCmd(e *env) *cobra.Command {
	var (
		o       enforce.EncryptionOptions
		aws     awsFlags
		in      inputFlags
		format  string
		mapping string
		noBK    bool
	)
	cmd := &cobra.Command{
		Use:   "encryption --key ARN|alias [--aws | PATH...] [--apply [--fix-first]]",
		Short: "switch buckets to SSE-KMS under a key where it breaks no distribution",
		Long: `encryption lists the buckets whose default encryption is not SSE-KMS under the
key (or the key a --mapping file gives the bucket) and says for each whether
switching is safe: every request of every CloudFront distribution that reads
the bucket is replayed with the bucket under the key; a path that would
break is named (distribution, path, rule), with what to do first.

On a live account (--aws), --apply switches the safe buckets
(PutBucketEncryption, with an S3 Bucket Key unless --no-bucket-key), and
--fix-first also carries out the first steps of the unsafe ones in order
(migrate an origin access identity to origin access control, grant the
distribution kms:Decrypt in the key policy, replace a deny-unencrypted
statement), re-reading and re-simulating after each, and switches them once
safe. Steps it does not carry out are named.

On Terraform or CloudFormation (PATH), it prints the patch that switches the
safe buckets (a unified diff); --apply writes it.

--format json prints {"buckets": [{"bucket", "compliant", "safe", "breaks",
"first", ...}]}. Exit 1 while a bucket is not compliant.`,
		Example: `  s3front enforce encryption --key alias/org-s3 --aws
  s3front enforce encryption --key alias/org-s3 --aws --apply --fix-first
  s3front enforce encryption --key aws_kms_key.web infra/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			if aws.enabled && len(args) > 0 {
				return usageError{errors.New("--aws reads the live account and takes no PATH")}
			}
			if !aws.enabled && len(args) == 0 {
				return usageError{errors.New("give --aws for the live account, or the PATH of a Terraform configuration or CloudFormation template")}
			}
			if o.Apply && len(aws.accounts) > 0 {
				return usageError{errors.New("--apply changes one account at a time: drop --accounts (use --role-arn to act in another account)")}
			}
			if o.FixFirst && !o.Apply {
				return usageError{errors.New("--fix-first changes the account: it needs --apply")}
			}
			if o.FixFirst && !aws.enabled {
				return usageError{errors.New("--fix-first works on a live account (--aws); for files, the first steps are printed")}
			}
			if mapping != "" {
				m, err := readMapping(mapping)
				if err != nil {
					return usageError{err}
				}
				o.Keys = m
			}
			if o.Key == "" && len(o.Keys) == 0 {
				return usageError{errors.New("--key is required (or --mapping)")}
			}
			o.BucketKey = !noBK
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			var plan *enforce.Plan
			if aws.enabled {
				cfg, err := awsconfig.Load(ctx, aws.writeOptions(e, 0))
				if err != nil {
					return err
				}
				api := enforce.LiveAPI{
					S3: awsconfig.S3(cfg), KMS: kms.NewFromConfig(cfg), CloudFront: cloudfront.NewFromConfig(cfg),
					Estate: func(ctx context.Context, keys []string) (*model.Config, error) {
						opts := aws.options(e)
						opts.Keys = keys
						opts.Progress = nil
						cfg, _, err := s3front.LoadAWS(ctx, opts)
						return cfg, err
					},
				}
				plan, err = enforce.EncryptionLive(ctx, api, kms.NewFromConfig(cfg), o)
				if err != nil {
					if plan != nil {
						_ = writePlan(e.stdout, plan, format)
					}
					return err
				}
			} else {
				cfg, err := in.load(ctx, e, args)
				if err != nil {
					return err
				}
				var files map[string][]byte
				plan, files, err = enforce.EncryptionStatic(ctx, cfg, o, os.ReadFile)
				if err != nil {
					return err
				}
				if o.Apply {
					for f, b := range files {
						st, err := os.Stat(f)
						if err != nil {
							return err
						}
						if err := os.WriteFile(f, b, st.Mode().Perm()); err != nil {
							return err
						}
					}
				}
			}
			if err := writePlan(e.stdout, plan, format); err != nil {
				return err
			}
			if !plan.Settled() && !(len(args) > 0 && o.Apply && allPatched(plan)) {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Key, "key", "", "the required KMS key: `ARN`, key ID or alias (or, for files, the key's resource address or logical ID)")
	f.StringVar(&mapping, "mapping", "", "YAML or JSON `file` mapping bucket names to their own key")
	f.StringArrayVar(&o.Buckets, "bucket", nil, "only this `bucket` (repeatable)")
	f.BoolVar(&o.Apply, "apply", false, "switch the safe buckets (live), or write the patch (files)")
	f.BoolVar(&o.FixFirst, "fix-first", false, "with --apply on --aws: also carry out the first steps of unsafe buckets, re-simulating after each")
	f.BoolVar(&noBK, "no-bucket-key", false, "do not require or enable an S3 Bucket Key")
	f.StringVar(&format, "format", "text", "output format: text or json")
	aws.register(cmd)
	in.register(cmd)
	return cmd
}

func allPatched(p *enforce.Plan) bool {
	for _, b := range p.Buckets {
		if !b.Compliant && b.Patch == "" {
			return false
		}
	}
	return true
}

func readMapping(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: want a map of bucket names to keys: %v", path, err)
	}
	return m, nil
}

func writePlan(w io.Writer, p *enforce.Plan, format string) error {
	if format == "json" {
		if p.Buckets == nil {
			p.Buckets = []*enforce.BucketPlan{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BUCKET\tCOMPLIANT\tSAFE\tBREAKS\tFIRST")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, b := range p.Buckets {
		var breaks, first []string
		for _, br := range b.Breaks {
			s := fmt.Sprintf("%s %s (%s)", br.Distribution, br.Scenario, br.Rule)
			if !containsStr(breaks, s) {
				breaks = append(breaks, s)
			}
		}
		for _, st := range b.First {
			first = append(first, st.Do)
		}
		safe := yes[b.Safe]
		if len(b.Missing) > 0 {
			safe = "unknown"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Bucket, yes[b.Compliant], safe, orDash(strings.Join(breaks, "; ")), orDash(strings.Join(first, "; then ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, b := range p.Buckets {
		for _, a := range b.Applied {
			fmt.Fprintf(w, "%s: %s\n", b.Bucket, a)
		}
		for _, m := range b.Missing {
			fmt.Fprintf(w, "%s: cannot determine: %s\n", b.Bucket, m)
		}
		if b.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", b.Bucket, b.Note)
		}
	}
	for _, b := range p.Buckets {
		if b.Patch != "" {
			fmt.Fprint(w, "\n"+b.Patch)
		}
	}
	return nil
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
