package main

import "github.com/spf13/cobra"

// commands lists the subcommands. Each lives in its own file.
var commands = []func(*env) *cobra.Command{
	newCheckCmd,
	newTraceCmd,
	newExplainCmd,
	newSnapshotCmd,
	newPolicyCmd,
	newServeCmd,
	newDeployCmd,
	newVerifyCmd,
	newFixCmd,
	newMigrateCmd,
	newEnforceCmd,
	newLambdaCmd,
	newVersionCmd,
}
