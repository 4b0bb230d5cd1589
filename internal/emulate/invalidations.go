package emulate

import (
	"net/http"
	"slices"
	"strings"
)

// maxInvalidationPaths is CloudFront's limit of paths in one batch.
const maxInvalidationPaths = 3000

func (s *Server) invalidationStatus(inv *invalidation) string {
	if s.deployed(inv.created) {
		return "Completed"
	}
	return "InProgress"
}

func (s *Server) invalidationNode(inv *invalidation) *node {
	return elem("Invalidation",
		leaf("Id", inv.id),
		leaf("Status", s.invalidationStatus(inv)),
		leaf("CreateTime", awsTime(inv.created)),
		inv.batch.clone())
}

func paths(batch *node) []string {
	var out []string
	for _, p := range batch.items("Paths") {
		out = append(out, p.text)
	}
	return out
}

func (s *Server) createInvalidation(c *call) error {
	batch, err := c.body("InvalidationBatch")
	if err != nil {
		return err
	}
	ps := paths(batch)
	if len(ps) == 0 {
		return errInvalidArgument("The invalidation batch must list at least one path.")
	}
	if len(ps) > maxInvalidationPaths {
		return errorf(http.StatusRequestEntityTooLarge, "BatchTooLarge", "Invalidation batch specified is too large: %d paths, at most %d.", len(ps), maxInvalidationPaths)
	}
	for _, p := range ps {
		if !strings.HasPrefix(p, "/") {
			return errInvalidArgument("Your request contains one or more invalid invalidation paths: %q does not start with /.", clip(p))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	loc := func(inv *invalidation) string {
		return c.location("distribution/" + d.id + "/invalidation/" + inv.id)
	}
	// The same CallerReference again: the earlier invalidation when the
	// paths are the same, an error when they differ (API reference).
	for _, inv := range d.invalidations {
		if inv.batch.value("CallerReference") == batch.value("CallerReference") {
			if slices.Equal(paths(inv.batch), ps) {
				return c.reply(http.StatusCreated, "", loc(inv), s.invalidationNode(inv))
			}
			return errorf(http.StatusConflict, "InvalidationBatchAlreadyExists", "The CallerReference %s was already used for invalidation %s with other paths.", batch.value("CallerReference"), inv.id)
		}
	}
	inv := &invalidation{id: s.ids.invalidationID(), created: s.now(), batch: batch}
	d.invalidations = append(d.invalidations, inv)
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusCreated, "", loc(inv), s.invalidationNode(inv))
}

func (s *Server) getInvalidation(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	id := pathID(c, "InvalidationId")
	for _, inv := range d.invalidations {
		if inv.id == id {
			return c.reply(http.StatusOK, "", "", s.invalidationNode(inv))
		}
	}
	return errorf(http.StatusNotFound, "NoSuchInvalidation", "The specified invalidation does not exist.")
}

// listInvalidations lists newest first, as CloudFront does; the marker is
// the ID of the last invalidation of the previous page.
func (s *Server) listInvalidations(c *call) error {
	pg, err := c.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.distribution(c)
	if err != nil {
		return err
	}
	all := slices.Clone(d.invalidations)
	slices.Reverse(all)
	start := 0
	if pg.marker != "" {
		start = len(all)
		for i, inv := range all {
			if inv.id == pg.marker {
				start = i + 1
				break
			}
		}
	}
	rest := all[start:]
	truncated := len(rest) > pg.max
	if truncated {
		rest = rest[:pg.max]
	}
	var ids []string
	var items []*node
	for _, inv := range rest {
		ids = append(ids, inv.id)
		items = append(items, elem("InvalidationSummary",
			leaf("Id", inv.id), leaf("CreateTime", awsTime(inv.created)), leaf("Status", s.invalidationStatus(inv))))
	}
	return c.reply(http.StatusOK, "", "", listNode("InvalidationList", pg, ids, truncated, items, true))
}
