package enforce

import (
	"fmt"
	"strings"

	"github.com/s3front/s3front/internal/interlock"
)

// Verdict is the interlock's verdict on one bucket as the enforcement
// commands print it (the JSON of `enforce encryption --format json`).
type Verdict struct {
	Bucket string `json:"bucket"`
	// Resource is the bucket's reference in the input (an ARN for a live
	// account, a Terraform address or CloudFormation logical ID).
	Resource  string `json:"resource"`
	Compliant bool   `json:"compliant"`
	// Safe is whether switching (or re-encrypting) breaks nothing; false
	// also when that cannot be determined (Missing says why).
	Safe    bool              `json:"safe"`
	Status  string            `json:"status"`
	Current string            `json:"current"`
	Readers []string          `json:"readers"`
	Breaks  []interlock.Break `json:"breaks"`
	First   []interlock.Step  `json:"first"`
	Missing []string          `json:"missing,omitempty"`
	Applied []string          `json:"applied,omitempty"`
}

func verdictOf(v *interlock.Verdict) *Verdict {
	out := &Verdict{
		Resource: v.Bucket.Ref, Compliant: v.Compliant, Status: v.Status, Current: v.Current,
		Safe:    v.Status == interlock.Safe || v.Status == interlock.Compliant,
		Readers: v.Readers, Breaks: v.Breaks, First: v.First, Missing: v.Missing,
	}
	if v.Bucket.Name.Known {
		out.Bucket = v.Bucket.Name.V
	}
	if out.Readers == nil {
		out.Readers = []string{}
	}
	if out.Breaks == nil {
		out.Breaks = []interlock.Break{}
	}
	if out.First == nil {
		out.First = []interlock.Step{}
	}
	return out
}

// Summary says in one line why the verdict is what it is.
func (v *Verdict) Summary() string {
	switch v.Status {
	case interlock.Unsafe:
		var bs []string
		for _, b := range v.Breaks {
			bs = append(bs, fmt.Sprintf("%s %s %s (%d %s, %s)", b.Distribution, b.Scenario, b.Path, b.Status, b.ErrorCode, b.Rule))
		}
		var first []string
		for _, s := range v.First {
			first = append(first, s.Do+" ("+s.Resource+")")
		}
		return fmt.Sprintf("%s: the readers could not decrypt the objects under the key: %s; first: %s", v.Resource, strings.Join(bs, "; "), strings.Join(first, ", then "))
	case interlock.Unknown:
		return fmt.Sprintf("%s: cannot determine whether the readers can decrypt the objects under the key: %s", v.Resource, strings.Join(v.Missing, "; "))
	}
	return v.Resource + ": " + v.Status
}
