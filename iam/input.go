package iam

import (
	"errors"
	"strconv"

	"github.com/s3front/s3front/source"
)

// DecodeInput reads a simulation input: one JSON object naming a request
// and the policies that take part in deciding it.
//
//	{"request": {"principal": "arn:aws:iam::222222222222:role/x",
//	             "action": "s3:GetObject",
//	             "resource": "arn:aws:s3:::bucket/key",
//	             "resource_account": "111111111111",
//	             "context": {"aws:SourceArn": "...", "aws:TagKeys": ["a", "b"]}},
//	 "identity_policies": [ {policy}, ... ],
//	 "resource_policy": {policy},
//	 "key_policy": true,
//	 "trust_policy": {policy},
//	 "permission_boundaries": [ {policy} ],
//	 "session_policy": {policy},
//	 "vpc_endpoint_policies": [ {policy} ],
//	 "scps": [[ {policy}, ... ], ...],
//	 "rcps": [[ {policy}, ... ], ...],
//	 "aws_managed_resource": false,
//	 "service_linked_role": false}
//
// The principal is read by [ParsePrincipal]. Only "request" is required.
// "resource_account" defaults to the account in the resource ARN
// ([ARNAccount]); when neither says, the request is taken to stay in the
// principal's account.
// "scps" and "rcps" list the organization levels from the root down to
// the account; absent means no organization. "key_policy" says the
// resource policy is a KMS key policy; when it is absent it is true if
// the resource is a KMS key ARN ([GovernedByKeyPolicy]): aliases and
// requests on "*" such as kms:ListKeys are governed by no key policy.
// "trust_policy" is the trust policy of the role a request assumes,
// read as a [Trust] policy; it takes the place of "resource_policy"
// (give one of them) and sets [Input.TrustPolicy], which is also true
// without it for an sts: action on a role ARN ([GovernedByTrustPolicy]).
// A policy may be given as an object or as a string holding the policy
// JSON, as AWS APIs return it.
//
// Errors point into file, including errors in the embedded policies; a
// document with several problems gives [Errors].
func DecodeInput(file string, data []byte) (*Input, error) {
	n, err := source.ParseJSON(file, data)
	if err != nil {
		var se *source.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Pos: se.Pos, Code: CodeSyntax, Msg: se.Msg, Hint: se.Hint}
		}
		return nil, err
	}
	return InputFromNode(n)
}

// InputFromNode is [DecodeInput] for an input already parsed into a
// positioned tree (a case of a conformance corpus, for example).
func InputFromNode(n *source.Node) (*Input, error) {
	d := &inputDecoder{}
	in := d.input(n)
	if len(d.errs) > 0 {
		if len(d.errs) == 1 {
			return nil, d.errs[0]
		}
		return nil, d.errs
	}
	return in, nil
}

type inputDecoder struct {
	errs Errors
}

func (d *inputDecoder) fail(pos source.Pos, msg, hint string) {
	d.errs = append(d.errs, &Error{Pos: pos, Code: CodeInput, Msg: msg, Hint: hint})
}

var inputFields = []string{"request", "identity_policies", "resource_policy", "key_policy", "trust_policy", "permission_boundaries", "session_policy",
	"vpc_endpoint_policies", "scps", "rcps", "aws_managed_resource", "service_linked_role"}

var requestFields = []string{"principal", "action", "resource", "resource_account", "context", "canonical_user"}

func (d *inputDecoder) input(n *source.Node) *Input {
	in := &Input{}
	if n.Kind != source.Object {
		d.fail(n.Pos, "a simulation input must be a JSON object, found "+n.Describe(), `write {"request": {...}, "resource_policy": {...}}`)
		return in
	}
	var keyPolicy *bool
	var reqNode, resField, trustField, keyField *source.Field
	for i := range n.Fields {
		f := n.Fields[i]
		v := f.Value
		switch f.Key {
		case "request":
			reqNode = &n.Fields[i]
		case "identity_policies":
			in.IdentityPolicies = d.policyList(f, Identity)
		case "resource_policy":
			resField = &n.Fields[i]
			in.ResourcePolicy = d.policy(v, Resource, f.Key)
		case "trust_policy":
			trustField = &n.Fields[i]
			in.ResourcePolicy = d.policy(v, Trust, f.Key)
			in.TrustPolicy = true
		case "key_policy", "aws_managed_resource", "service_linked_role":
			if v.Kind != source.Bool {
				d.fail(v.Pos, f.Key+" must be true or false, found "+v.Describe(), "")
				continue
			}
			b := v.Text == "true"
			switch f.Key {
			case "key_policy":
				keyPolicy = &b
				keyField = &n.Fields[i]
			case "aws_managed_resource":
				in.AWSManagedResource = b
			default:
				in.ServiceLinkedRole = b
			}
		case "permission_boundaries":
			in.PermissionBoundaries = d.policyList(f, Boundary)
		case "session_policy":
			in.SessionPolicy = d.policy(v, Session, f.Key)
		case "vpc_endpoint_policies":
			in.EndpointPolicies = d.policyList(f, Endpoint)
		case "scps", "rcps":
			kind := SCP
			if f.Key == "rcps" {
				kind = RCP
			}
			lv := d.levels(f, kind)
			if kind == SCP {
				in.SCPs = lv
			} else {
				in.RCPs = lv
			}
		default:
			d.fail(f.KeyPos, "unknown field "+strconv.Quote(f.Key)+" in the simulation input", unknownFieldHint(f.Key, inputFields))
		}
	}
	if resField != nil && trustField != nil {
		d.fail(trustField.KeyPos, `"trust_policy" and "resource_policy" are both given`, "a role's resource policy is its trust policy: give it once, as trust_policy")
	}
	if trustField != nil && keyField != nil && keyPolicy != nil && *keyPolicy {
		d.fail(keyField.KeyPos, `"key_policy": true with "trust_policy"`, "a trust policy belongs to a role, a key policy to a KMS key: remove key_policy")
	}
	if reqNode == nil {
		d.fail(n.Pos, `missing required field "request"`, `add "request": {"principal": "...", "action": "...", "resource": "..."}`)
		return in
	}
	d.request(reqNode.Value, &in.Request)
	if in.Request.ResourceAccount == "" {
		in.Request.ResourceAccount = ARNAccount(in.Request.Resource)
	}
	if keyPolicy != nil {
		in.KeyPolicy = *keyPolicy
	} else {
		in.KeyPolicy = trustField == nil && GovernedByKeyPolicy(in.Request.Resource)
	}
	if !in.TrustPolicy && !in.KeyPolicy {
		in.TrustPolicy = GovernedByTrustPolicy(in.Request.Action, in.Request.Resource)
	}
	return in
}

func (d *inputDecoder) str(n *source.Node, what string) string {
	if s, ok := scalar(n); ok && n.Kind != source.Bool {
		return s
	}
	d.fail(n.Pos, what+" must be a string, found "+n.Describe(), "")
	return ""
}

func (d *inputDecoder) request(n *source.Node, r *Request) {
	if n.Kind != source.Object {
		d.fail(n.Pos, `"request" must be an object, found `+n.Describe(), "")
		return
	}
	var principalSeen bool
	for _, f := range n.Fields {
		v := f.Value
		switch f.Key {
		case "principal":
			principalSeen = true
			s := d.str(v, "request.principal")
			p, err := ParsePrincipal(s)
			if err != nil {
				d.fail(v.Pos, err.Error(), `for CloudFront origin access control write "cloudfront.amazonaws.com"; for a public request write "anonymous"`)
				continue
			}
			r.Principal = p
		case "canonical_user":
			r.Principal.CanonicalUser = d.str(v, "request.canonical_user")
		case "action":
			r.Action = d.str(v, "request.action")
			if r.Action != "" {
				if err := CheckRequestAction(r.Action); err != nil {
					e := err.(*Error)
					d.fail(v.Pos, "request.action: "+e.Msg, e.Hint)
				}
			}
		case "resource":
			r.Resource = d.str(v, "request.resource")
		case "resource_account":
			r.ResourceAccount = d.str(v, "request.resource_account")
		case "context":
			r.Context = d.context(v)
		default:
			d.fail(f.KeyPos, "unknown field "+strconv.Quote(f.Key)+" in request", unknownFieldHint(f.Key, requestFields))
		}
	}
	switch {
	case !principalSeen:
		d.fail(n.Pos, "missing request.principal", `e.g. "principal": "cloudfront.amazonaws.com"`)
	case r.Action == "":
		d.fail(n.Pos, "missing request.action", `e.g. "action": "s3:GetObject"`)
	case r.Resource == "":
		d.fail(n.Pos, "missing request.resource", `e.g. "resource": "arn:aws:s3:::bucket/key"`)
	}
}

func (d *inputDecoder) context(n *source.Node) Context {
	c := Context{}
	if n.Kind != source.Object {
		d.fail(n.Pos, "request.context must be an object of condition keys, found "+n.Describe(), `e.g. {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}`)
		return c
	}
	for _, f := range n.Fields {
		if _, dup := c[foldKey(f.Key)]; dup {
			d.fail(f.KeyPos, "condition key "+strconv.Quote(f.Key)+" appears twice (key names are case-insensitive)", "give all its values in one array")
			continue
		}
		switch f.Value.Kind {
		case source.Array:
			vals := make([]string, 0, len(f.Value.Elems))
			for _, e := range f.Value.Elems {
				if s, ok := scalar(e); ok {
					vals = append(vals, s)
				} else {
					d.fail(e.Pos, "context values must be strings, numbers or booleans, found "+e.Describe(), "")
				}
			}
			c.Set(f.Key, vals...)
		default:
			s, ok := scalar(f.Value)
			if !ok {
				d.fail(f.Value.Pos, "the value of context key "+strconv.Quote(f.Key)+" must be a string, number, boolean or array of them, found "+f.Value.Describe(), "")
				continue
			}
			c.Set(f.Key, s)
		}
	}
	return c
}

func (d *inputDecoder) policy(n *source.Node, kind Kind, name string) *Policy {
	if n.Kind == source.String {
		start := n.Pos
		start.Col++
		pn, err := source.ParseJSONAt(start, []byte(n.Text))
		if err != nil {
			var se *source.SyntaxError
			if errors.As(err, &se) {
				d.errs = append(d.errs, &Error{Pos: se.Pos, Code: CodeSyntax, Msg: "Syntax errors in policy: " + se.Msg, Hint: se.Hint})
			} else {
				d.fail(n.Pos, err.Error(), "")
			}
			return nil
		}
		n = pn
	}
	p, err := FromNode(n, kind, name)
	if err != nil {
		var es Errors
		var e *Error
		switch {
		case errors.As(err, &es):
			d.errs = append(d.errs, es...)
		case errors.As(err, &e):
			d.errs = append(d.errs, e)
		default:
			d.fail(n.Pos, err.Error(), "")
		}
		return nil
	}
	return p
}

func (d *inputDecoder) policyList(f source.Field, kind Kind) []*Policy {
	if f.Value.Kind != source.Array {
		d.fail(f.Value.Pos, f.Key+" must be an array of policies, found "+f.Value.Describe(), "wrap the policy in [ ]")
		return nil
	}
	out := make([]*Policy, 0, len(f.Value.Elems))
	for i, e := range f.Value.Elems {
		if p := d.policy(e, kind, f.Key+"["+strconv.Itoa(i)+"]"); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (d *inputDecoder) levels(f source.Field, kind Kind) [][]*Policy {
	if f.Value.Kind != source.Array {
		d.fail(f.Value.Pos, f.Key+" must be an array of organization levels, each an array of policies, found "+f.Value.Describe(), `e.g. "`+f.Key+`": [[{root policy}], [{account policy}]]`)
		return nil
	}
	out := make([][]*Policy, 0, len(f.Value.Elems))
	for i, lv := range f.Value.Elems {
		if lv.Kind != source.Array {
			d.fail(lv.Pos, f.Key+"["+strconv.Itoa(i)+"] must be an array of the policies attached at that level, found "+lv.Describe(), "wrap the level's policies in [ ]")
			continue
		}
		ps := make([]*Policy, 0, len(lv.Elems))
		for j, e := range lv.Elems {
			if p := d.policy(e, kind, f.Key+"["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]"); p != nil {
				ps = append(ps, p)
			}
		}
		out = append(out, ps)
	}
	return out
}
