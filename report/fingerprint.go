package report

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

// Fingerprints returns one stable key per finding (same order as
// r.Findings). A key survives edits that move lines, rewording of
// messages and new scenarios: it is made of the rule, the root, the
// resource to change and, for findings that explain simulated paths, the
// distributions and origins of those paths (one root cause per origin).
// Findings that would still share a key are numbered in report order.
//
// SARIF writes them as partialFingerprints and --baseline compares them.
func (r *Report) Fingerprints() []string {
	byID := make(map[string]*Path, len(r.Paths))
	for i := range r.Paths {
		byID[r.Paths[i].ID] = &r.Paths[i]
	}
	out := make([]string, len(r.Findings))
	seen := map[string]int{}
	for i, f := range r.Findings {
		var origins []string
		for _, id := range f.Paths {
			if p := byID[id]; p != nil {
				origins = append(origins, p.Distribution+"\x00"+p.Origin)
			}
		}
		sort.Strings(origins)
		origins = compactStrings(origins)
		key := strings.Join(append([]string{"v1", f.Rule, f.Root, f.Resource}, origins...), "\x01")
		sum := sha256.Sum256([]byte(key))
		fp := hex.EncodeToString(sum[:16])
		n := seen[fp]
		seen[fp] = n + 1
		if n > 0 {
			fp += ":" + strconv.Itoa(n)
		}
		out[i] = fp
	}
	return out
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Baseline removes from r the findings that prev (an earlier report,
// read from its JSON) already had, by fingerprint, and re-sorts r. It
// returns how many were removed.
func Baseline(r *Report, prev *Report) int {
	return r.DropKnown(BaselineKeys(prev))
}

// BaselineKeys are the fingerprints of an earlier report, for
// [Report.DropKnown].
func BaselineKeys(prev *Report) map[string]bool {
	old := map[string]bool{}
	for _, fp := range prev.Fingerprints() {
		old[fp] = true
	}
	return old
}

// DropKnown removes from r the findings whose fingerprint is in old (see
// [Baseline]) and re-sorts r; it returns how many were removed.
func (r *Report) DropKnown(old map[string]bool) int {
	fps := r.Fingerprints()
	keep := r.Findings[:0]
	removed := 0
	for i, f := range r.Findings {
		if old[fps[i]] {
			removed++
			continue
		}
		keep = append(keep, f)
	}
	r.Findings = keep
	r.Sort()
	return removed
}
