package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
)

func newMigrateCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate",
		Short: "plan a migration of infrastructure code, step by step",
	}
	c.AddCommand(newMigrateOAICmd(e))
	return c
}

func newMigrateOAICmd(e *env) *cobra.Command {
	var (
		in       inputFlags
		aw       awsFlags
		dists    []string
		write    bool
		verified bool
		format   string
	)
	c := &cobra.Command{
		Use:   "oai-to-oac [PATH | --aws]",
		Short: "move origins from origin access identities to origin access control, without an outage",
		Long: `oai-to-oac plans the move of every origin that reads an S3 bucket through an
origin access identity (OAI) to origin access control (OAC), in the order that
never breaks a request that works:

  1. create the origin access control
  2. grant it in the bucket policy, beside the OAI's grant
  3. grant it the bucket's KMS key
  4. switch each origin to it
  5. verify: the requests to make and what they must return
  6. remove the OAI's grants from the bucket policy
  7. delete the OAI

Each step is a patch of the files (written as they are written) with what to
check before the next; undoing a step restores the state before it. Steps the
files already have are shown as done, so run the command again after each
step. --write applies the next step; past step 5 it needs --verified (the
requests of step 5 returned what they must).

The plan refuses to recommend SSE-KMS for a bucket that a distribution still
reads through an OAI: an OAI can't use a KMS key.

With --aws the plan is for the live estate (read-only): each step is the AWS
CLI commands to run, every policy as its whole new JSON document.`,
		Example: `  s3front migrate oai-to-oac ./infra
  s3front migrate oai-to-oac --write ./infra        # the next step
  s3front migrate oai-to-oac --write --verified .   # after step 5's checks
  s3front migrate oai-to-oac --distribution 'module.web["shop"].aws_cloudfront_distribution.this' .
  s3front migrate oai-to-oac --format json template.yaml
  s3front migrate oai-to-oac --aws`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			ctx := cmd.Context()
			if err := aw.check(cmd, args); err != nil {
				return err
			}
			if aw.enabled {
				if write {
					return usageError{fmt.Errorf("--write changes files; with --aws each step is AWS CLI commands to run")}
				}
				cfg, res, err := aw.load(ctx, e, false)
				if err != nil {
					return err
				}
				plan, err := s3front.PlanMigrationAWS(ctx, cfg, dists)
				if err != nil {
					return inputError{err}
				}
				if format == "json" {
					return writeMigrateJSON(e.stdout, s3front.AWSRoot(res), plan, 0)
				}
				printPlan(e.stdout, s3front.AWSRoot(res), plan, nil, 0)
				return nil
			}
			d, err := in.discover(ctx, e, args)
			if err != nil {
				return err
			}
			if len(d.Roots) != 1 {
				var names []string
				for _, r := range d.Roots {
					names = append(names, r.Path)
				}
				return usageError{fmt.Errorf("%d roots under the path (%s): name one of them", len(names), strings.Join(names, ", "))}
			}
			root := d.Roots[0]
			plan, err := s3front.PlanMigration(ctx, root, s3front.MigrateOptions{Load: in.options(), Distributions: dists})
			if err != nil {
				return inputError{err}
			}
			var applied *s3front.MigrationStep
			appliedN := 0
			if write {
				n, s, err := nextStep(plan, verified)
				if err != nil {
					return usageError{err}
				}
				if s != nil {
					if len(s.Manual) > 0 {
						return inputError{fmt.Errorf("step %d needs changes s3front can't write; make them by hand, then run again:\n  %s", n, strings.Join(s.Manual, "\n  "))}
					}
					if _, err := s3front.WriteFiles(root, s.Files); err != nil {
						return inputError{err}
					}
					applied, appliedN = s, n
				}
			}
			if format == "json" {
				return writeMigrateJSON(e.stdout, root.Path, plan, appliedN)
			}
			printPlan(e.stdout, root.Path, plan, applied, appliedN)
			return nil
		},
	}
	in.register(c)
	aw.register(c)
	c.Flags().StringArrayVar(&dists, "distribution", nil, "plan only for this distribution (`address`, logical ID or ARN; repeatable)")
	c.Flags().BoolVar(&write, "write", false, "apply the next step to the files")
	c.Flags().BoolVar(&verified, "verified", false, "with --write: the requests of the verify step returned what they must; go on past it")
	c.Flags().StringVar(&format, "format", "text", "output `format`: text or json")
	return c
}

// nextStep is the step --write applies (numbered from 1): the first
// pending step with changes; past a pending verify step only when the
// user says it passed.
func nextStep(p *s3front.MigrationPlan, verified bool) (int, *s3front.MigrationStep, error) {
	for i, s := range p.Steps {
		if s.Done {
			continue
		}
		if len(s.Files) == 0 && len(s.Manual) == 0 {
			if len(s.Commands) > 0 && !verified {
				return 0, nil, fmt.Errorf("step %d (%s) comes first: make its requests, and when each returns what it must, run again with --write --verified", i+1, s.Title)
			}
			continue
		}
		return i + 1, s, nil
	}
	return 0, nil, nil
}

func printPlan(w io.Writer, root string, p *s3front.MigrationPlan, applied *s3front.MigrationStep, appliedN int) {
	switch {
	case len(p.Moves) == 0 && len(p.Pending()) == 0:
		fmt.Fprintf(w, "%s: no origin reads S3 through an origin access identity; nothing to migrate\n", root)
	case len(p.Moves) == 0:
		fmt.Fprintf(w, "%s: every origin uses origin access control; what is left of the origin access identities goes\n", root)
	default:
		fmt.Fprintf(w, "%s: %s from an origin access identity to origin access control\n", root, countOf(len(p.Moves), "origin moves", "origins move"))
		for _, m := range p.Moves {
			fmt.Fprintf(w, "  %s origin %s: bucket %s, %s", m.Distribution, m.Origin, m.Bucket, m.OAI)
			if m.Key != "" {
				fmt.Fprintf(w, ", key %s", m.Key)
			}
			fmt.Fprintln(w)
		}
	}
	if applied != nil {
		fmt.Fprintf(w, "\nwrote step %d (%s):", appliedN, applied.Title)
		for _, f := range applied.Files {
			fmt.Fprintf(w, " %s", f.Name)
		}
		fmt.Fprintln(w)
	}
	for i, s := range p.Steps {
		n := i + 1
		fmt.Fprintf(w, "\nStep %d: %s", n, s.Title)
		switch {
		case applied == s:
			fmt.Fprintln(w, " (written now)")
		case s.Done:
			fmt.Fprintln(w, " (done)")
			if strings.HasPrefix(s.Detail, "kept:") {
				fmt.Fprintf(w, "  %s\n", s.Detail)
			}
			continue
		default:
			fmt.Fprintln(w)
		}
		if s.Detail != "" {
			fmt.Fprintf(w, "  %s\n", s.Detail)
		}
		if d := s.Diff(); d != "" && applied != s {
			fmt.Fprintln(w)
			fmt.Fprint(w, indentLines(d, "  "))
		}
		if len(s.Commands) > 0 {
			fmt.Fprintln(w)
			for _, c := range s.Commands {
				fmt.Fprintf(w, "  %s\n", c)
			}
		}
		for _, m := range s.Manual {
			fmt.Fprintf(w, "  by hand: %s\n", strings.ReplaceAll(m, "\n", "\n    "))
		}
		for _, c := range s.Check {
			fmt.Fprintf(w, "  before the next step: %s\n", c)
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range p.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
}

func indentLines(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

func writeMigrateJSON(w io.Writer, root string, p *s3front.MigrationPlan, applied int) error {
	type step struct {
		N        int      `json:"n"`
		Title    string   `json:"title"`
		Detail   string   `json:"detail,omitempty"`
		Done     bool     `json:"done"`
		Written  bool     `json:"written,omitempty"`
		Diff     string   `json:"diff,omitempty"`
		Commands []string `json:"commands,omitempty"`
		Check    []string `json:"check,omitempty"`
		Manual   []string `json:"manual,omitempty"`
	}
	out := struct {
		Root  string         `json:"root"`
		Moves []s3front.Move `json:"moves"`
		Steps []step         `json:"steps"`
		Notes []string       `json:"notes"`
	}{Root: root, Moves: p.Moves, Steps: []step{}, Notes: p.Notes}
	if out.Moves == nil {
		out.Moves = []s3front.Move{}
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	for i, s := range p.Steps {
		out.Steps = append(out.Steps, step{N: i + 1, Title: s.Title, Detail: s.Detail, Done: s.Done, Written: applied == i+1,
			Diff: s.Diff(), Commands: s.Commands, Check: s.Check, Manual: s.Manual})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// countOf writes "1 origin moves" or "2 origins move".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
