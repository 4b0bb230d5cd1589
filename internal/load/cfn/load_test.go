package cfn_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// loadYAML loads one template given as text (plus other files of the FS).
func loadYAML(t *testing.T, src string, opts cfn.Options, extra ...string) *model.Config {
	t.Helper()
	cfg, err := loadYAMLErr(t, src, opts, extra...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func loadYAMLErr(t *testing.T, src string, opts cfn.Options, extra ...string) (*model.Config, error) {
	t.Helper()
	fsys := fstest.MapFS{"template.yaml": {Data: []byte(src)}}
	for i := 0; i+1 < len(extra); i += 2 {
		fsys[extra[i]] = &fstest.MapFile{Data: []byte(extra[i+1])}
	}
	return cfn.Load(context.Background(), fsys, "template.yaml", opts)
}

func bucket(t *testing.T, cfg *model.Config, ref string) *model.Bucket {
	t.Helper()
	for _, b := range cfg.Buckets {
		if b.Ref == ref {
			return b
		}
	}
	t.Fatalf("no bucket %s", ref)
	return nil
}

func key(t *testing.T, cfg *model.Config, ref string) *model.Key {
	t.Helper()
	for _, k := range cfg.Keys {
		if k.Ref == ref {
			return k
		}
	}
	t.Fatalf("no key %s", ref)
	return nil
}

func dist(t *testing.T, cfg *model.Config, ref string) *model.Distribution {
	t.Helper()
	for _, d := range cfg.Distributions {
		if d.Ref == ref {
			return d
		}
	}
	t.Fatalf("no distribution %s", ref)
	return nil
}

// conditionValues returns every value of condition key k in a policy.
func conditionValues(p model.Policy, k string) []string {
	var out []string
	if !p.HasDoc() {
		return nil
	}
	for _, st := range p.V.Statements {
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, k) {
				out = append(out, c.Values...)
			}
		}
	}
	return out
}

func unresolved(cfg *model.Config, what string) *model.Unresolved {
	for i := range cfg.Unresolved {
		if strings.Contains(cfg.Unresolved[i].What, what) {
			return &cfg.Unresolved[i]
		}
	}
	return nil
}

// TestIdentityComposition: the identities a template spells in different
// ways are the same strings (scenario 15).
func TestIdentityComposition(t *testing.T) {
	cfg, err := loadFile(t, filepath.Join(repoRoot, "testdata/scenarios/15-cfn-oac-correct/template.json"), cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := dist(t, cfg, "DocsDistribution")
	b := bucket(t, cfg, "DocsBucket")
	k := key(t, cfg, "DocsKey")
	if d.ARN.V != model.DistributionARN("aws", d.Account.V, d.ID.V) {
		t.Errorf("distribution ARN %s", ident.Render(d.ARN.V))
	}
	src := conditionValues(b.Policy, "AWS:SourceArn")
	if len(src) != 1 || ident.Equal(src[0], d.ARN.V) != ident.True {
		t.Errorf("bucket policy AWS:SourceArn %v does not equal the distribution ARN %s", src, ident.Render(d.ARN.V))
	}
	if ident.Equal(b.Encryption.KeyID.V, k.ARN.V) != ident.True {
		t.Errorf("bucket key %s is not the key ARN %s", ident.Render(b.Encryption.KeyID.V), ident.Render(k.ARN.V))
	}
	ep := model.ParseEndpoint(d.Origins[0].DomainName.V)
	if ep.Kind != model.S3Regional || ident.Equal(ep.Bucket, b.Name.V) != ident.True || ident.Equal(ep.Region, b.Region.V) != ident.True {
		t.Errorf("origin %s does not name the bucket's regional endpoint: %+v", ident.Render(d.Origins[0].DomainName.V), ep)
	}
	if d.Origins[0].OAI.V != "" || !d.Origins[0].OAI.Known {
		t.Errorf("an empty OriginAccessIdentity is not an OAI: %+v", d.Origins[0].OAI)
	}
	if len(cfg.OACs) != 1 || d.Origins[0].OAC.V != cfg.OACs[0].ID.V {
		t.Errorf("origin OAC %q, OAC %v", d.Origins[0].OAC.V, cfg.OACs)
	}
	// Scenario 14: the canonical user grant is the OAI's.
	cfg, err = loadFile(t, filepath.Join(repoRoot, "testdata/scenarios/14-cfn-oai-kms/template.yaml"), cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pol := bucket(t, cfg, "SiteBucket").Policy
	if !pol.HasDoc() || pol.V.Statements[0].Principal.CanonicalUser == nil ||
		pol.V.Statements[0].Principal.CanonicalUser.Items[0] != cfg.OAIs[0].CanonicalUser.V {
		t.Errorf("CanonicalUser grant does not name the OAI")
	}
	if got := dist(t, cfg, "SiteDistribution").Origins[0].OAI.V; got != cfg.OAIs[0].ID.V {
		t.Errorf("origin OAI %s, want %s", ident.Render(got), ident.Render(cfg.OAIs[0].ID.V))
	}
}

const partitionTemplate = `Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "b-${AWS::Region}.${AWS::URLSuffix}"
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: !Sub "arn:${AWS::Partition}:s3:::${B}/*"
            Condition:
              ArnEquals:
                AWS:SourceArn: [!Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${D}", !Sub "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${D}"]
  D:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins: [{Id: o, DomainName: !GetAtt B.RegionalDomainName, S3OriginConfig: {}}]
        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: https-only, CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6}
`

func TestPartitionAndPseudoParameters(t *testing.T) {
	tests := []struct {
		name            string
		opts            cfn.Options
		partition, acct string
		literalMatches  ident.Tri
		bucket, domain  string
	}{
		{name: "nothing given", partition: "aws", literalMatches: ident.True},
		{name: "region given", opts: cfn.Options{Region: "eu-west-1", AccountID: "111122223333"}, partition: "aws", acct: "111122223333",
			literalMatches: ident.True, bucket: "b-eu-west-1.amazonaws.com", domain: "b-eu-west-1.amazonaws.com.s3.eu-west-1.amazonaws.com"},
		{name: "china", opts: cfn.Options{Region: "cn-north-1"}, partition: "aws-cn", literalMatches: ident.False,
			bucket: "b-cn-north-1.amazonaws.com.cn", domain: "b-cn-north-1.amazonaws.com.cn.s3.cn-north-1.amazonaws.com.cn"},
		{name: "partition given", opts: cfn.Options{Partition: "aws-us-gov", Region: "us-gov-west-1"}, partition: "aws-us-gov", literalMatches: ident.False},
		{name: "as parameters", opts: cfn.Options{Parameters: []string{"AWS::AccountId=444455556666", "AWS::Region=us-east-2"}}, partition: "aws", acct: "444455556666",
			literalMatches: ident.True, bucket: "b-us-east-2.amazonaws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loadYAML(t, partitionTemplate, tt.opts)
			d := dist(t, cfg, "D")
			if !strings.HasPrefix(d.ARN.V, "arn:"+tt.partition+":") {
				t.Errorf("ARN %s, want partition %s", ident.Render(d.ARN.V), tt.partition)
			}
			if tt.acct != "" && d.Account.V != tt.acct {
				t.Errorf("account %s, want %s", ident.Render(d.Account.V), tt.acct)
			}
			if len(cfg.Accounts) != 1 || cfg.Accounts[0].Partition.V != tt.partition ||
				cfg.Accounts[0].Partition.Default != (tt.opts.Partition == "" && tt.opts.Region == "" && tt.acct == "") {
				t.Errorf("account partition %+v", cfg.Accounts[0].Partition)
			}
			vals := conditionValues(bucket(t, cfg, "B").Policy, "AWS:SourceArn")
			if got := ident.Equal(vals[0], d.ARN.V); got != tt.literalMatches {
				t.Errorf("literal arn:aws ARN matches: %v, want %v", got, tt.literalMatches)
			}
			if got := ident.Equal(vals[1], d.ARN.V); got != ident.True {
				t.Errorf("arn:${AWS::Partition} ARN matches: %v", got)
			}
			b := bucket(t, cfg, "B")
			if tt.bucket != "" && b.Name.V != tt.bucket {
				t.Errorf("bucket %s, want %s", ident.Render(b.Name.V), tt.bucket)
			}
			if tt.domain != "" && d.Origins[0].DomainName.V != tt.domain {
				t.Errorf("domain %s, want %s", ident.Render(d.Origins[0].DomainName.V), tt.domain)
			}
		})
	}
}

const paramTemplate = `Parameters:
  Name: {Type: String, Default: site}
  Env: {Type: String, AllowedValues: [prod, dev]}
  Zones: {Type: CommaDelimitedList}
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Name}-${Env}"
      Tags:
        - Key: zones
          Value: !Join [",", !Ref Zones]
`

func TestParameters(t *testing.T) {
	name := func(cfg *model.Config) string { return ident.Render(bucket(t, cfg, "B").Name.V) }
	if got := name(loadYAML(t, paramTemplate, cfn.Options{})); got != "site-${parameter Env}" {
		t.Errorf("defaults: %s", got)
	}
	cfg := loadYAML(t, paramTemplate, cfn.Options{})
	u := unresolved(cfg, "parameter Env")
	if u == nil || !strings.Contains(u.Why, "--parameter Env=VALUE") || u.Src.Resource != "B" || u.Src.Line == 0 {
		t.Errorf("unresolved parameter: %+v", cfg.Unresolved)
	}
	if got := name(loadYAML(t, paramTemplate, cfn.Options{Parameters: []string{"Env=prod", "Name=docs"}})); got != "docs-prod" {
		t.Errorf("--parameter: %s", got)
	}
	files := []string{
		"cli.json", `[{"ParameterKey": "Env", "ParameterValue": "dev"}, {"ParameterKey": "Name", "UsePreviousValue": true}]`,
		"pipeline.json", `{"Parameters": {"Env": "prod", "Name": "pipe"}, "Tags": {"team": "web"}}`,
		"plain.json", `{"Env": "dev", "Name": "plain", "Zones": ["a", "b"]}`,
	}
	for _, tc := range []struct{ file, want string }{{"cli.json", "site-dev"}, {"pipeline.json", "pipe-prod"}, {"plain.json", "plain-dev"}} {
		cfg := loadYAML(t, paramTemplate, cfn.Options{ParameterFiles: []string{tc.file}}, files...)
		if got := name(cfg); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.file, got, tc.want)
		}
	}
	// Later sources win: files in order, then --parameter.
	cfg = loadYAML(t, paramTemplate, cfn.Options{ParameterFiles: []string{"cli.json", "plain.json"}, Parameters: []string{"Name=flag"}}, files...)
	if got := name(cfg); got != "flag-dev" {
		t.Errorf("precedence: %s", got)
	}
	for _, tc := range []struct {
		opts cfn.Options
		err  string
	}{
		{cfn.Options{Parameters: []string{"Envv=prod"}}, `parameter Envv is given a value but the template does not declare it`},
		{cfn.Options{Parameters: []string{"Env=test"}}, `the value "test" of parameter Env is not one of its AllowedValues`},
		{cfn.Options{Parameters: []string{"Env"}}, "--parameter Env is not Key=Value"},
		{cfn.Options{ParameterFiles: []string{"bad.json"}}, "bad.json:1:9: the value of parameter Env must be a string"},
		{cfn.Options{ParameterFiles: []string{"missing.json"}}, "cannot read the parameters file"},
	} {
		_, err := loadYAMLErr(t, paramTemplate, tc.opts, "bad.json", `{"Env": {"x": 1}}`)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v: err %v, want %q", tc.opts, err, tc.err)
		}
	}
}

func TestConditionsChooseResources(t *testing.T) {
	path := filepath.Join(repoRoot, "testdata/corpus/cfn-conditions/template.yaml")
	cfg, err := loadFile(t, path, cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.OAIs) != 0 || len(cfg.OACs) != 1 || len(cfg.Buckets) != 1 {
		t.Fatalf("defaults: %d OAIs, %d OACs, %d buckets", len(cfg.OAIs), len(cfg.OACs), len(cfg.Buckets))
	}
	if v := bucket(t, cfg, "ContentBucket").Versioning; v.V != "Suspended" {
		t.Errorf("versioning %+v", v)
	}
	cfg, err = loadFile(t, path, cfn.Options{Parameters: []string{"AccessMode=oai", "Environment=prod", "EnableAccessLogs=true"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.OAIs) != 1 || len(cfg.OACs) != 0 || len(cfg.Buckets) != 2 {
		t.Fatalf("oai: %d OAIs, %d OACs, %d buckets", len(cfg.OAIs), len(cfg.OACs), len(cfg.Buckets))
	}
	d := dist(t, cfg, "ContentDistribution")
	if d.Origins[0].OAI.V != cfg.OAIs[0].ID.V || d.Origins[0].OAC.V != "" {
		t.Errorf("origin %+v %+v", d.Origins[0].OAI, d.Origins[0].OAC)
	}
	st := bucket(t, cfg, "ContentBucket").Policy.V.Statements[0]
	if st.Sid != "AllowCloudFrontOAI" || st.Principal.CanonicalUser.Items[0] != cfg.OAIs[0].CanonicalUser.V {
		t.Errorf("statement %+v", st)
	}
	// A condition that can't be decided keeps the resource and says so.
	cfg = loadYAML(t, `Parameters:
  Mode: {Type: String}
Conditions:
  WithKey: !Equals [!Ref Mode, kms]
  InEast: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  K:
    Type: AWS::KMS::Key
    Condition: WithKey
  B:
    Type: AWS::S3::Bucket
    Condition: InEast
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: !If [WithKey, aws:kms, AES256]
`, cfn.Options{})
	if len(cfg.Keys) != 1 || len(cfg.Buckets) != 1 {
		t.Fatalf("undecidable conditions drop resources: %d keys, %d buckets", len(cfg.Keys), len(cfg.Buckets))
	}
	u := unresolved(cfg, "condition WithKey of K")
	if u == nil || !strings.Contains(u.Why, "parameter Mode has no Default") || !strings.Contains(u.Why, "as if it were created") {
		t.Errorf("unresolved: %+v", cfg.Unresolved)
	}
	if u := unresolved(cfg, "condition InEast of B"); u == nil || !strings.Contains(u.Why, "AWS::Region") {
		t.Errorf("region condition: %+v", cfg.Unresolved)
	}
	if alg := bucket(t, cfg, "B").Encryption.Algorithm; alg.Known || !strings.Contains(alg.Missing, "condition WithKey") {
		t.Errorf("algorithm from an undecidable Fn::If: %+v", alg)
	}
}

func TestNestedStacks(t *testing.T) {
	path := filepath.Join(repoRoot, "testdata/corpus/cfn-nested-stack/template.yaml")
	cfg, err := loadFile(t, path, cfn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := bucket(t, cfg, "Storage/ReportsBucket")
	k := key(t, cfg, "Storage/ReportsKey")
	d := dist(t, cfg, "ReportsDistribution")
	if b.Src.File != "stacks/storage.yaml" || b.Src.Line == 0 {
		t.Errorf("child position %+v", b.Src)
	}
	if !strings.HasPrefix(b.Name.V, "reports-") || b.Account.V != d.Account.V || b.Region.V != ident.New(ident.Region, "template:AWS::Region") {
		t.Errorf("child identities: bucket %s account %s region %s", ident.Render(b.Name.V), ident.Render(b.Account.V), ident.Render(b.Region.V))
	}
	if ident.Equal(b.Encryption.KeyID.V, k.ARN.V) != ident.True {
		t.Errorf("child key")
	}
	if b.Policy.Src.Resource != "ReportsBucketPolicy" || !b.Policy.HasDoc() {
		t.Errorf("the parent's bucket policy is not attached: %+v", b.Policy.Src)
	}
	if len(cfg.Files) != 2 {
		t.Errorf("files %v", cfg.Files)
	}
	// Remote templates, missing outputs, parameters the child lacks.
	parent := `Resources:
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example-bucket.s3.amazonaws.com/child.yaml
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !GetAtt Remote.Outputs.Name
`
	cfg = loadYAML(t, parent, cfn.Options{})
	if unresolved(cfg, "nested stack Remote") == nil || unresolved(cfg, "Remote.Outputs.Name") == nil {
		t.Errorf("remote nested stack: %+v", cfg.Unresolved)
	}
	if b := bucket(t, cfg, "B"); b.Name.Known {
		t.Errorf("name from a remote output is known: %+v", b.Name)
	}
	child := "Parameters:\n  P: {Type: String}\nResources:\n  X: {Type: AWS::S3::Bucket}\nOutputs:\n  Name: {Value: !Ref X}\n"
	for _, tc := range []struct{ parent, err string }{
		{"Resources:\n  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !GetAtt C.Outputs.Nme\n",
			`template.yaml:9:19: the nested template child.yaml has no output Nme`},
		{"Resources:\n  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n      Parameters: {Q: x}\n",
			`template.yaml:6:20: parameter Q is given a value but the template does not declare it`},
		{"Resources:\n  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: nothere.yaml\n",
			`template.yaml:2:3: cannot read the nested template nothere.yaml`},
	} {
		_, err := loadYAMLErr(t, tc.parent, cfn.Options{}, "child.yaml", child)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("err %v, want %q", err, tc.err)
		}
	}
	// CDK nested stacks name their synthesized file in the metadata.
	cfg = loadYAML(t, `Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Join ["", ["https://s3.", !Ref AWS::Region, ".", !Ref AWS::URLSuffix, "/cdk-hnb659fds-assets/abc.json"]]
      Parameters: {P: from-parent}
    Metadata:
      aws:asset:path: AppNestedStackC0FFEE.nested.template.json
`, cfn.Options{}, "AppNestedStackC0FFEE.nested.template.json", `{"Parameters": {"P": {"Type": "String"}}, "Resources": {"X": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "P"}}}}}`)
	if b := bucket(t, cfg, "Nested/X"); b.Name.V != "from-parent" {
		t.Errorf("CDK nested stack: %+v", b.Name)
	}
}

// TestCustomResources: the CDK and Solutions Constructs key-policy
// custom resources add their statement; without them the grant is absent.
func TestCustomResources(t *testing.T) {
	for _, tc := range []struct {
		dir, key, dist, custom, sid string
	}{
		{"cfn-cdk-oac-key-policy-updater", "SiteKey0D0DD6E5", "SiteDistribution3FF9535D", "SiteDistributionOrigin1S3OriginKMSKeyPolicyCustomResourceB5D4E3F2", "AllowCloudFrontServicePrincipalSSE-KMS"},
		{"cfn-solutions-constructs", "EncryptionKey1B843E66", "CloudFrontToS3CloudFrontDistribution241D9866", "CloudFrontToS3KmsKeyPolicyUpdater0E2A3D51", "Grant-CloudFront-Distribution-Key-Usage"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			path := filepath.Join(repoRoot, "testdata/corpus", tc.dir, "template.json")
			cfg, err := loadFile(t, path, cfn.Options{})
			if err != nil {
				t.Fatal(err)
			}
			k := key(t, cfg, tc.key)
			d := dist(t, cfg, tc.dist)
			if !k.Policy.HasDoc() || k.Policy.Default {
				t.Fatalf("key policy %+v", k.Policy)
			}
			last := k.Policy.V.Statements[len(k.Policy.V.Statements)-1]
			if last.Sid != tc.sid || last.Pos.File != "template.json" || last.Pos.Line == 0 {
				t.Errorf("added statement %q at %v", last.Sid, last.Pos)
			}
			vals := conditionValues(k.Policy, "AWS:SourceArn")
			if len(vals) != 1 || ident.Equal(vals[0], d.ARN.V) != ident.True {
				t.Errorf("the added statement names %v, not %s", vals, ident.Render(d.ARN.V))
			}
			// Without the custom resource the key has no CloudFront grant.
			data, _ := os.ReadFile(path)
			var tmpl map[string]any
			_ = json.Unmarshal(data, &tmpl)
			delete(tmpl["Resources"].(map[string]any), tc.custom)
			stripped, _ := json.Marshal(tmpl)
			cfg, err = cfn.Load(context.Background(), fstest.MapFS{"t.json": {Data: stripped}}, "t.json", cfn.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if vals := conditionValues(key(t, cfg, tc.key).Policy, "AWS:SourceArn"); len(vals) != 0 {
				t.Errorf("without the custom resource: %v", vals)
			}
		})
	}
	// Imported bucket behind OAC, an unknown custom resource, Custom::AWS.
	cfg := loadYAML(t, `Resources:
  B:
    Type: AWS::S3::Bucket
    Properties: {BucketName: imported-site}
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"}
            Action: s3:GetObject
            Resource: arn:aws:s3:::imported-site/*
  U:
    Type: Custom::S3OriginAccessControlBucketPolicyUpdater
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:x
      DistributionId: E1ABCDEFGHIJKL
      AccountId: !Ref AWS::AccountId
      Partition: !Ref AWS::Partition
      BucketName: imported-site
      IsImportedBucket: true
  M:
    Type: Custom::Thing
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:y
      Target: !GetAtt B.Arn
`, cfn.Options{})
	st := bucket(t, cfg, "B").Policy.V.Statements
	if len(st) != 1 || st[0].Sid != "AllowS3OACAccess" {
		t.Errorf("bucket policy updater: %d statements, first %q", len(st), st[0].Sid)
	}
	if u := unresolved(cfg, "Custom::Thing M"); u == nil || !strings.Contains(u.Why, "is given B") {
		t.Errorf("unknown custom resource: %+v", cfg.Unresolved)
	}
}

func TestBucketDefaultsAndSettings(t *testing.T) {
	cfg := loadYAML(t, `Resources:
  Plain: {Type: AWS::S3::Bucket}
  Partial:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicPolicy: true}
      AccessControl: LogDeliveryWrite
      ObjectLockConfiguration: {ObjectLockEnabled: Enabled}
  Bad:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Plain
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
`, cfn.Options{})
	p := bucket(t, cfg, "Plain")
	if p.Name.V != ident.New(ident.BucketName, "Plain.bucket") || !p.Ownership.Default || p.Ownership.V != "BucketOwnerEnforced" ||
		!p.PublicAccessBlock.RestrictPublicBuckets.V || p.Encryption.Algorithm.V != "AES256" {
		t.Errorf("defaults %+v", p)
	}
	if p.Policy.Err == nil || p.Policy.Src.Resource != "Bad" {
		t.Errorf("a policy AWS rejects is kept as an error for policy-invalid: %+v", p.Policy)
	}
	q := bucket(t, cfg, "Partial")
	pab := q.PublicAccessBlock
	if !pab.BlockPublicPolicy.V || pab.BlockPublicACLs.V || !pab.BlockPublicACLs.Known || pab.BlockPublicACLs.Default || pab.BlockPublicACLs.Src.Line == 0 {
		t.Errorf("settings left out of PublicAccessBlockConfiguration are false: %+v", pab)
	}
	if q.ACL.Canned.V != "log-delivery-write" || !q.ObjectLock.V {
		t.Errorf("ACL %+v, object lock %+v", q.ACL.Canned, q.ObjectLock)
	}
}

func TestSuppressions(t *testing.T) {
	cfg := loadYAML(t, `Resources:
  B:
    Type: AWS::S3::Bucket
    Metadata:
      s3front:
        ignore:
          - bpa-incomplete
          - {id: bucket-not-kms, reason: SSE-S3 is enough for public assets, expires: 2030-01-31}
  Other:
    Type: AWS::SNS::Topic
    Metadata:
      s3front:
        ignore: [{id: unresolved-input}]
`, cfn.Options{})
	if len(cfg.Suppressions) != 3 {
		t.Fatalf("suppressions %+v", cfg.Suppressions)
	}
	s := cfg.Suppressions[1]
	if s.Rule != "bucket-not-kms" || s.Resource != "B" || s.Expires != "2030-01-31" || s.Reason == "" || s.Src.Line != 8 {
		t.Errorf("suppression %+v", s)
	}
	for _, bad := range []string{"ignore: bpa-incomplete", "ignore: [{reason: x}]", "ignore: [{id: x, until: 2030-01-01}]", "skip: [x]", "ignore: [[x]]"} {
		_, err := loadYAMLErr(t, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n      s3front:\n        "+bad+"\n", cfn.Options{})
		var se *source.Error
		if !errors.As(err, &se) || se.Pos.Line < 5 || se.Hint == "" {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestIsTemplate(t *testing.T) {
	yes := []string{
		"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
		"Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
		"Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n",
		`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}, "C": {"Type": "Custom::Thing"}}}`,
		"Resources:\n  B:\n    Type: AWS::S3::Bucket\n  M:\n    Type: MyOrg::Monitoring::Dashboard\n",
		"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref !Sub x\n", // broken, but a template
	}
	no := []string{
		"", "not: a template\n", `{"resource": {"aws_s3_bucket": {"b": {}}}}`, `{"s3front_snapshot": 1, "Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`,
		"Resources:\n  B:\n    Type: Local::Thing\n", "Resources:\n  B:\n    Type: not a type\n", "- a\n- list\n", `{"format_version": "1.2", "resource_changes": []}`,
		"name: CI\non: push\njobs: {}\n",
	}
	for _, s := range yes {
		if !cfn.IsTemplate([]byte(s)) {
			t.Errorf("IsTemplate(%q) = false", s)
		}
	}
	for _, s := range no {
		if cfn.IsTemplate([]byte(s)) {
			t.Errorf("IsTemplate(%q) = true", s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := cfn.Load(ctx, fstest.MapFS{"t.yaml": {Data: []byte("Resources:\n  B: {Type: AWS::S3::Bucket}\n")}}, "t.yaml", cfn.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
}
