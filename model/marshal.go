package model

import (
	"bytes"
	"encoding/json"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/source"
)

// JSON form of values, used by snapshots (see snapshot.go):
//
//	"x"                                   known, no provenance recorded
//	{"value": "x", "src": {...}}          known, with where it was written
//	{"value": "x", "default": true, ...}  AWS's default for an absent setting
//	{"unknown": "why", "src": {...}}      unknown, with the missing input

type valueJSON[T any] struct {
	Value   *T     `json:"value,omitempty"`
	Default bool   `json:"default,omitempty"`
	Unknown string `json:"unknown,omitempty"`
	Src     *Src   `json:"src,omitempty"`
}

// MarshalJSON writes the compact form when nothing but the value is known.
func (v Value[T]) MarshalJSON() ([]byte, error) {
	if v.Known && !v.Default && v.Src.IsZero() {
		return json.Marshal(v.V)
	}
	out := valueJSON[T]{Default: v.Default}
	if !v.Src.IsZero() {
		s := v.Src
		out.Src = &s
	}
	if v.Known {
		x := v.V
		out.Value = &x
	} else {
		out.Unknown = v.Missing
		if out.Unknown == "" {
			out.Unknown = "unknown"
		}
	}
	return json.Marshal(out)
}

type policyJSON struct {
	Document  json.RawMessage       `json:"document,omitempty"`
	Name      string                `json:"name,omitempty"`
	Kind      string                `json:"kind,omitempty"`
	Default   bool                  `json:"default,omitempty"`
	Unknown   string                `json:"unknown,omitempty"`
	Error     string                `json:"error,omitempty"`
	Src       *Src                  `json:"src,omitempty"`
	Positions map[string]source.Pos `json:"positions,omitempty"`
	Form      string                `json:"form,omitempty"`
	WrittenIn string                `json:"written_in,omitempty"`
}

// MarshalJSON writes a policy as its document plus where each statement
// and element came from, so that a snapshot read back reports the
// original file positions.
func (p Policy) MarshalJSON() ([]byte, error) {
	out := policyJSON{Default: p.Default, Form: string(p.Form), WrittenIn: p.WrittenIn}
	if !p.Src.IsZero() {
		s := p.Src
		out.Src = &s
	}
	switch {
	case p.Err != nil:
		out.Error = p.Err.Error()
	case !p.Known:
		out.Unknown = p.Missing
		if out.Unknown == "" {
			out.Unknown = "unknown"
		}
	case p.V == nil:
		// known absence: no document
	default:
		doc, pos := PolicyDocument(p.V)
		out.Document = doc
		out.Name = p.V.Name
		out.Kind = kindName(p.V.Kind)
		out.Positions = pos
	}
	if out.Document == nil && out.Error == "" && out.Unknown == "" && !out.Default && out.Src == nil && out.Form == "" {
		return []byte("null"), nil
	}
	return json.Marshal(out)
}

func kindName(k iam.Kind) string {
	switch k {
	case iam.Identity:
		return "identity"
	case iam.Boundary:
		return "boundary"
	case iam.Session:
		return "session"
	case iam.SCP:
		return "scp"
	case iam.RCP:
		return "rcp"
	case iam.Endpoint:
		return "endpoint"
	}
	return "resource"
}

// PolicyKind parses the names written by snapshots.
func PolicyKind(s string) iam.Kind {
	switch s {
	case "identity":
		return iam.Identity
	case "boundary":
		return iam.Boundary
	case "session":
		return iam.Session
	case "scp":
		return iam.SCP
	case "rcp":
		return iam.RCP
	case "endpoint":
		return iam.Endpoint
	}
	return iam.Resource
}

// PolicyDocument renders a policy back to JSON (elements in AWS's usual
// order) and returns, keyed by JSON pointer, the source position of every
// statement, element and value, so that the positions survive a round trip.
func PolicyDocument(p *iam.Policy) (json.RawMessage, map[string]source.Pos) {
	pos := map[string]source.Pos{}
	put := func(ptr string, at source.Pos) {
		if !at.IsZero() {
			pos[ptr] = at
		}
	}
	put("", p.Pos)
	var b bytes.Buffer
	w := func(s string) { b.WriteString(s) }
	str := func(s string) {
		q, _ := json.Marshal(s)
		b.Write(q)
	}
	values := func(ptr string, v *iam.Values) {
		put(ptr, v.At)
		if len(v.Items) == 1 {
			str(v.Items[0])
			if len(v.Pos) == 1 {
				put(ptr, v.Pos[0])
			}
			return
		}
		w("[")
		for i, it := range v.Items {
			if i > 0 {
				w(",")
			}
			str(it)
			if i < len(v.Pos) {
				put(ptr+"/"+itoa(i), v.Pos[i])
			}
		}
		w("]")
	}
	principals := func(ptr string, pr *iam.Principals) {
		put(ptr, pr.At)
		if pr.Wildcard && pr.AWS == nil && pr.Service == nil && pr.Federated == nil && pr.CanonicalUser == nil {
			w(`"*"`)
			return
		}
		w("{")
		first := true
		for _, e := range []struct {
			k string
			v *iam.Values
		}{{"AWS", pr.AWS}, {"Service", pr.Service}, {"Federated", pr.Federated}, {"CanonicalUser", pr.CanonicalUser}} {
			if e.v == nil {
				continue
			}
			if !first {
				w(",")
			}
			first = false
			str(e.k)
			w(":")
			values(ptr+"/"+e.k, e.v)
		}
		w("}")
	}
	w("{")
	sep := ""
	if p.Version != "" {
		w(`"Version":`)
		str(p.Version)
		put("/Version", p.VersionPos)
		sep = ","
	}
	if p.ID != "" {
		w(sep + `"Id":`)
		str(p.ID)
		sep = ","
	}
	w(sep + `"Statement":[`)
	for i, s := range p.Statements {
		ptr := "/Statement/" + itoa(i)
		put(ptr, s.Pos)
		if i > 0 {
			w(",")
		}
		w("{")
		if s.Sid != "" {
			w(`"Sid":`)
			str(s.Sid)
			w(",")
		}
		w(`"Effect":`)
		str(s.Effect.String())
		for _, e := range []struct {
			k string
			v *iam.Principals
		}{{"Principal", s.Principal}, {"NotPrincipal", s.NotPrincipal}} {
			if e.v != nil {
				w(",")
				str(e.k)
				w(":")
				principals(ptr+"/"+e.k, e.v)
			}
		}
		for _, e := range []struct {
			k string
			v *iam.Values
		}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
			if e.v != nil {
				w(",")
				str(e.k)
				w(":")
				values(ptr+"/"+e.k, e.v)
			}
		}
		if len(s.Conditions) > 0 {
			w(`,"Condition":{`)
			// Group by operator, keeping first-seen order.
			var ops []string
			byOp := map[string][]*iam.Condition{}
			for _, c := range s.Conditions {
				if _, ok := byOp[c.Operator]; !ok {
					ops = append(ops, c.Operator)
				}
				byOp[c.Operator] = append(byOp[c.Operator], c)
			}
			for oi, op := range ops {
				if oi > 0 {
					w(",")
				}
				str(op)
				w(":{")
				for ci, c := range byOp[op] {
					if ci > 0 {
						w(",")
					}
					cptr := ptr + "/Condition/" + source.EscapePointer(op) + "/" + source.EscapePointer(c.Key)
					put(cptr, c.Pos)
					str(c.Key)
					w(":")
					if len(c.Values) == 1 {
						str(c.Values[0])
					} else {
						w("[")
						for vi, v := range c.Values {
							if vi > 0 {
								w(",")
							}
							str(v)
							if vi < len(c.ValuePos) {
								put(cptr+"/"+itoa(vi), c.ValuePos[vi])
							}
						}
						w("]")
					}
				}
				w("}")
			}
			w("}")
		}
		w("}")
	}
	w("]}")
	return json.RawMessage(b.Bytes()), pos
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
