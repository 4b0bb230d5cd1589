package template

import (
	"strings"
	"testing"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// base is the template the intrinsic tests evaluate expressions in.
const base = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Env:
    Type: String
    AllowedValues: [prod, dev]
  Name:
    Type: String
    Default: site
  Subnets:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Unset:
    Type: String
  Zones:
    Type: CommaDelimitedList
  Version:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /cdk-bootstrap/version
Mappings:
  Regions:
    us-east-1: {Bucket: east, Same: x}
    eu-west-1: {Bucket: west, Same: x}
  Envs:
    prod: {Size: "3"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  IsSite: !Equals [!Ref Name, site]
  NotSite: !Not [!Condition IsSite]
  Both: !And [!Condition IsSite, !Condition IsProd]
  Either: !Or [!Condition IsSite, !Condition IsProd]
  InEast: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Gone:
    Type: AWS::S3::Bucket
    Condition: NotSite
  Maybe:
    Type: AWS::S3::Bucket
    Condition: IsProd
`

// fakeResolver names resources by symbols: Ref is a Name symbol
// "<id>.ref", GetAtt "<id>.<attr>".
type fakeResolver struct{}

func (fakeResolver) Ref(r *Resource, at source.Pos) (*source.Node, error) {
	return &source.Node{Kind: source.String, Pos: at, Text: ident.New(ident.Name, r.ID+".ref")}, nil
}

func (fakeResolver) GetAtt(r *Resource, attr string, at source.Pos) (*source.Node, error) {
	return &source.Node{Kind: source.String, Pos: at, Text: ident.New(ident.Name, r.ID+"."+attr)}, nil
}

var testPseudo = Pseudo{
	AccountID: ident.New(ident.Account, "test:AWS::AccountId"),
	Region:    ident.New(ident.Region, "test:AWS::Region"),
	Partition: "aws",
	URLSuffix: "amazonaws.com",
	StackName: "test-stack",
	StackID:   "arn:aws:cloudformation:us-east-1:111122223333:stack/test-stack/1",
}

// evalExpr evaluates the YAML expression expr (one value) in the base
// template with the given parameter values; it returns the rendered
// result (symbols as ${name}) and the notes reported.
func evalExpr(t *testing.T, expr string, params map[string]string) (string, []Note, error) {
	t.Helper()
	src := base + "Outputs:\n  Out:\n    Value: " + strings.ReplaceAll(expr, "\n", "\n      ") + "\n"
	tm, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	var notes []Note
	e, err := New(tm, Config{Pseudo: testPseudo, Params: params, Resolver: fakeResolver{}, Note: func(n Note) { notes = append(notes, n) }})
	if err != nil {
		return "", nil, err
	}
	o, _ := tm.Output("Out")
	v, err := e.Value(o.Value)
	if err != nil {
		return "", notes, err
	}
	return Render(v), notes, nil
}

type exprCase struct {
	name   string
	expr   string
	params map[string]string
	want   string
	// err, when set, is a substring the error must contain.
	err string
}

func runExprCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := evalExpr(t, c.expr, c.params)
			if c.err != "" {
				if err == nil {
					t.Fatalf("got %q, want error containing %q", got, c.err)
				}
				if !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %q does not contain %q", err, c.err)
				}
				var se *source.Error
				if e, ok := err.(*source.Error); ok {
					se = e
				}
				if se == nil || se.Pos.Line == 0 || se.Pos.File != "t.yaml" {
					t.Errorf("error is not positioned: %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}
