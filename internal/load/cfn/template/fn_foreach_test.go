package template

import (
	"strings"
	"testing"
)

const loopTemplate = `Transform: AWS::LanguageExtensions
Parameters:
  Sites: {Type: CommaDelimitedList, Default: "docs,blog-v2"}
  Unset: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Sites:
    - Site
    - !Ref Sites
    - "&{Site}Bucket":
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "${Site}-assets"
          Tags: [{Key: site, Value: !Ref Site}]
      Fn::ForEach::Envs:
        - Env
        - [prod, dev]
        - "&{Site}${Env}Policy":
            Type: AWS::S3::BucketPolicy
            DependsOn: "&{Site}Bucket"
            Properties:
              Bucket: !Ref "&{Site}Bucket"
              PolicyDocument: {Statement: [{Sid: !Sub "${Site}-${Env}"}]}
  Fn::ForEach::Later:
    - X
    - !Ref Unset
    - "${X}Topic": {Type: AWS::SNS::Topic}
  Plain:
    Type: AWS::S3::Bucket
    DependsOn: docsBucket
`

func TestForEach(t *testing.T) {
	tm, err := Parse("l.yaml", []byte(loopTemplate))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(tm, Config{Pseudo: testPseudo, Resolver: fakeResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	left, err := e.ExpandForEach()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].ID != "Fn::ForEach::Later" {
		t.Errorf("left %v", left)
	}
	var ids []string
	for _, r := range tm.Resources {
		ids = append(ids, r.ID)
	}
	want := "docsBucket docsprodPolicy docsdevPolicy blogv2Bucket blogv2prodPolicy blogv2devPolicy Fn::ForEach::Later Plain"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("resources %s\nwant      %s", got, want)
	}
	r, _ := tm.Resource("blogv2Bucket")
	v, err := e.Value(r.Properties)
	if err != nil {
		t.Fatal(err)
	}
	if got := Render(v.Get("BucketName")); got != "blog-v2-assets" {
		t.Errorf("BucketName %s", got)
	}
	if got := Render(v.Get("Tags").Elems[0].Get("Value")); got != "blog-v2" {
		t.Errorf("Ref Site %s", got)
	}
	p, _ := tm.Resource("blogv2devPolicy")
	if p.DependsOn[0] != "blogv2Bucket" || p.Pos.Line != 17 {
		t.Errorf("policy %+v", p)
	}
	pv, err := e.Value(p.Properties)
	if err != nil {
		t.Fatal(err)
	}
	if got := Render(pv.Get("PolicyDocument").Get("Statement").Elems[0].Get("Sid")); got != "blog-v2-dev" {
		t.Errorf("Sid %s", got)
	}
	if got := Render(pv.Get("Bucket")); got != "${blogv2Bucket.ref}" {
		t.Errorf("Bucket %s", got)
	}
}

func TestForEachErrors(t *testing.T) {
	for _, tc := range []struct{ res, err string }{
		{"  Fn::ForEach::A: [X, [a, a], {\"${X}B\": {Type: AWS::S3::Bucket}}]\n", "loop Fn::ForEach::A creates resource aB, which already exists"},
		{"  Fn::ForEach::A: [X, [a]]\n", "must be a list of an identifier, a collection and a mapping"},
		{"  Fn::ForEach::A: [X, [a-b], {\"${X}B\": {Type: AWS::S3::Bucket}}]\n", `resource name "a-bB" is not alphanumeric`},
		{"  Fn::ForEach::A: [X, [a], {\"${X}B\": {Type: AWS::S3::Bucket, DependsOn: Nope}}]\n", "depends on Nope"},
	} {
		tm, err := Parse("l.yaml", []byte("Transform: AWS::LanguageExtensions\nResources:\n"+tc.res))
		if err != nil {
			t.Fatal(err)
		}
		e, err := New(tm, Config{Pseudo: testPseudo, Resolver: fakeResolver{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ExpandForEach(); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err %v, want %q", tc.res, err, tc.err)
		}
	}
}
