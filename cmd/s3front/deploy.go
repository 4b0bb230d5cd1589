package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/internal/awsconfig"
	cfgfile "github.com/s3front/s3front/internal/config"
	"github.com/s3front/s3front/internal/deploy"
	"github.com/s3front/s3front/model"
)

// liveFlags are the credential flags of deploy and verify.
type liveFlags struct {
	profile, region, roleARN, externalID, sessionName string
	readRoleARN, edge                                 string
	timeout                                           time.Duration
}

func (f *liveFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.profile, "profile", "", "shared config `profile` (default: the standard credential chain)")
	fl.StringVar(&f.region, "region", "", "`Region` of the SDK clients (default: the profile's, else us-east-1)")
	fl.StringVar(&f.roleARN, "role-arn", "", "`ARN` of a role to assume first")
	fl.StringVar(&f.externalID, "external-id", "", "external `ID` for --role-arn")
	fl.StringVar(&f.sessionName, "session-name", "", "role session `name` (default s3front)")
	fl.StringVar(&f.readRoleARN, "read-role-arn", "", "`ARN` of a role to assume for the live read only (pre-flight, explanations), e.g. a read-only role in the bucket owner's account")
	fl.StringVar(&f.edge, "edge", "", "send the probes to this local edge (`URL` of s3front serve --storage), with the real host name as Host")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout of each AWS call and probe")
}

// clients builds the SDK clients with the same credentials as the live
// reader (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured).
func (f *liveFlags) clients(ctx context.Context, e *env) (deploy.Clients, error) {
	cfg, err := awsconfig.Load(ctx, awsconfig.Options{Profile: f.profile, Region: f.region, RoleARN: f.roleARN, ExternalID: f.externalID,
		SessionName: f.sessionName, Timeout: f.timeout, DialContext: e.awsDial})
	if err != nil {
		return deploy.Clients{}, inputError{err}
	}
	return deploy.Clients{S3: s3.NewFromConfig(cfg), CloudFront: cloudfront.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg)}, nil
}

// estate reads the live model with the live reader (check --aws).
func (f *liveFlags) estate(e *env) deploy.Estate {
	return func(ctx context.Context) (*model.Config, error) {
		role := f.roleARN
		if f.readRoleARN != "" {
			role = f.readRoleARN
		}
		cfg, _, err := s3front.LoadAWS(ctx, s3front.AWSOptions{Profile: f.profile, Region: f.region, RoleARN: role, ExternalID: f.externalID,
			SessionName: f.sessionName, CallTimeout: f.timeout, DialContext: e.awsDial})
		return cfg, err
	}
}

// probeClient sends probes, to the local edge when --edge is given.
func (f *liveFlags) probeClient(e *env) (*http.Client, error) {
	hc := &http.Client{Timeout: f.timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if f.edge == "" {
		return hc, nil
	}
	u, err := url.Parse(f.edge)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError{fmt.Errorf("--edge %q: want the URL of s3front serve, such as http://127.0.0.1:4566", f.edge)}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if e.awsDial != nil {
		tr.DialContext = e.awsDial
	}
	hc.Transport = edgeTransport{base: u, next: tr}
	return hc, nil
}

// edgeTransport sends every request to the edge, keeping its host name as
// the Host header (as curl --connect-to would).
type edgeTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t edgeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.Host = r.URL.Host
	out.URL.Scheme, out.URL.Host = t.base.Scheme, t.base.Host
	return t.next.RoundTrip(out)
}

func newDeployCmd(e *env) *cobra.Command {
	var (
		lf                                  liveFlags
		dist                                string
		del, force, strict, wait, dry       bool
		noConfig, quiet                     bool
		concurrency                         int
		cacheFlags, typeFlags, excludeFlags []string
	)
	c := &cobra.Command{
		Use:   "deploy DIR s3://BUCKET[/PREFIX]",
		Short: "upload a directory so that every distribution serves it, and prove it",
		Long: `deploy syncs DIR into the bucket: content types, Cache-Control rules
(.s3front.yaml's deploy section, --cache-control), unchanged files skipped by
checksum, removed files deleted with --delete, large files in parallel multipart
uploads. Uploads follow the bucket: its default encryption sent explicitly, no
ACL on an ACL-disabled bucket, bucket-owner-full-control otherwise.

Before uploading, the objects as they will be (encryption, owner) are simulated
through every distribution that reads the bucket, on the live estate read as
'check --aws' reads it, with the same simulator and rules. If an upload will not
be servable the deploy is refused (exit 1) with the rule and the reason, and
nothing is uploaded, unless --force.

Then the changed paths are invalidated (in batches; --wait waits), and each
changed object is requested through each distribution (with a cache-busting
query string; the content must be the file's), and the bucket's own URL is
requested anonymously (it must refuse). A failure is explained with the trace
of that request, as 's3front trace' prints it. Exit 0: deployed and proven;
1: refused, or a probe failed; 2: usage or input error.`,
		Example: `  s3front deploy ./dist s3://example-webapp-assets --wait
  s3front deploy ./public s3://assets/site --distribution E2QWRUHAPOMQZL --delete
  s3front deploy ./dist s3://site --edge http://127.0.0.1:4566   # against s3front serve --storage`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir := args[0]
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return usageError{fmt.Errorf("%s is not a directory", dir)}
			}
			bucket, prefix, err := parseS3URL(args[1])
			if err != nil {
				return usageError{err}
			}
			rules, err := deployRules(e, dir, noConfig, cacheFlags, typeFlags, excludeFlags)
			if err != nil {
				return err
			}
			hc, err := lf.probeClient(e)
			if err != nil {
				return err
			}
			cl, err := lf.clients(ctx, e)
			if err != nil {
				return err
			}
			log := e.stderr
			if quiet {
				log = nil
			}
			res, err := deploy.Run(ctx, deploy.Options{Dir: dir, Bucket: bucket, Prefix: prefix, Distribution: dist, Rules: rules,
				Delete: del, Force: force, Strict: strict, Wait: wait, DryRun: dry, Concurrency: concurrency, Clients: cl, Estate: lf.estate(e), HTTP: hc, Log: log})
			if res != nil {
				writeDeploy(e, res, bucket, dry, strict)
			}
			if err != nil {
				var ue usageError
				if errors.As(err, &ue) {
					return err
				}
				return inputError{err}
			}
			if res.Failed() {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	lf.register(c)
	f := c.Flags()
	f.StringVarP(&dist, "distribution", "d", "", "only this distribution `ID` (pre-flight, invalidation, probes)")
	f.BoolVar(&del, "delete", false, "delete objects whose files are gone")
	f.BoolVar(&force, "force", false, "upload even when the pre-flight says the uploads will not be servable")
	f.BoolVar(&strict, "strict", false, "also refuse when the pre-flight cannot decide (an input it could not read)")
	f.BoolVar(&wait, "wait", false, "wait until the invalidations complete before probing")
	f.BoolVar(&dry, "dry-run", false, "plan and simulate only: upload nothing")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress lines on stderr")
	f.BoolVar(&noConfig, "no-config", false, "ignore .s3front.yaml")
	f.IntVar(&concurrency, "concurrency", 8, "uploads and probes in flight")
	f.StringArrayVar(&cacheFlags, "cache-control", nil, "`GLOB=VALUE`: Cache-Control for matching files, before the config's rules (repeatable)")
	f.StringArrayVar(&typeFlags, "content-type", nil, "`EXT=TYPE`: content type of an extension (repeatable)")
	f.StringArrayVar(&excludeFlags, "exclude", nil, "`GLOB` of files not to upload (repeatable)")
	return c
}

// parseS3URL splits s3://bucket/prefix.
func parseS3URL(s string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok || rest == "" {
		return "", "", fmt.Errorf("%q: want s3://BUCKET or s3://BUCKET/PREFIX", s)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, strings.Trim(prefix, "/"), nil
}

// deployRules combines the flags and .s3front.yaml's deploy section (found
// upward from DIR); the flags' cache-control rules come first.
func deployRules(e *env, dir string, noConfig bool, cache, types, exclude []string) (deploy.Rules, error) {
	var r deploy.Rules
	for _, c := range cache {
		m, v, ok := strings.Cut(c, "=")
		if !ok || m == "" {
			return r, usageError{fmt.Errorf("--cache-control %q: want GLOB=VALUE, such as '*.html=no-cache'", c)}
		}
		r.CacheControl = append(r.CacheControl, deploy.CacheRule{Match: m, Value: v})
	}
	r.ContentTypes = map[string]string{}
	for _, t := range types {
		ext, typ, ok := strings.Cut(t, "=")
		if !ok || ext == "" || typ == "" {
			return r, usageError{fmt.Errorf("--content-type %q: want EXT=TYPE, such as .wasm=application/wasm", t)}
		}
		r.ContentTypes["."+strings.TrimPrefix(strings.ToLower(ext), ".")] = typ
	}
	r.Exclude = append(r.Exclude, exclude...)
	if noConfig {
		return r, nil
	}
	p, err := cfgfile.Find(dir, cfgfile.FileName)
	if err != nil || p == "" {
		return r, nil
	}
	cfg, warns, err := cfgfile.Load(p, ruleIDs())
	if err != nil {
		return r, inputError{err}
	}
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "s3front: warning: %s\n", w)
	}
	for _, c := range cfg.Deploy.CacheControl {
		r.CacheControl = append(r.CacheControl, deploy.CacheRule{Match: c.Match, Value: c.Value})
	}
	for k, v := range cfg.Deploy.ContentTypes {
		if _, set := r.ContentTypes[k]; !set {
			r.ContentTypes[k] = v
		}
	}
	r.Exclude = append(r.Exclude, cfg.Deploy.Exclude...)
	return r, nil
}
