package cfn

import (
	"context"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// Options configures [Load].
type Options struct {
	// Parameters are Key=Value pairs (--parameter), applied in order after
	// the parameter files; a later value wins.
	Parameters []string
	// ParameterFiles are JSON files of parameter values, applied in order.
	// Three forms are accepted: the CloudFormation CLI form
	// [{"ParameterKey": "K", "ParameterValue": "V"}], the CodePipeline
	// template configuration form {"Parameters": {"K": "V"}}, and a plain
	// object {"K": "V"}. A path is read from the fs.FS given to [Load] when
	// it exists there, otherwise from the operating system.
	ParameterFiles []string
	// AccountID, Region, Partition and StackName are the values of the
	// pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition and
	// AWS::StackName. Empty values become identities (ident symbols)
	// except Partition, see the package documentation.
	AccountID, Region, Partition, StackName string
	// RefPrefix, when set, is prepended to every logical ID (and so to
	// every resource Ref and identity name) of the template, e.g.
	// "cdk.out/SiteStack/". The caller sets it when several templates are
	// checked together, so that their logical IDs and identities can't
	// collide.
	RefPrefix string
}

// maxNesting bounds the depth of nested stacks.
const maxNesting = 16

// Load loads one template (YAML or JSON) at path inside fsys, including
// its local nested stacks, into a model. Positions in the model and in
// errors are relative to the root of fsys.
//
// An input that CloudFormation would reject (a syntax error, a malformed
// intrinsic function, a Ref to nothing, a cycle) stops loading with a
// *source.Error that says where and what to change. A value that cannot
// be known offline never stops loading: it becomes an identity or an
// entry of Config.Unresolved.
func Load(ctx context.Context, fsys fs.FS, file string, opts Options) (*model.Config, error) {
	l := &loader{ctx: ctx, fsys: fsys, opts: opts, cfg: &model.Config{}, why: map[string]string{}, notes: map[string]bool{}}
	params, paramPos, err := l.parameters()
	if err != nil {
		return nil, err
	}
	root, err := l.openStack(file, params, paramPos, nil, nil)
	if err != nil {
		return nil, err
	}
	root.loaded = true
	if err := l.loadStack(root); err != nil {
		return nil, err
	}
	if err := l.finish(); err != nil {
		return nil, err
	}
	l.cfg.Sort()
	return l.cfg, nil
}

// loader holds the state of one Load call.
type loader struct {
	ctx  context.Context
	fsys fs.FS
	opts Options
	cfg  *model.Config

	// Identities shared by the root stack and its nested stacks.
	account, region, partition, urlSuffix string
	accountObj                            *model.Account

	// why explains every unknown symbol the evaluators created.
	why map[string]string
	// notes dedupes Unresolved entries by What.
	notes map[string]bool

	stacks []*stack
	// Resources of every stack, in load order, for the linking pass.
	buckets        []*bucketRes
	keys           []*keyRes
	bucketPolicies []*bucketPolicyRes
	aliases        []*aliasRes
	orgPolicies    []*orgPolicyRes
	customs        []*customRes
	// Indexes built by finish.
	bucketByName map[string][]*bucketRes
	keyByID      map[string]*keyRes
}

// unresolved records an Unresolved entry once per What.
func (l *loader) unresolved(what, why string, src model.Src) {
	if l.notes[what] {
		return
	}
	l.notes[what] = true
	l.cfg.Unresolved = append(l.cfg.Unresolved, model.Unresolved{What: what, Why: why, Src: src})
}

// missing explains why a value holding unknown symbols is unknown.
func (l *loader) missing(s string) string {
	var parts []string
	seen := map[string]bool{}
	for _, sym := range ident.Symbols(s) {
		if sym.Kind != ident.Any {
			continue
		}
		w := l.why[sym.Name]
		if w == "" {
			w = sym.Name + " is not known offline"
		}
		if !seen[w] {
			seen[w] = true
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return "the value is not known offline"
	}
	return strings.Join(parts, "; ")
}

// stackLabel derives a stack's name from its template path:
// "cdk.out/Site.template.json" is "cdk.out/Site".
func stackLabel(file string) string {
	for _, ext := range []string{".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml", ".template", ".txt"} {
		if strings.HasSuffix(file, ext) && len(file) > len(ext) {
			return strings.TrimSuffix(file, ext)
		}
	}
	return file
}

// stack is one loaded template: the root or a nested stack.
type stack struct {
	l      *loader
	file   string
	label  string
	prefix string // "" for the root, "Nested/" for a child
	parent *stack
	depth  int
	tmpl   *template.Template
	ev     *template.Evaluator
	// current is the Ref of the resource being read, for Unresolved entries.
	current string
	// conds caches the condition of every resource.
	conds map[string]ident.Tri
	// children are nested stacks by logical ID; nil entries are remote.
	children map[string]*stack
	// memo holds computed identities (bucket names, alias names).
	memo map[string]*source.Node
	busy map[string]bool
	// loaded is set once the stack's resources are in the model.
	loaded bool
	// form is how the template writes objects (policy documents).
	form model.PolicyForm
}

// openStack parses a template and prepares its evaluator; it does not
// read its resources yet.
func (l *loader) openStack(file string, params map[string]string, paramPos map[string]source.Pos, parent *stack, from *template.Resource) (*stack, error) {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		if from != nil {
			return nil, source.Errorf(from.Pos, "check the nested stack's TemplateURL", "cannot read the nested template %s: %v", file, unwrapPathError(err))
		}
		return nil, &source.Error{Pos: source.Pos{File: file}, Msg: "cannot read the template: " + unwrapPathError(err).Error()}
	}
	tmpl, err := template.Parse(file, data)
	if err != nil {
		return nil, err
	}
	s := &stack{l: l, file: file, parent: parent, tmpl: tmpl, conds: map[string]ident.Tri{},
		children: map[string]*stack{}, memo: map[string]*source.Node{}, busy: map[string]bool{}, form: model.FormYAML}
	if template.IsJSON(data) {
		s.form = model.FormJSON
	}
	l.cfg.Files = append(l.cfg.Files, file)
	if parent == nil {
		s.prefix = l.opts.RefPrefix
		s.label = l.opts.StackName
		if s.label == "" {
			s.label = stackLabel(file)
			if l.opts.RefPrefix != "" {
				s.label = strings.TrimSuffix(l.opts.RefPrefix, "/")
			}
		}
		l.initIdentities(s)
	} else {
		s.depth = parent.depth + 1
		s.prefix = parent.prefix + from.ID + "/"
		s.label = parent.label + "/" + from.ID
	}
	stackName := l.opts.StackName
	if parent != nil || stackName == "" {
		stackName = ident.New(ident.Name, s.label+":AWS::StackName")
	}
	pseudo := template.Pseudo{
		AccountID: l.account,
		Region:    l.region,
		Partition: l.partition,
		URLSuffix: l.urlSuffix,
		StackName: stackName,
		StackID: "arn:" + l.partition + ":cloudformation:" + l.region + ":" + l.account + ":stack/" + stackName + "/" +
			ident.New(ident.Name, s.label+":stack-uuid"),
	}
	ev, err := template.New(tmpl, template.Config{
		Pseudo:    pseudo,
		Params:    params,
		ParamsPos: paramPos,
		Scope:     s.prefix,
		Resolver:  s,
		Note:      s.note,
	})
	if err != nil {
		return nil, err
	}
	s.ev = ev
	if _, err := ev.ExpandForEach(); err != nil {
		return nil, err
	}
	for _, tr := range tmpl.Transforms {
		switch tr.Name {
		case "AWS::LanguageExtensions":
		case "AWS::Serverless-2016-10-31":
			// SAM resources (AWS::Serverless::*) are not part of the
			// delivery path; the AWS:: resources of the template are read
			// as written.
		default:
			l.unresolved("Transform "+tr.Name+" ("+file+")",
				"macro "+tr.Name+" rewrites the template when the stack is deployed; s3front reads the template as written",
				model.Src{Pos: tr.Pos})
		}
	}
	l.stacks = append(l.stacks, s)
	return s, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// initIdentities fixes the account, Region and partition of the root
// stack and adds its account to the model.
func (l *loader) initIdentities(s *stack) {
	o := l.opts
	l.account = o.AccountID
	if l.account == "" {
		l.account = ident.New(ident.Account, s.label+":AWS::AccountId")
	}
	l.region = o.Region
	if l.region == "" {
		l.region = ident.New(ident.Region, s.label+":AWS::Region")
	}
	assumed := false
	l.partition = o.Partition
	if l.partition == "" {
		if o.Region != "" {
			l.partition = model.PartitionOf(o.Region)
		} else {
			l.partition = "aws"
			assumed = true
		}
	}
	l.urlSuffix = model.DNSSuffix(l.partition)
	src := model.Src{Pos: source.Pos{File: s.file, Line: 1, Col: 1}}
	acct := model.NewAccount(model.Known(l.account, src), l.partition, src)
	if assumed {
		acct.Partition.Default = true
	}
	l.accountObj = acct
	l.cfg.Accounts = append(l.cfg.Accounts, acct)
}

// note receives the unknowns of the evaluator.
func (s *stack) note(n template.Note) {
	if _, ok := s.l.why[n.What]; !ok {
		s.l.why[n.What] = n.Why
	}
	if n.Root {
		s.l.unresolved(n.What, n.Why, model.Src{Resource: s.current, Pos: n.Pos})
	}
}

// ref returns the model Ref of a resource of this stack.
func (s *stack) ref(id string) string { return s.prefix + id }

// condition returns whether a resource is created, caching the result.
func (s *stack) condition(r *template.Resource) (ident.Tri, error) {
	if r.Condition == "" {
		return ident.True, nil
	}
	if t, ok := s.conds[r.ID]; ok {
		return t, nil
	}
	t, err := s.ev.Condition(r.Condition, r.ConditionPos)
	if err != nil {
		return ident.Unknown, err
	}
	s.conds[r.ID] = t
	return t, nil
}

// loadStack reads the resources of a stack into the model, in document
// order.
func (l *loader) loadStack(s *stack) error {
	for _, r := range s.tmpl.Resources {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		if r.Type == "Fn::ForEach" {
			l.unresolved("Fn::ForEach loop "+s.ref(r.ID), "the collection of loop "+r.ID+" is not known offline, so the resources it creates are not checked (pass --parameter values for it)",
				model.Src{Pos: r.Pos})
			continue
		}
		if !modelled(r.Type) {
			// Suppressions of other resources are still read, but their
			// conditions and properties are not evaluated.
			if err := l.suppressions(s, r); err != nil {
				return err
			}
			continue
		}
		t, err := s.condition(r)
		if err != nil {
			return err
		}
		if t == ident.False {
			continue
		}
		s.current = s.ref(r.ID)
		if t == ident.Unknown {
			l.unresolved("condition "+s.prefix+r.Condition+" of "+s.ref(r.ID),
				"whether "+s.ref(r.ID)+" is created depends on condition "+r.Condition+", which cannot be decided offline ("+s.ev.CondWhy(r.Condition)+"); it is checked as if it were created",
				model.Src{Resource: s.ref(r.ID), Pos: r.ConditionPos})
		}
		if err := s.loadResource(r); err != nil {
			return err
		}
		if err := l.suppressions(s, r); err != nil {
			return err
		}
	}
	s.current = ""
	return nil
}

// modelled reports whether resources of a type are read into the model
// (or, for custom resources and nested stacks, may change it).
func modelled(typ string) bool {
	switch typ {
	case "AWS::CloudFront::Distribution", "AWS::CloudFront::CloudFrontOriginAccessIdentity", "AWS::CloudFront::OriginAccessControl",
		"AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy", "AWS::S3::Bucket", "AWS::S3::BucketPolicy",
		"AWS::KMS::Key", "AWS::KMS::Alias", "AWS::Organizations::Policy", "AWS::CloudFormation::Stack",
		"AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint", "AWS::S3ObjectLambda::AccessPoint":
		return true
	}
	return isCustom(typ) && !benignCustom(typ)
}

// loadResource maps one resource to the model.
func (s *stack) loadResource(r *template.Resource) error {
	switch r.Type {
	case "AWS::CloudFront::Distribution":
		return s.distribution(r)
	case "AWS::CloudFront::CloudFrontOriginAccessIdentity":
		return s.oai(r)
	case "AWS::CloudFront::OriginAccessControl":
		return s.oac(r)
	case "AWS::CloudFront::CachePolicy":
		return s.cachePolicy(r)
	case "AWS::CloudFront::OriginRequestPolicy":
		return s.originRequestPolicy(r)
	case "AWS::S3::Bucket":
		return s.bucket(r)
	case "AWS::S3::BucketPolicy":
		return s.bucketPolicy(r)
	case "AWS::KMS::Key":
		return s.key(r)
	case "AWS::KMS::Alias":
		return s.alias(r)
	case "AWS::Organizations::Policy":
		return s.orgPolicy(r)
	case "AWS::CloudFormation::Stack":
		return s.nestedStack(r)
	case "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint", "AWS::S3ObjectLambda::AccessPoint":
		s.l.unresolved(r.Type+" "+s.ref(r.ID), r.Type+" is not modelled: origins that use it are not checked", model.Src{Resource: s.ref(r.ID), Pos: r.Pos})
		return nil
	}
	if isCustom(r.Type) {
		return s.custom(r)
	}
	return nil
}

// meta builds the common part of a model resource.
func (s *stack) meta(r *template.Resource, regional bool) model.Meta {
	src := model.Src{Resource: s.ref(r.ID), Pos: r.Pos}
	m := model.Meta{Ref: s.ref(r.ID), Type: r.Type, Src: src, Account: model.Known(s.l.account, src)}
	if regional {
		m.Region = model.Known(s.l.region, src)
	} else {
		// CloudFront resources are global.
		m.Region = model.Known("", model.Src{})
	}
	return m
}

// props resolves the Properties of a resource; nil when it has none.
func (s *stack) props(r *template.Resource) (*source.Node, error) {
	if r.Properties == nil {
		return &source.Node{Kind: source.Object, Pos: r.Pos}, nil
	}
	return s.ev.Value(r.Properties)
}

// parameters collects the values of Options.ParameterFiles and
// Options.Parameters.
func (l *loader) parameters() (map[string]string, map[string]source.Pos, error) {
	vals := map[string]string{}
	pos := map[string]source.Pos{}
	for _, f := range l.opts.ParameterFiles {
		kv, err := readParameterFile(l.fsys, f)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range kv {
			vals[p.key] = p.value
			pos[p.key] = p.pos
		}
	}
	for _, p := range l.opts.Parameters {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, nil, &source.Error{Pos: source.Pos{File: "--parameter"}, Msg: "--parameter " + p + " is not Key=Value", Hint: "write --parameter Name=value"}
		}
		vals[k] = v
		delete(pos, k)
	}
	// Pseudo parameters can be given as parameters too.
	for k, v := range vals {
		switch k {
		case "AWS::AccountId":
			l.opts.AccountID = v
		case "AWS::Region":
			l.opts.Region = v
		case "AWS::Partition":
			l.opts.Partition = v
		case "AWS::StackName":
			l.opts.StackName = v
		default:
			continue
		}
		delete(vals, k)
	}
	return vals, pos, nil
}

// sortedStrings returns the keys of m in order.
func sortedStrings(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// childPath resolves a nested template path relative to its parent.
func childPath(parent, rel string) (string, bool) {
	rel = strings.TrimPrefix(rel, "file://")
	if path.IsAbs(rel) {
		return "", false
	}
	p := path.Join(path.Dir(parent), rel)
	return p, fs.ValidPath(p)
}
