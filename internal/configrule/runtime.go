package configrule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The Lambda Runtime API loop is written here rather than taken from
// aws-lambda-go: it is two calls, and owning it keeps the handler testable
// in process (aws-lambda-go's Start ends the process with log.Fatalf and
// reads package-level state).

const runtimePrefix = "/2018-06-01/runtime"

// maxEvent caps an event (Lambda's own synchronous payload limit is 6 MB).
const maxEvent = 6 << 20

// Serve runs the Runtime API loop against api (the host:port in
// AWS_LAMBDA_RUNTIME_API): it fetches each invocation, runs invoke with
// the invocation's deadline, and posts the response or the error. It
// returns when ctx is done or the Runtime API cannot be reached.
func Serve(ctx context.Context, api string, client *http.Client, invoke func(context.Context, []byte) ([]byte, error)) error {
	base := "http://" + api + runtimePrefix
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/invocation/next", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("runtime API: next invocation: %w", err)
		}
		event, err := io.ReadAll(io.LimitReader(resp.Body, maxEvent+1))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("runtime API: next invocation: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("runtime API: next invocation: %s", resp.Status)
		}
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		if id == "" {
			return errors.New("runtime API: next invocation has no Lambda-Runtime-Aws-Request-Id")
		}
		ictx, cancel := ctx, context.CancelFunc(func() {})
		if ms, err := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64); err == nil && ms > 0 {
			ictx, cancel = context.WithDeadline(ctx, time.UnixMilli(ms))
		}
		var out []byte
		var ierr error
		if len(event) > maxEvent {
			ierr = fmt.Errorf("event larger than %d bytes", maxEvent)
		} else {
			out, ierr = invoke(ictx, event)
		}
		cancel()
		if ierr != nil {
			body, _ := json.Marshal(map[string]string{"errorMessage": ierr.Error(), "errorType": "s3front.Error"})
			err = post(ctx, client, base+"/invocation/"+id+"/error", body, "Unhandled")
		} else {
			err = post(ctx, client, base+"/invocation/"+id+"/response", out, "")
		}
		if err != nil {
			return err
		}
	}
}

// InitError reports a failure to start to the Runtime API.
func InitError(ctx context.Context, api string, client *http.Client, cause error) error {
	body, _ := json.Marshal(map[string]string{"errorMessage": cause.Error(), "errorType": "s3front.InitError"})
	return post(ctx, client, "http://"+api+runtimePrefix+"/init/error", body, "Unhandled")
}

func post(ctx context.Context, client *http.Client, url string, body []byte, errType string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if errType != "" {
		req.Header.Set("Lambda-Runtime-Function-Error-Type", errType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("runtime API: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("runtime API: %s: %s", url, resp.Status)
	}
	return nil
}
