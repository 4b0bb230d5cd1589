package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// LiveCall is one change to a live AWS resource: what `--apply` does,
// and what [LiveCall.Commands] prints as AWS CLI commands.
type LiveCall struct {
	// Op is PutBucketPolicy, PutKeyPolicy, CreateOriginAccessControl,
	// SwitchOrigin, DeleteOriginAccessIdentity, PutBucketOwnershipControls
	// or PutPublicAccessBlock.
	Op     string `json:"op"`
	Region string `json:"region,omitempty"`
	Bucket string `json:"bucket,omitempty"`
	// KeyID is the key's ARN.
	KeyID string `json:"key_id,omitempty"`
	// Document is the whole new policy (PutBucketPolicy, PutKeyPolicy).
	Document string `json:"document,omitempty"`
	// Distribution and Origin name the origin SwitchOrigin moves to the
	// origin access control named OAC (the one CreateOriginAccessControl
	// makes, or one that exists, by ID in OACID).
	Distribution string `json:"distribution,omitempty"`
	Origin       string `json:"origin,omitempty"`
	OAC          string `json:"oac,omitempty"`
	OACID        string `json:"oac_id,omitempty"`
	OAI          string `json:"oai,omitempty"`
	Ownership    string `json:"ownership,omitempty"`
	// phase orders calls: create, grant, switch, then the rest.
	phase int
}

// liveTarget says which live policy a virtual file of a set holds.
type liveTarget struct {
	op, bucket, key, region string
}

// livePrefix names the set's virtual files that hold live policies.
const livePrefix = "aws:"

// liveDoc returns the editor of a live policy (a bucket or key policy
// read from AWS): a virtual file of the set holding the document, which
// becomes a put of the whole policy.
func (s *Set) liveDoc(pol model.Policy, holder string) (docEditor, error) {
	name := livePrefix + holder
	f, ok := s.files[name]
	if !ok {
		doc := `{"Version": "2012-10-17", "Statement": []}`
		if pol.HasDoc() {
			raw, _ := model.PolicyDocument(pol.V)
			doc = string(raw)
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(doc), "", "  "); err != nil {
			return nil, fmt.Errorf("%s: the policy read from AWS is not JSON: %v", holder, err)
		}
		b.WriteByte('\n')
		f = &File{Name: name, Orig: b.Bytes(), Cur: append([]byte(nil), b.Bytes()...), live: s.targetOf(holder)}
		s.files[name] = f
	}
	if f.live == nil {
		return nil, fmt.Errorf("%s is not a bucket or a key", holder)
	}
	base := ""
	if pol.HasDoc() {
		base = pol.V.Pos.Pointer
	}
	return &jsonDoc{f: &plainFile{f: f, check: checkJSON}, pos: source.Pos{File: name, Line: 1, Col: 1, Pointer: base}}, nil
}

// targetOf says what put a live policy of holder needs.
func (s *Set) targetOf(holder string) *liveTarget {
	if s.live == nil {
		return nil
	}
	for _, b := range s.live.Buckets {
		if b.Ref == holder && b.Name.Known {
			return &liveTarget{op: "PutBucketPolicy", bucket: b.Name.V, region: b.Region.V}
		}
	}
	for _, k := range s.live.Keys {
		if k.Ref == holder {
			region := k.Region.V
			if region == "" {
				region = regionOf(holder)
			}
			return &liveTarget{op: "PutKeyPolicy", key: holder, region: region}
		}
	}
	return nil
}

func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// isLive reports whether a policy or resource was read from AWS.
func isLive(src source.Pos) bool { return strings.HasPrefix(src.File, "arn:") }

// call records a live call once (by key).
func (s *Set) call(key string, c LiveCall) {
	if !s.once("call|" + key) {
		return
	}
	s.calls = append(s.calls, c)
}

// LiveCalls returns the changes to live resources: the calls made so far
// (creations, switches, deletions) and one put per live policy changed,
// in the order that keeps every path working.
func (s *Set) LiveCalls() []LiveCall {
	out := append([]LiveCall(nil), s.calls...)
	var names []string
	for n, f := range s.files {
		if f.live != nil && f.Changed() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		f := s.files[n]
		c := LiveCall{Op: f.live.op, Bucket: f.live.bucket, KeyID: f.live.key, Region: f.live.region, Document: compactJSON(f.Cur), phase: 1}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].phase < out[j].phase })
	return out
}

// liveSince returns the live calls made since a snapshot of the calls.
func (s *Set) liveSince(ncalls int, before map[string][]byte) []LiveCall {
	var out []LiveCall
	out = append(out, s.calls[ncalls:]...)
	var names []string
	for n, f := range s.files {
		if f.live != nil && string(f.Cur) != string(before[n]) && !(before[n] == nil && !f.Changed()) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		f := s.files[n]
		out = append(out, LiveCall{Op: f.live.op, Bucket: f.live.bucket, KeyID: f.live.key, Region: f.live.region, Document: compactJSON(f.Cur), phase: 1})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].phase < out[j].phase })
	return out
}

func compactJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}

// Commands writes the call as AWS CLI commands: a policy goes to a file
// (its exact JSON, in a heredoc) that the command reads.
func (c LiveCall) Commands() []string {
	region := ""
	if c.Region != "" {
		region = " --region " + c.Region
	}
	pretty := func() string {
		var b bytes.Buffer
		if json.Indent(&b, []byte(c.Document), "", "  ") != nil {
			return c.Document
		}
		return b.String()
	}
	switch c.Op {
	case "PutBucketPolicy":
		file := "bucket-policy." + c.Bucket + ".json"
		return []string{
			"cat > " + file + " <<'JSON'\n" + pretty() + "\nJSON",
			"aws s3api put-bucket-policy --bucket " + c.Bucket + " --policy file://" + file + region,
		}
	case "PutKeyPolicy":
		id := c.KeyID[strings.LastIndexByte(c.KeyID, '/')+1:]
		file := "key-policy." + id + ".json"
		return []string{
			"cat > " + file + " <<'JSON'\n" + pretty() + "\nJSON",
			"aws kms put-key-policy --key-id " + c.KeyID + " --policy-name default --policy file://" + file + region,
		}
	case "CreateOriginAccessControl":
		return []string{
			"OAC_ID=$(aws cloudfront create-origin-access-control --origin-access-control-config Name=" + c.OAC + ",SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3 --query OriginAccessControl.Id --output text)",
		}
	case "SwitchOrigin":
		oac := c.OACID
		if oac == "" {
			// The Id create-origin-access-control printed, or the one of
			// the origin access control named c.OAC.
			oac = "\"${OAC_ID:-$(aws cloudfront list-origin-access-controls --query \"OriginAccessControlList.Items[?Name=='" + c.OAC + "'].Id\" --output text)}\""
		}
		file := "distribution-config." + c.Distribution + ".json"
		return []string{
			"ETAG=$(aws cloudfront get-distribution-config --id " + c.Distribution + " --query ETag --output text)",
			"aws cloudfront get-distribution-config --id " + c.Distribution + " --query DistributionConfig \\\n" +
				"  | jq --arg oac " + oac + " '(.Origins.Items[] | select(.Id == \"" + c.Origin + "\")) |= (.OriginAccessControlId = $oac | .S3OriginConfig.OriginAccessIdentity = \"\")' > " + file,
			"aws cloudfront update-distribution --id " + c.Distribution + " --if-match \"$ETAG\" --distribution-config file://" + file,
			"aws cloudfront wait distribution-deployed --id " + c.Distribution,
		}
	case "DeleteOriginAccessIdentity":
		return []string{
			"ETAG=$(aws cloudfront get-cloud-front-origin-access-identity --id " + c.OAI + " --query ETag --output text)",
			"aws cloudfront delete-cloud-front-origin-access-identity --id " + c.OAI + " --if-match \"$ETAG\"",
		}
	case "PutBucketOwnershipControls":
		return []string{"aws s3api put-bucket-ownership-controls --bucket " + c.Bucket + " --ownership-controls 'Rules=[{ObjectOwnership=" + c.Ownership + "}]'" + region}
	case "PutPublicAccessBlock":
		return []string{"aws s3api put-public-access-block --bucket " + c.Bucket + " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true" + region}
	}
	return nil
}

// --- live steps of the migration ---

// oacName is the name of the origin access control the plan creates for
// a bucket (CloudFront names are unique per account; bucket names are
// unique, and at most 63 characters).
func oacName(b *model.Bucket) string {
	if b.Name.Known && !ident.Has(b.Name.V) {
		return b.Name.V
	}
	return "s3front-oac"
}

func (m *migrator) createOACLive(mv *move) (string, error) {
	name := oacName(mv.b)
	m.set.call("oac|"+name, LiveCall{Op: "CreateOriginAccessControl", OAC: name, phase: 0})
	return "live-oac:" + name, nil
}

func (m *migrator) switchLive(mv *move, oacRef string) error {
	if !mv.d.ID.Known || ident.Has(mv.d.ID.V) || !mv.o.ID.Known {
		return fmt.Errorf("the ID of %s or its origin is not known", mv.d.Ref)
	}
	c := LiveCall{Op: "SwitchOrigin", Distribution: mv.d.ID.V, Origin: mv.o.ID.V, phase: 2}
	if name, ok := strings.CutPrefix(oacRef, "live-oac:"); ok {
		c.OAC = name
	} else if oac := m.existingOAC(oacRef); oac != nil && oac.ID.Known {
		c.OACID = oac.ID.V
	}
	m.set.call("switch|"+mv.d.ID.V+"|"+mv.o.ID.V, c)
	return nil
}

func (m *migrator) deleteOAILive(oai *model.OAI) error {
	if !oai.ID.Known || ident.Has(oai.ID.V) {
		return fmt.Errorf("the ID of %s is not known", oai.Ref)
	}
	m.set.call("deloai|"+oai.ID.V, LiveCall{Op: "DeleteOriginAccessIdentity", OAI: oai.ID.V, phase: 3})
	return nil
}
