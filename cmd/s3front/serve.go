package main

import (
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/s3front/s3front/internal/emulate"
	"github.com/spf13/cobra"
)

func newServeCmd(e *env) *cobra.Command {
	var (
		addr, state, account string
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
It stops on SIGINT or SIGTERM.`,
		Example: `  s3front serve --addr 127.0.0.1:8080 &
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    aws cloudfront list-distributions --endpoint-url http://127.0.0.1:8080`,
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
			srv, err := emulate.NewServer(emulate.Options{
				Account:     account,
				StatePath:   state,
				DeployDelay: delay,
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
	return cmd
}
