package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub test
// reporters; the Ant/Surefire schema): <testsuites> of <testsuite>, each
// of <testcase> with an optional <failure> or <skipped>; the test
// validates it against Jenkins' junit-10.xsd.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties *junitPropertys `xml:"properties,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitPropertys struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitCDATA   `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one test suite per
// distribution, one test case per simulated path. A path that is not as
// intended is a failure (its type is the cause's rule ID, its text the
// trace and the fix); a path that cannot be determined is skipped with
// what is missing. Findings that explain no path (exposure and hygiene
// rules) form a last suite, "findings", one case each, failing when
// unsuppressed at error severity.
func WriteJUnit(w io.Writer, r *Report) error {
	causes := Causes(r)
	out := junitSuites{Name: "s3front", Time: "0"}
	for _, g := range Distributions(r.Paths) {
		s := junitSuite{Name: g.Name(), Time: "0"}
		for _, p := range g.Paths {
			c := junitCase{Name: pathCaseName(p), Classname: classname(g), Time: "0"}
			var trace strings.Builder
			for _, h := range p.Trace {
				fmt.Fprintf(&trace, "%-10s %-7s %s\n", h.Hop, h.Result, h.Detail)
				for _, e := range h.Evidence {
					fmt.Fprintf(&trace, "%18s %s (%s)\n", "", e.Location, e.What)
				}
			}
			switch {
			case p.Outcome == "unknown":
				c.Skipped = &junitSkipped{Message: "cannot determine: missing " + strings.Join(p.Missing, "; ")}
				s.Skipped++
			case !Healthy(p):
				msg := Answer(p)
				if p.Scenario == "direct-anonymous-get" && p.Outcome == "allow" {
					msg = "readable by anyone straight from S3"
				}
				if p.When == "next-upload" {
					msg += ", from the next upload"
				}
				text := trace.String()
				typ := p.Cause
				if f := CauseOf(causes, p); f != nil {
					msg += ": " + f.Title
					text += "\ncause " + f.Rule + " at " + f.Resource + " (" + f.Location.String() + "): " + f.Message + "\n"
					if f.Fix != "" {
						text += "\nfix: " + f.Fix + "\n"
					}
				}
				if typ == "" {
					typ = "broken-path"
				}
				c.Failure = &junitFailure{Message: msg, Type: typ, Text: text}
				s.Failures++
			default:
				c.SystemOut = &junitCDATA{trace.String()}
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		out.Suites = append(out.Suites, s)
	}
	// Findings that explain no path.
	fs := junitSuite{Name: "findings", Time: "0"}
	for _, f := range r.Findings {
		if len(f.Paths) > 0 {
			continue
		}
		c := junitCase{Name: f.Rule + " " + f.Resource, Classname: "s3front.findings", Time: "0"}
		text := f.Location.String() + ": " + f.Message
		if f.Fix != "" {
			text += "\n\nfix: " + f.Fix
		}
		switch {
		case f.Suppressed != nil:
			c.Skipped = &junitSkipped{Message: "suppressed: " + f.Suppressed.Reason}
			fs.Skipped++
		case f.Severity == Error:
			c.Failure = &junitFailure{Message: f.Title, Type: f.Rule, Text: text}
			fs.Failures++
		default:
			c.SystemOut = &junitCDATA{string(f.Severity) + ": " + text}
		}
		fs.Cases = append(fs.Cases, c)
	}
	if len(fs.Cases) > 0 {
		fs.Tests = len(fs.Cases)
		out.Suites = append(out.Suites, fs)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func pathCaseName(p Path) string {
	s := p.Scenario + " " + p.URL
	if p.Uploader != "" {
		s += " uploaded by " + p.Uploader
	}
	s += " via origin " + p.Origin
	if p.Behavior != "" && p.Behavior != "*" {
		s += " behavior " + p.Behavior
	}
	return s
}

func classname(g DistGroup) string {
	if g.Root == "" {
		return "s3front." + g.Distribution
	}
	return "s3front." + g.Root + "." + g.Distribution
}

type junitCDATA struct {
	Text string `xml:",cdata"`
}
