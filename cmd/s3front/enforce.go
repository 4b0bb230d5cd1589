package main

import (
	"github.com/spf13/cobra"
)

func newEnforceCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enforce",
		Short: "switch buckets to SSE-KMS and re-encrypt objects, without breaking delivery",
		Long: `enforce changes a live account towards SSE-KMS under your key, behind an
interlock: before anything is changed, every request of every CloudFront
distribution that reads the bucket is replayed with the bucket (and its
objects) under the key, and a change that would break one is refused, with
the distribution, the path and what to do first. Every subcommand is a dry
run unless --apply is given.`,
	}
	cmd.AddCommand(newEncryptionCmd(e))
	cmd.AddCommand(newReencryptCmd(e))
	return cmd
}
