package deploy

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// Invalidation is one invalidation batch a deploy created.
type Invalidation struct {
	Distribution string
	ID           string
	Paths        []string
	// Status is InProgress or Completed (after Options.Wait).
	Status string
}

// CloudFront's limits: paths in one batch, and the batches a deploy
// makes before it invalidates everything with one wildcard instead.
const (
	batchPaths = 1000
	maxPaths   = 3000
)

// invalidate invalidates the changed paths of every distribution reading
// the bucket, in batches, and waits for them with Options.Wait.
func invalidate(ctx context.Context, o Options, res *Result) error {
	if o.Clients.CloudFront == nil {
		return nil
	}
	nonce := fmt.Sprintf("s3front-%d", time.Now().UnixNano())
	for _, d := range res.dists {
		set := map[string]bool{}
		for _, f := range res.Files {
			if f.Action != ActUpload && f.Action != ActDelete {
				continue
			}
			for _, u := range d.urls(f.Key) {
				set[escapePath(u)] = true
				if d.dro != "" && u == "/"+strings.TrimPrefix(d.dro, "/") {
					set["/"] = true
				}
			}
		}
		if len(set) == 0 {
			continue
		}
		paths := make([]string, 0, len(set))
		for p := range set {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if len(paths) > maxPaths {
			paths = []string{"/*"}
		}
		for i := 0; len(paths) > 0; i++ {
			n := min(len(paths), batchPaths)
			batch := paths[:n]
			paths = paths[n:]
			out, err := o.Clients.CloudFront.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: aws.String(d.id),
				InvalidationBatch: &cftypes.InvalidationBatch{CallerReference: aws.String(fmt.Sprintf("%s-%d", nonce, i)),
					Paths: &cftypes.Paths{Quantity: aws.Int32(int32(n)), Items: batch}}})
			if err != nil {
				return fmt.Errorf("invalidating %d path(s) of %s: %w", n, d.id, err)
			}
			res.Invalidations = append(res.Invalidations, Invalidation{Distribution: d.id, ID: aws.ToString(out.Invalidation.Id), Paths: batch, Status: aws.ToString(out.Invalidation.Status)})
		}
	}
	logf(o.Log, "invalidate: %d batch(es)", len(res.Invalidations))
	if !o.Wait {
		return nil
	}
	deadline := time.Now().Add(o.WaitTimeout)
	for i := range res.Invalidations {
		inv := &res.Invalidations[i]
		for inv.Status != "Completed" {
			if time.Now().After(deadline) {
				return fmt.Errorf("invalidation %s of %s still %s after %v", inv.ID, inv.Distribution, inv.Status, o.WaitTimeout)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(o.Poll):
			}
			out, err := o.Clients.CloudFront.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(inv.Distribution), Id: aws.String(inv.ID)})
			if err != nil {
				return fmt.Errorf("waiting for invalidation %s: %w", inv.ID, err)
			}
			inv.Status = aws.ToString(out.Invalidation.Status)
		}
	}
	logf(o.Log, "invalidate: completed")
	return nil
}

// escapePath URL-encodes each segment of a viewer path (an invalidation
// path is a URL path).
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
