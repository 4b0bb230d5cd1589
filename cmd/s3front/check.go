package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

func newCheckCmd(e *env) *cobra.Command {
	var (
		in      inputFlags
		color   colorFlag
		outs    outputs
		failOn  string
		verbose bool
		all     bool
		only    []string
		set     settings
	)
	c := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "simulate every request path and report what breaks",
		Long: `check loads Terraform (a directory, or plan/state JSON), CloudFormation
templates (including CDK output) and snapshots, simulates every request each
distribution serves (viewer GETs of existing and newly uploaded objects,
uploads and deletes, anonymous requests straight to the bucket), and reports
what breaks, now or at the next upload, with the fix.

Inputs are detected by content; a directory may hold several kinds.

Settings come from .s3front.yaml (found upward from the first PATH, up to
the repository root) and accepted findings from .s3frontignore; flags
override the configuration.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or input error.`,
		Example: `  s3front check ./infra
  s3front check --format json --fail-on warning ./infra
  s3front check --format sarif -o s3front.sarif --format text ./infra
  s3front check --format markdown -o comment.md --format html -o report.html .
  s3front check -v template.yaml
  s3front check --var-file prod.tfvars ./infra
  s3front check --skip-rule oai-legacy --severity warning ./infra
  s3front check --format json -o baseline.json . && s3front check --baseline baseline.json .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := set.load(e, cmd, args, &in, &failOn, &only, &outs); err != nil {
				return err
			}
			threshold, ok := report.ParseSeverity(failOn)
			if !ok {
				return usageError{fmt.Errorf("--fail-on must be error, warning, note or never, not %q", failOn)}
			}
			outList, err := outs.resolved()
			if err != nil {
				return usageError{err}
			}
			useColor, err := color.enabled(e)
			if err != nil {
				return err
			}
			cfg, err := in.load(cmd.Context(), args)
			if err != nil {
				return err
			}
			rep, err := s3front.Check(cmd.Context(), cfg, s3front.CheckOptions{Rules: only})
			if err != nil {
				return usageError{err}
			}
			if err := set.apply(e, rep, time.Now()); err != nil {
				return err
			}
			fails := rep.Fails(threshold)
			shown := set.display(e, rep)
			for _, out := range outList {
				if out.file == "" && set.quiet {
					continue
				}
				data, err := render(out.format, shown, report.TextOptions{Color: useColor && out.file == "", Verbose: verbose, All: all})
				if err != nil {
					return err
				}
				if out.file == "" {
					if _, err := e.stdout.Write(data); err != nil {
						return err
					}
					continue
				}
				if err := writeFile(out.file, data); err != nil {
					return err
				}
			}
			if fails {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	in.register(c)
	color.register(c)
	outs.register(c)
	c.Flags().StringVar(&failOn, "fail-on", "error", "exit 1 when a finding is at or above this `severity`: error, warning, note or never")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every path's hop-by-hop trace")
	c.Flags().BoolVar(&all, "all", false, "list paths that work as intended too")
	c.Flags().StringSliceVar(&only, "rule", nil, "run only these rule `IDs` (comma-separated or repeated)")
	set.register(c)
	return c
}
