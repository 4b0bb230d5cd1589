package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/internal/rules"
	"github.com/s3front/s3front/report"
)

// formats lists the output formats of check.
var formatNames = []string{"text", "json", "sarif", "markdown", "junit", "html"}

// output is one --format, written to stdout or to the file of the -o
// that follows it.
type output struct {
	format string
	file   string
}

// outputs collects --format and -o in command-line order: each --format
// starts an output, each -o names the file of the latest one (or of the
// default text output when no --format came before it).
type outputs struct {
	list []output
	// set records that --format or -o was given on the command line (a
	// config file's format applies only when neither was).
	set bool
}

type formatValue struct{ o *outputs }

func (v formatValue) String() string {
	if len(v.o.list) == 0 {
		return "text"
	}
	return v.o.list[len(v.o.list)-1].format
}
func (v formatValue) Type() string { return "format" }
func (v formatValue) Set(s string) error {
	f := strings.ToLower(s)
	if f == "md" {
		f = "markdown"
	}
	ok := false
	for _, n := range formatNames {
		ok = ok || n == f
	}
	if !ok {
		return fmt.Errorf("--format must be one of %s, not %q", strings.Join(formatNames, ", "), s)
	}
	v.o.set = true
	// A pending -o given before any --format takes this format.
	if n := len(v.o.list); n == 1 && v.o.list[0].format == "" {
		v.o.list[0].format = f
		return nil
	}
	v.o.list = append(v.o.list, output{format: f})
	return nil
}

type fileValue struct{ o *outputs }

func (v fileValue) String() string { return "" }
func (v fileValue) Type() string   { return "file" }
func (v fileValue) Set(s string) error {
	v.o.set = true
	n := len(v.o.list)
	if n == 0 {
		v.o.list = append(v.o.list, output{file: s})
		return nil
	}
	if v.o.list[n-1].file != "" {
		return fmt.Errorf("-o %s: the --format before it already writes to %s; give a --format before each -o", s, v.o.list[n-1].file)
	}
	v.o.list[n-1].file = s
	return nil
}

func (o *outputs) register(c *cobra.Command) {
	c.Flags().Var(formatValue{o}, "format", "output `format`: "+strings.Join(formatNames, ", ")+" (repeatable, each followed by its own -o)")
	c.Flags().VarP(fileValue{o}, "output", "o", "write the preceding --format to `FILE` instead of stdout")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formatNames, cobra.ShellCompDirectiveNoFileComp))
}

// resolved returns the outputs to write: text on stdout by default; at
// most one of them on stdout.
func (o *outputs) resolved() ([]output, error) {
	list := append([]output(nil), o.list...)
	if len(list) == 0 {
		list = []output{{format: "text"}}
	}
	stdout := 0
	for i := range list {
		if list[i].format == "" {
			list[i].format = "text"
		}
		if list[i].file == "" || list[i].file == "-" {
			list[i].file = ""
			stdout++
		}
	}
	if stdout > 1 {
		return nil, fmt.Errorf("%d formats would be written to stdout; give each but one an -o FILE", stdout)
	}
	// Fail before checking anything when a file cannot be written.
	for _, o := range list {
		if o.file == "" {
			continue
		}
		dir := filepath.Dir(o.file)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("-o %s: no directory %s", o.file, dir)
		}
	}
	return list, nil
}

// ruleInfos is the catalogue for the writers.
func ruleInfos() []report.RuleInfo {
	var out []report.RuleInfo
	for _, r := range rules.All() {
		out = append(out, report.RuleInfo{ID: r.ID, Severity: r.Severity, Title: r.Title, Help: r.Doc, HelpURI: report.DocsURI + r.ID + ".md"})
	}
	return out
}

// render writes one format of the report.
func render(format string, rep *report.Report, text report.TextOptions) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "json":
		err = report.WriteJSON(&b, rep)
	case "sarif":
		err = report.WriteSARIF(&b, rep, report.SARIFOptions{Rules: ruleInfos(), Version: versionString(), Base: repoBase()})
	case "markdown":
		err = report.WriteMarkdown(&b, rep, report.MarkdownOptions{Rules: ruleInfos()})
	case "junit":
		err = report.WriteJUnit(&b, rep)
	case "html":
		err = report.WriteHTML(&b, rep, report.HTMLOptions{Rules: ruleInfos()})
	default:
		err = report.WriteText(&b, rep, text)
	}
	return b.Bytes(), err
}

// writeFile replaces path with data through a temporary file in the same
// directory, so that a failed run never leaves half a report.
func writeFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".s3front-*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// repoBase is the working directory relative to the repository root (the
// nearest parent holding .git), for SARIF URIs; "" when there is none.
func repoBase() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}
