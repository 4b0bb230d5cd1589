// Package sim replays every request a CloudFront distribution serves from an
// S3 origin against the whole model, hop by hop in the order of SEMANTICS
// §15: the CloudFront front door, the origin type, the access mode, the
// headers CloudFront sends, S3 authorization (bucket policy, Block Public
// Access, object ownership, Requester Pays), and KMS for encrypted objects.
// Each path ends allowed, denied (with the status and error code a viewer
// would see, and whether it fails now or at the next upload) or unknown
// (naming the input that would decide it).
//
// The simulator reads only the model; every policy decision goes through
// the iam package.
package sim

import (
	"context"
	"strings"
	"time"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// URLPath is the path part of what a user gives as a viewer URL: without
// scheme and host (https://d1.cloudfront.net/a.js), query (?v=2) or
// fragment (#top), which are not part of the S3 key, and with a leading
// slash.
func URLPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return "/" + strings.TrimPrefix(u, "/")
}

// Options configure a simulation.
type Options struct {
	// Now is the request time (aws:CurrentTime); the zero value means the
	// simulation sets no time keys, which keeps output deterministic.
	Now time.Time
	// Distribution, when set, restricts the simulation to the distribution
	// with that Ref.
	Distribution string
	// URLPath, when set, simulates only the behavior that serves this
	// viewer path (e.g. /assets/app.js), reading that object.
	URLPath string
}

// Result holds every path of a model.
type Result struct {
	Paths []*Path
	// Causes are problems the simulator found that break requests other
	// than the simulated paths (an HTTP viewer on an allow-all behavior).
	Causes []*Cause
	// Index gives rules the same resolved view of the model.
	Index *Index
}

// Simulate replays every scenario of every S3 origin of every distribution.
func Simulate(ctx context.Context, cfg *model.Config, opts Options) (*Result, error) {
	if opts.URLPath != "" {
		opts.URLPath = URLPath(opts.URLPath)
	}
	ix := NewIndex(cfg)
	s := &simulator{cfg: cfg, ix: ix, opts: opts}
	res := &Result{Index: ix}
	for _, d := range cfg.Distributions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opts.Distribution != "" && d.Ref != opts.Distribution {
			continue
		}
		paths, causes := s.distribution(d)
		res.Paths = append(res.Paths, paths...)
		res.Causes = append(res.Causes, causes...)
	}
	return res, nil
}

type simulator struct {
	cfg  *model.Config
	ix   *Index
	opts Options
}

// Index resolves the references between resources by identity.
type Index struct {
	cfg        *model.Config
	buckets    map[string][]*model.Bucket // by exact name string
	oais       map[string]*model.OAI      // by exact ID string
	oacs       map[string]*model.OAC
	keys       map[string]*model.Key // by ID, ARN and alias names
	cachePol   map[string]*model.CachePolicy
	originReq  map[string]*model.OriginRequestPolicy
	accounts   map[string]*model.Account
	bucketList []*model.Bucket
	keyList    []*model.Key
	distByARN  map[string]*model.Distribution
}

// NewIndex indexes a model.
func NewIndex(cfg *model.Config) *Index {
	ix := &Index{
		cfg:       cfg,
		buckets:   map[string][]*model.Bucket{},
		oais:      map[string]*model.OAI{},
		oacs:      map[string]*model.OAC{},
		keys:      map[string]*model.Key{},
		cachePol:  map[string]*model.CachePolicy{},
		originReq: map[string]*model.OriginRequestPolicy{},
		accounts:  map[string]*model.Account{},
		distByARN: map[string]*model.Distribution{},
	}
	for _, d := range cfg.Distributions {
		if d.ARN.Known {
			ix.distByARN[d.ARN.V] = d
		}
	}
	for _, b := range cfg.Buckets {
		if b.Name.Known {
			ix.buckets[b.Name.V] = append(ix.buckets[b.Name.V], b)
		}
		ix.bucketList = append(ix.bucketList, b)
	}
	for _, o := range cfg.OAIs {
		if o.ID.Known {
			ix.oais[o.ID.V] = o
		}
	}
	for _, o := range cfg.OACs {
		if o.ID.Known {
			ix.oacs[o.ID.V] = o
		}
	}
	for _, k := range cfg.Keys {
		ix.keyList = append(ix.keyList, k)
		if k.ID.Known {
			ix.keys[k.ID.V] = k
		}
		if k.ARN.Known {
			ix.keys[k.ARN.V] = k
		}
		for _, a := range k.Aliases {
			if a.Known {
				ix.keys[a.V] = k
				if k.Region.Known && k.Account.Known {
					ix.keys[model.AliasARN(partitionOf(k.ARN.V), k.Region.V, k.Account.V, a.V)] = k
				}
			}
		}
	}
	for _, p := range cfg.CachePolicies {
		if p.ID.Known {
			ix.cachePol[p.ID.V] = p
		}
	}
	for _, p := range cfg.OriginRequestPolicies {
		if p.ID.Known {
			ix.originReq[p.ID.V] = p
		}
	}
	for _, a := range cfg.Accounts {
		if a.ID.Known {
			ix.accounts[a.ID.V] = a
		}
	}
	return ix
}

// partitionOf returns the partition of an ARN, "aws" when it can't tell.
func partitionOf(arn string) string {
	m, unmask := ident.Mask(arn)
	if len(m) > 4 && m[:4] == "arn:" {
		rest := m[4:]
		for i := 0; i < len(rest); i++ {
			if rest[i] == ':' {
				if i > 0 {
					return unmask(rest[:i])
				}
				break
			}
		}
	}
	return "aws"
}

// Bucket finds the bucket named name. found is ident.Unknown when the name
// can't be matched for sure (a symbol against literals); the bucket is then
// the only candidate, or nil when there are several.
func (ix *Index) Bucket(name string) (*model.Bucket, ident.Tri) {
	if bs := ix.buckets[name]; len(bs) > 0 {
		return bs[0], ident.True
	}
	return findByIdentity(ix.bucketList, name, func(b *model.Bucket) []model.Value[string] {
		return []model.Value[string]{b.Name}
	})
}

// findByIdentity looks for the item one of whose identities certainly
// equals want. Without a certain match it returns the single item that
// might match (ident.Unknown), nil and Unknown when several might, or nil
// and False when none can.
func findByIdentity[T comparable](items []T, want string, ids func(T) []model.Value[string]) (T, ident.Tri) {
	var zero, maybe T
	found := false
	for _, it := range items {
		for _, id := range ids(it) {
			if !id.Known {
				continue
			}
			switch ident.Equal(id.V, want) {
			case ident.True:
				return it, ident.True
			case ident.Unknown:
				if found && maybe != it {
					return zero, ident.Unknown
				}
				maybe, found = it, true
			}
		}
	}
	if found {
		return maybe, ident.Unknown
	}
	return zero, ident.False
}

// OAI finds an origin access identity by ID.
func (ix *Index) OAI(id string) *model.OAI { return ix.oais[id] }

// OAC finds an origin access control by ID.
func (ix *Index) OAC(id string) *model.OAC { return ix.oacs[id] }

// Key finds a key by ID, key ARN, alias name or alias ARN.
func (ix *Index) Key(ref string) (*model.Key, ident.Tri) {
	if k := ix.keys[ref]; k != nil {
		return k, ident.True
	}
	return findByIdentity(ix.keyList, ref, func(k *model.Key) []model.Value[string] {
		return []model.Value[string]{k.ID, k.ARN}
	})
}

// Account returns the account with the given ID, or nil.
func (ix *Index) Account(id string) *model.Account { return ix.accounts[id] }

// CachePolicy returns the custom cache policy with the given ID, or nil.
func (ix *Index) CachePolicy(id string) *model.CachePolicy { return ix.cachePol[id] }

// OriginRequestPolicy returns the custom origin request policy, or nil.
func (ix *Index) OriginRequestPolicy(id string) *model.OriginRequestPolicy {
	return ix.originReq[id]
}

// Config returns the indexed model.
func (ix *Index) Config() *model.Config { return ix.cfg }
