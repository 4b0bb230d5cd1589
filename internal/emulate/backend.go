package emulate

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// backend is the storage the edge fronts: a moto_server holding buckets,
// objects and KMS keys. The edge reads configuration from it with its
// own calls (signed as the edge account's root) and forwards the clients'
// requests it allows.
type backend struct {
	base    *url.URL
	client  *http.Client
	account string
}

func newBackend(raw, account string) (*backend, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("storage backend %q: want a URL such as http://127.0.0.1:5000 (a moto_server)", raw)
	}
	return &backend{base: u, account: account, client: &http.Client{Timeout: 2 * time.Minute}}, nil
}

// authHeader is a SigV4-shaped Authorization header: moto reads the
// region and service from its scope and checks no signature.
func authHeader(service, region string) string {
	if region == "" {
		region = "us-east-1"
	}
	return "AWS4-HMAC-SHA256 Credential=s3front-edge/20200531/" + region + "/" + service + "/aws4_request, SignedHeaders=host, Signature=0"
}

// s3 sends one S3 call (path style) and returns the response; the caller
// closes its body.
func (b *backend) s3(ctx context.Context, method, bucket, key string, query url.Values, body []byte) (*http.Response, error) {
	u := *b.base
	u.Path = "/" + bucket
	if key != "" {
		u.Path += "/" + key
	}
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", authHeader("s3", "us-east-1"))
	return b.client.Do(req)
}

// s3Read does an S3 call and reads the body; status is the HTTP status.
func (b *backend) s3Read(ctx context.Context, method, bucket, key string, query url.Values) (int, http.Header, []byte, error) {
	resp, err := b.s3(ctx, method, bucket, key, query, nil)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("storage backend: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("storage backend: %w", err)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// sub is a query with one valueless subresource, such as ?policy.
func sub(name string) url.Values { return url.Values{name: {""}} }

// kmsCall sends one KMS JSON call in region and decodes the answer into
// out; a KMS error comes back as *kmsError.
func (b *backend) kmsCall(ctx context.Context, region, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base.String()+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", authHeader("kms", region))
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("storage backend: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("storage backend: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		return &kmsError{status: resp.StatusCode, code: e.Type, msg: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// kmsError is an error answer of KMS.
type kmsError struct {
	status    int
	code, msg string
}

func (e *kmsError) Error() string { return e.code + ": " + e.msg }

func isKMSNotFound(err error) bool {
	var ke *kmsError
	return errors.As(err, &ke) && ke.code == "NotFoundException"
}

// xmlText returns the text of the first element named name in an XML
// document, "" when there is none.
func xmlText(doc []byte, name string) string {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			var s string
			if dec.DecodeElement(&s, &se) != nil {
				return ""
			}
			return strings.TrimSpace(s)
		}
	}
}
