package main

import "github.com/spf13/cobra"

// newPolicyCmd is the `policy` command group.
func newPolicyCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "policy",
		Short: "work with IAM policy documents",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(newPolicySimulateCmd(e))
	return c
}
