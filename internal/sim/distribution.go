package sim

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// behaviors returns a distribution's cache behaviors in CloudFront's
// precedence order: ordered behaviors first, the default last.
func behaviors(d *model.Distribution) []*model.Behavior {
	out := make([]*model.Behavior, 0, len(d.Behaviors)+1)
	out = append(out, d.Behaviors...)
	if d.DefaultBehavior != nil {
		out = append(out, d.DefaultBehavior)
	}
	return out
}

// target is one origin a behavior sends requests to.
type target struct {
	origin *model.Origin
	// group is the origin group's ID when the origin is a member of one.
	group string
	// failover is true for members after the primary.
	failover bool
	// uncertain, when set, says why it is unknown whether the behavior
	// sends requests to this origin at all (an origin ID or target not
	// known offline): the origin's paths are then unknown.
	uncertain string
}

// targets resolves a behavior's target origin ID to origins, expanding
// origin groups into their members (primary first).
func targets(d *model.Distribution, b *model.Behavior) ([]target, string) {
	if !b.TargetOrigin.Known {
		why := "the behavior's target origin is unknown: " + b.TargetOrigin.Missing
		return candidates(d, why, func(*model.Origin) bool { return true }), why
	}
	id := b.TargetOrigin.V
	for _, o := range d.Origins {
		if o.ID.Known && ident.Equal(o.ID.V, id) == ident.True {
			return []target{{origin: o}}, ""
		}
	}
	for _, g := range d.OriginGroups {
		if !g.ID.Known || ident.Equal(g.ID.V, id) != ident.True {
			continue
		}
		var out []target
		for i, m := range g.Members {
			if !m.Known {
				continue
			}
			for _, o := range d.Origins {
				if o.ID.Known && ident.Equal(o.ID.V, m.V) == ident.True {
					out = append(out, target{origin: o, group: g.ID.V, failover: i > 0})
				}
			}
		}
		return out, ""
	}
	why := "cannot tell whether the behavior's target origin " + quote(ident.Render(id)) + " is this origin until the origin IDs are known"
	if ts := candidates(d, why, func(o *model.Origin) bool { return !o.ID.Known || ident.Equal(o.ID.V, id) == ident.Unknown }); len(ts) > 0 {
		return ts, why
	}
	return nil, "no origin or origin group has the ID " + quote(ident.Render(id))
}

// candidates are the origins a behavior may target, each uncertain.
func candidates(d *model.Distribution, why string, may func(*model.Origin) bool) []target {
	var out []target
	for _, o := range d.Origins {
		if may(o) {
			out = append(out, target{origin: o, uncertain: why})
		}
	}
	return out
}

func quote(s string) string { return "\"" + s + "\"" }

// distribution simulates every behavior and S3 origin of d.
func (s *simulator) distribution(d *model.Distribution) ([]*Path, []*Cause) {
	var paths []*Path
	var causes []*Cause
	anonDone := map[*model.Origin]bool{}
	bs := behaviors(d)
	if s.opts.URLPath != "" {
		bs = nil
		if b := behaviorFor(d, s.opts.URLPath); b != nil {
			bs = []*model.Behavior{b}
		}
	}
	for _, b := range bs {
		ts, _ := targets(d, b)
		for _, t := range ts {
			oc := s.originCtx(d, b, t)
			if oc == nil {
				continue // not an S3 origin: outside what s3front simulates
			}
			if t.uncertain != "" {
				oc.missing = append([]string{t.uncertain}, oc.missing...)
				for i := range oc.hops {
					if oc.hops[i].Name == "cloudfront" {
						oc.hops[i].Result = Maybe
						oc.hops[i].Detail = t.uncertain + "; " + oc.hops[i].Detail
					}
				}
			}
			var ps []*Path
			ps = append(ps, s.getExisting(oc)...)
			ps = append(ps, s.getNew(oc)...)
			if allows(b, "PUT") {
				ps = append(ps, s.put(oc))
			}
			if allows(b, "DELETE") {
				ps = append(ps, s.del(oc))
			}
			if !anonDone[t.origin] {
				anonDone[t.origin] = true
				ps = append(ps, s.directAnonymous(oc))
			}
			s.judge(oc, ps, s.writeIntent(oc))
			paths = append(paths, ps...)
			if c := s.httpViewer(oc); c != nil {
				causes = append(causes, c)
			}
			if oc.fixed != nil {
				causes = append(causes, s.shadow(oc.fixed, oc.ep.Host)...)
			}
		}
	}
	return paths, causes
}

// allows reports whether the behavior's allowed methods include m.
func allows(b *model.Behavior, m string) bool {
	if !b.AllowedMethods.Known {
		return false
	}
	for _, x := range b.AllowedMethods.V {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// sampleKey picks the object a behavior's paths read: the default root
// object (or index.html) for the default behavior, a key matching the path
// pattern otherwise.
func sampleKey(d *model.Distribution, b *model.Behavior) string {
	pat := "*"
	if b.PathPattern.Known && b.PathPattern.V != "" {
		pat = b.PathPattern.V
	}
	if pat == "*" || pat == "/*" {
		if d.DefaultRootObject.Known && d.DefaultRootObject.V != "" && !ident.Has(d.DefaultRootObject.V) {
			return strings.TrimPrefix(d.DefaultRootObject.V, "/")
		}
		return "index.html"
	}
	p := strings.TrimPrefix(pat, "/")
	p = strings.ReplaceAll(p, "?", "x")
	if strings.HasSuffix(p, "*") {
		p = strings.TrimSuffix(p, "*") + "example"
		if strings.HasSuffix(p, "/example") || !strings.Contains(path.Base(p), ".") {
			p += ".html"
		}
	}
	return strings.ReplaceAll(p, "*", "example")
}

// objectKey is the S3 key CloudFront requests for a viewer path: the
// origin path, if any, is prepended, and S3 decodes percent-escapes.
func objectKey(o *model.Origin, urlPath string) string {
	key := strings.TrimPrefix(urlPath, "/")
	if k, err := url.PathUnescape(key); err == nil {
		key = k
	}
	if o.Path.Known && o.Path.V != "" {
		return strings.Trim(o.Path.V, "/") + "/" + key
	}
	return key
}

// matchPathPattern reports whether a CloudFront path pattern matches a
// URL path (case-sensitive; * and ? wildcards; a leading / is optional).
func matchPathPattern(pattern, urlPath string) bool {
	pattern = "/" + strings.TrimPrefix(pattern, "/")
	return ident.Like(pattern, urlPath, false) == ident.True
}

// behaviorFor returns the behavior that serves urlPath.
func behaviorFor(d *model.Distribution, urlPath string) *model.Behavior {
	for _, b := range d.Behaviors {
		if b.PathPattern.Known && matchPathPattern(b.PathPattern.V, urlPath) {
			return b
		}
	}
	return d.DefaultBehavior
}

// urlPath is the viewer path a behavior's paths request.
func (s *simulator) urlPath(oc *originCtx) string {
	if s.opts.URLPath != "" {
		return "/" + strings.TrimPrefix(s.opts.URLPath, "/")
	}
	return "/" + sampleKey(oc.d, oc.b)
}

// shadow simulates an origin whose domain CloudFront rejects as if its
// domain were the host name it holds, and returns the causes of the paths
// that would still fail: an invalid domain doesn't stop the other origin
// checks. The paths themselves are not reported (the distribution can't be
// deployed as written).
func (s *simulator) shadow(oc *originCtx, host string) []*Cause {
	var ps []*Path
	ps = append(ps, s.getExisting(oc)...)
	ps = append(ps, s.getNew(oc)...)
	if allows(oc.b, "PUT") {
		ps = append(ps, s.put(oc))
	}
	if allows(oc.b, "DELETE") {
		ps = append(ps, s.del(oc))
	}
	s.judge(oc, ps, s.writeIntent(oc))
	var out []*Cause
	seen := map[string]bool{}
	add := func(c *Cause) {
		if c == nil {
			return
		}
		k := fmt.Sprintf("%s|%s|%d|%d", c.Rule, c.At.Resource, c.At.Line, c.At.Col)
		if seen[k] {
			return
		}
		seen[k] = true
		cc := *c
		cc.Message += fmt.Sprintf(" (found with the origin domain read as %s)", quote(ident.Render(host)))
		out = append(out, &cc)
	}
	for _, p := range ps {
		if p.Cause != nil {
			add(p.Cause)
		}
	}
	if c := s.httpViewer(oc); c != nil {
		add(c)
	}
	return out
}
