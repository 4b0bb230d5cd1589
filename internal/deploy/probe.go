package deploy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3front/s3front/internal/check"
	"github.com/s3front/s3front/internal/sim"
	"github.com/s3front/s3front/report"
)

// Probe is one request made after a deploy (or by verify): an object
// through a distribution, which must be served, or the bucket's own URL,
// which must refuse an anonymous reader.
type Probe struct {
	URL string
	// Want is "served" or "refused".
	Want string
	// Distribution is the distribution's ID, Key the object's key, when
	// known.
	Distribution, Key string
	Status            int
	// Code is S3's error code of an XML error answer.
	Code string
	// Reason and Rule are the local edge's x-s3front-reason and
	// x-s3front-rule headers, when the answer has them.
	Reason, Rule string
	OK           bool
	Detail       string
	// Path and Finding explain a failed probe: the simulator's path of
	// that request on the live model, and the finding of its cause.
	Path    *report.Path
	Finding *report.Finding
	sha256  string
	urlPath string
	ref     string
}

// Want values.
const (
	Served  = "served"
	Refused = "refused"
)

// maxProbes caps the objects probed per distribution.
const maxProbes = 200

func nonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// probeDeploy probes each uploaded object through each distribution and
// the bucket's URL of the first one.
func probeDeploy(ctx context.Context, o Options, res *Result, region string) []Probe {
	var ps []Probe
	var first *File
	n := nonce()
	for _, d := range res.dists {
		probed := 0
		for _, f := range res.Files {
			if f.Action != ActUpload {
				continue
			}
			if first == nil {
				first = f
			}
			for _, u := range d.urls(f.Key) {
				if probed >= maxProbes {
					break
				}
				probed++
				ps = append(ps, Probe{URL: "https://" + d.domain + escapePath(u) + "?s3front-probe=" + n, Want: Served, Distribution: d.id, Key: f.Key,
					sha256: f.SHA256, urlPath: u, ref: d.ref})
			}
		}
		if probed == maxProbes {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: probed the first %d changed objects only", d.id, maxProbes))
		}
	}
	if first == nil {
		for _, f := range res.Files {
			if f.Action == ActUpload {
				first = f
				break
			}
		}
	}
	if first != nil && region != "" {
		ps = append(ps, Probe{URL: bucketURL(o.Bucket, region, first.Key), Want: Refused, Key: first.Key})
	}
	run(ctx, o.HTTP, o.Concurrency, ps)
	bad := 0
	for _, p := range ps {
		if !p.OK {
			bad++
		}
	}
	logf(o.Log, "probe: %d request(s), %d as expected, %d not", len(ps), len(ps)-bad, bad)
	return ps
}

func bucketURL(bucket, region, key string) string {
	return "https://" + bucket + ".s3." + region + ".amazonaws.com" + escapePath("/"+key)
}

// run sends the probes, Concurrency at a time.
func run(ctx context.Context, hc *http.Client, conc int, ps []Probe) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(conc, 1))
	for i := range ps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			probe(ctx, hc, &ps[i])
		}()
	}
	wg.Wait()
}

func probe(ctx context.Context, hc *http.Client, p *Probe) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		p.Detail = err.Error()
		return
	}
	resp, err := hc.Do(req)
	if err != nil {
		p.Detail = "no answer: " + err.Error()
		return
	}
	defer resp.Body.Close()
	h := sha256.New()
	var head strings.Builder
	_, _ = io.Copy(io.MultiWriter(h, limitWriter{&head, 4096}), io.LimitReader(resp.Body, 1<<30))
	p.Status = resp.StatusCode
	p.Reason = resp.Header.Get("x-s3front-reason")
	p.Rule = resp.Header.Get("x-s3front-rule")
	if i := strings.Index(head.String(), "<Code>"); i >= 0 {
		rest := head.String()[i+6:]
		if j := strings.Index(rest, "<"); j >= 0 {
			p.Code = rest[:j]
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	switch p.Want {
	case Served:
		switch {
		case resp.StatusCode != http.StatusOK:
			p.Detail = fmt.Sprintf("not served: %d %s", resp.StatusCode, p.Code)
		case p.sha256 != "" && got != p.sha256:
			p.Detail = "served, but not the uploaded content: the cache still holds an older version (wait for the invalidation: --wait)"
		default:
			p.OK = true
			p.Detail = "served"
		}
	default:
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			p.Detail = fmt.Sprintf("the bucket answered %d to an anonymous request: its objects are public", resp.StatusCode)
		} else {
			p.OK = true
			p.Detail = fmt.Sprintf("refused: %d %s", resp.StatusCode, p.Code)
		}
	}
}

type limitWriter struct {
	b *strings.Builder
	n int
}

func (w limitWriter) Write(p []byte) (int, error) {
	if rest := w.n - w.b.Len(); rest > 0 {
		w.b.Write(p[:min(len(p), rest)])
	}
	return len(p), nil
}

// explain attaches the simulator's path to each failed probe: the live
// model is read again (now holding the new objects) and the request is
// simulated as `s3front trace` would.
func explain(ctx context.Context, o Options, ps []Probe) {
	if o.Estate == nil {
		return
	}
	var failed []*Probe
	for i := range ps {
		if !ps[i].OK && ps[i].Status != 0 {
			failed = append(failed, &ps[i])
		}
	}
	if len(failed) == 0 {
		return
	}
	cfg, err := o.Estate(ctx)
	if err != nil {
		for _, p := range failed {
			p.Detail += "; cannot explain: " + err.Error()
		}
		return
	}
	refs := map[string]string{}
	for _, d := range cfg.Distributions {
		if d.ID.Known {
			refs[d.ID.V] = d.Ref
		}
	}
	for _, p := range failed {
		ref := p.ref
		if r := refs[p.Distribution]; r != "" {
			ref = r
		}
		if ref == "" && p.Want == Served {
			// A URL given to verify: the distribution with that domain
			// name or alias.
			host := ""
			if u, err := url.Parse(p.URL); err == nil {
				host = strings.ToLower(u.Hostname())
			}
			for _, d := range cfg.Distributions {
				match := d.DomainName.Known && strings.EqualFold(d.DomainName.V, host)
				if d.Aliases.Known {
					for _, a := range d.Aliases.V {
						match = match || strings.EqualFold(a, host)
					}
				}
				if match {
					ref = d.Ref
				}
			}
			if ref == "" {
				continue
			}
		}
		scenario, urlPath := sim.ViewerGetExisting, p.urlPath
		if p.Want == Refused {
			scenario = sim.DirectAnonymousGet
			ref, urlPath = "", ""
			for _, d := range distsFromModel(cfg, bucketOf(p.URL), "") {
				ref = d.ref
				if us := d.urls(p.Key); len(us) > 0 {
					urlPath = us[0]
				}
				break
			}
			if ref == "" {
				continue
			}
		}
		rep, err := check.Run(ctx, cfg, check.Options{Distribution: ref, URLPath: urlPath})
		if err != nil {
			continue
		}
		for _, path := range rep.Paths {
			if path.Scenario == scenario && (scenario == sim.DirectAnonymousGet || path.Key == p.Key || p.Key == "" && path.URL == urlPath) {
				pp := path
				p.Path = &pp
				p.Finding = FindingFor(rep.Findings, pp)
				break
			}
		}
	}
}

// bucketOf is the bucket of an S3 virtual-hosted URL.
func bucketOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	b, _ := originBucket(u.Hostname())
	return b
}

// VerifyOptions configure [Verify].
type VerifyOptions struct {
	// URLs are probed as given: an S3 bucket URL must refuse an anonymous
	// reader, any other URL must be served.
	URLs []string
	// Distribution, when set, probes the distribution's root and newest
	// objects, and its buckets' own URLs.
	Distribution string
	// Sample is the number of newest objects probed per origin (default 5).
	Sample      int
	Clients     Clients
	Estate      Estate
	HTTP        *http.Client
	Concurrency int
}

// Verify runs the probes alone.
func Verify(ctx context.Context, o VerifyOptions) ([]Probe, error) {
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Sample <= 0 {
		o.Sample = 5
	}
	n := nonce()
	var ps []Probe
	for _, raw := range o.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%q is not an http(s) URL", raw)
		}
		p := Probe{URL: raw, Want: Served, urlPath: u.Path}
		if b, ok := originBucket(u.Hostname()); ok {
			p.Want, p.Key = Refused, strings.TrimPrefix(u.Path, "/")
			_ = b
		}
		ps = append(ps, p)
	}
	if o.Distribution != "" {
		dp, err := distributionProbes(ctx, o, n)
		if err != nil {
			return nil, err
		}
		ps = append(ps, dp...)
	}
	run(ctx, o.HTTP, o.Concurrency, ps)
	explain(ctx, Options{Estate: o.Estate}, ps)
	return ps, nil
}

// distributionProbes lists what to probe for a distribution: its root,
// the newest objects of each S3 origin through it, and each bucket's URL.
func distributionProbes(ctx context.Context, o VerifyOptions, n string) ([]Probe, error) {
	if o.Clients.CloudFront == nil || o.Clients.S3 == nil {
		return nil, fmt.Errorf("--distribution needs AWS credentials")
	}
	g, err := o.Clients.CloudFront.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(o.Distribution)})
	if err != nil {
		return nil, fmt.Errorf("cloudfront:GetDistribution %s: %w", o.Distribution, err)
	}
	d := g.Distribution
	domain := aws.ToString(d.DomainName)
	ps := []Probe{{URL: "https://" + domain + "/?s3front-probe=" + n, Want: Served, Distribution: o.Distribution, urlPath: "/", ref: aws.ToString(d.ARN)}}
	if dro := aws.ToString(d.DistributionConfig.DefaultRootObject); dro != "" {
		ps[0].Key = dro
	}
	for _, or := range d.DistributionConfig.Origins.Items {
		bucket, ok := originBucket(aws.ToString(or.DomainName))
		if !ok {
			continue
		}
		prefix := strings.Trim(aws.ToString(or.OriginPath), "/")
		in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
		if prefix != "" {
			in.Prefix = aws.String(prefix + "/")
		}
		out, err := o.Clients.S3.ListObjectsV2(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s to pick objects to probe: %w", bucket, err)
		}
		objs := out.Contents
		sort.Slice(objs, func(i, j int) bool { return aws.ToTime(objs[i].LastModified).After(aws.ToTime(objs[j].LastModified)) })
		region := "us-east-1"
		if loc, err := o.Clients.S3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)}); err == nil && loc.LocationConstraint != "" {
			region = string(loc.LocationConstraint)
		}
		for i, obj := range objs {
			if i >= o.Sample {
				break
			}
			key := aws.ToString(obj.Key)
			u := "/" + strings.TrimPrefix(key, prefix+"/")
			if prefix == "" {
				u = "/" + key
			}
			ps = append(ps, Probe{URL: "https://" + domain + escapePath(u) + "?s3front-probe=" + n, Want: Served, Distribution: o.Distribution, Key: key, urlPath: u, ref: aws.ToString(d.ARN)})
			if i == 0 {
				ps = append(ps, Probe{URL: bucketURL(bucket, region, key), Want: Refused, Key: key})
			}
		}
	}
	return ps, nil
}
