package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/model"
)

// awsFlags are the flags of a live read (--aws).
type awsFlags struct {
	enabled     bool
	profile     string
	region      string
	regions     []string
	roleARN     string
	externalID  string
	sessionName string
	accounts    []string
	roleName    string
	sample      int
	listPages   int
	concurrency int
	timeout     time.Duration
}

func (f *awsFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.BoolVar(&f.enabled, "aws", false, "read the live AWS estate (read-only) instead of files")
	fl.StringVar(&f.profile, "profile", "", "shared config `profile` for --aws (default: the standard credential chain)")
	fl.StringVar(&f.region, "region", "", "home `Region` for global calls (default: the profile's, else us-east-1)")
	fl.StringSliceVar(&f.regions, "regions", nil, "read only origin buckets in these `Regions` (comma-separated)")
	fl.StringVar(&f.roleARN, "role-arn", "", "`ARN` of a role to assume before reading")
	fl.StringVar(&f.externalID, "external-id", "", "external `ID` for --role-arn")
	fl.StringVar(&f.sessionName, "session-name", "", "role session `name` (default s3front)")
	fl.StringSliceVar(&f.accounts, "accounts", nil, "accounts to read: `IDs` (comma-separated) or org (every active account of the organization); needs --role-name")
	fl.StringVar(&f.roleName, "role-name", "", "`role` to assume in each account of --accounts")
	fl.IntVar(&f.sample, "sample", 20, "newest objects to read per origin bucket (HEAD and ACL); 0 for none")
	fl.IntVar(&f.listPages, "list-pages", 10, "listing pages (1,000 keys each) read per bucket to find the newest objects")
	fl.IntVar(&f.concurrency, "concurrency", 16, "calls in flight at once")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout of each AWS call, retries included")
}

// check reports flags given without --aws, and paths given with it.
func (f *awsFlags) check(c *cobra.Command, args []string) error {
	if f.enabled {
		if len(args) > 0 {
			return usageError{fmt.Errorf("--aws reads the live estate and takes no PATH (got %s)", strings.Join(args, " "))}
		}
		if f.sample < 0 {
			return usageError{errors.New("--sample must be 0 or more")}
		}
		return nil
	}
	for _, name := range []string{"profile", "region", "regions", "role-arn", "external-id", "session-name", "accounts", "role-name", "sample", "list-pages", "concurrency", "timeout"} {
		if c.Flags().Changed(name) {
			return usageError{fmt.Errorf("--%s needs --aws", name)}
		}
	}
	return nil
}

func (f *awsFlags) options(e *env) s3front.AWSOptions {
	o := s3front.AWSOptions{
		Profile: f.profile, Region: f.region, Regions: f.regions,
		RoleARN: f.roleARN, ExternalID: f.externalID, SessionName: f.sessionName,
		Accounts: f.accounts, RoleName: f.roleName,
		Sample: f.sample, ListPages: f.listPages, Concurrency: f.concurrency, CallTimeout: f.timeout,
		DialContext: e.awsDial,
	}
	if f.sample == 0 {
		o.Sample = -1
	}
	if fd, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
		o.Progress = e.stderr
	}
	return o
}

// load reads the live estate; with verbose it prints the calls made per
// service to stderr.
func (f *awsFlags) load(ctx context.Context, e *env, verbose bool) (*model.Config, *s3front.AWSResult, error) {
	cfg, res, err := s3front.LoadAWS(ctx, f.options(e))
	if err != nil {
		if errors.Is(err, awslive.ErrNoCredentials) {
			return nil, nil, inputError{err}
		}
		return nil, nil, usageError{err}
	}
	if verbose {
		writeCalls(e, res)
	}
	return cfg, res, nil
}

// result reads the live estate and checks it as one root, aws:ACCOUNT.
func (f *awsFlags) result(ctx context.Context, e *env, verbose bool, opts s3front.CheckOptions) (s3front.RootResult, error) {
	cfg, res, err := f.load(ctx, e, verbose)
	if err != nil {
		return s3front.RootResult{}, err
	}
	rep, err := s3front.Check(ctx, cfg, opts)
	if err != nil {
		return s3front.RootResult{}, usageError{err}
	}
	s3front.MarkAWS(rep, res)
	return s3front.RootResult{Root: s3front.Root{Kind: "aws", Path: s3front.AWSRoot(res)}, Report: rep}, nil
}

func writeCalls(e *env, res *s3front.AWSResult) {
	st := res.Stats
	fmt.Fprintf(e.stderr, "aws: read %d account(s) as %s: %d distributions, %d buckets, %d keys, %d objects in %s\n",
		len(res.Accounts), res.Caller, st.Distributions, st.Buckets, st.Keys, st.Objects, st.Wall.Round(time.Millisecond))
	for _, s := range st.ByService() {
		line := fmt.Sprintf("aws:   %-14s %5d calls", s.Service, s.Calls)
		if s.Failed > 0 {
			line += fmt.Sprintf(" (%d failed)", s.Failed)
		}
		fmt.Fprintln(e.stderr, line)
	}
	fmt.Fprintf(e.stderr, "aws:   %-14s %5d calls\n", "total", st.Total())
}
