package edit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// Fixed says what became of one finding.
type Fixed struct {
	// Finding is the index of the finding in the list given to [Fix].
	Finding int
	// Edits are the finding's own changes, against the original files
	// (what a SARIF fix carries); empty when it could not be fixed.
	Edits []report.Edit
	// Calls are the finding's own changes to live resources.
	Calls []LiveCall
	// Why says why there is no edit.
	Why string
}

// FixResult holds the changes that fix a root's findings.
type FixResult struct {
	// Set holds every change together.
	Set *Set
	// Findings says, per finding given, what was done.
	Findings []Fixed
}

// fixer writes the change that fixes one finding into a set.
type fixer func(fc *fixCtx) error

// fixCtx is what a fixer works with.
type fixCtx struct {
	cfg   *model.Config
	res   *sim.Result
	set   *Set
	f     report.Finding
	paths []*sim.Path
	// causes are the causes of the finding (of its paths, or the
	// simulator's own).
	causes []*sim.Cause
}

// errNoEdit marks findings whose fix is not a change to files.
type errNoEdit string

func (e errNoEdit) Error() string { return string(e) }

// Fix computes the changes that fix findings (of one root, whose model
// and simulation are cfg and res): for each, its own edits (each finding
// fixed alone, against the original files), and all of them together in
// one set, where a change several findings share (a module's code, one
// statement) is made once. Findings that are suppressed, or whose fix is
// not a change to the input's files, get a reason instead.
func Fix(cfg *model.Config, res *sim.Result, findings []report.Finding, read ReadFunc) *FixResult {
	return FixIn(NewSet(read), cfg, res, findings)
}

// FixIn is [Fix] adding the changes to set, which may hold those of other
// roots already (a module two roots call is changed once).
func FixIn(set *Set, cfg *model.Config, res *sim.Result, findings []report.Finding) *FixResult {
	out := &FixResult{Set: set}
	byID := map[string]*sim.Path{}
	for _, p := range res.Paths {
		byID[pathID(p)] = p
	}
	// Findings whose fix is the OAI migration are fixed together: one
	// plan for all their distributions.
	order := make([]int, len(findings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return sevRank(findings[order[a]].Severity) > sevRank(findings[order[b]].Severity)
	})
	results := make([]Fixed, len(findings))
	var migrate []string
	var migrating []int
	for _, i := range order {
		f := findings[i]
		results[i] = Fixed{Finding: i}
		if f.Suppressed != nil {
			results[i].Why = "suppressed"
			continue
		}
		fx := fixerFor(f.Rule)
		if fx == nil {
			results[i].Why = "no edit for this rule: change it as the fix says"
			continue
		}
		fc := &fixCtx{cfg: cfg, res: res, f: f}
		for _, id := range f.Paths {
			if p := byID[id]; p != nil {
				fc.paths = append(fc.paths, p)
				if p.Cause != nil && p.Cause.Rule == f.Rule {
					fc.causes = append(fc.causes, p.Cause)
				}
			}
		}
		for _, c := range res.Causes {
			if c.Rule == f.Rule && c.At.Resource == f.Resource && c.At.File == f.Location.File && c.At.Line == f.Location.Line {
				fc.causes = append(fc.causes, c)
			}
		}
		// The finding alone, for its own edits.
		fc.set = out.Set.sibling()
		if err := fx(fc); err != nil {
			results[i].Why = err.Error()
			continue
		}
		for _, file := range fc.set.Files() {
			results[i].Edits = append(results[i].Edits, LineEdits(file.Name, file.Orig, file.Cur)...)
		}
		results[i].Calls = fc.set.LiveCalls()
		if len(results[i].Edits) == 0 && len(results[i].Calls) == 0 {
			results[i].Why = "nothing to change: the input already has the fix"
			continue
		}
		// And together with the others; the migrations in one plan, after
		// the loop, so that shared statements name every distribution.
		if d := fc.migrates(); d != "" && !indexed(d) {
			migrate = append(migrate, d)
			migrating = append(migrating, i)
			continue
		}
		snap := out.Set.Snapshot()
		onces := out.Set.onceSnapshot()
		fc.set = out.Set
		if err := fx(fc); err != nil {
			out.Set.Restore(snap)
			out.Set.onceRestore(onces)
			results[i].Edits, results[i].Calls = nil, nil
			results[i].Why = "conflicts with the fix of another finding: " + err.Error()
		}
	}
	if len(migrate) > 0 {
		snap := out.Set.Snapshot()
		onces := out.Set.onceSnapshot()
		p, err := planOn(out.Set, cfg, res, MigrateOptions{Distributions: dedupe(migrate), through: 4})
		var manual []string
		if err == nil {
			for _, s := range p.Steps {
				manual = append(manual, s.Manual...)
			}
			if len(manual) > 0 {
				err = fmt.Errorf("%s", strings.Join(manual, "; "))
			}
		}
		if err != nil {
			out.Set.Restore(snap)
			out.Set.onceRestore(onces)
			for _, i := range migrating {
				results[i].Edits, results[i].Calls = nil, nil
				results[i].Why = err.Error()
			}
		}
	}
	out.Findings = results
	return out
}

// migrates returns the distribution whose migration to origin access
// control fixes the finding, "" when its fix is another.
func (fc *fixCtx) migrates() string {
	switch fc.f.Rule {
	case "oai-sse-kms", "oai-legacy", "oac-upload-denied":
	default:
		return ""
	}
	for _, p := range fc.paths {
		if o := p.Origin; o != nil && o.OAI.Known && o.OAI.V != "" {
			return p.Distribution.Ref
		}
	}
	if fc.f.Rule == "oai-legacy" {
		return fc.f.Resource
	}
	return ""
}

func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sevRank(s report.Severity) int {
	switch s {
	case report.Error:
		return 3
	case report.Warning:
		return 2
	case report.Note:
		return 1
	}
	return 0
}

// pathID is the key of a path in report output (rules.PathID).
func pathID(p *sim.Path) string {
	parts := []string{p.Distribution.Ref, originLabel(p.Origin), behaviorLabel(p.Behavior), p.Scenario}
	if p.Uploader != "" {
		parts = append(parts, p.Uploader)
	}
	if p.Scenario == sim.ViewerGetExisting {
		parts = append(parts, p.Key)
	}
	return strings.Join(parts, " ")
}

func originLabel(o *model.Origin) string {
	if o != nil && o.ID.Known {
		return o.ID.V
	}
	return "?"
}

func behaviorLabel(b *model.Behavior) string {
	if b != nil && b.PathPattern.Known && b.PathPattern.V != "" {
		return b.PathPattern.V
	}
	return "*"
}

// fixerFor returns how to fix findings of a rule, nil when s3front
// can't write their fix.
func fixerFor(rule string) fixer {
	switch rule {
	case "oai-sse-kms", "oai-legacy":
		return fixMigrate
	case "oac-key-policy-missing", "source-arn-mismatch", "bucket-policy-denies-origin",
		"deny-unencrypted-blocks-upload", "perimeter-deny-blocks-cloudfront":
		return fixChanges
	case "oac-upload-denied":
		return fixUpload
	case "foreign-object-owner":
		return fixOwnership
	case "host-header-forwarded":
		return fixHostHeader
	case "bucket-public":
		return fixBucketPublic
	case "bpa-incomplete":
		return fixBPA
	case "cloudfront-grant-unscoped":
		return fixUnscoped
	case "aws-managed-key":
		return fixManagedKey
	case "website-endpoint-origin":
		return fixWebsite
	case "s3-origin-unsigned":
		return fixUnsigned
	case "oac-signing-disabled":
		return fixSigning
	case "viewer-http-allowed", "http-viewer-denied-at-origin":
		return fixViewerHTTP
	case "viewer-write-methods-unused":
		return fixWriteMethods
	case "key-rotation-disabled":
		return fixRotation
	}
	return nil
}

// fixChanges writes the structured changes of the finding's causes.
func fixChanges(fc *fixCtx) error {
	n := 0
	for _, c := range fc.causes {
		for _, ch := range c.Changes {
			if err := fc.apply(ch); err != nil {
				return err
			}
			n++
		}
	}
	if n == 0 && fc.f.Rule == "deny-unencrypted-blocks-upload" {
		// Found by the rule itself (a bucket no distribution reads): the
		// statement is at the finding.
		holder, pol, st := fc.policyAt(fc.location())
		for _, b := range fc.cfg.Buckets {
			if b.Ref == holder && st != nil {
				if ch := sim.DenyUnencryptedChange(b, st); ch != nil {
					_ = pol
					return fc.apply(*ch)
				}
			}
		}
	}
	if n == 0 {
		return errNoEdit("the fix is not a change s3front can write here: change it as the fix says")
	}
	return nil
}

// fixMigrate moves the finding's distribution to origin access control:
// steps 1 to 4 of `s3front migrate oai-to-oac`, the ones that keep every
// path working; removing the OAI waits for a deploy and a check.
func fixMigrate(fc *fixCtx) error {
	d := fc.f.Resource
	if len(fc.paths) > 0 {
		d = fc.paths[0].Distribution.Ref
	}
	if indexed(d) {
		return errIndexed(d)
	}
	if err := fc.synthesized(); err != nil {
		return err
	}
	p, err := planOn(fc.set, fc.cfg, fc.res, MigrateOptions{Distributions: []string{d}, through: 4})
	if err != nil {
		return err
	}
	var manual []string
	for _, s := range p.Steps {
		manual = append(manual, s.Manual...)
	}
	if len(manual) > 0 {
		return fmt.Errorf("%s", strings.Join(manual, "; "))
	}
	return nil
}

// fixUpload fixes an upload through CloudFront: an OAI origin moves to
// origin access control (which then needs the write grant too); otherwise
// the policy changes the cause proposes.
func fixUpload(fc *fixCtx) error {
	for _, p := range fc.paths {
		if o := p.Origin; o != nil && o.OAI.Known && o.OAI.V != "" {
			return fixMigrate(fc)
		}
	}
	return fixChanges(fc)
}

// indexed reports whether a Terraform address is one instance of a
// resource with for_each or count (aws_s3_bucket.site["a"]), whose code
// every instance shares. Instances of modules are not: an edit to a
// module's code is the same for each of them.
func indexed(ref string) bool {
	_, local := splitAddr(ref)
	return strings.Contains(local, "[")
}

func errIndexed(ref string) error {
	return fmt.Errorf("%s is one instance of a resource with for_each or count, whose code every instance shares: change it for this instance by hand", ref)
}

// synthesized refuses findings whose distribution's template the AWS
// CDK wrote.
func (fc *fixCtx) synthesized() error {
	for _, p := range fc.paths {
		if langOf(p.Distribution.Src) != langCFN {
			continue
		}
		f, err := fc.set.File(p.Distribution.Src.File, false)
		if err != nil {
			return err
		}
		if err := notSynthesized(f); err != nil {
			return err
		}
	}
	return nil
}
