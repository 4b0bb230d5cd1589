package template

import (
	"strconv"
	"strings"
	"testing"
)

func TestCycles(t *testing.T) {
	tests := []struct {
		name, res string
		err       string
		line, col int
	}{
		{name: "none", res: "  A: {Type: AWS::S3::Bucket}\n  B: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: !Ref A}}\n"},
		{name: "self", res: "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub \"${A.Arn}\"\n",
			err: "circular dependency between resources: A → A", line: 5, col: 19},
		{name: "key, bucket, distribution",
			res: "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: {Statement: [{Condition: {StringEquals: {a: !Ref Dist}}}]}\n" +
				"  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: !GetAtt Key.Arn\n" +
				"  Dist:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      D: [!GetAtt Bucket.RegionalDomainName]\n",
			err: "Key → Dist → Bucket → Key", line: 9, col: 10},
		{name: "depends on", res: "  A: {Type: AWS::S3::Bucket, DependsOn: B}\n  B: {Type: AWS::S3::Bucket, DependsOn: [A]}\n",
			err: "A → B → A", line: 3, col: 42},
		{name: "sub variables are not references", res: "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub [\"${A}\", {A: x}]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte("Resources:\n"+tt.res))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if want := "c.yaml:" + strconv.Itoa(tt.line) + ":" + strconv.Itoa(tt.col) + ":"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v, want it at %s", err, want)
			}
		})
	}
}
