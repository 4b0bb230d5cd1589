package template

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3front/s3front/source"
)

func TestYAMLShortTags(t *testing.T) {
	src := `Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-x"
      Tags:
        - Key: !Ref AWS::Region
          Value: !If [C, !GetAtt X.Arn, !Join ["", [a, b]]]
`
	root, err := ParseTree("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	props := root.Get("Resources").Get("B").Get("Properties")
	sub := props.Get("BucketName")
	if sub.Kind != source.Object || sub.Fields[0].Key != "Fn::Sub" || sub.Fields[0].Value.Text != "${AWS::StackName}-x" {
		t.Fatalf("!Sub = %+v", sub)
	}
	if sub.Pos.Line != 5 || sub.Pos.Col != 19 || sub.Pos.Pointer != "/Resources/B/Properties/BucketName" {
		t.Errorf("!Sub at %+v", sub.Pos)
	}
	tag := props.Get("Tags").Elems[0]
	ref := tag.Get("Key")
	if ref.Fields[0].Key != "Ref" || ref.Fields[0].Value.Text != "AWS::Region" || ref.Pos.Line != 7 || ref.Pos.Col != 16 {
		t.Errorf("!Ref = %+v", ref)
	}
	iff := tag.Get("Value").Fields[0]
	if iff.Key != "Fn::If" || len(iff.Value.Elems) != 3 {
		t.Fatalf("!If = %+v", iff)
	}
	ga := iff.Value.Elems[1]
	if ga.Fields[0].Key != "Fn::GetAtt" || ga.Fields[0].Value.Text != "X.Arn" || ga.Pos.Line != 8 || ga.Pos.Col != 26 {
		t.Errorf("!GetAtt inside !If = %+v at %+v", ga.Fields[0], ga.Pos)
	}
	if ga.Pos.Pointer != "/Resources/B/Properties/Tags/0/Value/Fn::If/1" {
		t.Errorf("pointer %q", ga.Pos.Pointer)
	}
}

func TestYAMLScalars(t *testing.T) {
	root, err := ParseTree("s.yaml", []byte("a: 012345678901\nb: true\nc: 2012-10-17\nd: ~\ne: '1'\nf: !Ref 123\ng: 1.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		kind source.Kind
		text string
	}{
		"a": {source.Number, "012345678901"}, "b": {source.Bool, "true"}, "c": {source.String, "2012-10-17"},
		"d": {source.Null, ""}, "e": {source.String, "1"}, "g": {source.Number, "1.5"},
	}
	for k, w := range want {
		n := root.Get(k)
		if n.Kind != w.kind || n.Text != w.text {
			t.Errorf("%s = %v %q, want %v %q", k, n.Kind, n.Text, w.kind, w.text)
		}
	}
	if f := root.Get("f").Fields[0].Value; f.Kind != source.String || f.Text != "123" {
		t.Errorf("!Ref 123 = %+v", f)
	}
}

func TestYAMLAliases(t *testing.T) {
	root, err := ParseTree("s.yaml", []byte("a: &x {k: v}\nb: *x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b := root.Get("b"); b.Get("k").Text != "v" || b.Pos.Line != 2 {
		t.Errorf("alias = %+v", b)
	}
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	if _, err := ParseTree("s.yaml", []byte(bomb)); err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("alias bomb: %v", err)
	}
}

func TestYAMLErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"two tags", "a: 1\nb: !Ref !Sub x\nc: 2\n", 2, 9, "did not find expected key"},
		{"bad indent", "a: 1\nb:\n  c: 1\n d: 2\n", 4, 2, "did not find expected key"},
		{"colon in value", "a: 1\nb: c: d\n", 2, 5, "mapping values are not allowed"},
		{"tab", "a:\n\t- b\n", 2, 1, "cannot start any token"},
		{"unknown tag", "a: !Reff x\n", 1, 4, "unknown tag !Reff"},
		{"ref of list", "a: !Ref [x]\n", 1, 4, "!Ref takes a name"},
		{"duplicate", "a: 1\nb: 2\na: 3\n", 3, 1, `duplicate key "a" (first at line 1)`},
		{"two documents", "a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"},
		{"control character", "a: \x01\n", 1, 4, "control character"},
		{"invalid utf-8", "a: \xff\n", 1, 4, "invalid UTF-8"},
		{"undefined alias", "a: *x\n", 1, 5, "unknown anchor"},
		{"merge key", "a: &a {x: 1}\nb:\n  <<: *a\n", 3, 3, "merge keys"},
		{"empty", "  \n", 1, 1, "the template is empty"},
		{"complex key", "? [a]\n: b\n", 1, 3, "mapping key must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTree("e.yaml", []byte(tt.src))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *source.Error", err, err)
			}
			if se.Pos.File != "e.yaml" || se.Pos.Line != tt.line || se.Pos.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got %v, want e.yaml:%d:%d: ...%s...", err, tt.line, tt.col, tt.msg)
			}
		})
	}
}
