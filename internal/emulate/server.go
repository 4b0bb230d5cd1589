package emulate

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultAccount is the account ID the emulator answers for unless
// Options.Account says otherwise: 123456789012, the example account of
// AWS's documentation (and moto's default account).
const DefaultAccount = "123456789012"

// DefaultMaxBody caps a request body (CloudFront's largest configurations
// are far smaller).
const DefaultMaxBody = 1 << 20

// Options configure a Server. The zero value is an in-memory emulator for
// DefaultAccount.
type Options struct {
	// Account is the 12-digit account ID used in ARNs.
	Account string
	// StatePath, when set, is a JSON file holding the state: read at
	// start when it exists, replaced atomically after every change.
	StatePath string
	// DeployDelay is how long a created or updated distribution stays
	// InProgress (and an invalidation InProgress) before it is Deployed
	// (Completed). Zero: at once.
	DeployDelay time.Duration
	// MaxBodyBytes caps request bodies (default DefaultMaxBody).
	MaxBodyBytes int64
	// Now and Rand make runs reproducible in tests (default: the clock and
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// Log receives one line per request at debug level and state-file
	// failures at error level (default: discarded).
	Log *slog.Logger
	// Storage, when set, is the URL of a storage backend (a moto_server)
	// and turns on the local edge: S3, KMS and STS calls answered with
	// s3front's decisions in front of it, and each distribution's data
	// plane (see the package documentation).
	Storage string
	// Identities map access key IDs to principals for the edge; any other
	// key signs as the account's root user.
	Identities []Identity
}

// Server is the CloudFront API emulator: an http.Handler speaking the
// REST-XML wire format of API version 2020-05-31. It is safe for
// concurrent use.
type Server struct {
	account   string
	statePath string
	delay     time.Duration
	maxBody   int64
	now       func() time.Time
	ids       idSource
	log       *slog.Logger
	schema    schema
	mux       *http.ServeMux

	mu       sync.Mutex
	st       *state
	saved    []byte   // the state file's last good content
	xmlCache xmlCache // configurations' XML text in it

	front *front // the local edge, nil without Options.Storage
}

// NewServer builds an emulator, loading Options.StatePath when the file
// exists.
func NewServer(opts Options) (*Server, error) {
	sc, err := parseSchema(schemaText)
	if err != nil {
		return nil, err
	}
	s := &Server{
		account:   opts.Account,
		statePath: opts.StatePath,
		delay:     opts.DeployDelay,
		maxBody:   opts.MaxBodyBytes,
		now:       opts.Now,
		ids:       idSource{opts.Rand},
		log:       opts.Log,
		schema:    sc,
		st:        newState(),
	}
	if s.account == "" {
		s.account = DefaultAccount
	}
	if !validAccount(s.account) {
		return nil, fmt.Errorf("account %q is not a 12-digit AWS account ID", s.account)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ids.r == nil {
		s.ids.r = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.delay < 0 {
		return nil, fmt.Errorf("deploy delay %v is negative", s.delay)
	}
	if s.statePath != "" {
		data, err := readStateFile(s.statePath, 1<<30)
		if err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
		if data != nil {
			st, account, err := unmarshalState(data, sc)
			if err != nil {
				return nil, fmt.Errorf("state file %s: %w", s.statePath, err)
			}
			if account != s.account {
				return nil, fmt.Errorf("state file %s holds account %s, not %s\nhint: pass --account %s, or use another state file", s.statePath, account, s.account, account)
			}
			s.st, s.saved = st, data
		}
	}
	s.routes()
	if opts.Storage != "" {
		f, err := newFront(s, opts)
		if err != nil {
			return nil, err
		}
		s.front = f
	}
	return s, nil
}

func validAccount(a string) bool {
	if len(a) != 12 {
		return false
	}
	for _, c := range a {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Account is the account ID in the emulator's ARNs.
func (s *Server) Account() string { return s.account }

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.front != nil {
		s.front.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Running is a started emulator.
type Running struct {
	// URL is the endpoint to give clients (http://127.0.0.1:PORT).
	URL string
	// Addr is the address listened on.
	Addr net.Addr
	done chan error
}

// Wait blocks until the server has shut down (its context was cancelled)
// and returns the error that stopped it, nil after a clean shutdown.
func (r *Running) Wait() error { return <-r.done }

// Start listens on addr (host:port; port 0 picks a free one; an empty
// host means 127.0.0.1) and serves until ctx is cancelled, then shuts
// down gracefully. It returns once the listener is open.
func (s *Server) Start(ctx context.Context, addr string) (*Running, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	run := &Running{URL: "http://" + ln.Addr().String(), Addr: ln.Addr(), done: make(chan error, 1)}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	go func() {
		select {
		case err := <-serveErr:
			run.done <- err
		case <-ctx.Done():
			// Requests under way get two seconds to finish. Connections a
			// client opened but never used count as busy for Shutdown
			// (for five seconds), so what is left then is closed.
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := srv.Shutdown(sctx)
			if errors.Is(err, context.DeadlineExceeded) {
				s.log.Debug("closing connections still open after the grace period")
				err = srv.Close()
			}
			if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			run.done <- err
		}
	}()
	return run, nil
}

// Request plumbing.

// call is one request being answered.
type call struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	rid string
}

// handle wraps an operation: a request ID, the error body on failure.
func (s *Server) handle(op string, f func(c *call) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r, rid: s.ids.uuid()}
		w.Header().Set("x-amz-request-id", c.rid)
		err := f(c)
		s.log.Debug("request", "op", op, "method", r.Method, "path", r.URL.Path, "error", err)
		if err == nil {
			return
		}
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Error("internal error", "op", op, "error", err)
			ae = errorf(http.StatusInternalServerError, "InternalError", "%v", err)
		}
		c.xmlError(ae)
	}
}

func (c *call) xmlError(ae *apiError) {
	h := c.w.Header()
	h.Del("ETag")
	h.Del("Location")
	h.Set("Content-Type", "text/xml")
	c.w.WriteHeader(ae.status)
	c.w.Write(ae.body(c.rid))
}

// reply writes a successful XML response.
func (c *call) reply(status int, etag, location string, body *node) error {
	h := c.w.Header()
	if etag != "" {
		h.Set("ETag", etag)
	}
	if location != "" {
		h.Set("Location", location)
	}
	if body == nil {
		c.w.WriteHeader(status)
		return nil
	}
	h.Set("Content-Type", "text/xml")
	c.w.WriteHeader(status)
	c.w.Write(body.document())
	return nil
}

// location is the URL of a created resource on this endpoint.
func (c *call) location(path string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + "/2020-05-31/" + path
}

// body reads and validates the request body against the named shape.
func (c *call) body(root string) (*node, error) {
	data, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, c.s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge(c.s.maxBody)
		}
		return nil, errMalformedInput("could not read the request body")
	}
	if len(data) == 0 {
		return nil, errMissingBody()
	}
	n, err := parseXML(bytes.NewReader(data))
	if err != nil {
		return nil, errMalformedInput(err.Error())
	}
	if err := checkBody(n, c.s.schema[root]); err != nil {
		return nil, err
	}
	return n, nil
}

// ifMatch checks the If-Match header against the resource's ETag.
func (c *call) ifMatch(etag string) error {
	v := c.r.Header.Get("If-Match")
	if v == "" {
		return errIfMatchMissing()
	}
	if v != etag {
		return errPreconditionFailed()
	}
	return nil
}

// page holds a listing's Marker/MaxItems.
type page struct {
	marker string
	max    int
}

func (c *call) page() (page, error) {
	q := c.r.URL.Query()
	p := page{marker: q.Get("Marker"), max: 100}
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, errInvalidArgument("MaxItems must be a non-negative integer, not %q.", clip(v))
		}
		p.max = min(n, 1000)
	}
	return p, nil
}

// cut pages through IDs in ascending order: the IDs after the marker, at
// most max of them, and whether more follow.
func (p page) cut(ids []string) (out []string, truncated bool) {
	start := 0
	if p.marker != "" {
		for start < len(ids) && ids[start] <= p.marker {
			start++
		}
	}
	rest := ids[start:]
	if len(rest) > p.max {
		return rest[:p.max], true
	}
	return rest, false
}

// listNode builds the common listing envelope: Marker, NextMarker,
// MaxItems, IsTruncated, Quantity, Items.
func listNode(name string, p page, ids []string, truncated bool, items []*node, withMarker bool) *node {
	n := elem(name)
	if withMarker {
		n.kids = append(n.kids, leaf("Marker", p.marker))
	}
	if truncated && len(ids) > 0 {
		n.kids = append(n.kids, leaf("NextMarker", ids[len(ids)-1]))
	}
	n.kids = append(n.kids, leaf("MaxItems", strconv.Itoa(p.max)))
	if withMarker {
		n.kids = append(n.kids, leaf("IsTruncated", strconv.FormatBool(truncated)))
	}
	n.kids = append(n.kids, leaf("Quantity", strconv.Itoa(len(items))))
	if len(items) > 0 {
		n.kids = append(n.kids, elem("Items", items...))
	}
	return n
}

// commit saves the state after a change. When the file cannot be
// written, the change is undone (the state goes back to the file's) and
// the client gets an InternalError.
func (s *Server) commit() error {
	if s.statePath == "" {
		return nil
	}
	data, cache, err := s.st.marshal(s.account, s.xmlCache)
	if err == nil {
		err = writeFileAtomic(s.statePath, data)
	}
	if err != nil {
		s.log.Error("state file not written; change undone", "path", s.statePath, "error", err)
		s.st = newState()
		if s.saved != nil {
			if st, _, lerr := unmarshalState(s.saved, s.schema); lerr == nil {
				s.st = st
			}
		}
		return fmt.Errorf("state file %s not written: %v", s.statePath, err)
	}
	s.saved, s.xmlCache = data, cache
	return nil
}

// deployed reports whether a change made at t has finished deploying.
func (s *Server) deployed(t time.Time) bool {
	return s.delay == 0 || !s.now().Before(t.Add(s.delay))
}
