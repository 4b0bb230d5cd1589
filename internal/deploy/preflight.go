package deploy

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
	"github.com/s3front/s3front/source"
)

// Preflight is the simulation of the uploads through every distribution
// that reads the bucket.
type Preflight struct {
	// Skipped says why nothing was simulated ("" when it was).
	Skipped string
	// Distributions are the distributions simulated (by ID).
	Distributions []string
	// Denied and Unknown are the paths of uploaded objects that will not
	// be served, or that cannot be decided; Allowed counts the others.
	Denied, Unknown []report.Path
	Allowed         int
	// Findings are the rules' findings that explain Denied and Unknown
	// paths.
	Findings []report.Finding
}

// Blocked reports whether some upload will not be servable (or, when
// strict, may not be).
func (p *Preflight) Blocked(strict bool) bool {
	return p != nil && (len(p.Denied) > 0 || strict && len(p.Unknown) > 0)
}

// FindingFor returns the finding among fs that explains path p, or nil.
func FindingFor(fs []report.Finding, p report.Path) *report.Finding {
	for i := range fs {
		if fs[i].Rule != p.Cause {
			continue
		}
		for _, id := range fs[i].Paths {
			if id == p.ID {
				return &fs[i]
			}
		}
	}
	return nil
}

// dist is a distribution that reads the bucket.
type dist struct {
	id, ref, domain, dro string
	// prefixes are the origin paths of its origins on the bucket ("" for
	// the bucket's root).
	prefixes []string
}

// urls maps a key to the viewer paths that serve it through d.
func (d dist) urls(key string) []string {
	var out []string
	for _, p := range d.prefixes {
		if p == "" {
			out = append(out, "/"+key)
		} else if rest, ok := strings.CutPrefix(key, p+"/"); ok {
			out = append(out, "/"+rest)
		}
	}
	return out
}

// originBucket returns the bucket of an S3 REST or website origin domain.
func originBucket(domain string) (string, bool) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if !strings.HasSuffix(domain, ".amazonaws.com") {
		return "", false
	}
	for _, sep := range []string{".s3-website", ".s3.", ".s3-"} {
		if i := strings.Index(domain, sep); i > 0 {
			return domain[:i], true
		}
	}
	return "", false
}

// distsFromModel finds the distributions of the estate that read bucket.
func distsFromModel(cfg *model.Config, bucket, only string) []dist {
	var out []dist
	for _, d := range cfg.Distributions {
		if !d.ID.Known || (only != "" && d.ID.V != only) {
			continue
		}
		x := dist{id: d.ID.V, ref: d.Ref, domain: d.DomainName.V, dro: d.DefaultRootObject.V}
		for _, o := range d.Origins {
			if b, ok := originBucket(o.DomainName.V); ok && o.DomainName.Known && b == bucket {
				x.prefixes = append(x.prefixes, strings.Trim(o.Path.V, "/"))
			}
		}
		if len(x.prefixes) > 0 {
			out = append(out, x)
		}
	}
	return out
}

// distsFromAPI finds the distributions that read bucket without the live
// reader: CloudFront's listing.
func distsFromAPI(ctx context.Context, c *cloudfront.Client, bucket, only string) ([]dist, error) {
	var out []dist
	p := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cloudfront:ListDistributions: %w", err)
		}
		if page.DistributionList == nil {
			break
		}
		for _, s := range page.DistributionList.Items {
			if only != "" && aws.ToString(s.Id) != only {
				continue
			}
			x := dist{id: aws.ToString(s.Id), ref: aws.ToString(s.ARN), domain: aws.ToString(s.DomainName)}
			if s.Origins != nil {
				for _, o := range s.Origins.Items {
					if b, ok := originBucket(aws.ToString(o.DomainName)); ok && b == bucket {
						x.prefixes = append(x.prefixes, strings.Trim(aws.ToString(o.OriginPath), "/"))
					}
				}
			}
			if len(x.prefixes) > 0 {
				// The summary lacks the default root object.
				if g, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: s.Id}); err == nil && g.DistributionConfig != nil {
					x.dro = aws.ToString(g.DistributionConfig.DefaultRootObject)
				}
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// preflight simulates the uploaded objects, as they will be encrypted and
// owned, through every distribution that reads the bucket.
func preflight(ctx context.Context, o Options, res *Result, region string) (*Preflight, error) {
	pf := &Preflight{}
	if o.Estate == nil {
		pf.Skipped = "no live reader: uploads were not simulated"
		return pf, nil
	}
	cfg, err := o.Estate(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the live estate for the pre-flight: %w", err)
	}
	var b *model.Bucket
	for _, x := range cfg.Buckets {
		if x.Name.Known && x.Name.V == o.Bucket {
			b = x
		}
	}
	dists := distsFromModel(cfg, o.Bucket, o.Distribution)
	res.dists = dists
	if b == nil || len(dists) == 0 {
		if o.Distribution != "" {
			return nil, fmt.Errorf("distribution %s does not read s3://%s (or the live reader cannot see it)", o.Distribution, o.Bucket)
		}
		pf.Skipped = "no distribution of account " + res.Account + " reads s3://" + o.Bucket
		return pf, nil
	}
	objs, keys := plannedObjects(o, res, b)
	if len(objs) == 0 {
		pf.Skipped = "nothing to upload"
		return pf, nil
	}
	b.Objects = objs
	for _, d := range dists {
		pf.Distributions = append(pf.Distributions, d.id)
		rep, err := check.Run(ctx, cfg, check.Options{Distribution: d.ref})
		if err != nil {
			return nil, err
		}
		for _, p := range rep.Paths {
			if p.Scenario != sim.ViewerGetExisting || p.Bucket != b.Ref || !keys[p.Key] {
				continue
			}
			switch p.Outcome {
			case string(sim.Allow):
				pf.Allowed++
			case string(sim.Deny):
				pf.Denied = append(pf.Denied, p)
			default:
				pf.Unknown = append(pf.Unknown, p)
			}
		}
		for _, f := range rep.Findings {
			for _, p := range append(append([]report.Path{}, pf.Denied...), pf.Unknown...) {
				if FindingFor([]report.Finding{f}, p) != nil {
					pf.Findings = append(pf.Findings, f)
					break
				}
			}
		}
	}
	sort.SliceStable(pf.Denied, func(i, j int) bool { return pf.Denied[i].Key < pf.Denied[j].Key })
	logf(o.Log, "pre-flight: %d distribution(s), %d path(s) served, %d not servable, %d undecided", len(dists), pf.Allowed, len(pf.Denied), len(pf.Unknown))
	return pf, nil
}

// plannedObjects describes each object to upload as it will be after the
// upload: its encryption (the headers sent, else the bucket's default)
// and its owner (Object Ownership, the ACL sent, who writes).
func plannedObjects(o Options, res *Result, b *model.Bucket) ([]*model.Object, map[string]bool) {
	up := res.Upload
	keys := map[string]bool{}
	var out []*model.Object
	dir, _ := filepath.Abs(o.Dir)
	for _, f := range res.Files {
		if f.Action != ActUpload {
			continue
		}
		src := model.Src{Resource: "s3front deploy", Pos: source.Pos{File: filepath.Join(dir, filepath.FromSlash(f.Path))}}
		obj := &model.Object{Key: model.Known(f.Key, src), Src: src}
		if up.Encryption != "" {
			obj.Encryption = model.Encryption{Algorithm: model.Known(up.Encryption, src), KeyID: model.Known(up.KeyID, src), BucketKey: model.Known(up.BucketKey, src)}
		} else {
			obj.Encryption = b.Encryption
		}
		obj.Owner = plannedOwner(res, up, b, src)
		obj.ACL = model.ACL{Canned: model.Known(up.ACL, src)}
		if strings.HasPrefix(up.KeyID, "alias/") && obj.Owner.Known && b.Account.Known && obj.Owner.V != b.Account.V {
			obj.Encryption.KeyID = model.Unknown[string](src, "the key is named by alias "+up.KeyID+", which KMS resolves in the uploading account "+res.Account)
		}
		keys[f.Key] = true
		out = append(out, obj)
	}
	return out, keys
}

// plannedOwner is the account that will own an uploaded object [S3-OO].
func plannedOwner(res *Result, up Upload, b *model.Bucket, src model.Src) model.Value[string] {
	if !b.Account.Known {
		return model.Unknown[string](src, "the bucket's owner account: "+b.Account.Missing)
	}
	if res.Account == "" {
		return model.Unknown[string](src, "the deploying account (sts:GetCallerIdentity)")
	}
	own := up.Ownership
	if own == "" && b.Ownership.Known {
		own = b.Ownership.V
	}
	switch {
	case res.Account == b.Account.V:
		return model.Known(b.Account.V, src)
	case own == "BucketOwnerEnforced":
		return model.Known(b.Account.V, src)
	case own == "BucketOwnerPreferred" && up.ACL == "bucket-owner-full-control":
		return model.Known(b.Account.V, src)
	case own == "":
		return model.Unknown[string](src, "Object Ownership of s3://"+b.Name.V+" could not be read")
	}
	return model.Known(res.Account, src)
}
