package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/model"
)

func newSnapshotCmd(e *env) *cobra.Command {
	var (
		in      inputFlags
		aw      awsFlags
		out     string
		verbose bool
	)
	c := &cobra.Command{
		Use:   "snapshot [PATH...]",
		Short: "write the loaded model as a snapshot (versioned JSON)",
		Long: `snapshot loads the inputs like check does and writes the model s3front
built from them as a versioned JSON document: every resource, setting and
policy with where it came from. 's3front check snapshot.json' reads it back.
With -o, file positions are written relative to the snapshot's folder (so
findings point at the same files wherever the snapshot is checked from);
on standard output, relative to the working directory.
Snapshots are how live scans are saved and shared and how bugs are reported;
docs/snapshot.md describes the format.`,
		Example: `  s3front snapshot ./infra -o infra.snapshot.json
  s3front check infra.snapshot.json
  s3front snapshot --aws -o estate.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := aw.check(cmd, args); err != nil {
				return err
			}
			var cfg *model.Config
			var err error
			if aw.enabled {
				cfg, _, err = aw.load(cmd.Context(), e, verbose)
			} else {
				cfg, err = in.load(cmd.Context(), e, args)
			}
			if err != nil {
				return err
			}
			if out != "" && out != "-" {
				relativeTo(cfg, filepath.Dir(out))
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
	aw.register(c)
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "with --aws, print the calls made per service")
	c.Flags().StringVarP(&out, "output", "o", "", "write to `file` instead of standard output")
	return c
}

// relativeTo rewrites the file positions of cfg, relative to the working
// directory, to be relative to dir: a snapshot reader joins them to the
// snapshot's own folder.
func relativeTo(cfg *model.Config, dir string) {
	if dir == "." || dir == "" {
		return
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	model.RewriteFiles(cfg, func(f string) string {
		if filepath.IsAbs(f) || strings.HasPrefix(f, "arn:") || strings.Contains(f, "://") {
			return f
		}
		abs, err := filepath.Abs(filepath.FromSlash(f))
		if err != nil {
			return f
		}
		rel, err := filepath.Rel(absDir, abs)
		if err != nil {
			return f
		}
		return filepath.ToSlash(rel)
	})
}
