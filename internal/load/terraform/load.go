package terraform

import (
	"context"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// Options are the inputs a Terraform run would take from its command line
// and environment.
type Options struct {
	// Vars are --var name=value arguments, in order. A value is taken
	// literally for a variable of primitive type (or none) and parsed as an
	// HCL expression otherwise, as Terraform does.
	Vars []string
	// VarFiles are --var-file paths (.tfvars or .tfvars.json), read with
	// ReadFile. They are applied after terraform.tfvars and *.auto.tfvars
	// and before Vars.
	VarFiles []string
	// Env is the environment in os.Environ form; TF_VAR_name entries give
	// variable values (with the lowest precedence).
	Env []string
	// ReadFile reads VarFiles; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// Modules fetches remote modules (registry, git, https) that
	// .terraform/modules does not hold; nil: such calls are unresolved.
	Modules ModuleFetcher
	// Warn receives what does not stop loading but would make Terraform
	// warn or refuse (a value for a variable the root module does not
	// declare); nil drops warnings. It may be called from several
	// goroutines when several roots load at once.
	Warn func(Warning)
	// Accounts are --account values: an account ID for every provider
	// configuration whose account the configuration does not fix, or
	// alias=ID for the provider configuration with that alias.
	// allowed_account_ids and assume_role.role_arn win; an --account that
	// contradicts them is an error.
	Accounts []string
	// Display names a file or directory of the fsys given to [LoadDir] in
	// positions and messages (the caller makes them relative to where the
	// user works); nil: the fsys path itself. Files of fetched modules are
	// named after [FetchedModule.Display].
	Display func(name string) string
}

// Warning is a problem that does not stop loading.
type Warning struct {
	Pos  source.Pos
	Msg  string
	Hint string
	// Var is the variable an undeclared-variable warning is about, and
	// FromCLI says its value came from --var (the same flags apply to
	// every root of a repository, so a caller may report only the names
	// no root declares).
	Var     string
	FromCLI bool
	// Root is set by callers that load several roots.
	Root string
}

func (w Warning) String() string {
	s := w.Msg
	if w.Pos.File != "" && !w.FromCLI {
		s = w.Pos.String() + ": " + s
	}
	if w.Hint != "" {
		s += "\nhint: " + w.Hint
	}
	return s
}

// warn passes w to Options.Warn.
func (l *loader) warn(w Warning) {
	if l.opts.Warn != nil {
		l.opts.Warn(w)
	}
}

// Errors is the list of problems that stopped loading, each with its
// position, in file order.
type Errors []*source.Error

func (e Errors) Error() string {
	var b strings.Builder
	for i, x := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.As.
func (e Errors) Unwrap() []error {
	out := make([]error, len(e))
	for i, x := range e {
		out[i] = x
	}
	return out
}

type loader struct {
	ctx context.Context
	// fsys is what the loader reads: the caller's fsys with the fetched
	// modules mounted over it (tree).
	fsys fs.FS
	tree *treeFS
	root string
	opts Options
	// funcs are the loader's own functions (ownFuncs, built on first
	// use); expressions see the pure ones through the parent context
	// (pureCtx), and the own ones once a module parsed may call them
	// (ownCalls). tmplFuncs caches templateFuncs; noVars and noVarsOwn
	// are the contexts of expressions that refer to nothing.
	funcs     map[string]function.Function
	ownCalls  bool
	tmplFuncs map[string]function.Function
	noVars    *hcl.EvalContext
	noVarsOwn *hcl.EvalContext

	mods      map[string]*modCfg
	dirs      map[string]dirList // directory listings (listDir)
	modWhy    map[string]string  // why a module directory is nil in mods
	installed map[string]string
	rootVars  map[string]rawVar
	files     map[string]bool

	errs   []*source.Error
	errKey map[string]bool
	unres  []model.Unresolved
	unKey  map[string]bool
	cycles map[string]bool

	stack     []frame
	instances int

	// keepExprs is set while an aws_iam_policy_document is evaluated:
	// its attributes keep their expressions (evAttr.expr).
	keepExprs bool

	accounts accountFlags

	// policyNodes maps the JSON text of a policy s3front generated
	// (aws_iam_policy_document) to its positioned tree, so that the
	// policy keeps its positions wherever the string flows.
	policyNodes map[string]*source.Node
	// policyDocAddrs maps the same text to the address of the
	// aws_iam_policy_document that wrote it.
	policyDocAddrs map[string]string
	// fileOrigins maps the text read by file() or templatefile() to the
	// file it came from.
	fileOrigins map[string]string
	// srcCache holds the text of configuration files, for messages.
	srcCache map[string][]byte
}

func newLoader(ctx context.Context, fsys fs.FS, root string, opts Options) *loader {
	l := &loader{
		ctx: ctx, root: root, opts: opts,
		mods:           map[string]*modCfg{},
		dirs:           map[string]dirList{},
		modWhy:         map[string]string{},
		files:          map[string]bool{},
		errKey:         map[string]bool{},
		unKey:          map[string]bool{},
		cycles:         map[string]bool{},
		policyNodes:    map[string]*source.Node{},
		policyDocAddrs: map[string]string{},
		fileOrigins:    map[string]string{},
		srcCache:       map[string][]byte{},
	}
	l.tree = &treeFS{base: fsys}
	l.fsys = l.tree
	var errs []*source.Error
	l.accounts, errs = parseAccounts(opts.Accounts)
	for _, e := range errs {
		l.fatalAt(e.Pos, e.Msg, e.Hint)
	}
	return l
}

// LoadDir loads the root module in dir (a path inside fsys) into a model.
// fsys bounds what is read: local module sources (../../modules/site),
// file(), templatefile() and the like resolve relative to the calling
// module and may reach anything in fsys, nothing outside it; give it the
// repository, not the root module's directory.
//
// Errors that stop loading (syntax errors, references to things that are
// not declared, reference cycles, invalid variable values) come back as
// [Errors], each positioned. What cannot be resolved offline (a variable
// without a value, a remote module that is not installed, a data source, a
// function s3front does not evaluate) becomes a model.Unresolved entry and
// an unknown value or an ident.Any symbol, never a guess. File names in
// positions are fsys paths, or what [Options.Display] makes of them.
func LoadDir(ctx context.Context, fsys fs.FS, dir string, opts Options) (*model.Config, error) {
	dir = path.Clean(dir)
	if !fs.ValidPath(dir) {
		return nil, Errors{source.Errorf(source.Pos{File: dir}, "give a path inside the scanned file system", "invalid directory %q", dir)}
	}
	l := newLoader(ctx, fsys, dir, opts)
	files, _, err := l.configFiles(dir)
	if err != nil {
		return nil, Errors{source.Errorf(source.Pos{File: l.display(dir)}, "check the path", "cannot read directory %s: %s", l.display(dir), errText(err))}
	}
	if len(files) == 0 {
		return nil, Errors{source.Errorf(source.Pos{File: l.display(dir)}, "point s3front at the directory of the root module (the one you run terraform plan in)",
			"no Terraform files (.tf, .tf.json, .tofu) in %s", l.display(dir))}
	}
	root := l.rootModule(dir)
	if root == nil {
		return nil, l.errors()
	}
	rootCfg := root.cfg
	var insts []*resInst
	var mods []*modInst
	l.walk(root, &insts, &mods)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(l.errs) > 0 {
		return nil, l.errors()
	}
	// Root variables are always reported when unset, even if unused, as
	// terraform plan would ask for them.
	for _, name := range sortedKeys(rootCfg.variables) {
		root.variable(name, rootCfg.variables[name].rng)
	}
	b := newBuilder(l)
	for _, ri := range insts {
		b.add(ri.instance())
	}
	cfg := b.finish()
	for _, mi := range mods {
		cfg.Suppressions = append(cfg.Suppressions, suppressions(mi)...)
	}
	if len(l.errs) > 0 {
		return nil, l.errors()
	}
	cfg.Unresolved = append(cfg.Unresolved, l.unres...)
	for f := range l.files {
		cfg.Files = append(cfg.Files, f)
	}
	cfg.Sort()
	sortSuppressions(cfg.Suppressions)
	return cfg, nil
}

// rootModule parses the root module in dir and instantiates it, with the
// installed modules' manifest and the root variables' values; nil, with
// l.errs set, when it cannot be loaded.
func (l *loader) rootModule(dir string) *modInst {
	cfg, diags := l.parseModule(dir)
	l.diagsAsErrors(diags)
	if len(l.errs) > 0 {
		return nil
	}
	l.mods[dir] = cfg
	l.readManifest()
	l.collectRootVars()
	return l.newModInst(cfg, "", nil, nil, instKey{}, cty0)
}

// walk evaluates every resource and data block of mi and its module
// calls, depth first, in declaration order.
func (l *loader) walk(mi *modInst, insts *[]*resInst, mods *[]*modInst) {
	if l.ctx.Err() != nil {
		return
	}
	*mods = append(*mods, mi)
	for _, rc := range mi.cfg.resources {
		*insts = append(*insts, mi.res[rc.key()].instances()...)
	}
	for _, cc := range mi.cfg.calls {
		for _, child := range mi.calls[cc.name].instances() {
			l.walk(child, insts, mods)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (l *loader) addFile(name string) { l.files[name] = true }

// fatal records an error that stops loading.
func (l *loader) fatal(rng hcl.Range, msg, hint string) {
	l.fatalAt(posOf(rng), msg, hint)
}

func (l *loader) fatalAt(pos source.Pos, msg, hint string) {
	key := pos.String() + "\x00" + msg
	if l.errKey[key] {
		return
	}
	l.errKey[key] = true
	l.errs = append(l.errs, &source.Error{Pos: pos, Msg: msg, Hint: hint})
}

// maxErrorsPerFile bounds the errors reported for one file: a file that
// is not Terraform at all would otherwise give thousands.
const maxErrorsPerFile = 10

func (l *loader) errors() Errors {
	all := Errors(l.errs)
	sort.SliceStable(all, func(i, j int) bool { return source.Less(all[i].Pos, all[j].Pos) })
	out := make(Errors, 0, len(all))
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].Pos.File == all[i].Pos.File {
			j++
		}
		if n := j - i; n > maxErrorsPerFile {
			out = append(out, all[i:i+maxErrorsPerFile]...)
			out = append(out, &source.Error{Pos: source.Pos{File: all[i].Pos.File},
				Msg:  strconv.Itoa(n-maxErrorsPerFile) + " more errors in this file not shown",
				Hint: "fix the errors above first; is this file really Terraform?"})
		} else {
			out = append(out, all[i:j]...)
		}
		i = j
	}
	return out
}

// diagsAsErrors records the error diagnostics of HCL as fatal errors.
func (l *loader) diagsAsErrors(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg, hint := diagText(d)
		var pos source.Pos
		if d.Subject != nil {
			pos = posOf(*d.Subject)
		}
		l.fatalAt(pos, msg, hint)
	}
}

// diagText renders an HCL diagnostic in the house style: lower case, no
// full stop, details as the hint.
func diagText(d *hcl.Diagnostic) (msg, hint string) {
	msg = lowerFirst(strings.TrimSuffix(strings.TrimSpace(d.Summary), "."))
	det := strings.TrimSpace(d.Detail)
	if strings.HasPrefix(det, "hint: ") {
		return msg, strings.TrimPrefix(det, "hint: ")
	}
	if det != "" {
		msg += ": " + lowerFirst(strings.TrimSuffix(det, "."))
	}
	return msg, ""
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	if len(s) > n {
		r2, _ := utf8.DecodeRuneInString(s[n:])
		if unicode.IsUpper(r2) {
			return s // an acronym
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// unresolved records an input s3front cannot resolve offline.
func (l *loader) unresolved(rng hcl.Range, what, why string) {
	l.unresolvedAt(posOf(rng), what, why)
}

func (l *loader) unresolvedAt(pos source.Pos, what, why string) {
	l.unresolvedIn("", pos, what, why)
}

// unresolvedIn records an unresolved input found while evaluating
// resource (a Terraform address, or "" when what names it).
func (l *loader) unresolvedIn(resource string, pos source.Pos, what, why string) {
	key := what + "\x00" + pos.String()
	if l.unKey[key] {
		return
	}
	l.unKey[key] = true
	l.unres = append(l.unres, model.Unresolved{What: what, Why: why, Src: model.Src{Resource: resource, Pos: pos}})
}

// unresolvedIfUsed records an input that only matters if a simulated
// path stays unknown because of it (the unresolved-input finding is then
// reported); names are the identities standing for it.
func (l *loader) unresolvedIfUsed(pos source.Pos, what, why string, names ...string) {
	key := what + "\x00" + pos.String()
	if l.unKey[key] {
		return
	}
	l.unKey[key] = true
	l.unres = append(l.unres, model.Unresolved{What: what, Why: why, Src: model.Src{Pos: pos}, Names: names, IfUsed: true})
}

// evaluating is the address of the innermost resource, module call,
// local value, output or variable being evaluated, for messages.
func (l *loader) evaluating() string {
	if len(l.stack) == 0 {
		return ""
	}
	return l.stack[len(l.stack)-1].what
}

// unresolvedKind records an unresolved input that leaves part of the
// configuration unchecked when incomplete is not "" (see
// model.Unresolved.Incomplete).
func (l *loader) unresolvedKind(rng hcl.Range, what, why, incomplete string) {
	l.unresolved(rng, what, why)
	if incomplete == "" || len(l.unres) == 0 {
		return
	}
	if u := &l.unres[len(l.unres)-1]; u.What == what && u.Src.Pos == posOf(rng) {
		u.Incomplete = incomplete
	}
}

// notEvaluated records a module call whose module s3front could not read:
// an unresolved input that leaves part of the configuration unchecked.
// name is the module call's address, which its unknown outputs carry.
func (l *loader) notEvaluated(rng hcl.Range, what, why, name string) {
	pos := posOf(rng)
	key := what + "\x00" + pos.String()
	if l.unKey[key] {
		return
	}
	l.unKey[key] = true
	l.unres = append(l.unres, model.Unresolved{What: what, Why: why, Src: model.Src{Pos: pos}, Incomplete: model.IncompleteModule, Names: []string{name}})
}

// unresolvedOnce records an unresolved input once per name.
func (l *loader) unresolvedOnce(rng hcl.Range, what, why string) {
	if l.unKey[what] {
		return
	}
	l.unKey[what] = true
	l.unresolved(rng, what, why)
}

// evalProblem turns an evaluation error into an unresolved-input note.
func (l *loader) evalProblem(diags hcl.Diagnostics, expr hcl.Expression) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		rng := expr.Range()
		if d.Subject != nil {
			rng = *d.Subject
		}
		if strings.HasPrefix(d.Summary, "Call to unknown function") {
			name := ""
			if i := strings.Index(d.Detail, `"`); i >= 0 {
				if j := strings.Index(d.Detail[i+1:], `"`); j >= 0 {
					name = d.Detail[i+1 : i+1+j]
				}
			}
			what := "function call"
			if name != "" {
				what = "function " + name + "()"
			}
			l.unresolved(rng, what, "s3front does not evaluate this function (its value comes from outside the files); values that depend on it are unknown")
			continue
		}
		msg, _ := diagText(d)
		// Name the failing expression as a whole, not only the failing
		// step of it (an index, an argument).
		textRng := rng
		if d.Expression != nil {
			if r := d.Expression.Range(); r.Filename == rng.Filename && r.Start.Byte <= rng.Start.Byte && r.End.Byte >= rng.End.Byte {
				textRng = r
			}
		} else if d.Context != nil && d.Context.Filename == rng.Filename {
			textRng = *d.Context
		}
		what := "expression " + l.rangeText(textRng)
		l.unresolvedIn(l.evaluating(), posOf(rng), what, msg+"; values that depend on it are unknown")
	}
}

// rangeText quotes the source text of a range (shortened), or names its
// position when the text is not at hand.
func (l *loader) rangeText(r hcl.Range) string {
	src := l.source(r.Filename)
	if src == nil || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return "at " + rangeString(r)
	}
	t := strings.Join(strings.Fields(string(src[r.Start.Byte:r.End.Byte])), " ")
	if len(t) > 80 {
		t = t[:77] + "..."
	}
	return "`" + t + "`"
}

// relDir is dir relative to root, both fsys paths.
func relDir(root, dir string) string {
	if root == "." {
		return dir
	}
	if dir == root {
		return "."
	}
	if strings.HasPrefix(dir, root+"/") {
		return dir[len(root)+1:]
	}
	rs := strings.Split(root, "/")
	ds := strings.Split(dir, "/")
	i := 0
	for i < len(rs) && i < len(ds) && rs[i] == ds[i] {
		i++
	}
	parts := make([]string, 0, len(rs)-i+len(ds)-i)
	for range rs[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, ds[i:]...)
	return strings.Join(parts, "/")
}
