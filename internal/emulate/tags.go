package emulate

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tags on distributions (the resources of this emulator that carry them).

func errInvalidTagging(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidTagging", format, args...)
}

// parseTags reads <Tags><Items><Tag><Key/><Value/></Tag>...</Items></Tags>.
func parseTags(n *node) ([]tag, error) {
	var out []tag
	seen := map[string]bool{}
	for _, t := range n.items() {
		k, v := t.value("Key"), t.value("Value")
		if k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 256 {
			return nil, errInvalidTagging("A tag key must have 1 to 128 characters and a value at most 256.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, errInvalidTagging("Tag keys starting with aws: are reserved for AWS use.")
		}
		if seen[k] {
			return nil, errInvalidTagging("The tag key %s appears twice.", k)
		}
		seen[k] = true
		out = append(out, tag{k, v})
	}
	return out, nil
}

func tagsNode(tags []tag) *node {
	items := elem("Items")
	for _, t := range tags {
		items.kids = append(items.kids, elem("Tag", leaf("Key", t.key), leaf("Value", t.value)))
	}
	return elem("Tags", items)
}

// taggedResource finds the distribution an ARN names.
func (s *Server) taggedResource(c *call) (*distribution, error) {
	arn := c.r.URL.Query().Get("Resource")
	if arn == "" {
		return nil, errInvalidArgument("The Resource parameter (an ARN) is required.")
	}
	id, ok := strings.CutPrefix(arn, "arn:aws:cloudfront::"+s.account+":distribution/")
	if d, exists := s.st.distributions[id]; ok && exists {
		return d, nil
	}
	return nil, errorf(http.StatusNotFound, "NoSuchResource", "A resource that was specified is not valid: %s.", clip(arn))
}

func (s *Server) listTags(c *call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.taggedResource(c)
	if err != nil {
		return err
	}
	return c.reply(http.StatusOK, "", "", tagsNode(d.tags))
}

// tagging answers TagResource (?Operation=Tag) and UntagResource
// (?Operation=Untag).
func (s *Server) tagging(c *call) error {
	switch c.r.URL.Query().Get("Operation") {
	case "Tag":
		body, err := c.body("Tags")
		if err != nil {
			return err
		}
		add, err := parseTags(body)
		if err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		d, err := s.taggedResource(c)
		if err != nil {
			return err
		}
		merged := slices.Clone(d.tags)
		for _, t := range add {
			replaced := false
			for i := range merged {
				if merged[i].key == t.key {
					merged[i].value, replaced = t.value, true
				}
			}
			if !replaced {
				merged = append(merged, t)
			}
		}
		if len(merged) > 50 {
			return errInvalidTagging("A distribution can have at most 50 tags.")
		}
		d.tags = merged
	case "Untag":
		body, err := c.body("TagKeys")
		if err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		d, err := s.taggedResource(c)
		if err != nil {
			return err
		}
		drop := map[string]bool{}
		for _, k := range body.items() {
			drop[k.text] = true
		}
		var kept []tag
		for _, t := range d.tags {
			if !drop[t.key] {
				kept = append(kept, t)
			}
		}
		d.tags = kept
	default:
		return errNotEmulated(c.r)
	}
	if err := s.commit(); err != nil {
		return err
	}
	return c.reply(http.StatusNoContent, "", "", nil)
}
