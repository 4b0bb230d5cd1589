package batchops_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/internal/batchops"
	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/internal/s3test"
)

var update = flag.Bool("update", false, "rewrite golden files")

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"

func TestCSV(t *testing.T) {
	got := string(batchops.CSV([]batchops.Entry{
		{Bucket: "b", Key: "plain.txt"},
		{Bucket: "b", Key: "dir/with space+plus,comma\"quote ü.html", VersionID: "v1"},
	}, true))
	want := "b,plain.txt,\nb,dir/with%20space+plus%2Ccomma%22quote%20%C3%BC.html,v1\n"
	if got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = io.WriteString(w, s)
	_ = w.Close()
	return b.Bytes()
}

func TestFromInventory(t *testing.T) {
	man := []byte(`{"sourceBucket":"site","destinationBucket":"arn:aws:s3:::inv","fileFormat":"CSV",
"fileSchema":"Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass, EncryptionStatus, ObjectLockMode",
"files":[{"key":"inv/data/1.csv.gz","size":1}]}`)
	im, err := batchops.ParseInventoryManifest("manifest.json", man)
	if err != nil {
		t.Fatal(err)
	}
	data := `"site","a%20b.html","v2","true","false","10","STANDARD","SSE-S3",""
"site","a%20b.html","v1","false","false","9","STANDARD","SSE-S3",""
"site","gone","v3","true","true","0","STANDARD","",""
"site","kms.js","v4","true","false","5","STANDARD","SSE-KMS",""
"site","ia.png","v5","true","false","7","STANDARD_IA","NOT-SSE",""
"site","cold.tar","v6","true","false","100","GLACIER","SSE-S3",""
"site","locked","v7","true","false","3","STANDARD","SSE-S3","GOVERNANCE"
"site","ssec","v8","true","false","3","STANDARD","SSE-C",""
`
	m, err := batchops.FromInventory(context.Background(), im, true, func(ctx context.Context, key string) (io.ReadCloser, error) {
		if key != "inv/data/1.csv.gz" {
			t.Fatalf("opened %s", key)
		}
		return io.NopCloser(bytes.NewReader(gz(data))), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, size := m.Count()
	if n != 2 || size != 17 {
		t.Errorf("count %d, %d bytes", n, size)
	}
	if got := strings.Join(m.Classes(), ","); got != "STANDARD,STANDARD_IA" {
		t.Errorf("classes %s", got)
	}
	if e := m.ByClass["STANDARD"][0]; e.Key != "a b.html" || e.VersionID != "v2" {
		t.Errorf("entry %+v", e)
	}
	for why, want := range map[string]int64{batchops.ExNotLatest: 2, batchops.ExKMSUnknown: 1, batchops.ExArchived: 1, batchops.ExLock: 1, batchops.ExSSEC: 1} {
		if m.Excluded[why] != want {
			t.Errorf("excluded %q: %d, want %d", why, m.Excluded[why], want)
		}
	}
}

// TestCreateJobRequest uploads the manifests to moto and sends CreateJob
// to a fake s3control endpoint, and holds the exact request to a golden
// file.
func TestCreateJobRequest(t *testing.T) {
	srv := s3test.Start(t)
	cfg := s3test.Config(t, srv.Moto)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
	ctx := context.Background()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ops-work")}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reqs []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, r.Method+" "+r.URL.Path+"\nx-amz-account-id: "+r.Header.Get("X-Amz-Account-Id")+"\nhost: "+strings.SplitN(r.Host, ".", 2)[0]+"\n"+string(body)+"\n")
		n := len(reqs)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><CreateJobResult><JobId>job-`+string(rune('0'+n))+`</JobId></CreateJobResult>`)
	}))
	defer fake.Close()
	scCfg := s3test.Config(t, fake.URL)
	sc := s3control.NewFromConfig(scCfg)

	m := batchops.FromObjects("site-assets", false, []reencrypt.Planned{
		{Key: "index.html", Size: 10},
		{Key: "img/logo one.png", StorageClass: "STANDARD_IA", Size: 2000},
		{Key: "redirect", WebsiteRedirect: "/x", Size: 1},
		{Key: "app.js", Size: 300},
	}, map[string]int64{batchops.ExUnderKey: 4})
	o := batchops.JobOptions{Account: "123456789012", KeyARN: keyARN, BucketKey: true, RoleARN: "arn:aws:iam::123456789012:role/s3front-batch-reencrypt", WorkBucket: "ops-work"}
	jobs := batchops.Plan(m, o)
	if len(jobs) != 2 {
		t.Fatalf("%d jobs", len(jobs))
	}
	if err := batchops.Create(ctx, s3c, sc, jobs, o); err != nil {
		t.Fatal(err)
	}
	if jobs[0].JobID != "job-1" || jobs[1].JobID != "job-2" {
		t.Errorf("job IDs %s %s", jobs[0].JobID, jobs[1].JobID)
	}
	got := strings.Join(reqs, "\n")
	for _, j := range jobs {
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ops-work"), Key: aws.String(j.ManifestKey)})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		got += "\n-- s3://ops-work/" + j.ManifestKey + " --\n" + string(b)
	}
	golden := "testdata/createjob.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("CreateJob requests differ from %s (run go test -update to accept):\n%s", golden, got)
	}
	if m.Excluded[batchops.ExRedirect] != 1 || m.Excluded[batchops.ExUnderKey] != 4 {
		t.Errorf("excluded %v", m.Excluded)
	}
}

// TestRolePolicy evaluates the role's policy with the IAM evaluator: it
// allows exactly what a copy job does, and nothing around it.
func TestRolePolicy(t *testing.T) {
	doc := batchops.RolePolicy(batchops.RoleInput{Bucket: "site-assets", WorkBucket: "ops-work", KeyARN: keyARN,
		SourceKeyARNs: []string{"arn:aws:kms:us-east-1:123456789012:key/old"}})
	pol, err := iam.Parse("role.json", []byte(doc), iam.Identity)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.Parse("trust.json", []byte(batchops.TrustPolicy()), iam.Trust); err != nil {
		t.Fatal(err)
	}
	role, _ := iam.ParsePrincipal("arn:aws:iam::123456789012:role/s3front-batch-reencrypt")
	for _, tc := range []struct {
		action, resource string
		allow            bool
	}{
		{"s3:GetObject", "arn:aws:s3:::site-assets/index.html", true},
		{"s3:GetObjectVersion", "arn:aws:s3:::site-assets/index.html", true},
		{"s3:GetObjectTagging", "arn:aws:s3:::site-assets/index.html", true},
		{"s3:PutObject", "arn:aws:s3:::site-assets/index.html", true},
		{"s3:PutObjectTagging", "arn:aws:s3:::site-assets/index.html", true},
		{"s3:ListBucket", "arn:aws:s3:::site-assets", true},
		{"s3:GetObject", "arn:aws:s3:::ops-work/s3front/reencrypt/site-assets/manifests/standard-1.csv", true},
		{"s3:PutObject", "arn:aws:s3:::ops-work/s3front/reencrypt/site-assets/reports/job-1/results/1.csv", true},
		{"kms:GenerateDataKey", keyARN, true},
		{"kms:Decrypt", keyARN, true},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/old", true},
		// Nothing else.
		{"s3:DeleteObject", "arn:aws:s3:::site-assets/index.html", false},
		{"s3:PutObjectAcl", "arn:aws:s3:::site-assets/index.html", false},
		{"s3:PutObject", "arn:aws:s3:::ops-work/elsewhere", false},
		{"s3:PutObject", "arn:aws:s3:::ops-work/s3front/reencrypt/site-assets/manifests/x.csv", false},
		{"s3:GetObject", "arn:aws:s3:::other-bucket/x", false},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/unrelated", false},
		{"kms:ScheduleKeyDeletion", keyARN, false},
	} {
		c := iam.Context{}
		in := &iam.Input{Request: iam.Request{Principal: role, Action: tc.action, Resource: tc.resource, Context: c}, IdentityPolicies: []*iam.Policy{pol}}
		if strings.HasPrefix(tc.action, "kms:") {
			// The key policy delegates to the account, as AWS's default
			// key policy does.
			kp, err := iam.Parse("key.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`), iam.Resource)
			if err != nil {
				t.Fatal(err)
			}
			in.ResourcePolicy, in.KeyPolicy = kp, true
		}
		res := iam.Evaluate(in)
		if got := res.Decision == iam.Allowed; got != tc.allow {
			t.Errorf("%s on %s: %v, want allow=%v", tc.action, tc.resource, res.Decision, tc.allow)
		}
	}
}
