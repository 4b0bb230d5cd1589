package edit

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// MigrateOptions configure [PlanOAIToOAC].
type MigrateOptions struct {
	// Distributions restricts the plan to these distributions (Terraform
	// addresses, logical IDs or ARNs); empty means every distribution
	// with an origin that uses an origin access identity.
	Distributions []string
	// through stops the plan after this many steps (fix stops after the
	// switch: the removal waits for a deploy and a check).
	through int
	// moves, when set, are the origins to move (fix: an origin with no
	// access control, or a website endpoint), instead of the OAI ones.
	moves []*move
}

// Plan is an ordered migration: each step leaves every path that worked
// working, so that it can be applied, deployed and checked before the
// next, and undone on its own.
type Plan struct {
	Steps []*Step
	// Moves are the origins the plan moves to origin access control.
	Moves []Move
	// Notes are what the plan refuses to recommend (turning on SSE-KMS
	// before every reader has moved) and what it leaves as it is.
	Notes []string
}

// Move is one origin moved from an OAI to an OAC.
type Move struct {
	Distribution string
	Origin       string
	Bucket       string
	OAI          string
	// Key is the bucket's default KMS key, "" when it has none.
	Key string
}

// Pending returns the steps not yet done.
func (p *Plan) Pending() []*Step {
	var out []*Step
	for _, s := range p.Steps {
		if !s.Done {
			out = append(out, s)
		}
	}
	return out
}

// move is an origin to migrate with what it touches.
type move struct {
	d   *model.Distribution
	o   *model.Origin
	b   *model.Bucket
	oai *model.OAI
	// k is the bucket's default encryption key; kms is true when the
	// bucket encrypts new objects with SSE-KMS (k may then be nil: the
	// AWS managed key or a key not in the input).
	k   *model.Key
	kms bool
	// writes are the object writes (s3:PutObject, s3:DeleteObject) the
	// OAI grant allows and the OAC grant must keep.
	writes []string
	// website is set for an origin that points at the bucket's website
	// endpoint: the switch also points it at the REST endpoint.
	website bool
}

// migrator builds one plan.
type migrator struct {
	*writer
	res   *sim.Result
	st    *stepper
	moves []*move
	plan  *Plan
	// oacRef is the OAC (ref) each move's origin will use, by origin.
	oacRef map[*model.Origin]string
	// retiring are the OAIs no origin will use once the moves are made:
	// those of the moves, and those no origin of the input uses (left by
	// an earlier run of the plan).
	retiring []*model.OAI
}

// PlanOAIToOAC plans the migration of every origin that reads an S3
// bucket through an origin access identity to origin access control, in
// the order that never breaks a working path:
//
//  1. create the origin access control;
//  2. grant it in the bucket policy, beside the OAI's grant;
//  3. grant it the bucket's KMS key;
//  4. switch each origin to it;
//  5. verify (requests to make, what they must return);
//  6. remove the OAI's grants from the bucket policies;
//  7. delete the OAI.
//
// Files are read with read; nothing is written. Steps already done in the
// input are marked Done, so the plan can be made again after each step.
func PlanOAIToOAC(cfg *model.Config, res *sim.Result, read ReadFunc, opts MigrateOptions) (*Plan, error) {
	return planOn(NewSet(read), cfg, res, opts)
}

// PlanOAIToOACIn is [PlanOAIToOAC] making its changes in set (a
// [NewLiveSet] for a live read: steps are then calls and commands).
func PlanOAIToOACIn(set *Set, cfg *model.Config, res *sim.Result, opts MigrateOptions) (*Plan, error) {
	return planOn(set, cfg, res, opts)
}

// planOn makes the plan's changes in set (where other changes may
// already be).
func planOn(set *Set, cfg *model.Config, res *sim.Result, opts MigrateOptions) (*Plan, error) {
	m := &migrator{writer: &writer{set: set, cfg: cfg, res: res}, res: res, st: newStepper(set), plan: &Plan{},
		oacRef: map[*model.Origin]string{}}
	if opts.moves != nil {
		m.moves = opts.moves
	} else if err := m.analyse(opts); err != nil {
		return nil, err
	}
	if len(m.moves) == 0 && len(m.retiring) == 0 {
		m.kmsGuard()
		return m.plan, nil
	}
	steps := []struct {
		title string
		build func(*Step)
	}{
		{"create the origin access control", m.createOACs},
		{"grant the origin access control in the bucket policy, beside the OAI's grant", m.bucketGrants},
		{"grant the origin access control the bucket's KMS key", m.keyGrants},
		{"switch each origin to the origin access control", m.switchOrigins},
		{"verify", m.verify},
		{"remove the OAI's grants from the bucket policy", m.removeOAIGrants},
		{"delete the origin access identity", m.deleteOAIs},
	}
	for i, s := range steps {
		if opts.through > 0 && i >= opts.through {
			break
		}
		m.step(s.title, s.build)
	}
	m.kmsGuard()
	return m.plan, nil
}

// step runs one step builder and records what it changed.
func (m *migrator) step(title string, build func(*Step)) {
	s := &Step{Title: title}
	m.st.begin()
	ncalls := len(m.set.calls)
	build(s)
	s.Files = m.st.end()
	s.Calls = m.set.liveSince(ncalls, m.st.before)
	var cmds []string
	for _, c := range s.Calls {
		cmds = append(cmds, c.Commands()...)
	}
	s.Commands = append(cmds, s.Commands...)
	if len(s.Files) == 0 && len(s.Manual) == 0 && len(s.Commands) == 0 {
		if !s.Done {
			s.Detail = "nothing to do: the files already have it"
		}
		s.Done = true
		s.Check = nil
	}
	m.plan.Steps = append(m.plan.Steps, s)
}

// analyse finds the origins to move.
func (m *migrator) analyse(opts MigrateOptions) error {
	want := map[string]bool{}
	for _, d := range opts.Distributions {
		want[d] = true
	}
	found := map[string]bool{}
	seen := map[*model.Origin]bool{}
	ix := m.res.Index
	for _, p := range m.res.Paths {
		o := p.Origin
		if o == nil || seen[o] || p.Bucket == nil {
			continue
		}
		d := p.Distribution
		if len(want) > 0 && !want[d.Ref] {
			continue
		}
		found[d.Ref] = true
		if !o.OAI.Known || o.OAI.V == "" {
			continue
		}
		seen[o] = true
		if langOf(d.Src) == langCFN {
			if f, err := m.set.File(d.Src.File, false); err == nil {
				if err := notSynthesized(f); err != nil {
					return err
				}
			}
		}
		if indexed(d.Ref) {
			m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("%s is one instance of a resource with for_each or count: its origin's code serves every instance, so the plan leaves it; move it by hand with the same steps", d.Ref))
			continue
		}
		mv := &move{d: d, o: o, b: p.Bucket, oai: ix.OAI(o.OAI.V)}
		b := p.Bucket
		if b.Encryption.Algorithm.Known && strings.HasPrefix(b.Encryption.Algorithm.V, "aws:kms") {
			mv.kms = true
			if b.Encryption.KeyID.Known && b.Encryption.KeyID.V != "" {
				if k, ok := ix.Key(b.Encryption.KeyID.V); ok == ident.True {
					mv.k = k
				}
			}
		}
		mv.writes = m.oaiWrites(mv)
		m.moves = append(m.moves, mv)
		m.plan.Moves = append(m.plan.Moves, Move{Distribution: d.Ref, Origin: originName(o), Bucket: b.Ref, OAI: oaiName(mv), Key: keyRef(mv.k)})
	}
	seenOAI := map[*model.OAI]bool{}
	for _, mv := range m.moves {
		if mv.oai != nil && !seenOAI[mv.oai] && m.retired(mv.oai) {
			seenOAI[mv.oai] = true
			m.retiring = append(m.retiring, mv.oai)
		}
	}
	if len(want) == 0 {
		for _, oai := range m.cfg.OAIs {
			if !seenOAI[oai] && m.retired(oai) {
				seenOAI[oai] = true
				m.retiring = append(m.retiring, oai)
				m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("no origin in the input uses %s: steps 6 and 7 remove it; keep it if a distribution of another configuration still does", oai.Ref))
			}
		}
	}
	for d := range want {
		if !found[d] {
			return fmt.Errorf("%s reads no S3 bucket of the input (its origin may be an access point, or its bucket not in the input)", d)
		}
	}
	sort.SliceStable(m.moves, func(i, j int) bool { return m.moves[i].d.Ref < m.moves[j].d.Ref })
	sort.SliceStable(m.plan.Moves, func(i, j int) bool { return m.plan.Moves[i].Distribution < m.plan.Moves[j].Distribution })
	for _, mv := range m.moves {
		if mv.kms && mv.k == nil {
			if mv.b.Encryption.KeyID.Known && mv.b.Encryption.KeyID.V == "" {
				m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("%s encrypts with the AWS managed key aws/s3, whose key policy CloudFront can never be granted: create a customer managed key and make it the bucket's default before step 4 (see `s3front explain aws-managed-key`)", mv.b.Ref))
			} else {
				m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("the KMS key of %s is not in the input: grant cloudfront.amazonaws.com kms:Decrypt in its key policy (AWS:SourceArn of %s) before step 4", mv.b.Ref, mv.d.Ref))
			}
		}
	}
	return nil
}

func originName(o *model.Origin) string {
	if o.ID.Known {
		return ident.Render(o.ID.V)
	}
	return "?"
}

func oaiName(mv *move) string {
	if mv.oai != nil {
		return mv.oai.Ref
	}
	return ident.Render(mv.o.OAI.V)
}

func keyRef(k *model.Key) string {
	if k == nil {
		return ""
	}
	return k.Ref
}

// oaiWrites are the object writes the bucket policy grants the move's OAI.
func (m *migrator) oaiWrites(mv *move) []string {
	var out []string
	for _, st := range m.oaiStatements(mv.b, mv.oai) {
		if st.Action == nil {
			continue
		}
		for _, a := range st.Action.Items {
			switch strings.ToLower(a) {
			case "s3:putobject", "s3:deleteobject", "s3:*":
				if strings.ToLower(a) == "s3:*" {
					out = appendUnique(out, "s3:PutObject", "s3:DeleteObject")
				} else {
					out = appendUnique(out, a)
				}
			}
		}
	}
	return out
}

func appendUnique(xs []string, ys ...string) []string {
	for _, y := range ys {
		dup := false
		for _, x := range xs {
			dup = dup || strings.EqualFold(x, y)
		}
		if !dup {
			xs = append(xs, y)
		}
	}
	return xs
}

// sameModule reports whether a and b are declared in the same module
// instance.
func sameModule(a, b string) bool {
	pa, _ := splitAddr(a)
	pb, _ := splitAddr(b)
	return pa == pb
}

// --- step 1: create the OAC ---

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func (m *migrator) createOACs(s *Step) {
	s.Detail = "Nothing uses the new origin access control yet: no request changes."
	made := map[string]string{} // group key → OAC ref
	for _, mv := range m.moves {
		if mv.o.OAC.Known && mv.o.OAC.V != "" {
			if oac := m.res.Index.OAC(mv.o.OAC.V); oac != nil {
				m.oacRef[mv.o] = oac.Ref
				continue
			}
		}
		lang := langOf(mv.d.Src)
		group := mv.b.Ref + "|" + lang
		if ref, ok := made[group]; ok {
			m.oacRef[mv.o] = ref
			continue
		}
		var ref string
		var err error
		switch lang {
		case langTerraform:
			ref, err = m.createOACTerraform(mv)
		case langCFN:
			ref, err = m.createOACCFN(mv)
		case langLive:
			if m.set.live == nil {
				err = fmt.Errorf("%s is not read from a file s3front can change", mv.d.Ref)
				break
			}
			ref, err = m.createOACLive(mv)
		default:
			err = fmt.Errorf("%s is not read from a file s3front can change", mv.d.Ref)
		}
		if err != nil {
			s.Manual = append(s.Manual, fmt.Sprintf("create an origin access control for %s (origin type s3, signing behavior always, protocol sigv4): %v", mv.d.Ref, err))
			continue
		}
		made[group] = ref
		m.oacRef[mv.o] = ref
	}
	s.Check = append(s.Check, "deploy (terraform apply, or update the stack); the origin access control exists, and `s3front check` shows the same paths as before")
}

// existingOAC returns an OAC of the configuration with the given ref.
func (m *migrator) existingOAC(ref string) *model.OAC {
	for _, o := range m.cfg.OACs {
		if o.Ref == ref {
			return o
		}
	}
	return nil
}

func (m *migrator) createOACTerraform(mv *move) (string, error) {
	prefix, _ := splitAddr(mv.d.Ref)
	name := "this"
	if mv.oai != nil && sameModule(mv.oai.Ref, mv.d.Ref) {
		_, local := splitAddr(mv.oai.Ref)
		if _, labels := blockLabels(local); len(labels) == 2 {
			name = labels[1]
		}
	} else if _, labels := blockLabels(localOf(mv.b.Ref)); len(labels) == 2 {
		name = labels[1]
	}
	ref := prefix + "aws_cloudfront_origin_access_control." + name
	// The module's code is shared by its instances: one block serves all.
	made := "oac|" + mv.d.Src.File + "|aws_cloudfront_origin_access_control." + name
	if m.existingOAC(ref) != nil || m.set.has(made) {
		return ref, nil // made by an earlier run of this plan, or just now
	}
	var nameExpr string
	if r, ok := localRef(mv.b.Ref, "bucket", prefix); ok {
		nameExpr = r
	} else if mv.b.Name.Known && !ident.Has(mv.b.Name.V) {
		nameExpr = hclQuote(mv.b.Name.V)
	} else {
		nameExpr = hclQuote(strings.Trim(nonIdent.ReplaceAllString(name, "-"), "-"))
	}
	block, err := TFBlock("resource", []string{"aws_cloudfront_origin_access_control", name},
		[2]string{"name", nameExpr},
		[2]string{"description", hclQuote("replaces the origin access identity of " + localOf(mv.d.Ref))},
		[2]string{"origin_access_control_origin_type", `"s3"`},
		[2]string{"signing_behavior", `"always"`},
		[2]string{"signing_protocol", `"sigv4"`})
	if err != nil {
		return "", err
	}
	if err := m.placeTFBlock(mv, "aws_cloudfront_origin_access_control", name, block); err != nil {
		return "", err
	}
	m.set.once(made)
	return ref, nil
}

// placeTFBlock adds a new resource block (typ, name) where the user would
// write it: in a file of its own when the OAI has one named after it (one
// resource per file), after the OAI when it is in the distribution's
// module, before the distribution otherwise.
func (m *migrator) placeTFBlock(mv *move, typ, name, block string) error {
	if oai := mv.oai; oai != nil && sameModule(oai.Ref, mv.d.Ref) && langOf(oai.Src) == langTerraform {
		dir, base := pathDir(oai.Src.File), oai.Src.File[strings.LastIndexByte("/"+oai.Src.File, '/'):]
		if strings.HasPrefix(base, "aws_cloudfront_origin_access_identity.") && strings.HasSuffix(base, ".tf") {
			file := typ + "." + name + ".tf"
			if dir != "." {
				file = dir + "/" + file
			}
			if f, err := m.set.File(file, true); err == nil && f.New && len(f.Cur) == 0 {
				t, err := m.set.tfNew(file)
				if err != nil {
					return err
				}
				return t.insertAfter(nil, block)
			}
		}
		t, err := m.set.tf(oai.Src.File)
		if err != nil {
			return err
		}
		if b := t.blockAt(oai.Src.Line, oai.Src.Col); b != nil {
			return t.insertAfter(b, block)
		}
	}
	t, err := m.set.tf(mv.d.Src.File)
	if err != nil {
		return err
	}
	if b := t.blockAt(mv.d.Src.Line, mv.d.Src.Col); b != nil {
		return t.insertBefore(b, block)
	}
	return t.insertAfter(nil, block)
}

// localOf is the address of ref inside its module.
func localOf(ref string) string {
	_, l := splitAddr(ref)
	return l
}

// blockBefore returns the top-level block before b (nil: b is first).
func (t *tfFile) blockBefore(b *hclsyntax.Block) *hclsyntax.Block {
	var prev *hclsyntax.Block
	for _, x := range t.body.Blocks {
		if x.TypeRange.Start.Byte >= b.TypeRange.Start.Byte {
			break
		}
		prev = x
	}
	return prev
}

func (m *migrator) createOACCFN(mv *move) (string, error) {
	c, err := m.set.cfn(mv.d.Src.File)
	if err != nil {
		return "", err
	}
	id := mv.d.Ref + "OAC"
	after := ""
	if mv.oai != nil {
		after = mv.oai.Ref
		if strings.HasSuffix(mv.oai.Ref, "OAI") {
			id = strings.TrimSuffix(mv.oai.Ref, "OAI") + "OAC"
		} else {
			id = mv.oai.Ref + "OAC"
		}
	}
	made := "oac|" + mv.d.Src.File + "|" + id
	if m.existingOAC(id) != nil || m.set.has(made) {
		return id, nil
	}
	name := CFNSub("${AWS::StackName}-" + id)
	if langOf(mv.b.Src) == langCFN && mv.b.Src.File == mv.d.Src.File {
		name = CFNRef(mv.b.Ref) // the bucket's name: unique, and at most 63 characters
	}
	body := CFNMap("Type", "AWS::CloudFront::OriginAccessControl", "Properties", CFNMap(
		"OriginAccessControlConfig", CFNMap(
			"Name", name,
			"Description", "replaces the origin access identity of "+mv.d.Ref,
			"OriginAccessControlOriginType", "s3",
			"SigningBehavior", "always",
			"SigningProtocol", "sigv4")))
	if err := c.addResource(after, id, body); err != nil {
		return "", err
	}
	m.set.once(made)
	return id, nil
}

// --- step 4: switch the origins ---

func (m *migrator) switchOrigins(s *Step) {
	s.Detail = "Each origin now signs its requests with the origin access control; the OAI's grant stays in the bucket policy, so switching back (undoing this step) restores the previous state."
	var dists []string
	for _, mv := range m.moves {
		ref, ok := m.oacRef[mv.o]
		if !ok {
			s.Manual = append(s.Manual, fmt.Sprintf("attach the origin access control to origin %s of %s and remove its origin access identity", originName(mv.o), mv.d.Ref))
			continue
		}
		var err error
		switch langOf(mv.d.Src) {
		case langTerraform:
			err = m.switchTerraform(mv, ref)
		case langCFN:
			err = m.switchCFN(mv, ref)
		case langLive:
			if m.set.live == nil {
				err = fmt.Errorf("%s is not read from a file s3front can change", mv.d.Ref)
				break
			}
			err = m.switchLive(mv, ref)
		default:
			err = fmt.Errorf("%s is not read from a file s3front can change", mv.d.Ref)
		}
		if err != nil {
			s.Manual = append(s.Manual, fmt.Sprintf("attach %s to origin %s of %s and remove its origin access identity: %v", ref, originName(mv.o), mv.d.Ref, err))
		}
		dists = appendUnique(dists, mv.d.Ref)
	}
	if len(dists) > 0 {
		s.Check = append(s.Check, "deploy, and wait until every changed distribution is deployed (aws cloudfront wait distribution-deployed --id ID): "+strings.Join(dists, ", "))
	}
}

func (m *migrator) switchTerraform(mv *move, oacRef string) error {
	t, err := m.set.tf(mv.o.Src.File)
	if err != nil {
		return err
	}
	b := t.blockAt(mv.o.Src.Line, mv.o.Src.Col)
	if b == nil || b.Type != "origin" {
		return fmt.Errorf("%s: the origin is not written as an origin block here (a dynamic block?); change it by hand", mv.o.Src.Pos)
	}
	prefix, _ := splitAddr(mv.d.Ref)
	ref, ok := localRef(oacRef, "id", prefix)
	if !ok {
		return fmt.Errorf("%s is in another module than %s", oacRef, mv.d.Ref)
	}
	line, col := b.TypeRange.Start.Line, b.TypeRange.Start.Column
	if mv.website {
		dom, ok := localRef(mv.b.Ref, "bucket_regional_domain_name", prefix)
		if !ok {
			return fmt.Errorf("%s is in another module than %s: point the origin at its REST endpoint by hand", mv.b.Ref, mv.d.Ref)
		}
		if err := t.setAttr(b, "domain_name", dom); err != nil {
			return err
		}
		b = t.blockAtNow(line, col)
		for _, c := range b.Body.Blocks {
			if c.Type == "custom_origin_config" {
				if err := t.removeBlock(c); err != nil {
					return err
				}
				b = t.blockAtNow(line, col)
				break
			}
		}
	}
	hasOAC := mv.o.OAC.Known && mv.o.OAC.V != ""
	if a, ok := b.Body.Attributes["origin_access_control_id"]; !hasOAC && (!ok || strings.TrimSpace(t.text[a.Expr.Range().Start.Byte:a.Expr.Range().End.Byte]) != ref) {
		if err := t.setAttr(b, "origin_access_control_id", ref); err != nil {
			return err
		}
		b = t.blockAtNow(line, col)
	}
	for _, c := range b.Body.Blocks {
		if c.Type != "s3_origin_config" {
			continue
		}
		if len(c.Body.Blocks) == 0 && len(c.Body.Attributes) <= 1 {
			return t.removeBlock(c)
		}
		return t.removeAttr(c, "origin_access_identity")
	}
	return nil
}

func (m *migrator) switchCFN(mv *move, oacID string) error {
	c, err := m.set.cfn(mv.o.Src.File)
	if err != nil {
		return err
	}
	hasOAC := mv.o.OAC.Known && mv.o.OAC.V != ""
	if mv.website {
		if langOf(mv.b.Src) != langCFN || mv.b.Src.File != mv.o.Src.File {
			return fmt.Errorf("%s is not in the template of %s: point the origin at its REST endpoint by hand", mv.b.Ref, mv.d.Ref)
		}
		if err := c.setKey(mv.o.Src.Pos, nil, "DomainName", CFNGetAtt(mv.b.Ref+".RegionalDomainName")); err != nil {
			return err
		}
		if err := c.removeKey(mv.o.Src.Pos, nil, "CustomOriginConfig"); err != nil {
			return err
		}
	}
	if !hasOAC {
		if err := c.setKey(mv.o.Src.Pos, nil, "OriginAccessControlId", CFNGetAtt(oacID+".Id")); err != nil {
			return err
		}
	}
	if !c.hasKey(mv.o.Src.Pos, "S3OriginConfig") {
		return c.setKey(mv.o.Src.Pos, nil, "S3OriginConfig", CFNMap("OriginAccessIdentity", ""))
	}
	return c.setKey(mv.o.Src.Pos, []string{"S3OriginConfig"}, "OriginAccessIdentity", CFNStr(""))
}

// --- step 5: verify ---

// verifyTargets are the origins to verify before the OAI grants go: the
// moved ones, and those already switched whose bucket still grants an
// OAI that is being retired.
func (m *migrator) verifyTargets() []*move {
	out := append([]*move(nil), m.moves...)
	seen := map[*model.Origin]bool{}
	for _, mv := range m.moves {
		seen[mv.o] = true
	}
	granted := map[*model.Bucket]bool{}
	for _, oai := range m.retiring {
		for _, b := range m.cfg.Buckets {
			if len(m.oaiStatements(b, oai)) > 0 {
				granted[b] = true
			}
		}
	}
	for _, p := range m.res.Paths {
		o := p.Origin
		if o == nil || p.Bucket == nil || seen[o] || !granted[p.Bucket] || !o.OAC.Known || o.OAC.V == "" {
			continue
		}
		seen[o] = true
		mv := &move{d: p.Distribution, o: o, b: p.Bucket}
		b := p.Bucket
		mv.kms = b.Encryption.Algorithm.Known && strings.HasPrefix(b.Encryption.Algorithm.V, "aws:kms")
		out = append(out, mv)
	}
	return out
}

func (m *migrator) verify(s *Step) {
	targets := m.verifyTargets()
	if len(targets) == 0 {
		return
	}
	s.Detail = "Before anything is removed, prove that every moved origin serves through the origin access control. If a request fails, undo step 4: the OAI still has its grant."
	for _, mv := range targets {
		dom := "DISTRIBUTION_DOMAIN"
		if mv.d.DomainName.Known && !ident.Has(mv.d.DomainName.V) {
			dom = mv.d.DomainName.V
		}
		bucket := "BUCKET"
		if mv.b.Name.Known && !ident.Has(mv.b.Name.V) {
			bucket = mv.b.Name.V
		}
		host := bucket + ".s3.amazonaws.com"
		if mv.b.Region.Known && !ident.Has(mv.b.Region.V) && mv.b.Region.V != "" {
			host = bucket + ".s3." + mv.b.Region.V + ".amazonaws.com"
		}
		key := "s3front-migration-canary.txt"
		prefix := ""
		if mv.o.Path.Known && mv.o.Path.V != "" {
			prefix = strings.TrimPrefix(mv.o.Path.V, "/") + "/"
		}
		enc := "with the bucket's default encryption"
		if mv.kms {
			enc = "with SSE-KMS, the bucket's default"
		}
		existing := "index.html"
		if mv.d.DefaultRootObject.Known && mv.d.DefaultRootObject.V != "" && !ident.Has(mv.d.DefaultRootObject.V) {
			existing = strings.TrimPrefix(mv.d.DefaultRootObject.V, "/")
		}
		s.Commands = append(s.Commands, fmt.Sprintf("# %s (origin %s, bucket %s)", mv.d.Ref, originName(mv.o), mv.b.Ref))
		if dom == "DISTRIBUTION_DOMAIN" {
			how := "its domain_name (terraform state show '" + mv.d.Ref + "')"
			if langOf(mv.d.Src) == langCFN {
				how = "its DomainName (Fn::GetAtt " + mv.d.Ref + ".DomainName)"
			}
			s.Commands = append(s.Commands, "# DISTRIBUTION_DOMAIN: "+how)
		}
		if bucket == "BUCKET" {
			s.Commands = append(s.Commands, "# BUCKET: the name of "+mv.b.Ref)
		}
		s.Commands = append(s.Commands,
			fmt.Sprintf("echo ok | aws s3 cp - s3://%s/%s%s   # a new object, encrypted %s", bucket, prefix, key, enc),
			fmt.Sprintf("curl -s -o /dev/null -w '%%{http_code}\\n' https://%s/%s   # must print 200", dom, key),
			fmt.Sprintf("curl -s -o /dev/null -w '%%{http_code}\\n' https://%s/%s   # an object from before the move: must print 200, as before", dom, existing),
			fmt.Sprintf("curl -s -o /dev/null -w '%%{http_code}\\n' https://%s/%s%s   # straight to the bucket: must print 403", host, prefix, key),
			fmt.Sprintf("aws s3 rm s3://%s/%s%s", bucket, prefix, key),
		)
	}
	s.Check = append(s.Check, "every request above returns what its comment says")
}

// --- step 6: remove the OAI grants ---

// oaiStatements are the statements of b's policy that name oai.
func (m *migrator) oaiStatements(b *model.Bucket, oai *model.OAI) []*iamStatement {
	if oai == nil || !b.Policy.HasDoc() {
		return nil
	}
	var out []*iamStatement
	for _, st := range b.Policy.V.Statements {
		if st.Principal == nil {
			continue
		}
		if namesOAI(st.Principal.AWS, oai.IAMARN) || namesOAI(st.Principal.CanonicalUser, oai.CanonicalUser) {
			out = append(out, st)
		}
	}
	return out
}

func namesOAI(v *iamValues, id model.Value[string]) bool {
	if v == nil || !id.Known {
		return false
	}
	for _, x := range v.Items {
		if x == id.V {
			return true
		}
	}
	return false
}

// retired reports whether no origin of the input other than the moved
// ones uses oai.
func (m *migrator) retired(oai *model.OAI) bool {
	if oai == nil || !oai.ID.Known {
		return false
	}
	moved := map[*model.Origin]bool{}
	for _, mv := range m.moves {
		moved[mv.o] = true
	}
	for _, d := range m.cfg.Distributions {
		for _, o := range d.Origins {
			if !moved[o] && o.OAI.Known && o.OAI.V == oai.ID.V {
				return false
			}
		}
	}
	return true
}

// kept says which OAIs of the moves stay because other origins use them.
func (m *migrator) kept(s *Step) {
	var users []string
	for _, mv := range m.moves {
		if mv.oai != nil && !m.retired(mv.oai) {
			users = appendUnique(users, mv.oai.Ref)
		}
	}
	if len(users) > 0 {
		s.Done = true
		s.Detail = "kept: other origins of the input still use " + strings.Join(users, ", ") + "; move them too, then run again"
	}
}

func (m *migrator) removeOAIGrants(s *Step) {
	m.kept(s)
	if len(m.retiring) > 0 {
		s.Detail = "No origin uses these grants any more."
	}
	done := map[string]bool{}
	for _, oai := range m.retiring {
		for _, b := range m.cfg.Buckets {
			for _, st := range m.oaiStatements(b, oai) {
				key := st.Pos.String()
				if done[key] {
					continue // a module's code, shared by its instances
				}
				done[key] = true
				if err := m.removeStatement(b.Policy, st); err != nil {
					s.Manual = append(s.Manual, fmt.Sprintf("remove the statement granting %s from the bucket policy of %s: %v", oai.Ref, b.Ref, err))
				}
			}
		}
	}
	if len(done) > 0 {
		s.Check = append(s.Check, "deploy; `s3front check` still shows every viewer path allowed")
	}
}

// removeStatement deletes a statement from the policy that holds it.
func (m *migrator) removeStatement(pol model.Policy, st *iamStatement) error {
	if st.Principal != nil && st.Principal.AWS != nil && st.Principal.CanonicalUser != nil ||
		st.Principal != nil && (st.Principal.AWS != nil && len(st.Principal.AWS.Items) > 1 || st.Principal.CanonicalUser != nil && len(st.Principal.CanonicalUser.Items) > 1) {
		return fmt.Errorf("%s: the statement names other principals too; remove only the OAI from it", st.Pos)
	}
	d, err := m.set.docEditor(pol)
	if err != nil {
		return err
	}
	return d.removeStatement(st.Pos)
}

// --- step 7: delete the OAI ---

func (m *migrator) deleteOAIs(s *Step) {
	m.kept(s)
	if len(m.retiring) > 0 {
		s.Detail = "The origin access identity is no longer used or granted anything."
	}
	done := map[string]bool{}
	for _, oai := range m.retiring {
		key := oai.Src.String()
		if done[key] {
			continue
		}
		done[key] = true
		var err error
		switch langOf(oai.Src) {
		case langTerraform:
			err = m.deleteOAITerraform(oai)
		case langCFN:
			err = m.deleteOAICFN(oai)
		case langLive:
			if m.set.live == nil {
				err = fmt.Errorf("it is not read from a file s3front can change")
				break
			}
			err = m.deleteOAILive(oai)
		default:
			err = fmt.Errorf("it is not read from a file s3front can change")
		}
		if err != nil {
			s.Manual = append(s.Manual, fmt.Sprintf("delete %s: %v", oai.Ref, err))
		}
	}
	if len(done) > 0 {
		s.Check = append(s.Check, "deploy; `s3front check` reports no oai-legacy or oai-sse-kms finding")
	}
}

func (m *migrator) deleteOAITerraform(oai *model.OAI) error {
	t, err := m.set.tf(oai.Src.File)
	if err != nil {
		return err
	}
	b := t.blockAt(oai.Src.Line, oai.Src.Col)
	if b == nil {
		return fmt.Errorf("%s: no resource block here", oai.Src.Pos)
	}
	_, local := splitAddr(oai.Ref)
	if i := strings.IndexByte(local, '['); i >= 0 {
		local = local[:i]
	}
	// Every other mention of it in the module must go first.
	if at := m.mentions(oai.Src.File, local, b); at != "" {
		return fmt.Errorf("it is still referenced at %s; remove that reference, then the resource", at)
	}
	return t.removeBlock(b)
}

// mentions returns where a Terraform file of the module that holds file
// refers to local, outside block self; "" when nowhere.
func (m *migrator) mentions(file, local string, self *hclsyntax.Block) string {
	dir := pathDir(file)
	re := regexp.MustCompile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(local) + `\b`)
	names := []string{}
	for _, f := range m.cfg.Files {
		if pathDir(f) == dir && strings.HasSuffix(f, ".tf") {
			names = append(names, f)
		}
	}
	if len(names) == 0 {
		names = []string{file}
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := m.set.File(n, false)
		if err != nil {
			continue
		}
		text := string(f.Cur)
		for _, loc := range re.FindAllStringIndex(text, -1) {
			if n == file && self != nil {
				if t, err := m.set.tf(n); err == nil {
					if b := t.blockAtOffset(loc[0]); b == self || b != nil && b.TypeRange == self.TypeRange {
						continue
					}
				}
			}
			line := strings.Count(text[:loc[0]], "\n") + 1
			return fmt.Sprintf("%s:%d", n, line)
		}
	}
	return ""
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// blockAtOffset returns the top-level block holding byte offset off.
func (t *tfFile) blockAtOffset(off int) *hclsyntax.Block {
	for _, b := range t.body.Blocks {
		if b.Range().Start.Byte <= off && off < b.Range().End.Byte {
			return b
		}
	}
	return nil
}

func (m *migrator) deleteOAICFN(oai *model.OAI) error {
	c, err := m.set.cfn(oai.Src.File)
	if err != nil {
		return err
	}
	snap := m.set.Snapshot()
	if err := c.removeResource(oai.Ref); err != nil {
		return err
	}
	f, _ := m.set.File(oai.Src.File, false)
	if loc := regexp.MustCompile(`\b` + regexp.QuoteMeta(oai.Ref) + `\b`).FindIndex(f.Cur); loc != nil {
		m.set.Restore(snap)
		return fmt.Errorf("it is still referenced at %s:%d; remove that reference, then the resource", oai.Src.File, strings.Count(string(f.Cur[:loc[0]]), "\n")+1)
	}
	return nil
}

// --- the SSE-KMS guard ---

// kmsGuard says, for each bucket read through an OAI, whether SSE-KMS
// may be turned on: only once every distribution that reads it has
// moved to origin access control.
func (m *migrator) kmsGuard() {
	moved := map[*model.Origin]bool{}
	for _, mv := range m.moves {
		moved[mv.o] = true
	}
	type reader struct{ d, o, oai string }
	readers := map[*model.Bucket][]reader{}
	var buckets []*model.Bucket
	seen := map[*model.Origin]bool{}
	for _, p := range m.res.Paths {
		o := p.Origin
		if o == nil || p.Bucket == nil || seen[o] {
			continue
		}
		seen[o] = true
		if _, ok := readers[p.Bucket]; !ok {
			buckets = append(buckets, p.Bucket)
			readers[p.Bucket] = nil
		}
		if o.OAI.Known && o.OAI.V != "" && !moved[o] {
			readers[p.Bucket] = append(readers[p.Bucket], reader{p.Distribution.Ref, originName(o), ident.Render(o.OAI.V)})
		}
	}
	for _, b := range buckets {
		kms := b.Encryption.Algorithm.Known && strings.HasPrefix(b.Encryption.Algorithm.V, "aws:kms")
		left := readers[b]
		var names []string
		for _, r := range left {
			names = append(names, r.d+" (origin "+r.o+")")
		}
		involved := false
		for _, mv := range m.moves {
			involved = involved || mv.b == b
		}
		switch {
		case len(left) > 0 && kms:
			m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("%s already encrypts new objects with SSE-KMS, but %s %s it through an origin access identity: new uploads can't be served through %s until %s too", b.Ref, strings.Join(names, ", "), verb(len(names), "still reads", "still read"), verb(len(names), "it", "them"), verb(len(names), "it moves", "they move")))
		case len(left) > 0 && involved:
			m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("do not turn on SSE-KMS for %s yet: %s %s it through an origin access identity, which can't use a KMS key; move %s first", b.Ref, strings.Join(names, ", "), verb(len(names), "still reads", "still read"), verb(len(names), "it", "them")))
		case len(left) == 0 && involved && !kms:
			m.plan.Notes = append(m.plan.Notes, fmt.Sprintf("once step 7 is deployed, every distribution that reads %s uses origin access control: SSE-KMS can be turned on, after granting cloudfront.amazonaws.com kms:Decrypt in the key policy (AWS:SourceArn of each distribution)", b.Ref))
		}
	}
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
