package edit

import (
	"fmt"
	"strings"
)

// run is one change between two line lists: lines a[a0:a1] become
// b[b0:b1].
type run struct{ a0, a1, b0, b1 int }

// diffRuns is the shortest edit script between a and b (Myers' O(ND)
// algorithm) as runs of changed lines, in order.
func diffRuns(a, b []string) []run {
	// Trim the common prefix and suffix: edits are small and local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	var out []run
	for _, r := range myers(ma, mb) {
		out = append(out, run{r.a0 + pre, r.a1 + pre, r.b0 + pre, r.b1 + pre})
	}
	return out
}

// myers returns the changed runs between a and b.
func myers(a, b []string) []run {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	if n == 0 || m == 0 {
		return []run{{0, n, 0, m}}
	}
	max := n + m
	off := max
	v := make([]int, 2*max+2)
	var trace [][]int
	var d int
outer:
	for d = 0; d <= max; d++ {
		snap := make([]int, len(v))
		copy(snap, v)
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				break outer
			}
		}
	}
	// Walk back through the trace, marking each line kept or changed.
	keepA := make([]bool, n)
	keepB := make([]bool, m)
	x, y := n, m
	for dd := d; dd > 0; dd-- {
		vv := trace[dd]
		k := x - y
		var pk int
		if k == -dd || (k != dd && vv[off+k-1] < vv[off+k+1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vv[off+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			keepA[x], keepB[y] = true, true
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		keepA[x], keepB[y] = true, true
	}
	var out []run
	i, j := 0, 0
	for i < n || j < m {
		if i < n && j < m && keepA[i] && keepB[j] {
			i++
			j++
			continue
		}
		r := run{a0: i, b0: j}
		for i < n && !keepA[i] {
			i++
		}
		for j < m && !keepB[j] {
			j++
		}
		r.a1, r.b1 = i, j
		out = append(out, r)
	}
	return out
}

// context is how many unchanged lines a hunk shows around a change.
const context = 3

// UnifiedDiff renders the change of one file from old to cur as a
// unified diff with a/ and b/ prefixes; created marks a new file (old is
// /dev/null). It is empty when nothing changed.
func UnifiedDiff(name string, old, cur []byte, created bool) string {
	a, b := splitLines(string(old)), splitLines(string(cur))
	runs := diffRuns(a, b)
	if len(runs) == 0 && !created {
		return ""
	}
	var out strings.Builder
	from := "a/" + name
	if created {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, name)
	// Group runs whose contexts touch into hunks.
	for i := 0; i < len(runs); {
		j := i
		for j+1 < len(runs) && runs[j+1].a0-runs[j].a1 <= 2*context {
			j++
		}
		a0 := max(runs[i].a0-context, 0)
		a1 := min(runs[j].a1+context, len(a))
		b0 := runs[i].b0 - (runs[i].a0 - a0)
		b1 := runs[j].b1 + (a1 - runs[j].a1)
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(a0, a1-a0), hunkRange(b0, b1-b0))
		at := a0
		for k := i; k <= j; k++ {
			r := runs[k]
			for ; at < r.a0; at++ {
				writeLine(&out, ' ', a[at])
			}
			for _, l := range a[r.a0:r.a1] {
				writeLine(&out, '-', l)
			}
			for _, l := range b[r.b0:r.b1] {
				writeLine(&out, '+', l)
			}
			at = r.a1
		}
		for ; at < a1; at++ {
			writeLine(&out, ' ', a[at])
		}
		i = j + 1
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeLine(b *strings.Builder, mark byte, l string) {
	b.WriteByte(mark)
	b.WriteString(l)
	if !strings.HasSuffix(l, "\n") {
		b.WriteString("\n\\ No newline at end of file\n")
	}
}
