package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// RuleInfo is what the writers need to know of a rule (the report package
// knows nothing of the rules themselves).
type RuleInfo struct {
	ID       string
	Severity Severity
	// Title is the one-line summary; Help the documentation in Markdown.
	Title string
	Help  string
	// HelpURI is where the rule's documentation is published.
	HelpURI string
}

// DocsURI is where docs/rules/<ID>.md is published.
const DocsURI = "https://github.com/s3front/s3front/blob/main/docs/rules/"

// SARIFOptions configure [WriteSARIF].
type SARIFOptions struct {
	// Rules is the rule catalogue; the log describes the rules that have
	// results, with their help.
	Rules []RuleInfo
	// Version is the tool's version.
	Version string
	// Base turns the report's file paths (relative to the working
	// directory) into paths relative to the repository root: it is the
	// working directory relative to the root ("" or "." when they are the
	// same, "infra" when s3front ran in root/infra). Paths that leave the
	// root are written as they are, without a base.
	Base string
	// RootURI, when set, is the absolute file: URI of the repository root
	// written in originalUriBaseIds (left out by default: it depends on
	// the machine).
	RootURI string
}

// SARIF limits of GitHub code scanning (docs.github.com, "SARIF results
// exceed limits"): 25,000 results per run, 1,000 locations per result
// (100 shown), 10,000 thread flow locations per result (1,000 shown), 20
// tags per rule (10 shown), and 10 MB gzip-compressed per upload. s3front
// writes one run and stays well inside these.
const (
	sarifMaxResults   = 25000
	sarifMaxRelated   = 100
	sarifMaxCodeFlows = 20
	srcRoot           = "SRCROOT"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

type sarifLocation struct {
	ID               *int           `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifMessage  `json:"message,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	CodeFlows           []sarifCodeFlow    `json:"codeFlows,omitempty"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifCodeFlow struct {
	Message     sarifMessage      `json:"message"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location   sarifLocation  `json:"location"`
	Kinds      []string       `json:"kinds,omitempty"`
	Importance string         `json:"importance,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion      `json:"deletedRegion"`
	InsertedContent *sarifArtContent `json:"insertedContent,omitempty"`
}

type sarifArtContent struct {
	Text string `json:"text"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Justification string         `json:"justification,omitempty"`
	Location      *sarifLocation `json:"location,omitempty"`
}

// WriteSARIF writes the report as a SARIF 2.1.0 log with one run: the
// rules that have results, with their help; each finding at the resource to change, the rest of
// the chain as relatedLocations, the paths it breaks as codeFlows (one
// thread flow location per hop: viewer → CloudFront → S3 → KMS), its
// edits as fixes, and a partialFingerprint that survives line moves.
// Suppressed findings carry their suppression (GitHub shows them as
// dismissed).
func WriteSARIF(w io.Writer, r *Report, o SARIFOptions) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "s3front", Version: o.Version, InformationURI: "https://github.com/s3front/s3front", Rules: []sarifRule{}}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			srcRoot: {Description: &sarifMessage{Text: "the repository root"}},
		},
	}
	if o.RootURI != "" {
		u := o.RootURI
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		run.OriginalURIBaseIDs[srcRoot] = sarifArtifactLocation{URI: u, Description: &sarifMessage{Text: "the repository root"}}
	}
	index := map[string]int{}
	addRule := func(ri RuleInfo) int {
		if i, ok := index[ri.ID]; ok {
			return i
		}
		help := ri.Help
		if help == "" {
			help = ri.Title
		}
		uri := ri.HelpURI
		if uri == "" {
			uri = DocsURI + ri.ID + ".md"
		}
		title := ri.Title
		if title == "" {
			title = ri.ID
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: ri.ID, Name: ruleName(ri.ID),
			ShortDescription:     sarifMessage{Text: title},
			FullDescription:      sarifMessage{Text: title},
			Help:                 sarifMessage{Text: help, Markdown: help},
			HelpURI:              uri,
			DefaultConfiguration: sarifRuleConf{Level: sarifLevel(ri.Severity)},
			Properties:           map[string]any{"tags": []string{"security", "cloudfront", "s3", "kms"}},
		})
		index[ri.ID] = len(run.Tool.Driver.Rules) - 1
		return index[ri.ID]
	}
	catalogue := map[string]RuleInfo{}
	for _, ri := range o.Rules {
		catalogue[ri.ID] = ri
	}
	byID := make(map[string]Path, len(r.Paths))
	for _, p := range r.Paths {
		byID[p.ID] = p
	}
	fps := r.Fingerprints()
	for i, f := range r.Findings {
		if len(run.Results) >= sarifMaxResults {
			break
		}
		info, ok := catalogue[f.Rule]
		if !ok {
			info = RuleInfo{ID: f.Rule, Severity: f.Severity, Title: f.Title}
		}
		ri := addRule(info)
		msg := f.Message
		if f.Resource != "" && !strings.Contains(msg, f.Resource) {
			msg = f.Resource + ": " + msg
		}
		if f.Fix != "" {
			msg += "\n\nFix: " + f.Fix
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: ri, Level: sarifLevel(f.Severity),
			Message:             sarifMessage{Text: msg},
			Locations:           []sarifLocation{o.location(f.Location, f.Resource, nil)},
			PartialFingerprints: map[string]string{"s3front/v1": fps[i]},
		}
		for j, rel := range f.Related {
			if j >= sarifMaxRelated {
				break
			}
			id := j + 1
			l := o.location(rel.Location, rel.Resource, &sarifMessage{Text: rel.Resource})
			l.ID = &id
			res.RelatedLocations = append(res.RelatedLocations, l)
		}
		for _, pid := range f.Paths {
			if len(res.CodeFlows) >= sarifMaxCodeFlows {
				break
			}
			p, ok := byID[pid]
			if !ok || len(p.Trace) == 0 {
				continue
			}
			res.CodeFlows = append(res.CodeFlows, o.codeFlow(p, f))
		}
		if len(f.Edits) > 0 {
			res.Fixes = []sarifFix{o.fix(f)}
		}
		if s := f.Suppressed; s != nil {
			kind := "inSource"
			if s.Kind == "ignore-file" {
				kind = "external"
			}
			just := s.Reason
			if s.Expires != "" {
				just = strings.TrimSpace(just + " (until " + s.Expires + ")")
			}
			sup := sarifSuppression{Kind: kind, Status: "accepted", Justification: just}
			if s.Location.File != "" {
				l := o.location(s.Location, "", nil)
				sup.Location = &l
			}
			res.Suppressions = []sarifSuppression{sup}
		}
		if f.Root != "" {
			res.Properties = map[string]any{"root": f.Root}
		}
		run.Results = append(run.Results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// ruleName is the rule ID in PascalCase (SARIF's reportingDescriptor name).
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func sarifLevel(s Severity) string {
	switch s {
	case Error, Warning, Note:
		return string(s)
	}
	return "none"
}

// location is a SARIF location for a report location: a repository file
// with its region, or, for a live resource (an ARN), a logical location.
func (o SARIFOptions) location(l Location, resource string, msg *sarifMessage) sarifLocation {
	out := sarifLocation{Message: msg}
	if resource != "" {
		out.LogicalLocations = []sarifLogical{{FullyQualifiedName: resource, Kind: "resource"}}
	}
	if l.File == "" {
		return out
	}
	if strings.HasPrefix(l.File, "arn:") {
		name := l.File
		if l.Pointer != "" {
			name += "#" + l.Pointer
		}
		if resource == "" || resource == l.File {
			out.LogicalLocations = []sarifLogical{{FullyQualifiedName: name, Kind: "resource"}}
		} else {
			out.LogicalLocations = append(out.LogicalLocations, sarifLogical{FullyQualifiedName: name, Kind: "resource"})
		}
		return out
	}
	art := o.artifact(l.File)
	ph := &sarifPhysical{ArtifactLocation: art}
	if l.Line > 0 {
		ph.Region = &sarifRegion{StartLine: l.Line, StartColumn: l.Col}
	}
	out.PhysicalLocation = ph
	return out
}

// artifact turns a working-directory-relative path into a URI relative to
// the repository root.
func (o SARIFOptions) artifact(file string) sarifArtifactLocation {
	f := filepath.ToSlash(file)
	if path.IsAbs(f) || filepath.IsAbs(file) {
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: f}).String()}
	}
	base := filepath.ToSlash(o.Base)
	p := path.Clean(path.Join(base, f))
	if p == ".." || strings.HasPrefix(p, "../") {
		return sarifArtifactLocation{URI: escapePath(p)}
	}
	return sarifArtifactLocation{URI: escapePath(p), URIBaseID: srcRoot}
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// codeFlow is a path's trace as one thread flow: a location per hop,
// placed at the hop's first evidence, with the deciding hop marked
// essential.
func (o SARIFOptions) codeFlow(p Path, f Finding) sarifCodeFlow {
	fl := PathFlow(p)
	tf := sarifThreadFlow{}
	requester := "viewer"
	if fl.Anonymous {
		requester = "anonymous requester"
	}
	for i, st := range fl.Steps {
		text := st.To.String() + " · " + st.Hop.Hop + " " + st.Hop.Result + ": " + st.Hop.Detail
		var l sarifLocation
		if len(st.Hop.Evidence) > 0 {
			e := st.Hop.Evidence[0]
			l = o.location(e.Location, e.Resource, &sarifMessage{Text: text})
		} else {
			l = sarifLocation{Message: &sarifMessage{Text: text}}
		}
		tfl := sarifThreadFlowLocation{Location: l, Properties: map[string]any{"hop": st.Hop.Hop, "result": st.Hop.Result, "party": st.To.String()}}
		switch {
		case i == fl.FailedAt:
			tfl.Importance = "essential"
			tfl.Kinds = []string{"exit"}
		case i == 0:
			tfl.Importance = "important"
			tfl.Kinds = []string{"enter"}
		default:
			tfl.Importance = "unimportant"
		}
		tf.Locations = append(tf.Locations, tfl)
	}
	text := requester + " " + fl.Method + " " + p.URL + " (" + p.Scenario + "): " + fl.Answer
	if p.When == "next-upload" {
		text += ", from the next upload"
	}
	return sarifCodeFlow{Message: sarifMessage{Text: text}, ThreadFlows: []sarifThreadFlow{tf}}
}

// fix converts a finding's edits to a SARIF fix (one artifactChange per
// file, in order).
func (o SARIFOptions) fix(f Finding) sarifFix {
	desc := f.Fix
	if i := strings.IndexByte(desc, '\n'); i >= 0 {
		desc = desc[:i]
	}
	if desc == "" {
		desc = "fix " + f.Rule
	}
	out := sarifFix{Description: sarifMessage{Text: desc}}
	at := map[string]int{}
	for _, e := range f.Edits {
		i, ok := at[e.File]
		if !ok {
			i = len(out.ArtifactChanges)
			at[e.File] = i
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: o.artifact(e.File)})
		}
		rep := sarifReplacement{DeletedRegion: sarifRegion{StartLine: e.Line, StartColumn: e.Col, EndLine: e.EndLine, EndColumn: e.EndCol}}
		if e.Text != "" {
			rep.InsertedContent = &sarifArtContent{Text: e.Text}
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, rep)
	}
	return out
}
