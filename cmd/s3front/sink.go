package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

// sink is one output of check, fed root by root.
type sink interface {
	add(r s3front.RootResult) error
	close(total report.Summary) error
	// abort drops a partly written file output.
	abort()
}

// newSink starts an output. Text and JSON are written as the roots
// arrive (to stdout, or to a temporary file renamed into place at the
// end); the other formats need the whole report and render it at the end.
func newSink(e *env, out output, text report.TextOptions, roots int) (sink, error) {
	var w io.Writer = e.stdout
	var tmp *os.File
	if out.file != "" && (out.format == "text" || out.format == "json") {
		f, err := os.CreateTemp(filepath.Dir(out.file), ".s3front-*")
		if err != nil {
			return nil, err
		}
		tmp, w = f, f
	}
	switch out.format {
	case "text":
		ts := report.NewTextStream(w, text, roots)
		return &streamSink{tmp: tmp, dest: out.file,
			addFn:   func(r s3front.RootResult) error { return ts.Add(r.Root.Path, r.Report) },
			closeFn: ts.Close}, nil
	case "json":
		js := report.NewJSONStream(w)
		return &streamSink{tmp: tmp, dest: out.file,
			addFn:   func(r s3front.RootResult) error { return js.Add(r.Report) },
			closeFn: js.Close}, nil
	}
	return &wholeSink{e: e, out: out, text: text, rep: &report.Report{Findings: []report.Finding{}, Paths: []report.Path{}}}, nil
}

type streamSink struct {
	tmp     *os.File
	dest    string
	addFn   func(s3front.RootResult) error
	closeFn func(report.Summary) error
}

func (s *streamSink) add(r s3front.RootResult) error { return s.addFn(r) }

func (s *streamSink) close(total report.Summary) error {
	if err := s.closeFn(total); err != nil {
		return err
	}
	if s.tmp == nil {
		return nil
	}
	tmp := s.tmp
	s.tmp = nil
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), s.dest); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func (s *streamSink) abort() {
	if s.tmp != nil {
		s.tmp.Close()
		os.Remove(s.tmp.Name())
		s.tmp = nil
	}
}

// wholeSink collects every root's findings and paths into one report.
type wholeSink struct {
	e    *env
	out  output
	text report.TextOptions
	rep  *report.Report
}

func (s *wholeSink) add(r s3front.RootResult) error {
	s.rep.Findings = append(s.rep.Findings, r.Report.Findings...)
	s.rep.Paths = append(s.rep.Paths, r.Report.Paths...)
	return nil
}

func (s *wholeSink) close(total report.Summary) error {
	s.rep.Summary = total
	data, err := render(s.out.format, s.rep, s.text)
	if err != nil {
		return err
	}
	if s.out.file == "" {
		_, err := s.e.stdout.Write(data)
		return err
	}
	return writeFile(s.out.file, data)
}

func (s *wholeSink) abort() {}
