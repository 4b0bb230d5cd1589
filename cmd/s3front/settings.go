package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/internal/config"
	"github.com/s3front/s3front/internal/rules"
	"github.com/s3front/s3front/report"
)

// settings are check's flags around the run itself: the configuration
// and ignore files, rule selection, display filters, the baseline.
type settings struct {
	configFile string
	noConfig   bool
	ignoreFile string
	skip       []string
	severity   string
	baseline   string
	quiet      bool

	cfg    *config.Config
	ignore *config.Ignore
}

func (s *settings) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&s.configFile, "config", "", "configuration `file` (default: .s3front.yaml found upward from the first PATH)")
	fl.BoolVar(&s.noConfig, "no-config", false, "read no .s3front.yaml and no .s3frontignore")
	fl.StringVar(&s.ignoreFile, "ignore-file", "", "ignore `file` (default: .s3frontignore found upward from the first PATH)")
	fl.StringSliceVar(&s.skip, "skip-rule", nil, "do not run these rule `IDs` (comma-separated or repeated)")
	fl.StringVar(&s.severity, "severity", "", "show only findings at or above this `severity` (error, warning, note); --fail-on still counts all")
	fl.StringVar(&s.baseline, "baseline", "", "report only findings not in this `file` (the --format json output of an earlier run)")
	fl.BoolVarP(&s.quiet, "quiet", "q", false, "print nothing on stdout and no warnings; the exit status and -o files only")
	ids := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, r := range rules.All() {
			out = append(out, cobra.CompletionWithDesc(r.ID, r.Title))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	_ = c.RegisterFlagCompletionFunc("skip-rule", ids)
	_ = c.RegisterFlagCompletionFunc("rule", ids)
	_ = c.RegisterFlagCompletionFunc("severity", cobra.FixedCompletions([]string{"error", "warning", "note"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "note", "never"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("baseline", cobra.FixedCompletions([]string{"json"}, cobra.ShellCompDirectiveFilterFileExt))
}

func (s *settings) warn(e *env, w config.Warning) {
	if !s.quiet {
		fmt.Fprintf(e.stderr, "s3front: warning: %s\n", w)
	}
}

func ruleIDs() []string {
	var out []string
	for _, r := range rules.All() {
		out = append(out, r.ID)
	}
	return out
}

// load finds and reads the configuration and ignore files, then applies
// the configuration to every flag the command line did not set (flags
// win; variables and parameters from both apply, the command line's
// last, so they override).
func (s *settings) load(e *env, cmd *cobra.Command, args []string, in *inputFlags, failOn *string, only *[]string, outs *outputs) error {
	start := "."
	if len(args) > 0 {
		start = args[0]
	}
	ids := ruleIDs()
	if !s.noConfig {
		path := s.configFile
		if path == "" {
			p, err := config.Find(start, config.FileName)
			if err != nil {
				return usageError{err}
			}
			path = p
		}
		if path != "" {
			cfg, warns, err := config.Load(path, ids)
			if err != nil {
				return inputError{err}
			}
			for _, w := range warns {
				s.warn(e, w)
			}
			s.cfg = cfg
		}
		ipath := s.ignoreFile
		if ipath == "" {
			p, err := config.Find(start, config.IgnoreName)
			if err != nil {
				return usageError{err}
			}
			ipath = p
		}
		if ipath != "" {
			ig, warns, err := config.LoadIgnore(ipath, ids)
			if err != nil {
				return inputError{err}
			}
			for _, w := range warns {
				s.warn(e, w)
			}
			s.ignore = ig
		}
	}
	// Rule IDs on the command line must exist.
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	for _, id := range s.skip {
		if !known[id] {
			return usageError{fmt.Errorf("--skip-rule: unknown rule %q (see `s3front explain`)", id)}
		}
	}
	if s.severity != "" {
		if sev, ok := report.ParseSeverity(s.severity); !ok || sev == "" {
			return usageError{fmt.Errorf("--severity must be error, warning or note, not %q", s.severity)}
		}
	}
	c := s.cfg
	if c == nil {
		return s.selectRules(only, nil)
	}
	fl := cmd.Flags()
	if !fl.Changed("fail-on") && c.FailOn != "" {
		*failOn = c.FailOn
	}
	if len(c.Exclude) > 0 {
		wd, err := os.Getwd()
		if err != nil {
			return inputError{err}
		}
		in.exclude = append(c.DiscoveryExcludes(wd), in.exclude...)
	}
	in.varFiles = append(append([]string(nil), c.VarFiles...), in.varFiles...)
	in.vars = append(append([]string(nil), c.Vars...), in.vars...)
	in.paramFiles = append(append([]string(nil), c.ParameterFiles...), in.paramFiles...)
	in.params = append(append([]string(nil), c.Parameters...), in.params...)
	if len(c.Accounts) > 0 {
		// The account IDs feed --account, the option the loaders read.
		if f := fl.Lookup("account"); f != nil {
			if !f.Changed {
				for _, a := range c.Accounts {
					if err := fl.Set("account", a); err != nil {
						return inputError{fmt.Errorf("%s: accounts: %v", c.Path, err)}
					}
				}
			}
		} else {
			s.warn(e, config.Warning{Msg: c.Path + ": accounts: this s3front has no --account option; the account IDs are ignored"})
		}
	}
	if !outs.set {
		for _, o := range c.Outputs {
			if err := (formatValue{outs}).Set(o[0]); err != nil {
				return inputError{fmt.Errorf("%s: format: %v", c.Path, err)}
			}
			if o[1] != "" {
				if err := (fileValue{outs}).Set(o[1]); err != nil {
					return inputError{fmt.Errorf("%s: format: %v", c.Path, err)}
				}
			}
		}
	}
	var enable []string
	if !fl.Changed("rule") {
		enable = c.Enable
	}
	return s.selectRules(only, enable)
}

// selectRules turns --rule (or the configuration's enable list), the
// configuration's disable list and --skip-rule into the rules to run.
func (s *settings) selectRules(only *[]string, enable []string) error {
	if len(enable) > 0 {
		*only = enable
	}
	skip := append([]string(nil), s.skip...)
	if s.cfg != nil {
		skip = append(skip, s.cfg.Disable...)
	}
	if len(skip) == 0 {
		return nil
	}
	drop := map[string]bool{}
	for _, id := range skip {
		drop[id] = true
	}
	base := *only
	if len(base) == 0 {
		base = ruleIDs()
	}
	var keep []string
	for _, id := range base {
		if !drop[id] {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return usageError{fmt.Errorf("every rule is skipped: nothing to check")}
	}
	*only = keep
	return nil
}

// runState is what the settings count over the roots of a run, to say it
// once at the end.
type runState struct {
	excluded, hidden, baselined int
	matched                     []int // per ignore entry
	old                         map[string]bool
}

// start reads the baseline, before any root is checked.
func (s *settings) start() (*runState, error) {
	st := &runState{}
	if s.ignore != nil {
		st.matched = make([]int, len(s.ignore.Entries))
	}
	if s.baseline != "" {
		data, err := os.ReadFile(s.baseline)
		if err != nil {
			return nil, usageError{fmt.Errorf("--baseline: %v", err)}
		}
		var prev report.Report
		if err := json.Unmarshal(data, &prev); err != nil {
			return nil, inputError{fmt.Errorf("%s: not the JSON output of s3front check: %v\nhint: write a baseline with s3front check --format json -o %s", s.baseline, err, s.baseline)}
		}
		st.old = report.BaselineKeys(&prev)
	}
	return st, nil
}

// apply changes one root's report after the check: the configuration's
// severities and excludes, the ignore file's entries, the baseline.
func (s *settings) apply(st *runState, rep *report.Report, now time.Time) {
	if s.cfg != nil {
		st.excluded += s.cfg.Apply(rep)
	}
	if s.ignore != nil {
		s.ignore.Suppress(rep, now, st.matched)
	}
	if st.old != nil {
		st.baselined += rep.DropKnown(st.old)
	}
}

// finish says what apply and display left out, and warns of ignore
// entries that expired or matched no finding of any root.
func (s *settings) finish(e *env, st *runState, now time.Time) {
	if s.quiet {
		return
	}
	if st.excluded > 0 {
		fmt.Fprintf(e.stderr, "s3front: %d %s in excluded files not reported (%s)\n", st.excluded, plural(st.excluded, "finding", "findings"), s.cfg.Path)
	}
	if s.ignore != nil {
		for _, w := range s.ignore.Warnings(st.matched, now) {
			s.warn(e, w)
		}
	}
	if st.baselined > 0 {
		fmt.Fprintf(e.stderr, "s3front: %d %s already in the baseline %s not reported\n", st.baselined, plural(st.baselined, "finding", "findings"), s.baseline)
	}
	if st.hidden > 0 {
		fmt.Fprintf(e.stderr, "s3front: %d %s below --severity %s not shown\n", st.hidden, plural(st.hidden, "finding", "findings"), strings.ToLower(s.severity))
	}
}

// display returns a root's report as shown: with --severity, without the
// findings below it.
func (s *settings) display(st *runState, rep *report.Report) *report.Report {
	if s.severity == "" {
		return rep
	}
	min, _ := report.ParseSeverity(s.severity)
	shown := *rep
	shown.Findings = nil
	for _, f := range rep.Findings {
		if f.Severity.Rank() >= min.Rank() {
			shown.Findings = append(shown.Findings, f)
		} else {
			st.hidden++
		}
	}
	if shown.Findings == nil {
		shown.Findings = []report.Finding{}
	}
	shown.Sort()
	return &shown
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
