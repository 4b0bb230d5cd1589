package main

import (
	"bytes"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/model"
)

func newSnapshotCmd(e *env) *cobra.Command {
	var (
		in  inputFlags
		out string
	)
	c := &cobra.Command{
		Use:   "snapshot [PATH...]",
		Short: "write the loaded model as a snapshot (versioned JSON)",
		Long: `snapshot loads the inputs like check does and writes the model s3front
built from them as a versioned JSON document: every resource, setting and
policy with where it came from. 's3front check snapshot.json' reads it back.
Snapshots are how live scans are saved and shared and how bugs are reported;
docs/snapshot.md describes the format.`,
		Example: `  s3front snapshot ./infra -o infra.snapshot.json
  s3front check infra.snapshot.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := in.load(cmd.Context(), e, args)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := model.WriteSnapshot(&buf, cfg); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(buf.Bytes())
				return err
			}
			return os.WriteFile(out, buf.Bytes(), 0o644)
		},
	}
	in.register(c)
	c.Flags().StringVarP(&out, "output", "o", "", "write to `file` instead of standard output")
	return c
}
