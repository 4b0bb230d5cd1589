// Package corpus holds the expectation format of the scenario corpus
// (expect.json, see testdata/README.md) and checks reports against it.
package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/s3front/s3front/report"
)

// Expect is one expect.json.
type Expect struct {
	About            string    `json:"about"`
	Paths            []ExpPath `json:"paths"`
	Require          []Require `json:"require"`
	Forbid           []string  `json:"forbid"`
	MaxOtherSeverity string    `json:"max_other_severity"`
	// Error, when set, says the input must fail to load (exit 2) with an
	// error whose text contains it, e.g. "template.yaml:12:7: ".
	Error string `json:"error,omitempty"`
}

// ExpPath is an expected path outcome.
type ExpPath struct {
	Distribution string `json:"distribution"`
	Scenario     string `json:"scenario"`
	Outcome      string `json:"outcome"`
	ErrorCode    string `json:"error_code,omitempty"`
	When         string `json:"when,omitempty"`
	// Intended, when set, is what every matching path with this outcome
	// must say in `intended`.
	Intended *bool `json:"intended,omitempty"`
	// Cause, when set, is the rule at least one matching path with this
	// outcome must name as its cause ("-" for none).
	Cause string `json:"cause,omitempty"`
}

// Require is a finding that must appear.
type Require struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource,omitempty"`
}

// ReadExpect reads an expect.json; unknown members are errors.
func ReadExpect(path string) (*Expect, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var e Expect
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &e, nil
}

// Verify lists every way rep disagrees with e (none when it holds).
func Verify(e *Expect, rep *report.Report) []string {
	var problems []string
	for _, want := range e.Paths {
		var match []report.Path
		for _, p := range rep.Paths {
			if p.Distribution == want.Distribution && p.Scenario == want.Scenario {
				match = append(match, p)
			}
		}
		if len(match) == 0 {
			problems = append(problems, fmt.Sprintf("no %s path for %s", want.Scenario, want.Distribution))
			continue
		}
		if want.Intended != nil || want.Cause != "" {
			causeOK := want.Cause == ""
			for _, p := range match {
				if p.Outcome != want.Outcome {
					continue
				}
				if want.Intended != nil && p.Intended != *want.Intended {
					problems = append(problems, fmt.Sprintf("%s %s (%s): want intended %v, got %v", want.Distribution, want.Scenario, p.Outcome, *want.Intended, p.Intended))
				}
				if p.Cause == want.Cause || (want.Cause == "-" && p.Cause == "") {
					causeOK = true
				}
			}
			if !causeOK {
				problems = append(problems, fmt.Sprintf("%s %s: no %s path with cause %s", want.Distribution, want.Scenario, want.Outcome, want.Cause))
			}
		}
		switch want.Outcome {
		case "allow":
			for _, p := range match {
				if p.Outcome != "allow" {
					problems = append(problems, fmt.Sprintf("%s %s: want allow, got %s (%s %s cause %s, missing %v)", want.Distribution, want.Scenario, p.Outcome, p.ErrorCode, p.When, p.Cause, p.Missing))
				}
			}
		default:
			ok := false
			var got []string
			for _, p := range match {
				got = append(got, fmt.Sprintf("%s/%s/%s/%s", p.Outcome, p.ErrorCode, p.When, p.Cause))
				if p.Outcome == want.Outcome && (want.ErrorCode == "" || p.ErrorCode == want.ErrorCode) && (want.When == "" || p.When == want.When) {
					ok = true
				}
			}
			if !ok {
				problems = append(problems, fmt.Sprintf("%s %s: want %s/%s/%s, got %v", want.Distribution, want.Scenario, want.Outcome, want.ErrorCode, want.When, got))
			}
		}
	}
	required := map[string]bool{}
	for _, r := range e.Require {
		required[r.Rule] = true
		found := false
		for _, f := range rep.Findings {
			if f.Rule != r.Rule || f.Suppressed != nil {
				continue
			}
			if r.Resource == "" || f.Resource == r.Resource {
				found = true
			}
			for _, rel := range f.Related {
				if rel.Resource == r.Resource {
					found = true
				}
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("missing finding %s at %s; have %s", r.Rule, r.Resource, summary(rep)))
		}
	}
	for _, id := range e.Forbid {
		for _, f := range rep.Findings {
			if f.Rule == id && f.Suppressed == nil {
				problems = append(problems, fmt.Sprintf("forbidden finding %s at %s: %s", id, f.Resource, f.Message))
			}
		}
	}
	if e.MaxOtherSeverity != "" {
		max := report.Severity(e.MaxOtherSeverity).Rank()
		for _, f := range rep.Findings {
			if f.Suppressed == nil && !required[f.Rule] && f.Severity.Rank() > max {
				problems = append(problems, fmt.Sprintf("finding %s (%s) at %s exceeds max_other_severity %s: %s", f.Rule, f.Severity, f.Resource, e.MaxOtherSeverity, f.Message))
			}
		}
	}
	return problems
}

func summary(rep *report.Report) string {
	var s []string
	for _, f := range rep.Findings {
		s = append(s, f.Rule+"@"+f.Resource)
	}
	sort.Strings(s)
	return "[" + strings.Join(s, " ") + "]"
}

// Case is one corpus folder: an input (a directory, template or snapshot)
// and its expectation.
type Case struct {
	Name   string
	Input  string
	Expect string
}

// Cases lists the corpus folders under dirs: each folder with an
// expect.json is a case; its input is snapshot.json, template.yaml,
// template.json or plan.json when present, else the folder (Terraform).
func Cases(dirs ...string) ([]Case, error) {
	var out []Case
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			folder := filepath.Join(dir, e.Name())
			exp := filepath.Join(folder, "expect.json")
			if _, err := os.Stat(exp); err != nil {
				continue
			}
			input := folder
			for _, f := range []string{"snapshot.json", "template.yaml", "template.yml", "template.json", "plan.json"} {
				if _, err := os.Stat(filepath.Join(folder, f)); err == nil {
					input = filepath.Join(folder, f)
					break
				}
			}
			out = append(out, Case{Name: filepath.Base(dir) + "/" + e.Name(), Input: input, Expect: exp})
		}
	}
	return out, nil
}
