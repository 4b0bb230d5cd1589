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
//	cfg, err := s3front.Load(ctx, []string{"./infra"}, s3front.LoadOptions{})
//	rep, err := s3front.Check(ctx, cfg, s3front.CheckOptions{})
//	for _, f := range rep.Findings { fmt.Println(f.Rule, f.Resource, f.Message) }
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
	"sort"
	"strings"

	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/internal/load/terraform"
	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
	"github.com/s3front/s3front/source"
)

// LoadOptions are the inputs of the loaders.
type LoadOptions struct {
	// Terraform: --var name=value, --var-file paths, the environment for
	// TF_VAR_* (nil: none).
	Vars     []string
	VarFiles []string
	Env      []string
	// CloudFormation: --parameter Key=Value and parameter files.
	Parameters     []string
	ParameterFiles []string
	// Modules fetches the remote Terraform modules a configuration calls
	// that .terraform/modules does not hold; nil: they are not read, and
	// the check says so (summary.incomplete).
	Modules ModuleFetcher
	// RepoRoot bounds what a Terraform root module may read (local
	// modules, file(), templatefile()); "" means the enclosing git work
	// tree, else the root of the file system the root module is on.
	RepoRoot string

	refPrefix string // set by Load when several templates are loaded together
}

// ModuleFetcher fetches remote Terraform modules (registry, git, https
// archives); see [LoadOptions.Modules].
type ModuleFetcher = terraform.ModuleFetcher

// ModuleRequest is one remote module call: its source and version
// constraint as written.
type ModuleRequest = terraform.ModuleRequest

// FetchedModule is a downloaded module package.
type FetchedModule = terraform.FetchedModule

// ErrNoInput is returned when a path holds nothing s3front can read.
var ErrNoInput = errors.New("no Terraform configuration, CloudFormation template, plan or snapshot found")

// Kind is what an input file or directory is.
type Kind string

// Input kinds.
const (
	KindTerraform      Kind = "terraform"
	KindPlan           Kind = "terraform-plan"
	KindCloudFormation Kind = "cloudformation"
	KindSnapshot       Kind = "snapshot"
)

// Input is one thing to load.
type Input struct {
	Kind Kind
	// Path is a directory (Terraform) or a file.
	Path string
}

// Detect lists the inputs under path: a directory holding .tf, .tf.json or
// .tofu files is a Terraform root module; each file is classified by its
// content (a snapshot, `terraform show -json` output, or a CloudFormation
// template), whatever its name. A directory is searched one level deep,
// plus cdk.out for CDK apps.
func Detect(path string) ([]Input, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		k, err := detectFile(path)
		if err != nil {
			return nil, err
		}
		if k == "" {
			if isTerraformFile(path) {
				return []Input{{Kind: KindTerraform, Path: filepath.Dir(path)}}, nil
			}
			return nil, fmt.Errorf("%s: %w", path, ErrNoInput)
		}
		return []Input{{Kind: k, Path: path}}, nil
	}
	var out []Input
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	tf := false
	for _, e := range entries {
		if !e.IsDir() && isTerraformFile(e.Name()) {
			tf = true
		}
	}
	if tf {
		out = append(out, Input{Kind: KindTerraform, Path: path})
	}
	files := regularFiles(path, entries)
	if cdk := filepath.Join(path, "cdk.out"); isDir(cdk) {
		if es, err := os.ReadDir(cdk); err == nil {
			files = append(files, regularFiles(cdk, es)...)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".nested.template.json") {
			continue // a CDK nested stack: loaded through its parent
		}
		k, err := detectFile(f)
		if err != nil {
			return nil, err
		}
		if k != "" {
			out = append(out, Input{Kind: k, Path: f})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoInput)
	}
	return out, nil
}

func regularFiles(dir string, entries []fs.DirEntry) []string {
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".json", ".yaml", ".yml", ".template":
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isTerraformFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") || strings.HasSuffix(name, ".tofu")
}

// detectFile classifies a file by content; "" means none of ours.
func detectFile(path string) (Kind, error) {
	if isTerraformFile(path) {
		return "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	switch {
	case model.IsSnapshot(data):
		return KindSnapshot, nil
	case terraform.IsPlan(data):
		return KindPlan, nil
	case cfn.IsTemplate(data):
		return KindCloudFormation, nil
	}
	return "", nil
}

// Load reads every input under paths into one model. Paths in positions
// are relative to the working directory, as the user wrote them.
func Load(ctx context.Context, paths []string, opts LoadOptions) (*model.Config, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cfg := &model.Config{}
	var inputs []Input
	for _, p := range paths {
		in, err := Detect(p)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, in...)
	}
	templates := 0
	for _, in := range inputs {
		if in.Kind == KindCloudFormation {
			templates++
		}
	}
	for _, in := range inputs {
		o := opts
		if in.Kind == KindCloudFormation && templates > 1 {
			// Several stacks at once: their logical IDs and identities
			// must not collide, so each is named after its template.
			o.refPrefix = stackPrefix(in.Path)
		}
		c, err := LoadInput(ctx, in, o)
		if err != nil {
			return nil, err
		}
		cfg.Merge(c)
	}
	cfg.Sort()
	return cfg, nil
}

// stackPrefix names a template's resources when several stacks are loaded
// together: "cdk.out/SiteStack.template.json" gives "cdk.out/SiteStack/".
func stackPrefix(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	p = strings.TrimPrefix(p, "./")
	for _, ext := range []string{".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml", ".template"} {
		if strings.HasSuffix(p, ext) {
			p = strings.TrimSuffix(p, ext)
			break
		}
	}
	return p + "/"
}

// LoadInput loads one detected input.
func LoadInput(ctx context.Context, in Input, opts LoadOptions) (*model.Config, error) {
	var (
		cfg *model.Config
		err error
		dir string
	)
	switch in.Kind {
	case KindTerraform:
		return loadTerraform(ctx, in.Path, opts)
	case KindPlan:
		data, rerr := os.ReadFile(in.Path)
		if rerr != nil {
			return nil, rerr
		}
		dir = filepath.Dir(in.Path)
		cfg, err = terraform.LoadPlan(ctx, filepath.Base(in.Path), data, terraform.Options{Vars: opts.Vars, VarFiles: opts.VarFiles, Env: opts.Env})
	case KindCloudFormation:
		dir = filepath.Dir(in.Path)
		cfg, err = cfn.Load(ctx, os.DirFS(dir), filepath.Base(in.Path), cfn.Options{Parameters: opts.Parameters, ParameterFiles: opts.ParameterFiles, RefPrefix: opts.refPrefix})
	case KindSnapshot:
		data, rerr := os.ReadFile(in.Path)
		if rerr != nil {
			return nil, rerr
		}
		dir = filepath.Dir(in.Path)
		cfg, err = model.ReadSnapshot(filepath.Base(in.Path), data)
	default:
		return nil, fmt.Errorf("unknown input kind %q", in.Kind)
	}
	if err != nil {
		prefixErrorFiles(err, dir)
		return nil, err
	}
	if dir != "." && dir != "" {
		model.RewriteFiles(cfg, func(f string) string {
			if filepath.IsAbs(f) || strings.HasPrefix(f, "arn:") {
				return f
			}
			return filepath.ToSlash(filepath.Join(dir, f))
		})
	}
	return cfg, nil
}

// loadTerraform loads the root module in dir through its repository: the
// loader reads the whole repository (bounded, see package repo), so that
// ../../modules/site resolves as Terraform resolves it, and names files
// relative to the working directory.
func loadTerraform(ctx context.Context, dir string, opts LoadOptions) (*model.Config, error) {
	top := opts.RepoRoot
	if top == "" {
		var err error
		if top, err = repo.Find(dir); err != nil {
			return nil, err
		}
	}
	r, err := repo.Open(top)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(r.Dir(), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside the repository %s (--repo-root)", dir, r.Dir())
	}
	return terraform.LoadDir(ctx, r, filepath.ToSlash(rel), terraform.Options{
		Vars: opts.Vars, VarFiles: opts.VarFiles, Env: opts.Env,
		Modules: opts.Modules,
		Display: displayer(r.Dir()),
	})
}

// displayer names a file of the repository at top (a slash path inside
// it) relative to the working directory, as the user would type it.
func displayer(top string) func(string) string {
	wd, err := os.Getwd()
	if err != nil {
		return func(name string) string { return filepath.ToSlash(filepath.Join(top, name)) }
	}
	if rel, err := filepath.Rel(top, wd); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// The working directory is inside the repository.
		in := filepath.ToSlash(rel)
		return func(name string) string { return relSlash(in, name) }
	}
	prefix, err := filepath.Rel(wd, top)
	if err != nil {
		prefix = top
	}
	prefix = filepath.ToSlash(prefix)
	return func(name string) string { return path.Join(prefix, name) }
}

// relSlash is the slash path of name (inside a tree) relative to dir (in
// the same tree).
func relSlash(dir, name string) string {
	if dir == "." {
		return name
	}
	if name == dir {
		return "."
	}
	if strings.HasPrefix(name, dir+"/") {
		return name[len(dir)+1:]
	}
	ds := strings.Split(dir, "/")
	ns := strings.Split(name, "/")
	i := 0
	for i < len(ds) && i < len(ns) && ds[i] == ns[i] {
		i++
	}
	parts := make([]string, 0, len(ds)-i+len(ns)-i)
	for range ds[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, ns[i:]...)
	return strings.Join(parts, "/")
}

// prefixErrorFiles makes positions in loader errors relative to the
// working directory.
func prefixErrorFiles(err error, dir string) {
	if dir == "." || dir == "" {
		return
	}
	fix := func(p *source.Pos) {
		if p.File != "" && !filepath.IsAbs(p.File) && !strings.HasPrefix(p.File, dir+"/") {
			p.File = filepath.ToSlash(filepath.Join(dir, p.File))
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
