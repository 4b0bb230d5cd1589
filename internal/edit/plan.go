package edit

import (
	"path"
	"sort"
	"strings"

	"github.com/s3front/s3front/model"
)

// Step is one step of a plan: the changes to make (a patch, or commands
// for live resources) and what to check before the next step.
type Step struct {
	Title string
	// Detail says what the step changes and why it is safe to stop here.
	Detail string
	// Done is set when the input already has what the step makes (a plan
	// made again after some steps were applied).
	Done bool
	// Files are the changes of this step alone, against the files as the
	// previous steps leave them.
	Files []FileChange
	// Commands are AWS CLI commands (live resources) or other commands to
	// run (deploy, verification requests).
	Commands []string
	// Calls are the step's changes to live resources (what the commands
	// do), for --apply.
	Calls []LiveCall
	// Check says what must hold before the next step.
	Check []string
	// Manual lists what this step could not write and must be done by
	// hand before the next step.
	Manual []string
}

// FileChange is one file changed by a step.
type FileChange struct {
	Name    string
	Before  []byte
	After   []byte
	Created bool
}

// Diff is the step's unified diff.
func (s *Step) Diff() string {
	var b strings.Builder
	for _, f := range s.Files {
		b.WriteString(UnifiedDiff(f.Name, f.Before, f.After, f.Created))
	}
	return b.String()
}

// stepper records the changes of successive steps made on one set.
type stepper struct {
	set    *Set
	before map[string][]byte
}

func newStepper(set *Set) *stepper { return &stepper{set: set} }

// begin marks the start of a step.
func (st *stepper) begin() {
	st.before = st.set.Snapshot()
}

// end returns the files the step changed.
func (st *stepper) end() []FileChange {
	var out []FileChange
	for _, f := range st.set.sortedAll() {
		if f.live != nil {
			continue
		}
		before, seen := st.before[f.Name]
		if !seen {
			before = f.Orig
		}
		created := f.New && len(before) == 0
		if string(before) == string(f.Cur) {
			continue
		}
		out = append(out, FileChange{Name: f.Name, Before: before, After: f.Cur, Created: created})
	}
	return out
}

// ChangesSince returns the files that changed since a [Set.Snapshot]
// (files first read after it, since their original content).
func (s *Set) ChangesSince(snap map[string][]byte) []FileChange {
	st := &stepper{set: s, before: snap}
	return st.end()
}

// sortedAll returns every file of the set read or created, by name.
func (s *Set) sortedAll() []*File {
	var out []*File
	for _, f := range s.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Language of a resource's input.
const (
	langTerraform = "terraform"
	langCFN       = "cloudformation"
	langLive      = "live"
)

// langOf says what a resource was read from, by its declaration's file.
func langOf(src model.Src) string {
	f := src.File
	switch {
	case strings.HasPrefix(f, "arn:") || f == "":
		return langLive
	case strings.HasSuffix(f, ".tf"):
		return langTerraform
	}
	switch strings.ToLower(path.Ext(f)) {
	case ".json", ".yaml", ".yml", ".template", ".cfn", ".txt":
		if strings.HasSuffix(f, ".tf.json") {
			return langLive // Terraform JSON syntax: not edited
		}
		return langCFN
	}
	return langLive
}
