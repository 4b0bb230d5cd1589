package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitError carries an exit code through cobra. A command returns one to
// end with code 1 (findings) without printing an error.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// env is what every command gets instead of global state.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// awsDial, when set (tests only), replaces the dialer of --aws reads.
	awsDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// run builds the command tree and runs it; it never calls os.Exit, so tests
// can run it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(ctx, args, &env{stdin: stdin, stdout: stdout, stderr: stderr})
}

// runEnv is run with a prepared environment.
func runEnv(ctx context.Context, args []string, e *env) int {
	stdin, stdout, stderr := e.stdin, e.stdout, e.stderr
	root := &cobra.Command{
		Use:           "s3front",
		Short:         "check the private S3 + SSE-KMS + CloudFront delivery path",
		Long:          "s3front simulates every request a CloudFront distribution serves from a private S3 bucket\n(viewer → CloudFront → S3 → KMS) and reports what breaks, now or at the next upload.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.Version = versionString()
	root.SetVersionTemplate("s3front {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	for _, add := range commands {
		root.AddCommand(add(e))
	}
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "s3front: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "run 's3front %s --help' for usage\n", commandPath(root, args))
	}
	return exitUsage
}

// usageError marks a command-line mistake.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func commandPath(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == root {
		return ""
	}
	return c.CommandPath()[len(root.Name())+1:]
}
