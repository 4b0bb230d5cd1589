package emulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The resources the emulator holds. Configurations are the normalised
// request trees (every element the client sent, AWS's defaults filled in).

type distribution struct {
	id, arn, domain, etag string
	modified              time.Time
	config                *node // <DistributionConfig>
	tags                  []tag
	invalidations         []*invalidation // oldest first
}

type invalidation struct {
	id      string
	created time.Time
	batch   *node // <InvalidationBatch>
}

type tag struct{ key, value string }

type originAccessControl struct {
	id, etag string
	config   *node // <OriginAccessControlConfig>
}

type originAccessIdentity struct {
	id, etag, canonicalUser string
	config                  *node // <CloudFrontOriginAccessIdentityConfig>
}

// policy is a cache, origin request or response headers policy.
type policy struct {
	id, etag string
	modified time.Time
	config   *node
	managed  bool
}

// state is everything the emulator knows. Maps are keyed by ID; listings
// sort by ID (so a page marker stays valid when resources come and go).
type state struct {
	distributions map[string]*distribution
	oacs          map[string]*originAccessControl
	oais          map[string]*originAccessIdentity
	policies      map[policyKind]map[string]*policy // custom policies only
}

func newState() *state {
	return &state{
		distributions: map[string]*distribution{},
		oacs:          map[string]*originAccessControl{},
		oais:          map[string]*originAccessIdentity{},
		policies: map[policyKind]map[string]*policy{
			cachePolicies:           {},
			originRequestPolicies:   {},
			responseHeadersPolicies: {},
		},
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The state file: versioned JSON, configurations as XML text.

const stateVersion = 1

type fileState struct {
	Version       int          `json:"version"`
	Account       string       `json:"account"`
	Distributions []fileDist   `json:"distributions"`
	OACs          []fileOAC    `json:"origin_access_controls"`
	OAIs          []fileOAI    `json:"origin_access_identities"`
	Policies      []filePolicy `json:"policies"`
}

type fileDist struct {
	ID            string             `json:"id"`
	ARN           string             `json:"arn"`
	Domain        string             `json:"domain"`
	ETag          string             `json:"etag"`
	Modified      time.Time          `json:"modified"`
	Config        string             `json:"config"`
	Tags          []fileTag          `json:"tags,omitempty"`
	Invalidations []fileInvalidation `json:"invalidations,omitempty"`
}

type fileTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type fileInvalidation struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Batch   string    `json:"batch"`
}

type fileOAC struct {
	ID     string `json:"id"`
	ETag   string `json:"etag"`
	Config string `json:"config"`
}

type fileOAI struct {
	ID            string `json:"id"`
	ETag          string `json:"etag"`
	CanonicalUser string `json:"s3_canonical_user_id"`
	Config        string `json:"config"`
}

type filePolicy struct {
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	ETag     string    `json:"etag"`
	Modified time.Time `json:"modified"`
	Config   string    `json:"config"`
}

// xmlCache remembers the XML text of stored configurations between two
// writes of the state file. Stored trees are never changed in place (an
// update stores a new tree), so a tree's text never changes.
type xmlCache map[*node]string

func (st *state) marshal(account string, prev xmlCache) ([]byte, xmlCache, error) {
	cache := xmlCache{}
	text := func(n *node) string {
		s, ok := prev[n]
		if !ok {
			s = n.String()
		}
		cache[n] = s
		return s
	}
	f := fileState{Version: stateVersion, Account: account,
		Distributions: []fileDist{}, OACs: []fileOAC{}, OAIs: []fileOAI{}, Policies: []filePolicy{}}
	for _, id := range sortedKeys(st.distributions) {
		d := st.distributions[id]
		fd := fileDist{ID: d.id, ARN: d.arn, Domain: d.domain, ETag: d.etag, Modified: d.modified, Config: text(d.config)}
		for _, t := range d.tags {
			fd.Tags = append(fd.Tags, fileTag{t.key, t.value})
		}
		for _, inv := range d.invalidations {
			fd.Invalidations = append(fd.Invalidations, fileInvalidation{inv.id, inv.created, text(inv.batch)})
		}
		f.Distributions = append(f.Distributions, fd)
	}
	for _, id := range sortedKeys(st.oacs) {
		o := st.oacs[id]
		f.OACs = append(f.OACs, fileOAC{o.id, o.etag, text(o.config)})
	}
	for _, id := range sortedKeys(st.oais) {
		o := st.oais[id]
		f.OAIs = append(f.OAIs, fileOAI{o.id, o.etag, o.canonicalUser, text(o.config)})
	}
	for _, k := range allPolicyKinds() {
		for _, id := range sortedKeys(st.policies[k]) {
			p := st.policies[k][id]
			f.Policies = append(f.Policies, filePolicy{k.String(), p.id, p.etag, p.modified, text(p.config)})
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), cache, nil
}

// unmarshalState reads a state file; account is the account the file was
// written for.
func unmarshalState(data []byte, sc schema) (st *state, account string, err error) {
	var f fileState
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, "", fmt.Errorf("not a state file: %v", err)
	}
	if f.Version != stateVersion {
		return nil, "", fmt.Errorf("state file version %d, this s3front reads version %d", f.Version, stateVersion)
	}
	st = newState()
	conf := func(text, root string) (*node, error) {
		n, err := parseXML(strings.NewReader(text))
		if err != nil {
			return nil, err
		}
		if n.name != root {
			return nil, fmt.Errorf("configuration root <%s>, want <%s>", n.name, root)
		}
		return n, nil
	}
	for _, fd := range f.Distributions {
		c, err := conf(fd.Config, "DistributionConfig")
		if err != nil {
			return nil, "", fmt.Errorf("distribution %s: %v", fd.ID, err)
		}
		d := &distribution{id: fd.ID, arn: fd.ARN, domain: fd.Domain, etag: fd.ETag, modified: fd.Modified, config: c}
		for _, t := range fd.Tags {
			d.tags = append(d.tags, tag{t.Key, t.Value})
		}
		for _, fi := range fd.Invalidations {
			b, err := conf(fi.Batch, "InvalidationBatch")
			if err != nil {
				return nil, "", fmt.Errorf("invalidation %s: %v", fi.ID, err)
			}
			d.invalidations = append(d.invalidations, &invalidation{fi.ID, fi.Created, b})
		}
		st.distributions[d.id] = d
	}
	for _, fo := range f.OACs {
		c, err := conf(fo.Config, "OriginAccessControlConfig")
		if err != nil {
			return nil, "", fmt.Errorf("origin access control %s: %v", fo.ID, err)
		}
		st.oacs[fo.ID] = &originAccessControl{fo.ID, fo.ETag, c}
	}
	for _, fo := range f.OAIs {
		c, err := conf(fo.Config, "CloudFrontOriginAccessIdentityConfig")
		if err != nil {
			return nil, "", fmt.Errorf("origin access identity %s: %v", fo.ID, err)
		}
		st.oais[fo.ID] = &originAccessIdentity{fo.ID, fo.ETag, fo.CanonicalUser, c}
	}
	for _, fp := range f.Policies {
		k, ok := parsePolicyKind(fp.Kind)
		if !ok {
			return nil, "", fmt.Errorf("policy %s: unknown kind %q", fp.ID, fp.Kind)
		}
		c, err := conf(fp.Config, k.configName())
		if err != nil {
			return nil, "", fmt.Errorf("policy %s: %v", fp.ID, err)
		}
		st.policies[k][fp.ID] = &policy{id: fp.ID, etag: fp.ETag, modified: fp.Modified, config: c}
	}
	return st, f.Account, nil
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory, synced, then renamed over path, so a reader (or a crash)
// sees the old file or the new one, never a part.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// readStateFile returns nil data (and no error) when the file does not
// exist yet. It refuses anything that is not a regular file.
func readStateFile(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return os.ReadFile(path)
}
