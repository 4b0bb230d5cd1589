package rules

import (
	"sort"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
)

// servedBy maps each bucket that a distribution reads to the paths that
// read it, in a stable order.
type served struct {
	bucket *model.Bucket
	paths  []*sim.Path
}

func (p *pass) servedBuckets() []served {
	idx := map[*model.Bucket]int{}
	var out []served
	for _, path := range p.res.Paths {
		if path.Bucket == nil {
			continue
		}
		i, ok := idx[path.Bucket]
		if !ok {
			i = len(out)
			idx[path.Bucket] = i
			out = append(out, served{bucket: path.Bucket})
		}
		out[i].paths = append(out[i].paths, path)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].bucket.Ref < out[j].bucket.Ref })
	return out
}

// everyBucket is servedBuckets for every bucket of the input, including
// those no distribution reads (their paths are empty): bucket-level rules
// look at them all, with the deployer's upload as what they protect.
func (p *pass) everyBucket() []served {
	sv := p.servedBuckets()
	have := map[*model.Bucket]bool{}
	for _, s := range sv {
		have[s.bucket] = true
	}
	for _, b := range p.cfg.Buckets {
		if !have[b] {
			sv = append(sv, served{bucket: b})
		}
	}
	sort.SliceStable(sv, func(i, j int) bool { return sv[i].bucket.Ref < sv[j].bucket.Ref })
	return sv
}

// distributionsOf lists the distinct distributions among paths.
func distributionsOf(paths []*sim.Path) []*model.Distribution {
	seen := map[*model.Distribution]bool{}
	var out []*model.Distribution
	for _, p := range paths {
		if !seen[p.Distribution] {
			seen[p.Distribution] = true
			out = append(out, p.Distribution)
		}
	}
	return out
}

// srcOr returns v's source, or fallback when v has none.
func srcOr[T any](v model.Value[T], fallback model.Src) model.Src {
	if v.Src.IsZero() {
		return fallback
	}
	if v.Src.Resource == "" {
		s := v.Src
		s.Resource = fallback.Resource
		return s
	}
	return v.Src
}

// resourceSrc is a resource's declaration as a finding location.
func resourceSrc(m model.Meta) model.Src {
	s := m.Src
	if s.Resource == "" {
		s.Resource = m.Ref
	}
	return s
}

// bpaSetting combines a bucket-level and an account-level Block Public
// Access setting.
func bpaSetting(bucket, account model.Value[bool]) ident.Tri {
	if (bucket.Known && bucket.V) || (account.Known && account.V) {
		return ident.True
	}
	if bucket.Known && account.Known {
		return ident.False
	}
	return ident.Unknown
}

// accountBPA returns the account-level settings for a resource's account;
// all unknown when the account is not in the input.
func (p *pass) accountBPA(m model.Meta) model.PublicAccessBlock {
	if m.Account.Known {
		if a := p.res.Index.Account(m.Account.V); a != nil {
			return a.PublicAccessBlock
		}
	}
	u := model.Unknown[bool](m.Src, "the account-level Block Public Access settings are not in the input")
	return model.PublicAccessBlock{BlockPublicACLs: u, IgnorePublicACLs: u, BlockPublicPolicy: u, RestrictPublicBuckets: u}
}

func render(s string) string { return ident.Render(s) }

func quote(s string) string { return "\"" + s + "\"" }
