package awslive

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// Result is what a live read returns beside the model.
type Result struct {
	// Caller is the ARN of the identity that read, Accounts the accounts
	// read.
	Caller   string
	Accounts []string
	Stats    *Stats
}

// ErrNoCredentials is returned when no identity can be established (no
// credentials, or STS refuses them): nothing could be read at all.
var ErrNoCredentials = errors.New("no usable AWS credentials")

// Load reads the live estate into a model. Failures of single calls are
// recorded in the model (unknown values and Unresolved entries); only a
// failure to establish who is calling is returned as an error.
func Load(ctx context.Context, opts Options) (*model.Config, *Result, error) {
	start := time.Now()
	base, err := baseConfig(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	r := newReader(opts)
	r.prog = newProgress(opts.Progress)
	defer r.prog.done()
	callerSTS := sts.NewFromConfig(base)
	id, _, f := do(ctx, r, "sts", "GetCallerIdentity", "", nil, func(c context.Context) (*sts.GetCallerIdentityOutput, error) {
		return callerSTS.GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
	})
	if f != nil {
		return nil, nil, fmt.Errorf("%w: sts:GetCallerIdentity: %s\nhint: set AWS_PROFILE or --profile, run 'aws sso login', or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", ErrNoCredentials, short(f.Err))
	}
	caller := aws.ToString(id.Account)
	callerARN := aws.ToString(id.Arn)
	partition := partitionOfARN(callerARN, base.Region)
	res := &Result{Caller: callerARN, Stats: r.stats}
	org := organizations.NewFromConfig(base, func(o *organizations.Options) { o.Region = globalRegion(partition) })
	accounts, err := r.accountList(ctx, opts.Accounts, caller, org)
	if err != nil {
		return nil, nil, err
	}
	res.Accounts = accounts
	r.stats.Accounts = len(accounts)
	orgInfo := r.organization(ctx, org, caller)

	// Each account: its session, its CloudFront resources and the names
	// of the buckets it owns.
	accts := make([]*account, len(accounts))
	var wg sync.WaitGroup
	for i, acct := range accounts {
		a := &account{r: r, id: acct, partition: partition, home: base.Region, org: orgInfo, out: &model.Config{}}
		accts[i] = a
		cfg := base
		if acct != caller {
			cfg = assume(base, fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, acct, opts.RoleName), "", opts.SessionName)
		}
		a.setClients(cfg)
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.readGlobal(ctx)
		}()
	}
	wg.Wait()

	// Buckets: each is read by the account that owns it when it was read,
	// otherwise by the first account whose distributions use it.
	owners := map[string]*account{}
	for _, a := range accts {
		for name := range a.owned {
			owners[name] = a
		}
	}
	type job struct {
		a      *account
		name   string
		users  []*account
		origin []originRef
	}
	jobs := map[string]*job{}
	var order []string
	for _, a := range accts {
		for _, ref := range a.origins {
			j := jobs[ref.bucket]
			if j == nil {
				reader := owners[ref.bucket]
				if reader == nil {
					reader = a
				}
				j = &job{a: reader, name: ref.bucket}
				jobs[ref.bucket] = j
				order = append(order, ref.bucket)
			}
			j.origin = append(j.origin, ref)
		}
	}
	sort.Strings(order)
	r.prog.stage("buckets", len(order))
	buckets := make([]*model.Bucket, len(order))
	for i, name := range order {
		j := jobs[name]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.prog.step()
			buckets[i] = j.a.readBucket(ctx, name, j.origin)
		}()
	}
	wg.Wait()

	// Keys: every key a bucket's default encryption or a sampled object
	// names, read by the account that owns it when it was read.
	keys := r.readKeys(ctx, accts, buckets)

	cfg := &model.Config{}
	for _, a := range accts {
		cfg.Merge(a.out)
	}
	for _, b := range buckets {
		if b != nil {
			cfg.Buckets = append(cfg.Buckets, b)
		}
	}
	cfg.Keys = append(cfg.Keys, keys...)
	r.mu.Lock()
	cfg.Unresolved = append(cfg.Unresolved, r.unresolved...)
	r.mu.Unlock()
	cfg.Sort()
	r.stats.Distributions = len(cfg.Distributions)
	r.stats.Buckets = len(cfg.Buckets)
	r.stats.Keys = len(cfg.Keys)
	for _, b := range cfg.Buckets {
		r.stats.Objects += len(b.Objects)
	}
	r.stats.Wall = time.Since(start)
	return cfg, res, nil
}

type reader struct {
	opts       Options
	stats      *Stats
	sem        chan struct{}
	prog       *progress
	mu         sync.Mutex
	unresolved []model.Unresolved
	seenFail   map[string]bool
}

func newReader(opts Options) *reader {
	return &reader{opts: opts, stats: newStats(), sem: make(chan struct{}, opts.concurrency()), seenFail: map[string]bool{}, prog: newProgress(nil)}
}

// fail records a failed call as an unresolved input (once per call and
// subject) and returns the text unknown values carry.
func (r *reader) fail(f *failure, src model.Src) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := f.what()
	if !r.seenFail[k] {
		r.seenFail[k] = true
		// The resource the call was about is not fully read: the check
		// is incomplete and says so (summary.incomplete).
		r.unresolved = append(r.unresolved, model.Unresolved{What: f.what(), Why: f.why(), Src: src, Incomplete: model.IncompleteResource})
	}
	return f.missing()
}

// note records a resource left unread that is not a failed call.
func (r *reader) note(what, why string, src model.Src) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.seenFail[what] {
		r.seenFail[what] = true
		r.unresolved = append(r.unresolved, model.Unresolved{What: what, Why: why, Src: src, Incomplete: model.IncompleteResource})
	}
}

// noteNames is note for an input that identities (names) stand for.
func (r *reader) noteNames(what, why string, src model.Src, names ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.seenFail[what] {
		r.seenFail[what] = true
		r.unresolved = append(r.unresolved, model.Unresolved{What: what, Why: why, Src: src, Names: names})
	}
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// accountList resolves --accounts.
func (r *reader) accountList(ctx context.Context, want []string, caller string, org orgAPI) ([]string, error) {
	if len(want) == 0 {
		return []string{caller}, nil
	}
	if len(want) == 1 && strings.EqualFold(want[0], "org") {
		if r.opts.RoleName == "" {
			return nil, errors.New("--accounts org needs --role-name: the role to assume in each member account")
		}
		var out []string
		var token *string
		for {
			page, _, f := do(ctx, r, "organizations", "ListAccounts", "the organization", nil, func(c context.Context) (*organizations.ListAccountsOutput, error) {
				return org.ListAccounts(c, &organizations.ListAccountsInput{NextToken: token})
			})
			if f != nil {
				return nil, fmt.Errorf("--accounts org: organizations:ListAccounts: %s\nhint: run from the management account or a delegated administrator, or list the accounts with --accounts ID,...", f.kindWord())
			}
			for _, a := range page.Accounts {
				if a.Status == orgtypes.AccountStatusActive || a.State == orgtypes.AccountStateActive {
					out = append(out, aws.ToString(a.Id))
				}
			}
			if page.NextToken == nil {
				break
			}
			token = page.NextToken
		}
		sort.Strings(out)
		return out, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, a := range want {
		a = strings.TrimSpace(a)
		if !accountRE.MatchString(a) {
			return nil, fmt.Errorf("--accounts: %q is not a 12-digit account ID (or the single word org)", a)
		}
		if a != caller && r.opts.RoleName == "" {
			return nil, fmt.Errorf("--accounts: reading account %s needs --role-name, the role to assume there (the caller is in %s)", a, caller)
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out, nil
}

// account is one account being read.
type account struct {
	r         *reader
	id        string
	partition string
	home      string
	org       *orgInfo

	cf     cloudFrontAPI
	s3ctl  s3ControlAPI
	s3home s3API
	s3For  func(region string) s3API
	kmsFor func(region string) kmsAPI

	// owned are the buckets the account owns (ListBuckets), with their
	// Region when S3 reported it; ownerCanon is its canonical user ID.
	owned      map[string]string
	ownedKnown bool
	ownerCanon string
	origins    []originRef
	out        *model.Config
}

// originRef is one S3 origin that reads a bucket.
type originRef struct {
	bucket string
	// prefix is the origin path as an S3 key prefix ("" or "path/").
	prefix string
	// pages are error page keys (under prefix) the distribution serves.
	pages []string
	// dro is the default root object key under prefix, "" when unknown.
	dro     string
	region  string
	account string
	src     model.Src
}

func (a *account) setClients(cfg aws.Config) {
	a.cf = cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.Region = globalRegion(a.partition) })
	a.s3ctl = s3control.NewFromConfig(cfg, func(o *s3control.Options) { o.Region = a.home })
	var mu sync.Mutex
	s3s := map[string]s3API{}
	kmss := map[string]kmsAPI{}
	a.s3For = func(region string) s3API {
		mu.Lock()
		defer mu.Unlock()
		c := s3s[region]
		if c == nil {
			c = s3.NewFromConfig(cfg, func(o *s3.Options) { o.Region = region })
			s3s[region] = c
		}
		return c
	}
	a.kmsFor = func(region string) kmsAPI {
		mu.Lock()
		defer mu.Unlock()
		c := kmss[region]
		if c == nil {
			c = kms.NewFromConfig(cfg, func(o *kms.Options) { o.Region = region })
			kmss[region] = c
		}
		return c
	}
	a.s3home = a.s3For(a.home)
}

// readGlobal reads the account's CloudFront resources, its bucket list and
// its account-level settings, in parallel.
func (a *account) readGlobal(ctx context.Context) {
	var wg sync.WaitGroup
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	run(a.readDistributions)
	run(a.readOAIs)
	run(a.readOACs)
	run(a.readCachePolicies)
	run(a.readOriginRequestPolicies)
	run(a.readBucketList)
	run(a.readAccount)
	wg.Wait()
}

func (a *account) readBucketList(ctx context.Context) {
	a.owned = map[string]string{}
	var token *string
	for {
		out, _, f := do(ctx, a.r, "s3", "ListBuckets", "account "+a.id, nil, func(c context.Context) (*s3.ListBucketsOutput, error) {
			return a.s3home.ListBuckets(c, &s3.ListBucketsInput{ContinuationToken: token, MaxBuckets: aws.Int32(1000)})
		})
		if f != nil {
			// Without the list, buckets are read by the accounts whose
			// distributions use them, and their account is unknown.
			a.r.fail(f, acctSrc(a.partition, a.id, "/ListBuckets"))
			return
		}
		if out.Owner != nil && out.Owner.ID != nil {
			a.ownerCanon = *out.Owner.ID
		}
		for _, b := range out.Buckets {
			a.owned[aws.ToString(b.Name)] = aws.ToString(b.BucketRegion)
		}
		if out.ContinuationToken == nil || aws.ToString(out.ContinuationToken) == "" {
			break
		}
		token = out.ContinuationToken
	}
	a.ownedKnown = true
}

// src helpers: a value read from the API document of arn, at pointer.
func at(arn, pointer string) model.Src {
	return model.Src{Resource: arn, Pos: source.Pos{File: arn, Pointer: pointer}}
}

func acctSrc(partition, id, pointer string) model.Src {
	return at(model.RootARN(partition, id), pointer)
}

func partitionOfARN(arn, region string) string {
	if p, _, ok := strings.Cut(strings.TrimPrefix(arn, "arn:"), ":"); ok && strings.HasPrefix(arn, "arn:") && p != "" {
		return p
	}
	return model.PartitionOf(region)
}
