package cfn

import (
	"time"

	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

const suppressHint = "write Metadata: {s3front: {ignore: [{id: RULE-ID, reason: \"why\", expires: YYYY-MM-DD}]}}"

// suppressions reads Metadata.s3front.ignore of a resource.
func (l *loader) suppressions(s *stack, r *template.Resource) error {
	if r.Metadata == nil || r.Metadata.Kind != source.Object {
		return nil
	}
	sf := r.Metadata.Get("s3front")
	if sf == nil {
		return nil
	}
	if sf.Kind != source.Object {
		return source.Errorf(sf.Pos, suppressHint, "Metadata.s3front of %s must be a mapping, found %s", r.ID, sf.Describe())
	}
	for _, f := range sf.Fields {
		if f.Key != "ignore" {
			return source.Errorf(f.KeyPos, suppressHint, "unknown key %q in Metadata.s3front of %s", f.Key, r.ID)
		}
	}
	ign := sf.Get("ignore")
	if ign == nil {
		return nil
	}
	if ign.Kind != source.Array {
		return source.Errorf(ign.Pos, suppressHint, "Metadata.s3front.ignore of %s must be a list, found %s", r.ID, ign.Describe())
	}
	for _, e := range ign.Elems {
		sup := model.Suppression{Resource: s.ref(r.ID), Src: model.Src{Resource: s.ref(r.ID), Pos: e.Pos}}
		switch e.Kind {
		case source.String:
			// The short form names the rule only.
			sup.Rule = e.Text
		case source.Object:
			for _, f := range e.Fields {
				if f.Value.Kind != source.String && f.Value.Kind != source.Number {
					return source.Errorf(f.Value.Pos, suppressHint, "%s of a suppression must be a string, found %s", f.Key, f.Value.Describe())
				}
				switch f.Key {
				case "id", "rule":
					sup.Rule = f.Value.Text
				case "reason":
					sup.Reason = f.Value.Text
				case "expires":
					if _, err := time.Parse("2006-01-02", f.Value.Text); err != nil {
						return source.Errorf(f.Value.Pos, "write the date as YYYY-MM-DD, e.g. 2026-12-31", "expires %q of a suppression is not a date", f.Value.Text)
					}
					sup.Expires = f.Value.Text
				default:
					return source.Errorf(f.KeyPos, suppressHint, "unknown key %q in a suppression", f.Key)
				}
			}
		default:
			return source.Errorf(e.Pos, suppressHint, "a suppression is {id: RULE-ID, reason: ...}, found %s", e.Describe())
		}
		if sup.Rule == "" {
			return source.Errorf(e.Pos, suppressHint, "the suppression names no rule (id)")
		}
		l.cfg.Suppressions = append(l.cfg.Suppressions, sup)
	}
	return nil
}
