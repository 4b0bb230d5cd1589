package main

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/model"
)

// inputFlags are the flags every command that reads infrastructure takes.
type inputFlags struct {
	vars, varFiles     []string
	params, paramFiles []string
	noEnv              bool
	mods               moduleFlags
}

func (f *inputFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVar(&f.vars, "var", nil, "Terraform variable `name=value` (repeatable)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variables `file` (.tfvars or .tfvars.json, repeatable)")
	fl.StringArrayVar(&f.params, "parameter", nil, "CloudFormation parameter `Key=Value` (repeatable)")
	fl.StringArrayVar(&f.paramFiles, "parameter-file", nil, "CloudFormation parameters `file` (CLI JSON format, repeatable)")
	fl.BoolVar(&f.noEnv, "no-env", false, "ignore TF_VAR_* environment variables")
	f.mods.register(c)
}

func (f *inputFlags) options() s3front.LoadOptions {
	o := s3front.LoadOptions{Vars: f.vars, VarFiles: f.varFiles, Parameters: f.params, ParameterFiles: f.paramFiles}
	o.Modules = f.mods.modules()
	if !f.noEnv {
		o.Env = os.Environ()
	}
	return o
}

// load reads the inputs; a missing or unreadable input is a usage error
// (exit 2), and so is invalid infrastructure code.
func (f *inputFlags) load(ctx context.Context, paths []string) (*model.Config, error) {
	cfg, err := s3front.Load(ctx, paths, f.options())
	if err != nil {
		if errors.Is(err, s3front.ErrNoInput) {
			return nil, usageError{err}
		}
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
