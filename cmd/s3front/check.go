package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

// parseFailOn reads --fail-on: a severity (or never), unknown, or a
// severity and unknown separated by a comma. unknown alone fails on
// errors too.
func parseFailOn(s string) (report.Severity, bool, error) {
	threshold, unknown, sevGiven := report.Error, false, false
	bad := usageError{fmt.Errorf("--fail-on must be error, warning, note, never or unknown (or a severity and unknown: warning,unknown), not %q", s)}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "unknown" {
			if unknown {
				return "", false, bad
			}
			unknown = true
			continue
		}
		sev, ok := report.ParseSeverity(p)
		if !ok || sevGiven {
			return "", false, bad
		}
		threshold, sevGiven = sev, true
	}
	return threshold, unknown, nil
}

func newCheckCmd(e *env) *cobra.Command {
	var (
		in      inputFlags
		aw      awsFlags
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

A path may be a file, a root module or any directory of a repository: it is
searched recursively for Terraform root modules (directories of .tf files no
other configuration calls as a local module), CloudFormation templates, CDK
output, plan or state JSON and snapshots, detected by content. Each root is
loaded and simulated on its own, as if checked alone, and the output names it
(root). Local modules resolve relative to the calling module, bounded by the
repository (the enclosing git work tree; --repo-root moves the bound).

What could not be evaluated (a module not read, a root that failed to load)
is listed as incomplete; --fail-on unknown makes that, or any path left
unknown, exit 1.

Settings come from .s3front.yaml (found upward from the first PATH, up to
the repository root) and accepted findings from .s3frontignore; flags
override the configuration.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (or
an incomplete run under --fail-on unknown), 2 usage or input error (also when
a root failed to load: the other roots are still checked and printed).`,
		Example: `  s3front check ./infra
  s3front check .                                  # every root of the repository
  s3front check --fail-on unknown envs/prod
  s3front check --format json --fail-on warning ./infra
  s3front check --format sarif -o s3front.sarif --format text ./infra
  s3front check --format markdown -o comment.md --format html -o report.html .
  s3front check -v template.yaml
  s3front check --var-file prod.tfvars ./infra
  s3front check --skip-rule oai-legacy --severity warning ./infra
  s3front check --format json -o baseline.json . && s3front check --baseline baseline.json .
  s3front check --aws --profile prod
  s3front check --aws --accounts org --role-name s3front-read`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := set.load(e, cmd, args, &in, &failOn, &only, &outs); err != nil {
				return err
			}
			threshold, failUnknown, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			outList, err := outs.resolved()
			if err != nil {
				return usageError{err}
			}
			useColor, err := color.enabled(e)
			if err != nil {
				return err
			}
			if err := s3front.ValidateRules(only); err != nil {
				return usageError{err}
			}
			ctx := cmd.Context()
			run, err := set.start()
			if err != nil {
				return err
			}
			if err := aw.check(cmd, args); err != nil {
				return err
			}
			var d *s3front.Discovery
			roots := 1
			if !aw.enabled {
				if d, err = in.discover(ctx, e, args); err != nil {
					return err
				}
				roots = len(d.Roots)
			}
			text := report.TextOptions{Verbose: verbose, All: all}
			var sinks []sink
			defer func() {
				for _, s := range sinks {
					s.abort()
				}
			}()
			for _, out := range outList {
				if out.file == "" && set.quiet {
					continue
				}
				t := text
				t.Color = useColor && out.file == ""
				s, err := newSink(e, out, t, roots)
				if err != nil {
					return err
				}
				sinks = append(sinks, s)
			}
			var (
				total          report.Summary
				fails, loadErr bool
				now            = time.Now()
			)
			emit := func(r s3front.RootResult) error {
				if r.Err != nil {
					loadErr = true
					fmt.Fprintf(e.stderr, "s3front: %v\n", r.Err)
				}
				for _, w := range r.Report.Warnings {
					fmt.Fprintf(e.stderr, "s3front: warning: %s\n", w)
				}
				set.apply(run, r.Report, now)
				total.Add(r.Report.Summary)
				fails = fails || r.Report.Fails(threshold)
				r.Report = set.display(run, r.Report)
				for _, s := range sinks {
					if err := s.add(r); err != nil {
						return err
					}
				}
				return nil
			}
			if aw.enabled {
				// The live estate is one root, aws:ACCOUNT.
				r, err := aw.result(ctx, e, verbose, s3front.CheckOptions{Rules: only})
				if err != nil {
					return err
				}
				err = emit(r)
			} else {
				var warns loadWarnings
				load := in.options()
				load.Warn = warns.add
				edits := false
				for _, o := range outList {
					edits = edits || o.format == "sarif"
				}
				err = s3front.Run(ctx, args, s3front.RunOptions{Load: load, Check: s3front.CheckOptions{Rules: only}, Discovery: d, Edits: edits}, emit)
				warns.print(e.stderr, terraformRoots(d))
			}
			if err != nil {
				return err
			}
			set.finish(e, run, now)
			for _, s := range sinks {
				if err := s.close(total); err != nil {
					return err
				}
			}
			sinks = nil
			switch {
			case loadErr:
				return &exitError{code: exitUsage}
			case fails, failUnknown && !total.IsComplete():
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	in.register(c)
	aw.register(c)
	color.register(c)
	outs.register(c)
	c.Flags().StringVar(&failOn, "fail-on", "error", "exit 1 when a finding is at or above this `severity`: error, warning, note or never; unknown also fails an incomplete run or a path left unknown (combine: warning,unknown)")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every path's hop-by-hop trace")
	c.Flags().BoolVar(&all, "all", false, "list paths that work as intended too")
	c.Flags().StringSliceVar(&only, "rule", nil, "run only these rule `IDs` (comma-separated or repeated)")
	set.register(c)
	return c
}
