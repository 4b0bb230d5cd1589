package emulate

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
	"sync"
	"time"
)

// edgeCache is the data plane's cache: responses by distribution and
// cache key, dropped when they expire or when an invalidation created
// after them, whose path matches, has completed.
type edgeCache struct {
	mu sync.Mutex
	m  map[string]*cacheEntry
}

type cacheEntry struct {
	status  int
	header  http.Header
	body    []byte
	stored  time.Time
	expires time.Time
}

func newEdgeCache() *edgeCache { return &edgeCache{m: map[string]*cacheEntry{}} }

func (c *edgeCache) put(key string, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= 10000 {
		c.m = map[string]*cacheEntry{} // a local cache need not be clever
	}
	c.m[key] = e
}

// get returns a fresh entry for key, or nil.
func (c *edgeCache) get(key string, invs []edgeInvalidation, path string, now time.Time) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[key]
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		delete(c.m, key)
		return nil
	}
	for _, inv := range invs {
		if !inv.done || inv.created.Before(e.stored) {
			continue
		}
		for _, p := range inv.paths {
			if invalidates(p, path) {
				delete(c.m, key)
				return nil
			}
		}
	}
	return e
}

// invalidates reports whether an invalidation path covers a viewer path:
// equal, or a prefix ending in * [CloudFront invalidation paths].
func invalidates(p, path string) bool {
	if strings.HasSuffix(p, "*") {
		return strings.HasPrefix(path, strings.TrimSuffix(p, "*"))
	}
	return p == path
}

func xmlEscapeTo(b *bytes.Buffer, s string) error { return xml.EscapeText(b, []byte(s)) }
