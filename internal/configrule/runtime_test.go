package configrule_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3front/s3front/internal/configrule"
)

// fakeRuntime is the Lambda Runtime API: it hands out events in order,
// then answers 500, and records what the function posts.
type fakeRuntime struct {
	mu     sync.Mutex
	events []string
	posted map[string]string // path -> body
	errTyp map[string]string
}

func (f *fakeRuntime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "GET" && r.URL.Path == "/2018-06-01/runtime/invocation/next":
		if len(f.events) == 0 {
			w.WriteHeader(500)
			return
		}
		n := len(f.posted)
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", fmt.Sprintf("req-%d", n))
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
		io.WriteString(w, f.events[0])
		f.events = f.events[1:]
	case r.Method == "POST":
		b, _ := io.ReadAll(r.Body)
		f.posted[r.URL.Path] = string(b)
		f.errTyp[r.URL.Path] = r.Header.Get("Lambda-Runtime-Function-Error-Type")
		w.WriteHeader(202)
	default:
		w.WriteHeader(404)
	}
}

func TestRuntimeLoop(t *testing.T) {
	f := &fakeRuntime{events: []string{`{"ok":1}`, `bad`}, posted: map[string]string{}, errTyp: map[string]string{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var deadlines []bool
	err := configrule.Serve(context.Background(), strings.TrimPrefix(srv.URL, "http://"), srv.Client(), func(ctx context.Context, ev []byte) ([]byte, error) {
		_, ok := ctx.Deadline()
		deadlines = append(deadlines, ok)
		if string(ev) == "bad" {
			return nil, errors.New("event is not JSON")
		}
		return []byte(`{"got":` + string(ev) + `}`), nil
	})
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("loop ended with %v", err)
	}
	if got := f.posted["/2018-06-01/runtime/invocation/req-0/response"]; got != `{"got":{"ok":1}}` {
		t.Errorf("response %q", got)
	}
	if got := f.posted["/2018-06-01/runtime/invocation/req-1/error"]; !strings.Contains(got, `"errorMessage":"event is not JSON"`) || f.errTyp["/2018-06-01/runtime/invocation/req-1/error"] != "Unhandled" {
		t.Errorf("error %q", got)
	}
	if len(deadlines) != 2 || !deadlines[0] || !deadlines[1] {
		t.Errorf("deadlines %v", deadlines)
	}
}
