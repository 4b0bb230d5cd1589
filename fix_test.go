package s3front_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/s3front/s3front"
	"github.com/s3front/s3front/report"
)

// TestSARIFFixes checks every shared scenario with Edits on, as
// `check --format sarif` does: each error s3front can fix carries its
// change as a SARIF fix, and the log still validates against the SARIF
// 2.1.0 schema.
func TestSARIFFixes(t *testing.T) {
	f, err := os.Open(filepath.Join("report", "testdata", "schema", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const id = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	rep := &report.Report{Findings: []report.Finding{}, Paths: []report.Path{}}
	err = s3front.Run(context.Background(), []string{filepath.Join("testdata", "scenarios")}, s3front.RunOptions{Edits: true}, func(r s3front.RootResult) error {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Root.Path, r.Err)
			return nil
		}
		rep.Findings = append(rep.Findings, r.Report.Findings...)
		rep.Paths = append(rep.Paths, r.Report.Paths...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fixed := 0
	for _, f := range rep.Findings {
		if len(f.Edits) > 0 {
			fixed++
		} else if f.Severity == report.Error {
			t.Errorf("%s %s %s: no edit", f.Root, f.Rule, f.Resource)
		}
	}
	if fixed == 0 {
		t.Fatal("no finding has an edit")
	}
	rep.Sort()
	var b bytes.Buffer
	if err := report.WriteSARIF(&b, rep, report.SARIFOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"fixes"`) {
		t.Fatal("the SARIF log has no fixes")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("the SARIF log with fixes does not validate: %v", err)
	}
}
