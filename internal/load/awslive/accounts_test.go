package awslive_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/awslive/awstest"
)

// TestAccounts: a distribution of the caller's account reads a bucket of
// another account. Alone, the bucket's account is an identity and the scan
// says which account to add; with --accounts and --role-name, the reader
// assumes the role there, finds the bucket in that account's list and
// reads it with that account's credentials.
func TestAccounts(t *testing.T) {
	const other = "111111111111"
	dists := awstest.CloudFront([]awstest.Dist{{ID: "E1XACCOUNT001", Bucket: "other-site", OAI: "E2OAIXACCT001"}})
	none := awstest.CloudFront(nil)
	// The other account has no distribution: moto's assumed-role keys
	// start with ASIA.
	env := awstest.Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "Credential=ASIA") {
			none.ServeHTTP(w, r)
			return
		}
		dists.ServeHTTP(w, r)
	}))
	env.Env(t)
	ctx := context.Background()
	base := env.Config(t)
	role := "arn:aws:iam::" + other + ":role/s3front-read"
	otherCfg := base.Copy()
	otherCfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), role))
	s := s3.NewFromConfig(otherCfg)
	if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("other-site")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("other-site"), Key: aws.String("index.html"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}

	alone, _, _ := load(t, opts())
	b := bucket(alone, "other-site")
	if b == nil || !ident.Has(b.Account.V) || unresolved(alone, "owner account of bucket other-site") == nil {
		t.Fatalf("alone: bucket %+v, want its account as an identity and a note naming it", b)
	}

	o := opts()
	o.Accounts = []string{awstest.Account, other}
	o.RoleName = "s3front-read"
	both, res, _ := load(t, o)
	if strings.Join(res.Accounts, ",") != other+","+awstest.Account || len(both.Accounts) != 2 {
		t.Fatalf("accounts read: %v (%d in the model)", res.Accounts, len(both.Accounts))
	}
	b = bucket(both, "other-site")
	if b == nil || b.Account.V != other || len(b.Objects) != 1 {
		t.Fatalf("with --accounts: bucket %+v, want account %s and its object", b, other)
	}
	if u := unresolved(both, "owner account of bucket other-site"); u != nil {
		t.Errorf("still unresolved: %+v", u)
	}
}
