package modsrc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
)

const userAgent = "s3front (terraform module fetcher)"

// fetchRegistry resolves a registry module's version and fetches the
// package its download location names.
func (c *Client) fetchRegistry(ctx context.Context, src Source, constraint string) (*Module, error) {
	con, err := ParseConstraint(constraint)
	if err != nil {
		return nil, err
	}
	if c.opts.Offline {
		return c.registryFromCache(ctx, src, con)
	}
	ver, loc, err := c.resolveRegistry(ctx, src, con)
	if err != nil {
		if isUnreachable(err) {
			if m, cerr := c.registryFromCache(ctx, src, con); cerr == nil {
				c.logf("warning: %s cannot be reached (%s): using %s from the module cache", src.Host, unreachableReason(err), m.Display)
				return m, nil
			}
		}
		return nil, err
	}
	return c.registryPackage(ctx, src, ver, loc)
}

// registryPackage fetches the package of one version and records it.
func (c *Client) registryPackage(ctx context.Context, src Source, ver, loc string) (*Module, error) {
	display := src.Package() + "@" + ver
	ls, err := ParseSource(loc)
	if err != nil || ls.Kind == Registry {
		why := "it is a registry address, not a package"
		if err != nil {
			why = err.Error()
		}
		return nil, fmt.Errorf("the registry %s gave %s the download location %q: %s", src.Host, display, Redact(loc), why)
	}
	p, err := c.fetchPackage(ctx, ls, 0, display)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	m, err := c.module(p, src, joinSubdir(ls.Subdir, src.Subdir), display, ver)
	if err != nil {
		return nil, err
	}
	_ = c.cache.writeRecord(path.Join(registryDir(src), ver+".json"), registryRecord{Module: src.Package(), Version: ver, Location: loc, Fetched: c.now()})
	return m, nil
}

// registryFromCache picks the newest cached version the constraint allows.
func (c *Client) registryFromCache(ctx context.Context, src Source, con Constraint) (*Module, error) {
	recs := map[string]registryRecord{}
	var vers []string
	for _, name := range c.cache.listRecords(registryDir(src)) {
		var r registryRecord
		if c.cache.readRecord(path.Join(registryDir(src), name+".json"), &r) && r.Version != "" && r.Location != "" {
			recs[r.Version] = r
			vers = append(vers, r.Version)
		}
	}
	what := "the registry module " + src.Package()
	if con.String() != "" {
		what += " (version " + con.String() + ")"
	}
	match, _ := SelectVersion(vers, con)
	if match == "" {
		if len(vers) > 0 {
			sort.Strings(vers)
			return nil, fmt.Errorf("%s: no cached version matches (cached: %s): %w", what, strings.Join(vers, ", "), c.notCached("a matching version"))
		}
		return nil, c.notCached(what)
	}
	r := recs[match]
	m, err := c.registryPackage(ctx, src, r.Version, r.Location)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// resolveRegistry asks the registry for the versions of a module, picks
// one and asks for its download location.
func (c *Client) resolveRegistry(ctx context.Context, src Source, con Constraint) (ver, loc string, err error) {
	base, err := c.discover(ctx, src.Host)
	if err != nil {
		return "", "", err
	}
	mod := url.PathEscape(src.Namespace) + "/" + url.PathEscape(src.Name) + "/" + url.PathEscape(src.Provider)
	vurl := base.ResolveReference(&url.URL{Path: mod + "/versions"})
	body, _, err := c.registryGet(ctx, src.Host, vurl, 8<<20)
	if err != nil {
		var se *statusError
		if errors.As(err, &se) && se.code == http.StatusNotFound {
			return "", "", fmt.Errorf("%s has no module %s/%s/%s (its registry answered 404)", src.Host, src.Namespace, src.Name, src.Provider)
		}
		return "", "", fmt.Errorf("listing the versions of %s: %w", src.Package(), err)
	}
	var resp struct {
		Modules []struct {
			Versions []struct {
				Version string `json:"version"`
			} `json:"versions"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Modules) == 0 {
		return "", "", fmt.Errorf("the registry %s answered the versions of %s with something that is not a version list", src.Host, src.Package())
	}
	var avail []string
	for _, v := range resp.Modules[0].Versions {
		avail = append(avail, v.Version)
	}
	match, newest := SelectVersion(avail, con)
	switch {
	case newest == "":
		return "", "", fmt.Errorf("the registry %s has no versions of %s", src.Host, src.Package())
	case match == "":
		return "", "", fmt.Errorf("no version of %s matches the constraint %q (the newest is %s)", src.Package(), con.String(), newest)
	}
	durl := base.ResolveReference(&url.URL{Path: mod + "/" + url.PathEscape(match) + "/download"})
	body, hdr, err := c.registryGet(ctx, src.Host, durl, 1<<20)
	if err != nil {
		return "", "", fmt.Errorf("asking for the download location of %s %s: %w", src.Package(), match, err)
	}
	loc = hdr.Get("X-Terraform-Get")
	if loc == "" {
		var j struct {
			Location string `json:"location"`
		}
		if json.Unmarshal(body, &j) == nil {
			loc = j.Location
		}
	}
	if loc == "" {
		return "", "", fmt.Errorf("the registry %s gave no download location (X-Terraform-Get) for %s %s", src.Host, src.Package(), match)
	}
	if strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "./") || strings.HasPrefix(loc, "../") {
		rel, err := url.Parse(loc)
		if err != nil {
			return "", "", fmt.Errorf("the registry %s gave an invalid download location for %s %s", src.Host, src.Package(), match)
		}
		loc = durl.ResolveReference(rel).String()
	}
	return match, loc, nil
}

// discover finds a host's modules.v1 service: from a host block of the CLI
// configuration, else from https://host/.well-known/terraform.json.
func (c *Client) discover(ctx context.Context, host string) (*url.URL, error) {
	v, err := c.once(c.disco, host, func() (any, error) {
		docURL := &url.URL{Scheme: "https", Host: host, Path: "/.well-known/terraform.json"}
		var svc map[string]any
		if over, ok := c.svc[host]; ok {
			svc = map[string]any{}
			for k, v := range over {
				svc[k] = v
			}
		} else {
			body, _, err := c.registryGet(ctx, host, docURL, 1<<20)
			if err != nil {
				var se *statusError
				if errors.As(err, &se) && se.code == http.StatusNotFound {
					return nil, fmt.Errorf("%s is not a module registry (no service discovery document)", host)
				}
				return nil, fmt.Errorf("service discovery for %s: %w", host, err)
			}
			if err := json.Unmarshal(body, &svc); err != nil {
				return nil, fmt.Errorf("service discovery for %s: the document is not a JSON object", host)
			}
		}
		raw, ok := svc["modules.v1"].(string)
		if !ok || raw == "" {
			return nil, fmt.Errorf("%s is not a module registry (its services have no modules.v1)", host)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid modules.v1 service URL %q", host, Redact(raw))
		}
		u = docURL.ResolveReference(u)
		if u.Scheme != "https" && u.Scheme != "http" {
			return nil, fmt.Errorf("%s: the modules.v1 service URL must be http or https, not %q", host, u.Scheme)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		return u, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*url.URL), nil
}

// statusError is a registry answer that is not a success.
type statusError struct {
	code int
	url  string
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("%s answered %d %s", e.url, e.code, http.StatusText(e.code))
	if e.code == http.StatusUnauthorized || e.code == http.StatusForbidden {
		msg += " (set credentials for the host: TF_TOKEN_<host> or a credentials block in the Terraform CLI configuration)"
	}
	return msg
}

// registryGet makes one registry request with the host's token.
func (c *Client) registryGet(ctx context.Context, host string, u *url.URL, max int64) ([]byte, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	if t, ok := c.tokens[strings.ToLower(host)]; ok {
		req.Header.Set("Authorization", "Bearer "+t)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil && ctx.Err() != context.DeadlineExceeded {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &unreachable{fmt.Errorf("%s: %s", Redact(u.String()), netText(err)), shortNet(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, nil, &unreachable{fmt.Errorf("%s: %s", Redact(u.String()), netText(err)), shortNet(err)}
	}
	if int64(len(body)) > max {
		return nil, nil, fmt.Errorf("%s: the answer is larger than %d bytes", Redact(u.String()), max)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := &statusError{code: resp.StatusCode, url: Redact(u.String())}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return nil, nil, &unreachable{se, fmt.Sprintf("answered %d %s", se.code, http.StatusText(se.code))}
		}
		return nil, nil, se
	}
	return body, resp.Header, nil
}

// shortNet is the last part of a transport error: "connection refused".
func shortNet(err error) string {
	s := netText(err)
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// netText is a transport error without Go's "Get \"url\": " prefix.
func netText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}
