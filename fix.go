package s3front

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/s3front/s3front/internal/awsapply"
	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/edit"
	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// FileChange is one file a fix or a migration step changes: its content
// before and after, and whether it is new.
type FileChange = edit.FileChange

// FixOptions configure [Fix].
type FixOptions struct {
	Load  LoadOptions
	Check CheckOptions
	// Severity is the lowest severity fixed; "" means warning (notes are
	// advice: their edits are made only when asked for).
	Severity report.Severity
}

// FixedFinding says what [Fix] did for one finding.
type FixedFinding struct {
	Finding report.Finding
	// Edits are the finding's own changes, against the original files
	// (also written as SARIF fixes by check).
	Edits []report.Edit
	// Why says why the finding has no edit (its fix is not a change to
	// the input's files, it is suppressed, or below the severity).
	Why string
}

// FixResult is the fix of one root.
type FixResult struct {
	Root Root
	// Report is the check of the root before the fix.
	Report *report.Report
	// Files are the changes of every fix together: what `fix --write`
	// writes.
	Files    []FileChange
	Findings []FixedFinding
	// Err is set when the root failed to load.
	Err error
}

// Diff is the unified diff of every change of r.
func (r *FixResult) Diff() string {
	var b strings.Builder
	for _, f := range r.Files {
		b.WriteString(edit.UnifiedDiff(f.Name, f.Before, f.After, f.Created))
	}
	return b.String()
}

// Fix checks each root under paths and computes the changes to its files
// that fix its findings, written as the user writes them (statement
// blocks for aws_iam_policy_document, objects in jsonencode, YAML or JSON
// as the template is written; Terraform stays `terraform fmt` clean).
// Nothing is written: see [WriteFiles]. emit is called once per root, in
// order.
func Fix(ctx context.Context, paths []string, opts FixOptions, emit func(FixResult) error) error {
	d, err := Discover(ctx, paths, opts.Load)
	if err != nil {
		return err
	}
	// One set of changes per repository: roots that share code (a module
	// two roots call) change it once, and each root's changes apply on
	// top of those of the roots before it.
	sets := map[string]*edit.Set{}
	for _, root := range d.Roots {
		if err := ctx.Err(); err != nil {
			return err
		}
		set := sets[root.Repo]
		if set == nil {
			r, err := repo.Open(root.Repo)
			if err != nil {
				if err := emit(FixResult{Root: root, Err: err}); err != nil {
					return err
				}
				continue
			}
			defer r.Close()
			set = edit.NewSet(repoReader(r))
			sets[root.Repo] = set
		}
		res := fixRoot(ctx, root, opts, set)
		if err := emit(res); err != nil {
			return err
		}
	}
	return nil
}

func fixRoot(ctx context.Context, root Root, opts FixOptions, set *edit.Set) FixResult {
	res := FixResult{Root: root}
	if root.Kind == KindSnapshot || root.Kind == KindPlan {
		res.Err = fmt.Errorf("%s: a %s records the resources, not the code that makes them: fix the configuration it came from", root.Path, root.Kind)
		return res
	}
	cfg, err := LoadRoot(ctx, root, opts.Load)
	if err != nil {
		res.Err = err
		return res
	}
	rep, sr, err := check.RunSim(ctx, cfg, opts.Check)
	if err != nil {
		res.Err = err
		return res
	}
	res.Report = rep
	min := opts.Severity
	if min == "" {
		min = report.Warning
	}
	var todo []report.Finding
	var index []int
	for i, f := range rep.Findings {
		if f.Severity.Rank() >= min.Rank() {
			todo = append(todo, f)
			index = append(index, i)
		}
	}
	before := set.Snapshot()
	fr := edit.FixIn(set, cfg, sr, todo)
	done := map[int]edit.Fixed{}
	for _, x := range fr.Findings {
		done[index[x.Finding]] = x
	}
	for i, f := range rep.Findings {
		ff := FixedFinding{Finding: f}
		if x, ok := done[i]; ok {
			ff.Edits, ff.Why = x.Edits, x.Why
		} else {
			ff.Why = "below the severity fixed (--severity " + string(min) + ")"
		}
		res.Findings = append(res.Findings, ff)
	}
	res.Files = set.ChangesSince(before)
	return res
}

// fillEdits sets the Edits of a root's findings (the fixes SARIF
// carries) to the changes `s3front fix` makes for each.
func fillEdits(root Root, cfg *model.Config, sr *sim.Result, rep *report.Report) {
	if root.Kind == KindSnapshot || root.Kind == KindPlan || len(rep.Findings) == 0 {
		return
	}
	r, err := repo.Open(root.Repo)
	if err != nil {
		return
	}
	defer r.Close()
	fr := edit.Fix(cfg, sr, rep.Findings, repoReader(r))
	for _, x := range fr.Findings {
		rep.Findings[x.Finding].Edits = x.Edits
	}
}

// repoReader reads files named as the model names them (relative to the
// working directory) from inside the repository only.
func repoReader(r *repo.FS) edit.ReadFunc {
	wd, _ := os.Getwd()
	return func(name string) ([]byte, error) {
		rel, err := repoRel(r.Dir(), wd, name)
		if err != nil {
			return nil, err
		}
		return repo.ReadFile(r, rel, edit.MaxFile, "a file to change")
	}
}

// repoRel is the slash path inside the repository top of a file named
// relative to wd (or absolute).
func repoRel(top, wd, name string) (string, error) {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, filepath.FromSlash(name))
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the repository %s: s3front changes files of the repository only", name, top)
	}
	return path.Clean(filepath.ToSlash(rel)), nil
}

// WriteFiles writes changes (of a [FixResult] or a migration step) into
// the repository of root: each file is written whole to a temporary file
// beside it and renamed over it, keeping its mode; nothing outside the
// repository, and nothing but a regular file, is written. It returns the
// names written.
func WriteFiles(root Root, changes []FileChange) ([]string, error) {
	rt, err := os.OpenRoot(root.Repo)
	if err != nil {
		return nil, err
	}
	defer rt.Close()
	wd, _ := os.Getwd()
	var names []string
	for _, c := range changes {
		rel, err := repoRel(rt.Name(), wd, c.Name)
		if err != nil {
			return names, err
		}
		mode := fs.FileMode(0o644)
		st, err := rt.Lstat(rel)
		switch {
		case err == nil && !st.Mode().IsRegular():
			return names, fmt.Errorf("%s: not a regular file; not written", c.Name)
		case err == nil:
			mode = st.Mode().Perm()
			cur, err := rt.ReadFile(rel)
			if err != nil {
				return names, err
			}
			if c.Created || string(cur) != string(c.Before) {
				return names, fmt.Errorf("%s changed since it was read; run again", c.Name)
			}
		case errors.Is(err, fs.ErrNotExist) && c.Created:
		default:
			return names, fmt.Errorf("%s: %w", c.Name, err)
		}
		tmp := rel + ".s3front-tmp"
		if err := rt.WriteFile(tmp, c.After, mode); err != nil {
			return names, err
		}
		if err := rt.Rename(tmp, rel); err != nil {
			_ = rt.Remove(tmp)
			return names, err
		}
		names = append(names, c.Name)
	}
	return names, nil
}

// MigrateOptions configure [PlanMigration].
type MigrateOptions struct {
	Load LoadOptions
	// Distributions restricts the plan to these distributions (addresses,
	// logical IDs or ARNs); empty means every one with an OAI origin.
	Distributions []string
}

// MigrationPlan is the ordered, rollback-safe move of origins from
// origin access identities to origin access control; see [PlanMigration].
type MigrationPlan = edit.Plan

// MigrationStep is one step of a [MigrationPlan].
type MigrationStep = edit.Step

// PlanMigration plans the move of the origins of root that read S3
// through an origin access identity to origin access control: create the
// OAC; grant it in the bucket policy beside the OAI; grant it the KMS
// key; switch each origin; verify; remove the OAI's grants; delete the
// OAI. Each step is a patch of the root's files (or commands), with what
// to check before the next; steps the files already have are marked
// done, so the plan can be made again after each step. The plan never
// recommends SSE-KMS for a bucket that an OAI still reads.
func PlanMigration(ctx context.Context, root Root, opts MigrateOptions) (*MigrationPlan, error) {
	if root.Kind == KindSnapshot || root.Kind == KindPlan {
		return nil, fmt.Errorf("%s: a %s records the resources, not the code that makes them: plan on the configuration it came from", root.Path, root.Kind)
	}
	cfg, err := LoadRoot(ctx, root, opts.Load)
	if err != nil {
		return nil, err
	}
	_, sr, err := check.RunSim(ctx, cfg, check.Options{})
	if err != nil {
		return nil, err
	}
	r, err := repo.Open(root.Repo)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return edit.PlanOAIToOAC(cfg, sr, repoReader(r), edit.MigrateOptions{Distributions: opts.Distributions})
}

// Move is one origin a [MigrationPlan] moves.
type Move = edit.Move

// LiveCall is one change to a live AWS resource that a fix or a
// migration step makes: what [ApplyAWS] does, and the AWS CLI commands
// that do the same (LiveCall.Commands).
type LiveCall = edit.LiveCall

// AWSFixResult is the fix of a live read (see [FixAWS]).
type AWSFixResult struct {
	Report   *report.Report
	Findings []FixedFinding
	// Calls are the changes, in the order that keeps every working path
	// working: creations, grants, switches, then the rest.
	Calls []LiveCall
}

// FixAWS computes the changes to live resources that fix the findings of
// cfg, a model read with [LoadAWS]: whole bucket and key policies (the
// current document with the fix's statements and conditions), origin
// access controls and the origin switch, ownership and Block Public
// Access settings. Nothing is changed: see [ApplyAWS].
func FixAWS(ctx context.Context, cfg *model.Config, opts FixOptions) (*AWSFixResult, error) {
	rep, sr, err := check.RunSim(ctx, cfg, opts.Check)
	if err != nil {
		return nil, err
	}
	min := opts.Severity
	if min == "" {
		min = report.Warning
	}
	var todo []report.Finding
	var index []int
	for i, f := range rep.Findings {
		if f.Severity.Rank() >= min.Rank() {
			todo = append(todo, f)
			index = append(index, i)
		}
	}
	set := edit.NewLiveSet(cfg)
	fr := edit.FixIn(set, cfg, sr, todo)
	done := map[int]edit.Fixed{}
	for _, x := range fr.Findings {
		done[index[x.Finding]] = x
	}
	out := &AWSFixResult{Report: rep, Calls: set.LiveCalls()}
	for i, f := range rep.Findings {
		ff := FixedFinding{Finding: f}
		if x, ok := done[i]; ok {
			ff.Why = x.Why
			if x.Why == "" {
				ff.Edits = []report.Edit{} // fixed, by calls rather than edits
			}
		} else {
			ff.Why = "below the severity fixed (--severity " + string(min) + ")"
		}
		out.Findings = append(out.Findings, ff)
	}
	return out, nil
}

// PlanMigrationAWS is [PlanMigration] for a live read: each step is AWS
// CLI commands (and the calls [ApplyAWS] makes).
func PlanMigrationAWS(ctx context.Context, cfg *model.Config, distributions []string) (*MigrationPlan, error) {
	_, sr, err := check.RunSim(ctx, cfg, check.Options{})
	if err != nil {
		return nil, err
	}
	return edit.PlanOAIToOACIn(edit.NewLiveSet(cfg), cfg, sr, edit.MigrateOptions{Distributions: distributions})
}

// ApplyAWS makes live changes in order, with the credentials and Region a
// live read with opts uses, writing a line per change to log; it stops at
// the first that fails.
func ApplyAWS(ctx context.Context, opts AWSOptions, calls []LiveCall, log io.Writer) error {
	cfg, err := awslive.SDKConfig(ctx, opts)
	if err != nil {
		return err
	}
	return awsapply.Apply(ctx, cfg, calls, log)
}
