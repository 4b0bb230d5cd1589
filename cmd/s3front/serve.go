package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/internal/emulate"
	"github.com/spf13/cobra"
)

func newServeCmd(e *env) *cobra.Command {
	var (
		addr, state, account string
		storage, idFile      string
		idFlags              []string
		delay                time.Duration
		verbose              bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run a local CloudFront API emulator (for tests and the AWS CLI)",
		Long: `serve answers the CloudFront API (REST-XML, version 2020-05-31) on a local
address, so that the aws CLI (--endpoint-url) and the AWS SDKs can create, read,
update and delete distributions, origin access controls and identities, cache,
origin request and response headers policies and invalidations without AWS.
AWS-managed cache and origin request policies are preloaded. The state lives in
memory, or in --state FILE (read at start, rewritten atomically on each change).
It stops on SIGINT or SIGTERM.

With --storage URL (a running moto_server) it is also a local edge on the same
address: S3, KMS and STS calls are decided the way AWS decides them (bucket and
key policies, Block Public Access, Object Ownership and ACLs, SSE-KMS with a key
the reader cannot use) with s3front's own policy evaluator and forwarded to the
storage when allowed; and each distribution serves GET and HEAD on its domain
name (send it as the Host header) or under /_edge/ID/, through the same
decisions, with S3's XML errors (KMS.UnrecognizedClientException for an origin
access identity reading an SSE-KMS object, 403 AccessDenied for a key policy
that does not let CloudFront decrypt), custom error responses and a cache that
invalidations empty. Errors carry x-s3front-reason and x-s3front-rule headers.
Signatures are not verified: the access key ID names the caller (--identity);
any other key is the account's root user, an unsigned request is anonymous.`,
		Example: `  s3front serve --addr 127.0.0.1:8080 &
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    aws cloudfront list-distributions --endpoint-url http://127.0.0.1:8080

  moto_server -p 5000 &
  s3front serve --addr 127.0.0.1:4566 --storage http://127.0.0.1:5000 \
    --identity ci=arn:aws:iam::222222222222:role/ci &
  export AWS_ENDPOINT_URL=http://127.0.0.1:4566
  aws s3 mb s3://site && aws s3 cp index.html s3://site/
  curl -H 'Host: dXXXXXXXXXXXXX.cloudfront.net' http://127.0.0.1:4566/index.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usageError{fmt.Errorf("--addr %q: want HOST:PORT, such as 127.0.0.1:8080", addr)}
			}
			if ip := net.ParseIP(host); host != "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				fmt.Fprintf(e.stderr, "s3front: warning: serving on %s, which is not a loopback address: anyone who can reach it can change the emulator's state\n", host)
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			ids, err := edgeIdentities(idFlags, idFile)
			if err != nil {
				return err
			}
			if len(ids) > 0 && storage == "" {
				return usageError{fmt.Errorf("--identity and --identities need --storage: identities sign requests to the local edge")}
			}
			srv, err := emulate.NewServer(emulate.Options{
				Account:     account,
				StatePath:   state,
				DeployDelay: delay,
				Storage:     storage,
				Identities:  ids,
				Log:         slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})),
			})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			run, err := srv.Start(ctx, addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "s3front serve: CloudFront API for account %s on %s\n", srv.Account(), run.URL)
			if storage != "" {
				fmt.Fprintf(e.stdout, "s3front serve: local edge (S3, KMS, STS, data plane) on %s in front of %s\n", run.URL, storage)
			}
			if err := run.Wait(); err != nil {
				return err
			}
			fmt.Fprintln(e.stderr, "s3front serve: stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	f.StringVar(&state, "state", "", "keep the state in this JSON file (default: in memory)")
	f.StringVar(&account, "account", emulate.DefaultAccount, "12-digit account ID used in ARNs")
	f.DurationVar(&delay, "deploy-delay", 0, "keep changed distributions InProgress this long (e.g. 2s)")
	f.BoolVarP(&verbose, "verbose", "v", false, "log every request on stderr")
	f.StringVar(&storage, "storage", "", "URL of a moto_server to front as the local edge (S3, KMS, STS and the data plane)")
	f.StringArrayVar(&idFlags, "identity", nil, "`KEY=ARN`: requests signed with access key KEY come from ARN, with an allow-all identity policy (repeatable)")
	f.StringVar(&idFile, "identities", "", "JSON `file` of identities: [{\"access_key_id\", \"arn\", \"policies\": [policy, ...]}]")
	return cmd
}

// edgeIdentities reads --identity KEY=ARN flags (an allow-all identity
// policy each) and an --identities file.
func edgeIdentities(flags []string, file string) ([]emulate.Identity, error) {
	var out []emulate.Identity
	for _, f := range flags {
		key, arn, ok := strings.Cut(f, "=")
		if !ok || key == "" || arn == "" {
			return nil, usageError{fmt.Errorf("--identity %q: want KEY=ARN, such as ci=arn:aws:iam::222222222222:role/ci", f)}
		}
		all, err := iam.Parse("--identity "+key, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.Identity)
		if err != nil {
			return nil, err
		}
		out = append(out, emulate.Identity{AccessKeyID: key, ARN: arn, Policies: []*iam.Policy{all}})
	}
	if file == "" {
		return out, nil
	}
	data, err := readSmallFile(file, 1<<20)
	if err != nil {
		return nil, usageError{fmt.Errorf("--identities: %v", err)}
	}
	var raw []struct {
		AccessKeyID string            `json:"access_key_id"`
		ARN         string            `json:"arn"`
		Policies    []json.RawMessage `json:"policies"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, usageError{fmt.Errorf("%s: %v\nhint: write [{\"access_key_id\": \"ci\", \"arn\": \"arn:aws:iam::222222222222:role/ci\", \"policies\": [{...}]}]", file, err)}
	}
	for i, r := range raw {
		id := emulate.Identity{AccessKeyID: r.AccessKeyID, ARN: r.ARN}
		for j, p := range r.Policies {
			pol, err := iam.Parse(fmt.Sprintf("%s#/%d/policies/%d", file, i, j), p, iam.Identity)
			if err != nil {
				return nil, usageError{err}
			}
			id.Policies = append(id.Policies, pol)
		}
		out = append(out, id)
	}
	return out, nil
}

// readSmallFile reads a regular file of at most limit bytes.
func readSmallFile(name string, limit int64) ([]byte, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return os.ReadFile(name)
}
