package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/internal/rules"
)

func newExplainCmd(e *env) *cobra.Command {
	var (
		markdown bool
		write    string
	)
	c := &cobra.Command{
		Use:   "explain [RULE-ID | ERROR-CODE]",
		Short: "explain a rule, or the AWS error code a viewer sees",
		Long: `explain prints what a rule means, why AWS behaves that way and how to fix
it. Given an AWS error code (KMS.UnrecognizedClientException, AccessDenied,
KMS.DisabledException...) it lists the rules that produce it, most specific
first, and explains the first. Without an argument it lists every rule.`,
		Example: `  s3front explain oai-sse-kms
  s3front explain KMS.UnrecognizedClientException
  s3front explain --markdown oai-sse-kms          # the docs/rules page
  s3front explain --markdown --write docs/rules   # regenerate docs/rules (go generate ./internal/rules)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			all := rules.All()
			if write != "" {
				if !markdown || len(args) > 0 {
					return usageError{fmt.Errorf("--write DIR goes with --markdown and no argument: it writes every rule's page")}
				}
				return writePages(write, all)
			}
			if markdown {
				if len(args) == 0 {
					fmt.Fprint(e.stdout, rules.Pages(all)["README.md"])
					return nil
				}
				r := rules.Find(all, strings.ToLower(args[0]))
				if r == nil {
					return usageError{fmt.Errorf("%q is not a rule ID; run 's3front explain' for the list", args[0])}
				}
				fmt.Fprint(e.stdout, rules.Page(r))
				return nil
			}
			if len(args) == 0 {
				for _, r := range all {
					fmt.Fprintf(e.stdout, "%-32s %-8s %s\n", r.ID, r.Severity, r.Title)
				}
				return nil
			}
			arg := args[0]
			if r := rules.Find(all, strings.ToLower(arg)); r != nil {
				writeRule(e, r)
				return nil
			}
			if rs := rules.ForCode(all, arg); len(rs) > 0 {
				fmt.Fprintf(e.stdout, "%s is what viewers see when:\n", arg)
				for _, r := range rs {
					fmt.Fprintf(e.stdout, "  %-32s %s\n", r.ID, r.Title)
				}
				fmt.Fprintln(e.stdout)
				writeRule(e, rs[0])
				return nil
			}
			return usageError{fmt.Errorf("%q is neither a rule ID nor an error code s3front knows; run 's3front explain' for the list", arg)}
		},
	}
	c.Flags().BoolVar(&markdown, "markdown", false, "print the rule's documentation page (docs/rules/<ID>.md); without a rule, the index")
	c.Flags().StringVar(&write, "write", "", "with --markdown: write every page and the index into `DIR`, removing pages of rules that no longer exist")
	return c
}

// writePages regenerates a docs/rules directory.
func writePages(dir string, all []*rules.Rule) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageError{fmt.Errorf("--write %s: not a directory", dir)}
	}
	pages := rules.Pages(all)
	old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range old {
		if _, ok := pages[filepath.Base(f)]; !ok {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, content := range pages {
		if err := writeFile(filepath.Join(dir, name), []byte(content)); err != nil {
			return err
		}
	}
	return nil
}

func writeRule(e *env, r *rules.Rule) {
	fmt.Fprintf(e.stdout, "%s: %s\n", r.ID, r.Title)
	meta := "severity: " + string(r.Severity)
	if len(r.Sections) > 0 {
		meta += " · SEMANTICS §" + strings.Join(r.Sections, ", §")
	}
	if len(r.Codes) > 0 {
		meta += " · error codes: " + strings.Join(r.Codes, ", ")
	}
	fmt.Fprintf(e.stdout, "%s\n\n%s\n", meta, r.Doc)
}
