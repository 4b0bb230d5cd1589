package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/s3front/s3front/model"
)

// Clients are the AWS clients a deploy uses.
type Clients struct {
	S3         *s3.Client
	CloudFront *cloudfront.Client
	STS        *sts.Client
}

// Estate reads the live model of the account (the live reader), for the
// pre-flight simulation and to explain probe failures.
type Estate func(ctx context.Context) (*model.Config, error)

// Options configure [Run].
type Options struct {
	Dir    string
	Bucket string
	// Prefix is the key prefix (s3://bucket/prefix/), "" for the root.
	Prefix string
	// Distribution restricts the pre-flight, invalidations and probes to
	// the distribution with this ID.
	Distribution string
	Rules        Rules
	// Delete removes objects whose files are gone; Force uploads despite
	// the pre-flight; Strict also refuses when the pre-flight cannot
	// decide; Wait waits for invalidations; DryRun stops after the
	// pre-flight.
	Delete, Force, Strict, Wait, DryRun bool
	// Concurrency bounds uploads and probes in flight (default 8);
	// PartSize is the multipart part size and threshold (default 8 MiB).
	Concurrency int
	PartSize    int64
	Clients     Clients
	// Estate reads the live model; nil skips the pre-flight and the
	// explanations (the result says so).
	Estate Estate
	// HTTP sends the probes (default: a client with a 30 s timeout).
	HTTP *http.Client
	// WaitTimeout bounds Wait (default 15 minutes); Poll is the interval.
	WaitTimeout, Poll time.Duration
	// Log receives one line per stage.
	Log io.Writer
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.PartSize <= 0 {
		o.PartSize = 8 << 20
	}
	if o.PartSize < 5<<20 {
		o.PartSize = 5 << 20 // S3's smallest part
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 15 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Prefix != "" && !strings.HasSuffix(o.Prefix, "/") {
		o.Prefix += "/"
	}
}

// Upload is how objects are written: the headers a deploy sends.
type Upload struct {
	// ACL is "" (none: ACLs are disabled) or bucket-owner-full-control.
	ACL string
	// Encryption is AES256, aws:kms or aws:kms:dsse ("" when the bucket's
	// default could not be read: S3 applies it); KeyID and BucketKey go
	// with aws:kms.
	Encryption, KeyID string
	BucketKey         bool
	// Ownership is the bucket's Object Ownership ("" when unreadable).
	Ownership string
	// Why says where these come from, one line each.
	Why []string
}

// Result is what a deploy did, stage by stage.
type Result struct {
	// Caller is the identity that deploys.
	Caller, Account string
	Files           []*File
	Upload          Upload
	Preflight       *Preflight
	// Refused is set when the pre-flight refused the deploy (nothing was
	// uploaded).
	Refused       bool
	Uploaded      int
	Deleted       int
	Invalidations []Invalidation
	Probes        []Probe
	// Notes are things the deploy could not do or check.
	Notes []string
	dists []dist
}

// Failed reports whether the deploy refused or a probe failed.
func (r *Result) Failed() bool {
	if r.Refused {
		return true
	}
	for _, p := range r.Probes {
		if !p.OK {
			return true
		}
	}
	return false
}

func logf(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

// Run deploys Options.Dir into the bucket.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	res := &Result{}
	if o.Clients.STS != nil {
		id, err := o.Clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("sts:GetCallerIdentity: %w\nhint: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", err)
		}
		res.Caller, res.Account = aws.ToString(id.Arn), aws.ToString(id.Account)
	}
	files, err := walk(o.Dir, o.Rules)
	if err != nil {
		return nil, err
	}
	up, region, err := uploadSettings(ctx, o.Clients.S3, o.Bucket)
	if err != nil {
		return nil, err
	}
	res.Upload = up
	remotes, err := list(ctx, o.Clients.S3, o.Bucket, o.Prefix)
	if err != nil {
		return nil, err
	}
	if err := plan(ctx, o, files, remotes); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.Key] = true
	}
	var gone []string
	for k := range remotes {
		if !seen[k] && !strings.HasSuffix(k, "/") {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	for _, k := range gone {
		act := ActKeep
		if o.Delete {
			act = ActDelete
		}
		files = append(files, &File{Key: k, Action: act, Size: remotes[k].size})
	}
	res.Files = files
	changed := 0
	for _, f := range files {
		if f.Action == ActUpload || f.Action == ActDelete {
			changed++
		}
	}
	logf(o.Log, "plan: %d files, %d to upload, %d unchanged, %d to delete", len(files), count(files, ActUpload), count(files, ActSkip), count(files, ActDelete))

	res.Preflight, err = preflight(ctx, o, res, region)
	if err != nil {
		return nil, err
	}
	if res.Preflight.Blocked(o.Strict) {
		if !o.Force {
			res.Refused = true
			return res, nil
		}
		logf(o.Log, "pre-flight: uploads will not be servable; going on because of --force")
	}
	if o.DryRun || changed == 0 {
		return res, nil
	}
	if res.dists == nil && o.Clients.CloudFront != nil {
		if res.dists, err = distsFromAPI(ctx, o.Clients.CloudFront, o.Bucket, o.Distribution); err != nil {
			res.Notes = append(res.Notes, err.Error())
		}
	}
	if err := upload(ctx, o, res); err != nil {
		return res, err
	}
	if err := invalidate(ctx, o, res); err != nil {
		return res, err
	}
	res.Probes = probeDeploy(ctx, o, res, region)
	explain(ctx, o, res.Probes)
	return res, nil
}

func count(fs []*File, act string) int {
	n := 0
	for _, f := range fs {
		if f.Action == act {
			n++
		}
	}
	return n
}

// errCode is the AWS error code of err, "" when none.
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// uploadSettings reads the bucket's Region, Object Ownership and default
// encryption, and decides the upload headers.
func uploadSettings(ctx context.Context, c *s3.Client, bucket string) (Upload, string, error) {
	var up Upload
	region := ""
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	switch {
	case errCode(err) == "NoSuchBucket":
		return up, "", fmt.Errorf("s3://%s does not exist", bucket)
	case err != nil:
		up.Why = append(up.Why, "the bucket's Region could not be read ("+shortErr(err)+")")
	default:
		region = string(loc.LocationConstraint)
		if region == "" {
			region = "us-east-1"
		}
	}
	oc, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil && oc.OwnershipControls != nil && len(oc.OwnershipControls.Rules) > 0:
		up.Ownership = string(oc.OwnershipControls.Rules[0].ObjectOwnership)
	case errCode(err) == "OwnershipControlsNotFoundError":
		up.Ownership = "ObjectWriter"
	case err != nil:
		up.Why = append(up.Why, "Object Ownership could not be read ("+shortErr(err)+"): sending bucket-owner-full-control, which every setting accepts")
	}
	switch up.Ownership {
	case "BucketOwnerEnforced":
		up.Why = append(up.Why, "no ACL: Object Ownership is BucketOwnerEnforced (ACLs disabled)")
	case "":
		up.ACL = "bucket-owner-full-control"
	default:
		up.ACL = "bucket-owner-full-control"
		up.Why = append(up.Why, "ACL bucket-owner-full-control: Object Ownership is "+up.Ownership+" (ACLs enabled), so the bucket owner keeps control of what another account writes")
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil && enc.ServerSideEncryptionConfiguration != nil && len(enc.ServerSideEncryptionConfiguration.Rules) > 0:
		r := enc.ServerSideEncryptionConfiguration.Rules[0]
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			up.Encryption = string(d.SSEAlgorithm)
			up.KeyID = aws.ToString(d.KMSMasterKeyID)
		}
		up.BucketKey = aws.ToBool(r.BucketKeyEnabled) && strings.HasPrefix(up.Encryption, "aws:kms")
		desc := up.Encryption
		if up.KeyID != "" {
			desc += " with " + up.KeyID
		}
		up.Why = append(up.Why, "encryption "+desc+": the bucket's default, sent explicitly so that policies requiring the header pass")
	case errCode(err) == "ServerSideEncryptionConfigurationNotFoundError":
		up.Encryption = "AES256"
		up.Why = append(up.Why, "encryption AES256: the bucket has no default encryption configuration (S3 applies SSE-S3)")
	default:
		up.Why = append(up.Why, "the default encryption could not be read ("+shortErr(err)+"): no encryption header, S3 applies the default")
	}
	return up, region, nil
}

func shortErr(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// plan decides, for each file, upload or skip.
func plan(ctx context.Context, o Options, files []*File, remotes map[string]remote) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Concurrency)
	for _, f := range files {
		f.Key = o.Prefix + f.Path
		g.Go(func() error {
			head, err := digest(f)
			if err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
			describe(f, head, o.Rules)
			r, ok := remotes[f.Key]
			switch {
			case !ok:
				f.Action, f.Why = ActUpload, "new"
			case r.etag == f.MD5:
				f.Action, f.Why = ActSkip, "same MD5"
			case r.size != f.Size:
				f.Action, f.Why = ActUpload, "changed"
			default:
				h, err := o.Clients.S3.HeadObject(gctx, &s3.HeadObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(f.Key)})
				if err == nil && h.Metadata[metaSHA] == f.SHA256 {
					f.Action, f.Why = ActSkip, "same SHA-256"
				} else {
					f.Action, f.Why = ActUpload, "changed"
				}
			}
			return nil
		})
	}
	return g.Wait()
}
