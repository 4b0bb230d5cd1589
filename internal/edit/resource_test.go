package edit

import (
	"os"
	"testing"
)

func TestTerraformResourceOps(t *testing.T) {
	src, err := os.ReadFile("../../testdata/scenarios/01-oai-kms-latent-outage/main.tf")
	if err != nil {
		t.Skip(err)
	}
	s := mapSet(map[string]string{"main.tf": string(src)})
	tf, err := s.tf("main.tf")
	if err != nil {
		t.Fatal(err)
	}
	oac, err := TFBlock("resource", []string{"aws_cloudfront_origin_access_control", "webapp"},
		[2]string{"name", "aws_s3_bucket.webapp.bucket"},
		[2]string{"origin_access_control_origin_type", `"s3"`},
		[2]string{"signing_behavior", `"always"`},
		[2]string{"signing_protocol", `"sigv4"`})
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.insertAfter(tf.topBlock("resource", "aws_cloudfront_origin_access_identity", "webapp"), oac); err != nil {
		t.Fatal(err)
	}
	origin := tf.blockAt(60, 3)
	if origin == nil || origin.Type != "origin" {
		t.Fatalf("origin block not found: %v", origin)
	}
	if err := tf.setAttr(origin, "origin_access_control_id", "aws_cloudfront_origin_access_control.webapp.id"); err != nil {
		t.Fatal(err)
	}
	origin = tf.blockAt(60, 3)
	for _, b := range origin.Body.Blocks {
		if b.Type == "s3_origin_config" {
			if err := tf.removeBlock(b); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	golden(t, "tf_resource.diff", s.Diff())
	terraformFmtCheck(t, string(s.files["main.tf"].Cur))
	// Remove the OAI.
	if err := tf.removeBlock(tf.topBlock("resource", "aws_cloudfront_origin_access_identity", "webapp")); err != nil {
		t.Fatal(err)
	}
	terraformFmtCheck(t, string(s.files["main.tf"].Cur))
}

func TestCFNResourceOps(t *testing.T) {
	for _, name := range []string{"14-cfn-oai-kms/template.yaml", "15-cfn-oac-correct/template.json"} {
		src, err := os.ReadFile("../../testdata/scenarios/" + name)
		if err != nil {
			t.Skip(err)
		}
		s := mapSet(map[string]string{"t": string(src)})
		c, err := s.cfn("t")
		if err != nil {
			t.Fatal(err)
		}
		body := CFNMap("Type", "AWS::CloudFront::OriginAccessControl", "Properties", CFNMap(
			"OriginAccessControlConfig", CFNMap(
				"Name", CFNSub("${AWS::StackName}-site"),
				"OriginAccessControlOriginType", "s3",
				"SigningBehavior", "always",
				"SigningProtocol", "sigv4")))
		after := "SiteOAI"
		origin := pos("t", 69, 13)
		if c.j != nil {
			after, origin = "DocsOAC", pos("t", 140, 13)
		}
		if err := c.addResource(after, "NewOAC", body); err != nil {
			t.Fatal(err)
		}
		if err := c.setKey(origin, nil, "OriginAccessControlId", CFNGetAtt("NewOAC.Id")); err != nil {
			t.Fatal(err)
		}
		if c.y != nil {
			if err := c.setKey(origin, []string{"S3OriginConfig"}, "OriginAccessIdentity", CFNStr("")); err != nil {
				t.Fatal(err)
			}
			if err := c.removeResource("SiteOAI"); err != nil {
				t.Fatal(err)
			}
		}
		golden(t, "cfn_resource_"+name[:2]+".diff", s.Diff())
	}
}
