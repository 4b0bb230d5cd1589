// Package s3front makes the "private S3 bucket + SSE-KMS + CloudFront"
// delivery path impossible to get wrong. It loads Terraform (HCL and plan
// JSON), CloudFormation (and CDK output) or a snapshot into one model
// ([model.Config]), replays every request a distribution serves — viewer
// GETs of existing and newly uploaded objects, uploads and deletes through
// the distribution, anonymous requests straight to the bucket — hop by hop
// against bucket policies, Block Public Access, object ownership and KMS key
// policies, and reports what breaks, now or at the next upload, with the
// exact fix.
//
// A repository is checked root by root: every Terraform root module,
// template, plan or snapshot under the paths given is loaded and simulated
// on its own, exactly as if it were checked alone ([Run]):
//
//	err := s3front.Run(ctx, []string{"."}, s3front.RunOptions{}, func(r s3front.RootResult) error {
//		for _, f := range r.Report.Findings { fmt.Println(f.Root, f.Rule, f.Resource, f.Message) }
//		return nil
//	})
//
// One root at a time:
//
//	cfg, err := s3front.Load(ctx, []string{"./infra"}, s3front.LoadOptions{})
//	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{})
//
// # Packages
//
// [github.com/s3front/s3front/model] is the neutral graph every input
// becomes; [github.com/s3front/s3front/iam] evaluates AWS policies;
// [github.com/s3front/s3front/report] holds findings and paths and writes
// them as text or JSON. Loaders, the simulator and the rules are internal.
package s3front

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/discover"
	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/internal/load/terraform"
	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
	"github.com/s3front/s3front/source"
)

// LoadOptions are the inputs of discovery and of the loaders.
type LoadOptions struct {
	// Terraform: --var name=value, --var-file paths, the environment for
	// TF_VAR_* (nil: none). They apply to every Terraform root.
	Vars     []string
	VarFiles []string
	Env      []string
	// CloudFormation: --parameter Key=Value and parameter files.
	Parameters     []string
	ParameterFiles []string
	// Warn receives what does not stop loading but Terraform would warn
	// about or refuse (a value for a variable a root module does not
	// declare), with Warning.Root set; nil drops them. It is called from
	// the goroutines that load roots.
	Warn func(Warning)
	// Accounts are --account values: an account ID (12 digits) for every
	// Terraform provider configuration whose account the configuration
	// does not fix and for CloudFormation's AWS::AccountId, or alias=ID
	// for the Terraform provider configuration with that alias.
	Accounts []string
	// Modules fetches the remote Terraform modules a configuration calls
	// that .terraform/modules does not hold; nil: they are not read, and
	// the check says so (summary.incomplete).
	Modules ModuleFetcher
	// RepoRoot bounds what is read (--repo-root): local modules, file(),
	// templatefile(), nested templates. "" means the enclosing git work
	// tree of each path, else the root of the file system it is on.
	RepoRoot string
	// Exclude are gitignore-style patterns of files and directories not
	// to search (--exclude), relative to the working directory.
	Exclude []string
	// Roots are directories to check as Terraform root modules even when
	// another configuration calls them as a module (--root).
	Roots []string
}

// Warning is a problem found while loading that does not stop it.
type Warning = terraform.Warning

// ModuleFetcher fetches remote Terraform modules (registry, git, https
// archives); see [LoadOptions.Modules].
type ModuleFetcher = terraform.ModuleFetcher

// ModuleRequest is one remote module call: its source and version
// constraint as written.
type ModuleRequest = terraform.ModuleRequest

// FetchedModule is a downloaded module package.
type FetchedModule = terraform.FetchedModule

// ErrNoInput is returned when a path holds nothing s3front can read.
var ErrNoInput = discover.ErrNoInput

// ErrSeveralRoots is returned by [Load] when the paths hold more than one
// root: check them with [Run], or load each with [LoadRoot].
var ErrSeveralRoots = errors.New("several roots to check")

// Kind is what a root is.
type Kind = discover.Kind

// Root kinds.
const (
	KindTerraform      = discover.Terraform
	KindPlan           = discover.Plan
	KindCloudFormation = discover.CloudFormation
	KindSnapshot       = discover.Snapshot
)

// Root is one thing checked on its own: a Terraform root module, a
// CloudFormation template (with its nested stacks), plan or state JSON,
// or a snapshot.
type Root = discover.Root

// Discovery is what [Discover] found.
type Discovery = discover.Result

// Discover lists the roots under paths (the working directory when
// empty): a path may be a file, a root module or any directory of a
// repository, searched recursively. Files that could not be read while
// searching are skipped and named in Discovery.Warnings.
func Discover(ctx context.Context, paths []string, opts LoadOptions) (*Discovery, error) {
	return discover.Find(ctx, paths, discover.Options{Exclude: opts.Exclude, Roots: opts.Roots, RepoRoot: opts.RepoRoot})
}

// Load reads the one root under paths into a model. Positions are
// relative to the working directory. When the paths hold several roots it
// returns an error wrapping [ErrSeveralRoots] that names them.
func Load(ctx context.Context, paths []string, opts LoadOptions) (*model.Config, error) {
	d, err := Discover(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	if len(d.Roots) != 1 {
		var names []string
		for _, r := range d.Roots {
			names = append(names, r.Path)
		}
		return nil, fmt.Errorf("%w: %s; name one of them", ErrSeveralRoots, strings.Join(names, ", "))
	}
	return LoadRoot(ctx, d.Roots[0], opts)
}

// Limits of the files a root is read from.
const (
	maxPlan     = discover.MaxPlan
	maxTemplate = discover.MaxTemplate
)

// LoadRoot loads one root into its own model. Positions are relative to
// the working directory.
func LoadRoot(ctx context.Context, root Root, opts LoadOptions) (*model.Config, error) {
	r, err := repo.Open(root.Repo)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return loadRoot(ctx, root, r, r, displayer(r.Dir()), opts)
}

// loadRoot loads one root from its repository r; a Terraform root is read
// through fsys (r, or r with what discovery read of it), and disp names
// the files of r.
func loadRoot(ctx context.Context, root Root, r *repo.FS, fsys fs.FS, disp func(string) string, opts LoadOptions) (*model.Config, error) {
	var err error
	if root.Kind == KindTerraform {
		return terraform.LoadDir(ctx, fsys, root.Name, terraform.Options{
			Vars: opts.Vars, VarFiles: opts.VarFiles, Env: opts.Env,
			Accounts: opts.Accounts,
			Warn:     rootWarn(root, opts.Warn),
			ReadFile: readVarFile,
			Modules:  opts.Modules,
			Display:  disp,
		})
	}
	dir, base := path.Split(root.Name)
	dir = path.Clean(dir)
	var cfg *model.Config
	switch root.Kind {
	case KindPlan:
		data, rerr := repo.ReadFile(r, root.Name, maxPlan, "plan or state JSON")
		if rerr != nil {
			return nil, readError(root, rerr)
		}
		cfg, err = terraform.LoadPlan(ctx, base, data, terraform.Options{Vars: opts.Vars, VarFiles: opts.VarFiles, Env: opts.Env, Accounts: opts.Accounts, ReadFile: readVarFile})
	case KindCloudFormation:
		sub, serr := fs.Sub(r, dir)
		if serr != nil {
			return nil, serr
		}
		cfg, err = cfn.Load(ctx, sub, base, cfn.Options{Parameters: opts.Parameters, ParameterFiles: opts.ParameterFiles, AccountID: plainAccount(opts.Accounts)})
	case KindSnapshot:
		data, rerr := repo.ReadFile(r, root.Name, maxPlan, "a snapshot")
		if rerr != nil {
			return nil, readError(root, rerr)
		}
		cfg, err = model.ReadSnapshot(base, data)
	default:
		return nil, fmt.Errorf("unknown input kind %q", root.Kind)
	}
	shown := disp(dir)
	if err != nil {
		prefixErrorFiles(err, shown)
		return nil, err
	}
	if shown != "." && shown != "" {
		model.RewriteFiles(cfg, func(f string) string {
			if filepath.IsAbs(f) || strings.HasPrefix(f, "arn:") {
				return f
			}
			return path.Join(shown, f)
		})
	}
	return cfg, nil
}

// rootWarn sets Warning.Root before passing a warning on.
func rootWarn(root Root, warn func(Warning)) func(Warning) {
	if warn == nil {
		return nil
	}
	return func(w Warning) {
		w.Root = root.Path
		warn(w)
	}
}

// plainAccount is the last --account given without a provider alias:
// CloudFormation's AWS::AccountId. A --parameter AWS::AccountId=... wins.
func plainAccount(accounts []string) string {
	id := ""
	for _, a := range accounts {
		if !strings.Contains(a, "=") {
			id = strings.TrimSpace(a)
		}
	}
	return id
}

// readVarFile reads a --var-file with the rules of safe reading (a
// regular file or a process substitution, not /proc, at most 16 MB).
func readVarFile(name string) ([]byte, error) {
	data, err := repo.ReadNamed(name, 16<<20, "a variables file")
	if err != nil {
		return nil, errors.New(repo.Reason(err))
	}
	return data, nil
}

func readError(root Root, err error) error {
	return &source.Error{Pos: source.Pos{File: root.Path}, Msg: "cannot read " + root.Path + ": " + repo.Reason(err)}
}

// displayer names a file of the repository at top as the user would
// type it (see repo.Namer).
func displayer(top string) func(string) string {
	wd, _ := os.Getwd()
	return repo.Namer(top, wd)
}

// prefixErrorFiles makes positions in loader errors relative to the
// working directory.
func prefixErrorFiles(err error, dir string) {
	if dir == "." || dir == "" {
		return
	}
	fix := func(p *source.Pos) {
		if p.File != "" && !filepath.IsAbs(p.File) && !strings.HasPrefix(p.File, dir+"/") && !strings.HasPrefix(p.File, "--") {
			p.File = path.Join(dir, p.File)
		}
	}
	var walk func(e error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if se, ok := e.(*source.Error); ok {
			fix(&se.Pos)
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
}

// CheckOptions configure [Check].
type CheckOptions = check.Options

// Check simulates every request path of cfg and applies the rules. The
// report is sorted and deterministic.
func Check(ctx context.Context, cfg *model.Config, opts CheckOptions) (*report.Report, error) {
	return check.Run(ctx, cfg, opts)
}

// ValidateRules checks rule IDs for [CheckOptions].Rules: an unknown ID
// is an error naming it.
func ValidateRules(ids []string) error { return check.ValidateRules(ids) }

// RunOptions configure [Run].
type RunOptions struct {
	Load  LoadOptions
	Check CheckOptions
	// Parallel is how many roots are loaded and checked at once; 0 means
	// one per CPU.
	Parallel int
	// Discovery, when set, is used instead of discovering the paths
	// again.
	Discovery *Discovery
	// Edits fills each finding's Edits with the changes `s3front fix`
	// would make for it (the fixes of SARIF output).
	Edits bool
}

// RootResult is the outcome of one root.
type RootResult struct {
	Root Root
	// Report has the root's findings and paths, each with Root set, and
	// its incomplete entries. When the root failed to load, it is empty
	// but for one incomplete entry, and Err says why.
	Report *report.Report
	Err    error
}

// Run checks every root under paths, each on its own: loaded into its own
// model and simulated exactly as if it were checked alone, so results do
// not depend on the order or grouping of the paths. Roots are processed
// concurrently and emit is called once per root, from one goroutine, in
// the order of [Discovery.Roots] (sorted by path); at most a few roots
// are held in memory at a time. Run stops at the first error emit
// returns. A root that fails to load is reported to emit (RootResult.Err),
// not returned: the others are still checked.
func Run(ctx context.Context, paths []string, opts RunOptions, emit func(RootResult) error) error {
	d := opts.Discovery
	if d == nil {
		var err error
		if d, err = Discover(ctx, paths, opts.Load); err != nil {
			return err
		}
	}
	workers := opts.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(d.Roots) {
		workers = len(d.Roots)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// results[i] receives root i's result. window bounds the roots
	// started and not yet emitted, so memory stays bounded however slow
	// one root is.
	results := make([]chan RootResult, len(d.Roots))
	for i := range results {
		results[i] = make(chan RootResult, 1)
	}
	window := make(chan struct{}, 2*workers)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range d.Roots {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	// The workers share one open repository per repository directory;
	// it is closed once they are done.
	repos := &repoSet{open: map[string]*openRepo{}}
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		repos.close()
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] <- checkRoot(ctx, d, d.Roots[i], repos, opts)
			}
		}()
	}
	for i := range d.Roots {
		var res RootResult
		select {
		case res = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-window
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(res); err != nil {
			return err
		}
	}
	return nil
}

// repoSet holds the repositories the roots of a run are read from, each
// opened once and shared by the workers.
type repoSet struct {
	mu   sync.Mutex
	open map[string]*openRepo
}

type openRepo struct {
	r    *repo.FS
	disp func(string) string
	err  error
}

func (s *repoSet) get(dir string) (*openRepo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.open[dir]
	if o == nil {
		o = &openRepo{}
		if o.r, o.err = repo.Open(dir); o.err == nil {
			o.disp = displayer(o.r.Dir())
		}
		s.open[dir] = o
	}
	return o, o.err
}

func (s *repoSet) close() {
	for _, o := range s.open {
		if o.r != nil {
			o.r.Close()
		}
	}
}

// checkRoot loads and checks one root.
func checkRoot(ctx context.Context, d *Discovery, root Root, repos *repoSet, opts RunOptions) RootResult {
	res := RootResult{Root: root}
	o, err := repos.get(root.Repo)
	var cfg *model.Config
	if err == nil {
		cfg, err = loadRoot(ctx, root, o.r, d.Files(root, o.r), o.disp, opts.Load)
	}
	if err == nil {
		var sr *sim.Result
		res.Report, sr, err = check.RunSim(ctx, cfg, opts.Check)
		if err == nil && opts.Edits {
			fillEdits(root, cfg, sr, res.Report)
		}
	}
	if err != nil {
		res.Err = err
		why, _, _ := strings.Cut(err.Error(), "\n")
		loc := report.Location{File: root.Path}
		var se *source.Error
		if errors.As(err, &se) && se.Pos.File != "" {
			loc = report.Location{File: se.Pos.File, Line: se.Pos.Line, Col: se.Pos.Col}
		}
		res.Report = &report.Report{Findings: []report.Finding{}, Paths: []report.Path{}}
		res.Report.Summary.Incomplete = []report.Incomplete{{Root: root.Path, Kind: report.IncompleteRoot, What: root.Path, Why: why, Location: loc}}
		res.Report.Sort()
		return res
	}
	rep := res.Report
	for i := range rep.Findings {
		rep.Findings[i].Root = root.Path
	}
	for i := range rep.Paths {
		rep.Paths[i].Root = root.Path
	}
	for i := range rep.Summary.Incomplete {
		rep.Summary.Incomplete[i].Root = root.Path
	}
	return res
}
