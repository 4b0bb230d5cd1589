package edit

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

// mapSet is a set over files held in memory.
func mapSet(files map[string]string) *Set {
	return NewSet(func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	})
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}

// terraformFmtCheck runs `terraform fmt -check` on the text, when
// terraform is installed (CI has it).
func terraformFmtCheck(t *testing.T, text string) {
	t.Helper()
	tf, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("terraform is not installed")
		}
		t.Log("terraform not installed: fmt check skipped")
		return
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tf, "fmt", "-check", "-diff", p).CombinedOutput()
	if err != nil {
		t.Errorf("terraform fmt -check fails: %v\n%s\n--- file\n%s", err, out, text)
	}
}

func pos(file string, line, col int) source.Pos { return source.Pos{File: file, Line: line, Col: col} }

func TestObjectDocAdd(t *testing.T) {
	src := `resource "aws_s3_bucket_policy" "webapp" {
  bucket = aws_s3_bucket.webapp.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_cloudfront_origin_access_identity.webapp.iam_arn }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.webapp.arn}/*"
    }]
  })
}
`
	s := mapSet(map[string]string{"main.tf": src})
	tf, err := s.tf("main.tf")
	if err != nil {
		t.Fatal(err)
	}
	d := &objectDoc{t: tf, pos: pos("main.tf", 3, 23)}
	st := "{\n  Sid = \"AllowCloudFrontServicePrincipal\"\n  Effect = \"Allow\"\n  Principal = { Service = \"cloudfront.amazonaws.com\" }\n  Action = \"s3:GetObject\"\n  Resource = \"${aws_s3_bucket.webapp.arn}/*\"\n  Condition = { StringEquals = { \"AWS:SourceArn\" = aws_cloudfront_distribution.webapp.arn } }\n}"
	if err := d.addStatement(st); err != nil {
		t.Fatal(err)
	}
	if err := d.addCondition(pos("main.tf", 5, 18), "Bool", "aws:SecureTransport", "\"true\""); err != nil {
		t.Fatal(err)
	}
	golden(t, "object_add.diff", s.Diff())
	terraformFmtCheck(t, string(s.files["main.tf"].Cur))
	if !strings.Contains(s.Diff(), "+++ b/main.tf") {
		t.Fatal("no diff")
	}
}

func TestBlocksDoc(t *testing.T) {
	src, err := os.ReadFile("../../testdata/scenarios/13-four-apps-module-for-each/modules/webapp/main.tf")
	if err != nil {
		t.Skip(err)
	}
	s := mapSet(map[string]string{"m.tf": string(src)})
	tf, err := s.tf("m.tf")
	if err != nil {
		t.Fatal(err)
	}
	d := &blocksDoc{t: tf, pos: pos("m.tf", 45, 1)}
	st := "statement {\n  sid       = \"AllowCloudFrontServicePrincipal\"\n  effect    = \"Allow\"\n  actions   = [\"s3:GetObject\"]\n  resources = [\"${aws_s3_bucket.this.arn}/*\"]\n\n  principals {\n    type        = \"Service\"\n    identifiers = [\"cloudfront.amazonaws.com\"]\n  }\n\n  condition {\n    test     = \"StringEquals\"\n    variable = \"AWS:SourceArn\"\n    values   = [aws_cloudfront_distribution.this.arn]\n  }\n}"
	if err := d.addStatement(st); err != nil {
		t.Fatal(err)
	}
	if err := d.setActions(pos("m.tf", 46, 3), `["s3:GetObject", "s3:ListBucket"]`); err != nil {
		t.Fatal(err)
	}
	if err := d.addCondition(pos("m.tf", 46, 3), "Bool", "aws:SecureTransport", `["true"]`); err != nil {
		t.Fatal(err)
	}
	golden(t, "blocks_add.diff", s.Diff())
	terraformFmtCheck(t, string(s.files["m.tf"].Cur))
	if err := d.removeStatement(pos("m.tf", 46, 3)); err != nil {
		t.Fatal(err)
	}
	golden(t, "blocks_remove.diff", s.Diff())
	terraformFmtCheck(t, string(s.files["m.tf"].Cur))
}

func TestHeredocDoc(t *testing.T) {
	src := `resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "${aws_cloudfront_origin_access_identity.o.iam_arn}"},
            "Action": "s3:GetObject",
            "Resource": "${aws_s3_bucket.b.arn}/*"
        }
    ]
}
EOF
}
`
	s := mapSet(map[string]string{"main.tf": src})
	tf, err := s.tf("main.tf")
	if err != nil {
		t.Fatal(err)
	}
	d := &jsonDoc{f: tf, pos: pos("main.tf", 4, 1)}
	st := "{\n  \"Sid\": \"AllowCloudFrontServicePrincipal\",\n  \"Effect\": \"Allow\",\n  \"Principal\": {\"Service\": \"cloudfront.amazonaws.com\"},\n  \"Action\": \"s3:GetObject\",\n  \"Resource\": \"${aws_s3_bucket.b.arn}/*\",\n  \"Condition\": {\"StringEquals\": {\"AWS:SourceArn\": \"${aws_cloudfront_distribution.d.arn}\"}}\n}"
	if err := d.addStatement(st); err != nil {
		t.Fatal(err)
	}
	if err := d.addCondition(pos("main.tf", 7, 9), "Bool", "aws:SecureTransport", `"true"`); err != nil {
		t.Fatal(err)
	}
	golden(t, "heredoc_add.diff", s.Diff())
	terraformFmtCheck(t, string(s.files["main.tf"].Cur))
	if err := d.removeStatement(pos("main.tf", 7, 9)); err != nil {
		t.Fatal(err)
	}
	golden(t, "heredoc_remove.diff", s.Diff())
}

func TestYAMLDoc(t *testing.T) {
	src, err := os.ReadFile("../../testdata/scenarios/14-cfn-oai-kms/template.yaml")
	if err != nil {
		t.Skip(err)
	}
	s := mapSet(map[string]string{"t.yaml": string(src)})
	y, err := s.yaml("t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := &yamlDoc{y: y, pos: pos("t.yaml", 54, 9)}
	st := "- Sid: AllowCloudFrontServicePrincipal\n  Effect: Allow\n  Principal:\n    Service: cloudfront.amazonaws.com\n  Action: s3:GetObject\n  Resource: !Sub \"arn:${AWS::Partition}:s3:::${SiteBucket}/*\"\n  Condition:\n    StringEquals:\n      AWS:SourceArn: !Sub \"arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}\""
	if err := d.addStatement(st); err != nil {
		t.Fatal(err)
	}
	kd := &yamlDoc{y: y, pos: pos("t.yaml", 18, 9)}
	if err := kd.setActions(pos("t.yaml", 20, 13), "\n- kms:Decrypt\n- kms:DescribeKey"); err != nil {
		t.Fatal(err)
	}
	if err := kd.addCondition(pos("t.yaml", 20, 13), "Bool", "aws:SecureTransport", `"true"`); err != nil {
		t.Fatal(err)
	}
	golden(t, "yaml_add.diff", s.Diff())
	if err := d.removeStatement(pos("t.yaml", 56, 13)); err != nil {
		t.Fatal(err)
	}
	golden(t, "yaml_remove.diff", s.Diff())
}

func TestJSONTemplateDoc(t *testing.T) {
	src, err := os.ReadFile("../../testdata/scenarios/15-cfn-oac-correct/template.json")
	if err != nil {
		t.Skip(err)
	}
	s := mapSet(map[string]string{"t.json": string(src)})
	f, _ := s.File("t.json", false)
	d := &jsonDoc{f: &plainFile{f: f, check: checkJSON}, pos: pos("t.json", 97, 27), whole: true}
	if err := d.setConditionValues(pos("t.json", 100, 13), pos("t.json", 123, 19), `["arn:aws:cloudfront::111122223333:distribution/EXAMPLE", {"Fn::Sub": "x"}]`); err != nil {
		t.Fatal(err)
	}
	if err := d.addCondition(pos("t.json", 100, 13), "Bool", "aws:SecureTransport", `"true"`); err != nil {
		t.Fatal(err)
	}
	golden(t, "json_template.diff", s.Diff())
}
