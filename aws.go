package s3front

import (
	"context"
	"strings"

	"github.com/s3front/s3front/internal/load/awslive"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/report"
)

// AWSOptions configure [LoadAWS]: credentials (profile, role, accounts),
// Regions, the object sample and the call budget.
type AWSOptions = awslive.Options

// AWSResult is what [LoadAWS] reports beside the model: who read, which
// accounts, and the calls made per service.
type AWSResult = awslive.Result

// LoadAWS reads the live estate of one or more accounts into the model,
// with read-only calls. A denied, throttled or unreachable call does not
// fail the read: the values it would have given are unknown and the model
// lists it as unresolved. The error is for a read that could not start
// (no credentials, a bad --accounts list).
func LoadAWS(ctx context.Context, opts AWSOptions) (*model.Config, *AWSResult, error) {
	return awslive.Load(ctx, opts)
}

// AWSRoot is the root a live read's findings and paths belong to:
// aws:ACCOUNT, or aws:ACCOUNT,ACCOUNT,... for several accounts.
func AWSRoot(res *AWSResult) string {
	if res == nil {
		return "aws"
	}
	return "aws:" + strings.Join(res.Accounts, ",")
}

// MarkAWS sets the root of every finding, path and incomplete entry of a
// live check (the calls that failed are incomplete entries already).
func MarkAWS(rep *report.Report, res *AWSResult) {
	root := AWSRoot(res)
	for i := range rep.Findings {
		rep.Findings[i].Root = root
	}
	for i := range rep.Paths {
		rep.Paths[i].Root = root
	}
	for i := range rep.Summary.Incomplete {
		rep.Summary.Incomplete[i].Root = root
	}
}
