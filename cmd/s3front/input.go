package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/model"
)

// inputFlags are the flags every command that reads infrastructure takes.
type inputFlags struct {
	vars, varFiles     []string
	params, paramFiles []string
	accounts           []string
	noEnv              bool
	mods               moduleFlags
	exclude, roots     []string
	repoRoot           string
}

func (f *inputFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVar(&f.vars, "var", nil, "Terraform variable `name=value` (repeatable)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variables `file` (.tfvars or .tfvars.json, repeatable)")
	fl.StringArrayVar(&f.params, "parameter", nil, "CloudFormation parameter `Key=Value` (repeatable)")
	fl.StringArrayVar(&f.paramFiles, "parameter-file", nil, "CloudFormation parameters `file` (CLI JSON format, repeatable)")
	fl.StringArrayVar(&f.accounts, "account", nil, "AWS account `ID` the Terraform providers (and CloudFormation's AWS::AccountId) deploy to, or alias=ID for one provider alias (repeatable)")
	fl.BoolVar(&f.noEnv, "no-env", false, "ignore TF_VAR_* environment variables")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "do not search files or directories matching this gitignore-style `glob` (repeatable)")
	fl.StringArrayVar(&f.roots, "root", nil, "check `DIR` as a Terraform root module even if another configuration calls it as a module (repeatable)")
	fl.StringVar(&f.repoRoot, "repo-root", "", "the `directory` that bounds what is read (default: the enclosing git work tree, else the file system's root)")
	f.mods.register(c)
}

func (f *inputFlags) options() s3front.LoadOptions {
	o := s3front.LoadOptions{Vars: f.vars, VarFiles: f.varFiles, Parameters: f.params, ParameterFiles: f.paramFiles, Accounts: f.accounts,
		Exclude: f.exclude, Roots: f.roots, RepoRoot: f.repoRoot}
	o.Modules = f.mods.modules()
	if !f.noEnv {
		o.Env = os.Environ()
	}
	return o
}

// discover finds the roots under paths and prints the files it skipped
// as warnings; nothing to check, or a path that does not exist, is a
// usage error (exit 2).
func (f *inputFlags) discover(ctx context.Context, e *env, paths []string) (*s3front.Discovery, error) {
	d, err := s3front.Discover(ctx, paths, f.options())
	if err != nil {
		return nil, usageError{err}
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(e.stderr, "s3front: warning: %s\n", w)
	}
	return d, nil
}

// load reads the one root under paths (trace and snapshot work on one
// model); several roots, or invalid infrastructure code, is an error
// (exit 2).
func (f *inputFlags) load(ctx context.Context, e *env, paths []string) (*model.Config, error) {
	d, err := f.discover(ctx, e, paths)
	if err != nil {
		return nil, err
	}
	if len(d.Roots) != 1 {
		var names []string
		for _, r := range d.Roots {
			names = append(names, r.Path)
		}
		return nil, usageError{fmt.Errorf("%d roots to read (%s): name one of them", len(names), strings.Join(names, ", "))}
	}
	var warns loadWarnings
	opts := f.options()
	opts.Warn = warns.add
	cfg, err := s3front.LoadRoot(ctx, d.Roots[0], opts)
	warns.print(e.stderr, terraformRoots(d))
	if err != nil {
		return nil, inputError{err}
	}
	return cfg, nil
}

// inputError marks bad input (exit 2, positioned message).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// colorFlag decides whether output is coloured.
type colorFlag struct{ mode string }

func (c *colorFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.mode, "color", "auto", "colour output: auto, always or never")
}

func (c *colorFlag) enabled(e *env) (bool, error) {
	switch c.mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
			return false, nil
		}
		if f, ok := e.stdout.(*os.File); ok {
			return term.IsTerminal(int(f.Fd())), nil
		}
		return false, nil
	}
	return false, usageError{errors.New("--color must be auto, always or never")}
}
