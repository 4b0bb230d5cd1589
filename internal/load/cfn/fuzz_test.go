package cfn_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// FuzzLoadTemplate loads arbitrary bytes as a template (YAML or JSON; the
// same bytes are also the nested template child.yaml, so nested stacks and
// their cycles are reached). Loading must never panic; it either succeeds
// with a model that can be written as a snapshot, or fails with a
// positioned *source.Error.
//
//	go test ./internal/load/cfn -run '^$' -fuzz FuzzLoadTemplate -parallel 1 -fuzzminimizetime 200x -fuzztime 5m
func FuzzLoadTemplate(f *testing.F) {
	var seeds []string
	for _, p := range []string{"testdata/valid/*", "testdata/errors/*.yaml", "testdata/errors/*.json",
		filepath.Join(repoRoot, "testdata/corpus/cfn-*/template.*"), filepath.Join(repoRoot, "testdata/scenarios/1[45]-*/template.*")} {
		m, _ := filepath.Glob(p)
		seeds = append(seeds, m...)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		// Large seeds (the CDK templates) make each minimization take
		// minutes; the small ones reach the same code.
		if err == nil && len(data) <= 4096 {
			f.Add(data)
		}
	}
	f.Add([]byte("Resources:\n  C:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: child.yaml}\n"))
	f.Add([]byte("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::L:\n    - X\n    - [a, b]\n    - ${X}B:\n        Type: AWS::S3::Bucket\n        Properties: {BucketName: !Sub \"${X}-${AWS::Region}\"}\n"))
	f.Add([]byte("Conditions:\n  C: !Equals [!Ref AWS::Region, x]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [C, !If [C, a, b], !If [C, c, d]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfn.IsTemplate(data)
		fsys := fstest.MapFS{"template.yaml": {Data: data}, "child.yaml": {Data: data}}
		cfg, err := cfn.Load(context.Background(), fsys, "template.yaml", cfn.Options{})
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if se.Pos.File == "" || se.Pos.Line == 0 {
				t.Fatalf("error is not positioned: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := model.WriteSnapshot(&buf, cfg); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	})
}
