package awslive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3front/s3front/internal/load/awslive/awstest"
)

// foreignACL is a recorded GetObjectAcl response: the object belongs to
// another account's canonical user (moto gives every object the same
// owner, so the foreign owner comes from a recording).
const foreignACL = `<?xml version="1.0" encoding="UTF-8"?>
<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>%s</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>%s</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`

const otherCanonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

// TestObjectOwnersLive: an object written by another account into a
// bucket whose ACLs are enabled is denied to the origin now
// (foreign-object-owner); objects of the bucket owner are not; with
// Object Ownership BucketOwnerEnforced no object ACL is read at all.
func TestObjectOwnersLive(t *testing.T) {
	dists := []awstest.Dist{{ID: "E1OWNERS00001", Bucket: "owners", OAI: "E2OAIOWNERS01"}, {ID: "E1ENFORCED001", Bucket: "enforced", OAI: "E2OAIENFORCE1"}}
	env := awstest.Start(t, awstest.CloudFront(dists))
	env.Env(t)
	site(t, env, "owners", "E2OAIOWNERS01", map[string]string{"index.html": "AES256", "partner/upload.html": "AES256"})
	site(t, env, "enforced", "E2OAIENFORCE1", map[string]string{"index.html": "AES256"})
	s := s3.NewFromConfig(env.Config(t))
	if _, err := s.PutBucketOwnershipControls(context.Background(), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("enforced"),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}}); err != nil {
		t.Fatal(err)
	}
	env.Inject(awstest.Fault{Match: func(o awstest.Op) bool { return o.Operation == "GetObjectAcl" && o.Key == "partner/upload.html" },
		Respond: awstest.XML(fmt.Sprintf(foreignACL, otherCanonical, otherCanonical))})
	cfg, _, rep := load(t, opts())

	got := map[string]string{}
	for _, p := range paths(rep, "viewer-get-existing") {
		got[p.Key] = p.Outcome + " " + p.When + " " + p.Cause
	}
	want := map[string]string{
		"index.html":          "allow  ",
		"partner/upload.html": "deny now foreign-object-owner",
	}
	for k, w := range want {
		if strings.TrimSpace(got[k]) != strings.TrimSpace(w) {
			t.Errorf("viewer-get-existing %s: %q, want %q", k, got[k], w)
		}
	}
	for _, p := range paths(rep, "viewer-get-existing") {
		if p.Key != "partner/upload.html" {
			continue
		}
		for _, h := range p.Trace {
			if h.Hop == "ownership" && !strings.Contains(h.Detail, "(owner as S3 reports it)") {
				t.Errorf("ownership hop of a live object: %s", h.Detail)
			}
		}
	}
	for _, f := range rep.Findings {
		if f.Rule == "foreign-object-owner" && !strings.HasPrefix(f.Message, "object partner/upload.html of ") {
			t.Errorf("foreign-object-owner message: %s", f.Message)
		}
	}
	if b := bucket(cfg, "owners"); b.Ownership.V != "ObjectWriter" {
		t.Errorf("ownership of a bucket without ownership controls: %+v, want ObjectWriter", b.Ownership)
	}
	for _, o := range bucket(cfg, "owners").Objects {
		if o.Key.V == "partner/upload.html" && (!o.Owner.Known || o.Owner.V != "canonical user "+otherCanonical || o.Owner.Src.Pointer != "/AccessControlPolicy/Owner/ID") {
			t.Errorf("owner of the partner's object: %+v", o.Owner)
		}
	}
	calls := env.Calls()
	if n := calls["s3:GetObjectAcl"]; n != 2 {
		t.Errorf("%d GetObjectAcl calls, want 2 (none for the bucket whose ACLs are disabled)", n)
	}
}
