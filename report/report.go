// Package report holds what `s3front check` produces — findings,
// simulated request paths (each saying whether its outcome is the intended
// one) and a summary — and writes it for people and tools: text
// ([WriteText], or [TextStream] root by root), JSON ([WriteJSON], or
// [JSONStream] for many roots without holding them), SARIF 2.1.0
// ([WriteSARIF]), Markdown for pull-request comments ([WriteMarkdown]),
// JUnit XML ([WriteJUnit]) and a self-contained HTML page ([WriteHTML]).
// [Baseline] compares a report with an earlier one. It knows nothing of
// input formats.
//
// # JSON contract
//
// The JSON form is one object with `findings`, `paths` and `summary`;
// field names are a contract with users' CI and never change meaning. New
// fields may be added.
package report

import (
	"sort"
	"strings"
)

// Severity of a finding.
type Severity string

// Severities, from most to least severe.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Note    Severity = "note"
)

// Rank orders severities: error 3, warning 2, note 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Note:
		return 1
	}
	return 0
}

// ParseSeverity reads a --fail-on value: error, warning, note or never.
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(s) {
	case "error", "warning", "note":
		return Severity(strings.ToLower(s)), true
	case "never", "none":
		return "", true
	}
	return "", false
}

// Location is where a finding or hop points: a file position, or an ARN
// (in File) and a JSON pointer for live resources.
type Location struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col,omitempty"`
	Pointer string `json:"pointer,omitempty"`
}

// String renders file:line:col.
func (l Location) String() string {
	s := l.File
	if l.Line > 0 {
		s += ":" + itoa(l.Line)
		if l.Col > 0 {
			s += ":" + itoa(l.Col)
		}
	} else if l.Pointer != "" {
		s += "#" + l.Pointer
	}
	return s
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// Related is another resource in the chain of a finding.
type Related struct {
	Resource string   `json:"resource"`
	Location Location `json:"location"`
}

// Suppression says why a finding is not counted.
type Suppression struct {
	Reason   string   `json:"reason,omitempty"`
	Expires  string   `json:"expires,omitempty"`
	Location Location `json:"location"`
	// Kind is "inline" (a comment or Metadata next to the resource) or
	// "ignore-file" (an entry of .s3frontignore); empty means inline.
	Kind string `json:"kind,omitempty"`
}

// Edit is one change to a file that fixes a finding: replace the text
// from (Line, Col) up to (EndLine, EndCol) with Text. An insertion has
// the end equal to the start. Lines and columns are 1-based, as in
// Location.
type Edit struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
	Text    string `json:"text"`
}

// Finding is one problem at one resource.
type Finding struct {
	Rule string `json:"rule"`
	// Root is the root module directory, template or snapshot file the
	// finding comes from, relative to the working directory.
	Root     string   `json:"root"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title,omitempty"`
	// Resource is the Terraform address, CloudFormation logical ID or ARN
	// of the resource to change.
	Resource string    `json:"resource"`
	Location Location  `json:"location"`
	Message  string    `json:"message"`
	Related  []Related `json:"related"`
	Fix      string    `json:"fix"`
	// Edits, when present, are the changes to the user's files that
	// carry out Fix (written as SARIF fixes and by `s3front fix`).
	Edits []Edit `json:"edits,omitempty"`
	// Paths lists the keys (see Path.ID) of the simulated paths this
	// finding explains.
	Paths      []string     `json:"paths,omitempty"`
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// Evidence is one setting or statement that decided a hop.
type Evidence struct {
	What     string   `json:"what"`
	Resource string   `json:"resource,omitempty"`
	Location Location `json:"location"`
}

// Hop is one step of a path's trace.
type Hop struct {
	Hop      string     `json:"hop"`
	Result   string     `json:"result"`
	Detail   string     `json:"detail"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Path is one simulated request.
type Path struct {
	ID string `json:"id"`
	// Root is the root module directory, template or snapshot file the
	// path comes from, relative to the working directory.
	Root         string `json:"root"`
	Distribution string `json:"distribution"`
	Origin       string `json:"origin"`
	Bucket       string `json:"bucket"`
	Behavior     string `json:"behavior"`
	Scenario     string `json:"scenario"`
	Uploader     string `json:"uploader,omitempty"`
	URL          string `json:"url"`
	Key          string `json:"key"`
	// Outcome is allow, deny or unknown.
	Outcome string `json:"outcome"`
	// Intended is whether the outcome is the one the configuration
	// intends: a viewer GET allowed, a direct anonymous GET denied, a
	// viewer write allowed only where CloudFront is granted a write.
	Intended bool `json:"intended"`
	// Status and ErrorCode are what the viewer sees; Expected is true when
	// AWS's exact answer is not confirmed (SEMANTICS marks it UNCONFIRMED).
	Status    int    `json:"status"`
	ErrorCode string `json:"error_code"`
	Expected  bool   `json:"expected,omitempty"`
	// ExpectedBasis says how an expected answer is known: "observed" (AWS
	// answered so in public reports but does not document it) or
	// "inferred" (derived from documented rules, not observed).
	ExpectedBasis string `json:"expected_basis,omitempty"`
	// When is now or next-upload for denied paths.
	When string `json:"when"`
	// Cause is the rule ID of the root cause of a denied path.
	Cause   string   `json:"cause,omitempty"`
	Missing []string `json:"missing,omitempty"`
	Trace   []Hop    `json:"trace"`
}

// Summary counts findings and paths.
type Summary struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Notes      int `json:"notes"`
	Suppressed int `json:"suppressed"`
	Allowed    int `json:"paths_allowed"`
	Denied     int `json:"paths_denied"`
	Unknown    int `json:"paths_unknown"`
	// Broken counts paths whose outcome (allow or deny) is not the
	// intended one; Intended those whose outcome is. Broken + Intended +
	// Unknown is the number of paths.
	Broken   int `json:"paths_broken"`
	Intended int `json:"paths_intended"`
	// Incomplete lists what could not be evaluated (a module not read, a
	// root that failed to load, a resource dropped): a run with entries
	// here is never silently green.
	Incomplete []Incomplete `json:"incomplete"`
}

// Incomplete is one thing a run could not evaluate.
type Incomplete struct {
	// Root is the root it belongs to ("" for the whole run).
	Root string `json:"root,omitempty"`
	// Kind is what was not evaluated: IncompleteModule (a module call and
	// everything in it), IncompleteResource, or IncompleteRoot (a root
	// that failed to load).
	Kind string `json:"kind"`
	// What names it (a module call, a root, a resource) and Why says why.
	What     string   `json:"what"`
	Why      string   `json:"why"`
	Location Location `json:"location"`
}

// Kinds of [Incomplete] entries.
const (
	IncompleteModule   = "module"
	IncompleteResource = "resource"
	IncompleteRoot     = "root"
)

// Add adds the counts and the incomplete entries of o to s (the summary
// of a run of several roots).
func (s *Summary) Add(o Summary) {
	s.Errors += o.Errors
	s.Warnings += o.Warnings
	s.Notes += o.Notes
	s.Suppressed += o.Suppressed
	s.Allowed += o.Allowed
	s.Denied += o.Denied
	s.Unknown += o.Unknown
	s.Broken += o.Broken
	s.Intended += o.Intended
	s.Incomplete = append(s.Incomplete, o.Incomplete...)
	if s.Incomplete == nil {
		s.Incomplete = []Incomplete{}
	}
}

// IsComplete reports whether everything was evaluated and every path's
// outcome is known: what --fail-on unknown requires.
func (s Summary) IsComplete() bool { return len(s.Incomplete) == 0 && s.Unknown == 0 }

// Report is the result of a check.
type Report struct {
	Findings []Finding `json:"findings"`
	Paths    []Path    `json:"paths"`
	Summary  Summary   `json:"summary"`
	// Warnings are problems of the input that change no finding but that
	// the user should fix (a suppression that silences nothing). The CLI
	// prints them on stderr; they are not part of the JSON output.
	Warnings []InputWarning `json:"-"`
}

// Sort orders findings (severity, resource, location, rule) and paths
// (distribution, origin, behavior, scenario, uploader) and recomputes the
// summary, so that output is deterministic.
func (r *Report) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		return a.Rule < b.Rule
	})
	sort.SliceStable(r.Paths, func(i, j int) bool {
		a, b := r.Paths[i], r.Paths[j]
		for _, c := range [][2]string{{a.Distribution, b.Distribution}, {a.Origin, b.Origin}, {a.Behavior, b.Behavior}, {scenarioOrder(a.Scenario), scenarioOrder(b.Scenario)}, {a.Uploader, b.Uploader}, {a.Key, b.Key}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return false
	})
	r.Summary = Summary{Incomplete: r.Summary.Incomplete}
	if r.Summary.Incomplete == nil {
		r.Summary.Incomplete = []Incomplete{}
	}
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			r.Summary.Suppressed++
			continue
		}
		switch f.Severity {
		case Error:
			r.Summary.Errors++
		case Warning:
			r.Summary.Warnings++
		case Note:
			r.Summary.Notes++
		}
	}
	for _, p := range r.Paths {
		switch p.Outcome {
		case "allow":
			r.Summary.Allowed++
		case "deny":
			r.Summary.Denied++
		default:
			r.Summary.Unknown++
			continue
		}
		if p.Intended {
			r.Summary.Intended++
		} else {
			r.Summary.Broken++
		}
	}
}

func scenarioOrder(s string) string {
	switch s {
	case "viewer-get-existing":
		return "1"
	case "viewer-get-new":
		return "2"
	case "viewer-put":
		return "3"
	case "viewer-delete":
		return "4"
	case "direct-anonymous-get":
		return "5"
	}
	return "9" + s
}

// Fails reports whether any unsuppressed finding is at or above threshold;
// an empty threshold (--fail-on never) never fails.
func (r *Report) Fails(threshold Severity) bool {
	if threshold == "" {
		return false
	}
	for _, f := range r.Findings {
		if f.Suppressed == nil && f.Severity.Rank() >= threshold.Rank() {
			return true
		}
	}
	return false
}

// InputWarning is a positioned problem of the input that changes no
// finding.
type InputWarning struct {
	Location Location
	Message  string
}

func (w InputWarning) String() string {
	if w.Location.File == "" {
		return w.Message
	}
	return w.Location.String() + ": " + w.Message
}

// SeveralRoots reports whether the report's findings or paths come from
// more than one root (then the formats name each finding's root).
func (r *Report) SeveralRoots() bool {
	first, set := "", false
	same := func(root string) bool {
		if !set {
			first, set = root, true
		}
		return root == first
	}
	for i := range r.Findings {
		if !same(r.Findings[i].Root) {
			return true
		}
	}
	for i := range r.Paths {
		if !same(r.Paths[i].Root) {
			return true
		}
	}
	return false
}
