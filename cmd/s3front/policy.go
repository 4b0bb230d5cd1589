package main

import "github.com/spf13/cobra"

// newPolicyCmd is the `policy` command group (simulate). Scaffolding: the
// IAM engine work fills it in.
func newPolicyCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "policy", Short: "work with IAM policy documents"}
}
