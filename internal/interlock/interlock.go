// Package interlock decides whether a bucket can be switched to SSE-KMS
// under a given key, and its objects re-encrypted, without breaking what
// CloudFront serves from it.
//
// It replays every request of every distribution that reads the bucket
// twice through the simulator: as the model is, and as it would be with
// the bucket's default encryption set to the key (with an S3 Bucket Key
// when asked) and, for re-encryption, every declared or sampled object
// under the key too. A path that is not denied before and is denied after
// is a break: the distribution, the path and the rule that explains it.
// The fixes of those rules, in the order they must be applied, are the
// steps to take first. A path that becomes unknown leaves the verdict
// unknown, naming the input that would decide it.
package interlock

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// Target is the encryption a bucket must have.
type Target struct {
	// Key is the key as the model knows it; nil when the model does not
	// hold it (its policy is then unknown, and so is every path that
	// needs it).
	Key *model.Key
	// KeyID is how the default encryption names the key: its ARN for a
	// live account, the key's reference (aws_kms_key.web.arn) otherwise.
	KeyID string
	// Ref is the key as the caller named it (an ARN that the model may
	// spell as a symbol): a default encryption naming it is compliant.
	Ref string
	// BucketKey asks for an S3 Bucket Key.
	BucketKey bool
	// Objects also puts the bucket's known objects under the key (what
	// re-encryption does); without it only new uploads are.
	Objects bool
}

// Status of a verdict.
const (
	Compliant = "compliant" // already SSE-KMS under the key
	Safe      = "safe"      // switching breaks nothing
	Unsafe    = "unsafe"    // switching breaks the paths in Breaks
	Unknown   = "unknown"   // some path could not be decided (Missing)
)

// Verdict is the interlock's answer for one bucket.
type Verdict struct {
	Bucket *model.Bucket
	// Status is Compliant, Safe, Unsafe or Unknown: Unsafe wins over
	// Compliant when the bucket's encryption breaks paths today.
	Status string
	// Compliant is whether the default encryption is SSE-KMS under the
	// key already.
	Compliant bool
	// Current describes the bucket's default encryption today.
	Current string
	// Readers are the distributions that read the bucket.
	Readers []string
	// Breaks are the paths that work (or are unknown) today and would be
	// denied after the switch.
	Breaks []Break
	// First are the steps to take before the switch is safe, in order.
	First []Step
	// Missing names the inputs that left paths unknown after the switch.
	Missing []string
}

// Break is one request that the switch would break.
type Break struct {
	Distribution string `json:"distribution"`
	Origin       string `json:"origin"`
	// Path is the viewer path replayed (/index.html) and Behavior the
	// cache behavior's path pattern.
	Path     string `json:"path"`
	Behavior string `json:"behavior"`
	Scenario string `json:"scenario"`
	// Status and ErrorCode are what the viewer would get; When is now
	// (objects re-encrypted) or next-upload.
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code"`
	When      string `json:"when"`
	// Rule explains the break (RULES.md).
	Rule string `json:"rule"`
	// Uploader is the writer whose uploads break, "" for the bucket
	// owner's own deployments.
	Uploader string `json:"uploader,omitempty"`
}

// Step is one change to make before the switch.
type Step struct {
	// Rule is the rule whose fix this is; Resource the resource to change.
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	// Do says what to do in a few words; Fix is the rule's full fix.
	Do  string `json:"do"`
	Fix string `json:"fix"`
	// For lists the distributions the step is for.
	For []string `json:"for,omitempty"`
}

// Check gives the verdict for bucket b of cfg under target t.
//
// For a bucket already compliant, Breaks lists the paths its encryption
// breaks today (an origin access identity in front of it, a key policy
// without CloudFront): compliant is not the same as safe.
func Check(ctx context.Context, cfg *model.Config, b *model.Bucket, t Target) (*Verdict, error) {
	v := &Verdict{Bucket: b, Current: describe(b.Encryption)}
	ix := sim.NewIndex(cfg)
	isCompliant := compliant(ix, b.Encryption, t)
	before, err := sim.Simulate(ctx, cfg, sim.Options{})
	if err != nil {
		return nil, err
	}
	after := before
	if !isCompliant || t.Objects {
		after, err = sim.Simulate(ctx, switched(cfg, b, t), sim.Options{})
		if err != nil {
			return nil, err
		}
	}
	was := map[string]*sim.Path{}
	readers := map[string]bool{}
	for _, p := range before.Paths {
		if p.Bucket == b {
			was[pathKey(p)] = p
			readers[p.Distribution.Ref] = true
		}
	}
	for r := range readers {
		v.Readers = append(v.Readers, r)
	}
	sort.Strings(v.Readers)
	var missing []string
	var broken []*sim.Path
	for _, p := range after.Paths {
		if p.Bucket == nil || p.Bucket.Ref != b.Ref || p.Scenario == sim.DirectAnonymousGet {
			continue
		}
		old := was[pathKey(p)]
		switch {
		case after == before && p.Outcome == sim.Deny && p.Cause != nil && encryptionRules[p.Cause.Rule]:
			broken = append(broken, p) // compliant, and broken by it today
		case after == before:
		case p.Outcome == sim.Unknown && (old == nil || old.Outcome != sim.Unknown):
			missing = append(missing, p.Missing...)
		case p.Outcome == sim.Deny && (old == nil || old.Outcome != sim.Deny):
			broken = append(broken, p)
		case p.Outcome == sim.Deny && p.Cause != nil && encryptionRules[p.Cause.Rule]:
			// Denied before and after, and after the switch because of
			// the bucket's encryption: the switch leaves the reader
			// broken, so it is not safe either.
			broken = append(broken, p)
		}
	}
	for _, p := range broken {
		v.Breaks = append(v.Breaks, breakOf(p))
	}
	v.Missing = dedupe(missing)
	v.First = steps(broken)
	switch {
	case len(v.Breaks) > 0:
		v.Status = Unsafe
	case len(v.Missing) > 0:
		v.Status = Unknown
	case isCompliant:
		v.Status = Compliant
	default:
		v.Status = Safe
	}
	v.Compliant = isCompliant
	return v, nil
}

// encryptionRules are the causes a bucket's encryption itself can bring
// about.
var encryptionRules = map[string]bool{
	"oai-sse-kms": true, "oac-key-policy-missing": true, "aws-managed-key": true, "kms-key-unusable": true,
	"bucket-key-context-mismatch": true, "deny-unencrypted-blocks-upload": true, "source-arn-mismatch": true,
	"s3-origin-unsigned": true, "oac-signing-disabled": true, "website-endpoint-origin": true, "http-viewer-denied-at-origin": true,
}

// switched returns cfg with b encrypting under the target: a shallow copy
// that shares everything but the bucket.
func switched(cfg *model.Config, b *model.Bucket, t Target) *model.Config {
	c := *cfg
	nb := *b
	src := model.Src{Resource: b.Ref}
	nb.Encryption = model.Encryption{
		Algorithm: model.Known("aws:kms", src),
		KeyID:     model.Known(t.KeyID, src),
		BucketKey: model.Known(t.BucketKey, src),
	}
	if t.Objects {
		nb.Objects = make([]*model.Object, len(b.Objects))
		for i, o := range b.Objects {
			no := *o
			no.Encryption = model.Encryption{Algorithm: model.Known("aws:kms", o.Src), KeyID: model.Known(t.KeyID, o.Src), BucketKey: model.Known(t.BucketKey, o.Src)}
			nb.Objects[i] = &no
		}
	}
	c.Buckets = make([]*model.Bucket, len(cfg.Buckets))
	for i, x := range cfg.Buckets {
		if x == b {
			x = &nb
		}
		c.Buckets[i] = x
	}
	if t.Key != nil {
		found := false
		for _, k := range cfg.Keys {
			found = found || k == t.Key
		}
		if !found {
			c.Keys = append(append([]*model.Key(nil), cfg.Keys...), t.Key)
		}
	}
	return &c
}

// compliant reports whether enc is SSE-KMS under the target key.
func compliant(ix *sim.Index, enc model.Encryption, t Target) bool {
	if !enc.Algorithm.Is("aws:kms") || !enc.KeyID.Known || enc.KeyID.V == "" {
		return false
	}
	if ident.Equal(enc.KeyID.V, t.KeyID) == ident.True || (t.Ref != "" && enc.KeyID.V == t.Ref) {
		return t.BucketKey == false || enc.BucketKey.Is(true)
	}
	if t.Key == nil {
		return false
	}
	k, found := ix.Key(enc.KeyID.V)
	return found == ident.True && k == t.Key && (!t.BucketKey || enc.BucketKey.Is(true))
}

func describe(e model.Encryption) string {
	if !e.Algorithm.Known {
		return "unknown (" + e.Algorithm.Missing + ")"
	}
	switch e.Algorithm.V {
	case "aws:kms", "aws:kms:dsse":
		s := e.Algorithm.V
		switch {
		case !e.KeyID.Known:
			s += " with a key that is unknown"
		case e.KeyID.V == "":
			s += " with the AWS managed key aws/s3"
		default:
			s += " with " + ident.Render(e.KeyID.V)
		}
		if e.BucketKey.Is(true) {
			s += " and a Bucket Key"
		}
		return s
	case "AES256":
		return "SSE-S3 (AES256)"
	}
	return e.Algorithm.V
}

func pathKey(p *sim.Path) string {
	beh := ""
	if p.Behavior != nil && p.Behavior.PathPattern.Known {
		beh = p.Behavior.PathPattern.V
	}
	origin := ""
	if p.Origin != nil && p.Origin.ID.Known {
		origin = p.Origin.ID.V
	}
	return strings.Join([]string{p.Distribution.Ref, origin, beh, p.Scenario, p.Uploader, p.URLPath}, "|")
}

func breakOf(p *sim.Path) Break {
	br := Break{Distribution: p.Distribution.Ref, Path: p.URLPath, Scenario: p.Scenario, Status: p.Status, ErrorCode: p.ErrorCode, When: p.When, Uploader: p.Uploader}
	if p.Origin != nil && p.Origin.ID.Known {
		br.Origin = ident.Render(p.Origin.ID.V)
	}
	if p.Behavior != nil && p.Behavior.PathPattern.Known {
		br.Behavior = p.Behavior.PathPattern.V
	}
	if p.Cause != nil {
		br.Rule = p.Cause.Rule
	}
	return br
}

// order ranks the causes a switch to SSE-KMS can hit in the order their
// fixes must be made: the access mode first (nothing else helps an OAI or
// an unsigned origin), then the key, then the policies.
var order = map[string]int{
	"website-endpoint-origin":          0,
	"s3-origin-unsigned":               1,
	"oac-signing-disabled":             2,
	"oai-sse-kms":                      3,
	"http-viewer-denied-at-origin":     4,
	"kms-key-unusable":                 5,
	"aws-managed-key":                  6,
	"oac-key-policy-missing":           7,
	"source-arn-mismatch":              8,
	"bucket-key-context-mismatch":      9,
	"perimeter-deny-blocks-cloudfront": 10,
	"deny-unencrypted-blocks-upload":   11,
	"oac-upload-denied":                12,
	"foreign-object-owner":             13,
}

var do = map[string]string{
	"website-endpoint-origin":          "move the origin to the bucket's REST endpoint with origin access control",
	"s3-origin-unsigned":               "attach an origin access control that signs",
	"oac-signing-disabled":             "set the origin access control's signing behavior to always",
	"oai-sse-kms":                      "migrate the origin from its origin access identity to origin access control",
	"http-viewer-denied-at-origin":     "redirect viewers to HTTPS",
	"kms-key-unusable":                 "use an enabled key in the bucket's region",
	"aws-managed-key":                  "use a customer managed key",
	"oac-key-policy-missing":           "grant the distribution kms:Decrypt in the key policy",
	"source-arn-mismatch":              "name this distribution in the policy's AWS:SourceArn",
	"bucket-key-context-mismatch":      "allow the bucket ARN as encryption context in the key policy",
	"perimeter-deny-blocks-cloudfront": "exempt AWS service principals from the perimeter Deny",
	"deny-unencrypted-blocks-upload":   "let uploads that send no encryption header through (Null condition form)",
	"oac-upload-denied":                "grant the distribution the upload in the bucket and key policies",
	"foreign-object-owner":             "set Object Ownership to BucketOwnerEnforced",
}

// steps collects the fixes of the causes of the broken paths, once per
// rule and resource, in order.
func steps(paths []*sim.Path) []Step {
	byKey := map[string]*Step{}
	var out []*Step
	for _, p := range paths {
		if p.Cause == nil {
			continue
		}
		c := p.Cause
		res := c.At.Resource
		k := c.Rule + "|" + res
		st := byKey[k]
		if st == nil {
			st = &Step{Rule: c.Rule, Resource: res, Do: do[c.Rule], Fix: c.Fix}
			if st.Do == "" {
				st.Do = "fix " + c.Rule
			}
			byKey[k] = st
			out = append(out, st)
		}
		if !contains(st.For, p.Distribution.Ref) {
			st.For = append(st.For, p.Distribution.Ref)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		oi, ok := order[out[i].Rule]
		if !ok {
			oi = 100
		}
		oj, ok := order[out[j].Rule]
		if !ok {
			oj = 100
		}
		if oi != oj {
			return oi < oj
		}
		return out[i].Resource < out[j].Resource
	})
	res := make([]Step, len(out))
	for i, s := range out {
		res[i] = *s
	}
	return res
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// String is a one-line summary.
func (v *Verdict) String() string {
	switch v.Status {
	case Unsafe:
		return fmt.Sprintf("%s: unsafe: %d path(s) would break", v.Bucket.Ref, len(v.Breaks))
	case Unknown:
		return fmt.Sprintf("%s: cannot determine: %s", v.Bucket.Ref, strings.Join(v.Missing, "; "))
	}
	return v.Bucket.Ref + ": " + v.Status
}

// TargetFor resolves the key named by ref (a key ARN, key ID, alias name
// or alias ARN, or the key's reference in the input, such as
// aws_kms_key.web) in cfg. A key the model does not hold gives a target
// whose key is nil: paths that need its policy stay unknown.
func TargetFor(cfg *model.Config, ref string, bucketKey bool) Target {
	t := Target{KeyID: ref, Ref: ref, BucketKey: bucketKey}
	for _, k := range cfg.Keys {
		if k.Ref == ref || strings.TrimSuffix(ref, ".arn") == k.Ref || strings.TrimSuffix(ref, ".key_id") == k.Ref {
			t.Key = k
		}
	}
	if t.Key == nil {
		if k, found := sim.NewIndex(cfg).Key(ref); found == ident.True {
			t.Key = k
		}
	}
	if t.Key != nil && t.Key.ARN.Known {
		t.KeyID = t.Key.ARN.V
	}
	return t
}
