package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

func newFixCmd(e *env) *cobra.Command {
	var (
		in       inputFlags
		aw       awsFlags
		write    bool
		apply    bool
		severity string
		only     []string
		format   string
	)
	c := &cobra.Command{
		Use:   "fix [PATH...]",
		Short: "write the fixes of check's findings into the infrastructure code",
		Long: `fix checks the paths as check does and, for each finding whose fix is a
change to the files, prints that change as a unified diff against them (apply
it with git apply, or run again with --write).

Changes are written the way the files are written: a statement block in an
aws_iam_policy_document, an object inside jsonencode, JSON in a heredoc or a
policy file, YAML or JSON as a template is written; comments and formatting
stay, and Terraform files stay as terraform fmt formats them. A finding whose
fix is a migration to origin access control gets its first four steps (create
the OAC, grant it beside the OAI, grant the key, switch the origin): removing
the OAI waits for a deploy; see s3front migrate oai-to-oac.

Findings below --severity (default warning) are not changed: notes are advice.
Nothing outside the repository is written.

With --aws, fix reads the live estate (read-only, as check --aws does) and
prints the AWS CLI commands that fix it, each policy as its whole new JSON
document; nothing is changed unless --apply is given, which makes the same
changes through the AWS API, in an order that keeps every working path
working.

Exit codes: 0 every error has its change, 1 an error finding has no change
s3front can write (its fix is printed instead), 2 usage or input error.`,
		Example: `  s3front fix ./infra                 # print the diff
  s3front fix ./infra | git apply
  s3front fix --write ./infra && s3front check ./infra
  s3front fix --rule oai-sse-kms --write .
  s3front fix --format json template.yaml
  s3front fix --aws                       # the AWS CLI commands
  s3front fix --aws --apply               # make the changes`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sev := report.Warning
			if severity != "" {
				s, ok := report.ParseSeverity(severity)
				if !ok {
					return usageError{fmt.Errorf("--severity must be error, warning or note, not %q", severity)}
				}
				sev = s
			}
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			if err := s3front.ValidateRules(only); err != nil {
				return usageError{err}
			}
			if err := aw.check(cmd, args); err != nil {
				return err
			}
			ctx := cmd.Context()
			if aw.enabled {
				if write {
					return usageError{fmt.Errorf("--write changes files; with --aws, --apply changes the live resources")}
				}
				return fixAWS(ctx, e, &aw, apply, format, s3front.FixOptions{Check: s3front.CheckOptions{Rules: only}, Severity: sev})
			}
			if apply {
				return usageError{fmt.Errorf("--apply changes live resources and needs --aws; for files use --write")}
			}
			if _, err := in.discover(ctx, e, args); err != nil {
				return err
			}
			var (
				unfixed, loadErr bool
				jsonRoots        []fixJSONRoot
			)
			err := s3front.Fix(ctx, args, s3front.FixOptions{Load: in.options(), Check: s3front.CheckOptions{Rules: only}, Severity: sev},
				func(r s3front.FixResult) error {
					if r.Err != nil {
						loadErr = true
						fmt.Fprintf(e.stderr, "s3front: %v\n", r.Err)
						return nil
					}
					var written []string
					if write && len(r.Files) > 0 {
						names, err := s3front.WriteFiles(r.Root, r.Files)
						if err != nil {
							return inputError{err}
						}
						written = names
					}
					for _, f := range r.Findings {
						if f.Finding.Severity == report.Error && len(f.Edits) == 0 && f.Finding.Suppressed == nil {
							unfixed = true
						}
					}
					if format == "json" {
						jsonRoots = append(jsonRoots, fixJSON(r, written))
						return nil
					}
					printFix(e, r, write, written)
					return nil
				})
			if err != nil {
				var ie inputError
				if errors.As(err, &ie) {
					return err
				}
				return usageError{err}
			}
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if jsonRoots == nil {
					jsonRoots = []fixJSONRoot{}
				}
				if err := enc.Encode(map[string]any{"roots": jsonRoots}); err != nil {
					return err
				}
			}
			switch {
			case loadErr:
				return &exitError{code: exitUsage}
			case unfixed:
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	in.register(c)
	aw.register(c)
	c.Flags().BoolVar(&write, "write", false, "write the changes into the files instead of printing them")
	c.Flags().BoolVar(&apply, "apply", false, "with --aws: make the changes through the AWS API instead of printing the commands")
	c.Flags().StringVar(&severity, "severity", "warning", "fix findings at or above this `severity`: error, warning or note")
	c.Flags().StringSliceVar(&only, "rule", nil, "fix only findings of these rule `IDs` (comma-separated or repeated)")
	c.Flags().StringVar(&format, "format", "text", "output `format`: text (a unified diff) or json")
	return c
}

// printFix writes a root's diff (or, with --write, what was written) to
// stdout and the findings left to change by hand to stderr.
func printFix(e *env, r s3front.FixResult, write bool, written []string) {
	if write {
		for _, n := range written {
			fmt.Fprintf(e.stdout, "wrote %s\n", n)
		}
	} else {
		fmt.Fprint(e.stdout, r.Diff())
	}
	for _, f := range r.Findings {
		if len(f.Edits) > 0 || f.Finding.Suppressed != nil || strings.HasPrefix(f.Why, "below the severity") {
			continue
		}
		loc := f.Finding.Location.File
		if f.Finding.Location.Line > 0 {
			loc += fmt.Sprintf(":%d", f.Finding.Location.Line)
		}
		fmt.Fprintf(e.stderr, "s3front: %s: %s %s: no change written: %s\n", loc, f.Finding.Rule, f.Finding.Resource, f.Why)
	}
}

type fixJSONRoot struct {
	Root     string           `json:"root"`
	Files    []fixJSONFile    `json:"files"`
	Findings []fixJSONFinding `json:"findings"`
}

type fixJSONFile struct {
	Name    string `json:"name"`
	Created bool   `json:"created,omitempty"`
	Written bool   `json:"written,omitempty"`
	Diff    string `json:"diff"`
}

type fixJSONFinding struct {
	Rule     string          `json:"rule"`
	Severity report.Severity `json:"severity"`
	Resource string          `json:"resource"`
	Location report.Location `json:"location"`
	Fixed    bool            `json:"fixed"`
	Why      string          `json:"why,omitempty"`
	Edits    []report.Edit   `json:"edits,omitempty"`
}

func fixJSON(r s3front.FixResult, written []string) fixJSONRoot {
	out := fixJSONRoot{Root: r.Root.Path, Files: []fixJSONFile{}, Findings: []fixJSONFinding{}}
	wrote := map[string]bool{}
	for _, n := range written {
		wrote[n] = true
	}
	for _, f := range r.Files {
		one := s3front.FixResult{Files: []s3front.FileChange{f}}
		out.Files = append(out.Files, fixJSONFile{Name: f.Name, Created: f.Created, Written: wrote[f.Name], Diff: one.Diff()})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, fixJSONFinding{Rule: f.Finding.Rule, Severity: f.Finding.Severity, Resource: f.Finding.Resource,
			Location: f.Finding.Location, Fixed: len(f.Edits) > 0, Why: f.Why, Edits: f.Edits})
	}
	return out
}

// fixAWS prints (or, with apply, makes) the changes that fix the live
// estate.
func fixAWS(ctx context.Context, e *env, aw *awsFlags, apply bool, format string, opts s3front.FixOptions) error {
	cfg, res, err := aw.load(ctx, e, false)
	if err != nil {
		return err
	}
	r, err := s3front.FixAWS(ctx, cfg, opts)
	if err != nil {
		return usageError{err}
	}
	unfixed := false
	for _, f := range r.Findings {
		if f.Finding.Severity == report.Error && f.Edits == nil && f.Finding.Suppressed == nil {
			unfixed = true
		}
	}
	if format == "json" {
		type call struct {
			s3front.LiveCall
			Commands []string `json:"commands"`
		}
		var calls []call
		for _, c := range r.Calls {
			calls = append(calls, call{c, c.Commands()})
		}
		var fs []fixJSONFinding
		for _, f := range r.Findings {
			fs = append(fs, fixJSONFinding{Rule: f.Finding.Rule, Severity: f.Finding.Severity, Resource: f.Finding.Resource,
				Location: f.Finding.Location, Fixed: f.Edits != nil, Why: f.Why})
		}
		if calls == nil {
			calls = []call{}
		}
		if fs == nil {
			fs = []fixJSONFinding{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"root": s3front.AWSRoot(res), "calls": calls, "applied": apply, "findings": fs}); err != nil {
			return err
		}
	} else if !apply {
		for i, c := range r.Calls {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			for _, l := range c.Commands() {
				fmt.Fprintln(e.stdout, l)
			}
		}
	}
	for _, f := range r.Findings {
		if f.Edits != nil || f.Finding.Suppressed != nil || strings.HasPrefix(f.Why, "below the severity") {
			continue
		}
		fmt.Fprintf(e.stderr, "s3front: %s: %s %s: no change written: %s\n", f.Finding.Resource, f.Finding.Rule, f.Finding.Resource, f.Why)
	}
	if apply && len(r.Calls) > 0 {
		if err := s3front.ApplyAWS(ctx, aw.options(e), r.Calls, e.stderr); err != nil {
			return inputError{err}
		}
	}
	if unfixed {
		return &exitError{code: exitFindings}
	}
	return nil
}
