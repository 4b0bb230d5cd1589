package terraform

import (
	"context"

	"github.com/s3front/s3front/model"
)

// LoadPlan loads `terraform show -json` output (a plan or a state).
func LoadPlan(ctx context.Context, file string, data []byte, opts Options) (*model.Config, error) {
	return nil, nil
}

// IsPlan reports whether data looks like `terraform show -json` output.
func IsPlan(data []byte) bool { return false }
