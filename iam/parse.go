package iam

import (
	"errors"
	"strconv"

	"github.com/s3front/s3front/source"
)

// The two policy language versions AWS accepts.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Parse reads a policy document from JSON and validates it as a policy of
// the given kind (see [FromNode]). file names the document in positions.
//
// A JSON syntax error (a missing comma, an unclosed string) comes back as
// an [*Error] with Code [CodeSyntax] and the line and column of the
// problem; validation problems come back as an [*Error] or, when there are
// several, as [Errors]. Parse never panics, whatever data holds.
func Parse(file string, data []byte, kind Kind) (*Policy, error) {
	n, err := source.ParseJSON(file, data)
	if err != nil {
		return nil, syntaxError(err)
	}
	return FromNode(n, kind, file)
}

// syntaxError converts a [source.SyntaxError] into an [*Error].
func syntaxError(err error) error {
	var se *source.SyntaxError
	if errors.As(err, &se) {
		return &Error{Pos: se.Pos, Code: CodeSyntax, Msg: "Syntax errors in policy: " + se.Msg, Hint: se.Hint}
	}
	return &Error{Code: CodeSyntax, Msg: "Syntax errors in policy: " + err.Error()}
}

// FromNode validates a policy document given as a positioned tree and
// compiles it for evaluation. Loaders of Terraform (HCL) and
// CloudFormation (YAML) build such trees; [Parse] builds one from JSON.
// name identifies the policy in reasons and explanations (a file name, a
// Terraform address, an ARN).
//
// Validation follows what AWS refuses when a policy is stored: unknown
// elements, a Principal in an identity policy or a missing one in a
// resource policy or role trust policy, a Resource in a trust policy,
// NotPrincipal with Allow, both Action and NotAction, malformed actions
// and resource ARNs, unsupported condition operators, Version values
// other than [Version2012] and [Version2008], and duplicate or
// non-alphanumeric Sids where IAM refuses them. One refusal is ours: an
// action whose operation is empty or white space ("s3:", "s3:   ")
// names no action and is refused in both spellings, though whether IAM
// refuses it is UNCONFIRMED (see [CheckRequestAction]). Scalars
// (numbers, booleans) are accepted where strings are expected, as AWS
// does for condition values and as YAML loaders need for account IDs.
func FromNode(n *source.Node, kind Kind, name string) (*Policy, error) {
	var el errList
	if n == nil {
		el.add(source.Pos{File: name}, "Syntax errors in policy: the document is empty", "a policy is a JSON object with a Statement element")
		return nil, el.err()
	}
	p := &Policy{Name: name, Kind: kind, Pos: n.Pos}
	if n.Kind != source.Object {
		el.add(n.Pos, "Syntax errors in policy: a policy document must be a JSON object, found "+n.Describe(), `write {"Version": "2012-10-17", "Statement": [...]}`)
		return nil, el.err()
	}
	checkDuplicateKeys(n, &el)
	var stmtNode *source.Node
	for _, f := range n.Fields {
		switch f.Key {
		case "Version":
			p.VersionPos = f.Value.Pos
			if f.Value.Kind != source.String || (f.Value.Text != Version2012 && f.Value.Text != Version2008) {
				el.add(f.Value.Pos, "Invalid Version "+f.Value.Describe()+`: the policy language version must be "2012-10-17" or "2008-10-17"`,
					`use "2012-10-17", the current version (it is a fixed date, not today's date)`)
				continue
			}
			p.Version = f.Value.Text
		case "Id":
			if f.Value.Kind != source.String {
				el.add(f.Value.Pos, "Id must be a string, found "+f.Value.Describe(), "")
				continue
			}
			p.ID = f.Value.Text
		case "Statement":
			stmtNode = f.Value
		default:
			el.add(f.KeyPos, "Unknown field "+f.Key, unknownFieldHint(f.Key, topLevelFields))
		}
	}
	if stmtNode == nil {
		el.add(n.Pos, "Missing required field Statement", `add "Statement": [ ... ] with at least one statement`)
		return nil, el.err()
	}
	var stmts []*source.Node
	switch stmtNode.Kind {
	case source.Object:
		stmts = []*source.Node{stmtNode}
	case source.Array:
		stmts = stmtNode.Elems
		if len(stmts) == 0 {
			el.add(stmtNode.Pos, "Missing required field Statement: the Statement array is empty", "add at least one statement")
		}
	default:
		el.add(stmtNode.Pos, "Statement must be an object or an array of objects, found "+stmtNode.Describe(), "")
	}
	sids := map[string]source.Pos{}
	for i, sn := range stmts {
		st := parseStatement(sn, i, kind, &el)
		if st == nil {
			continue
		}
		if st.Sid != "" && sidMustBeUnique(kind) {
			if prev, dup := sids[st.Sid]; dup {
				el.add(sn.Pos, "Statement IDs (SID) in a single policy must be unique: "+quoteStr(st.Sid)+" is also the Sid of the statement at "+prev.String(),
					"rename one of the statements, or remove its Sid")
			} else {
				sids[st.Sid] = sn.Pos
			}
		}
		p.Statements = append(p.Statements, st)
	}
	if err := el.err(); err != nil {
		return nil, err
	}
	cp, err := compile(p)
	if err != nil {
		return nil, err
	}
	p.compiled = cp
	return p, nil
}

var topLevelFields = []string{"Version", "Id", "Statement"}

var statementFields = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// sidMustBeUnique reports whether AWS refuses duplicate Sids in a policy
// of this kind. IAM does for identity policies and permissions
// boundaries ("Statement IDs (SID) in a single policy must be unique");
// S3 bucket policies and KMS key policies accept them.
func sidMustBeUnique(k Kind) bool { return k == Identity || k == Boundary }

func parseStatement(n *source.Node, index int, kind Kind, el *errList) *Statement {
	if n.Kind != source.Object {
		el.add(n.Pos, "Syntax errors in policy: a statement must be a JSON object, found "+n.Describe(), "")
		return nil
	}
	checkDuplicateKeys(n, el)
	st := &Statement{Index: index, Pos: n.Pos}
	nerr := len(el.errs)
	var effectSeen bool
	for _, f := range n.Fields {
		v := f.Value
		switch f.Key {
		case "Sid":
			if v.Kind != source.String {
				el.add(v.Pos, "Sid must be a string, found "+v.Describe(), "")
				continue
			}
			st.Sid = v.Text
			if sidMustBeUnique(kind) && !alnum(v.Text) {
				el.add(v.Pos, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
					"IAM policies accept only letters and digits in a Sid; remove spaces, dashes and underscores")
			}
		case "Effect":
			effectSeen = true
			switch {
			case v.Kind == source.String && v.Text == "Allow":
				st.Effect = Allow
			case v.Kind == source.String && v.Text == "Deny":
				st.Effect = Deny
			default:
				hint := `Effect is "Allow" or "Deny", spelled with a capital letter`
				el.add(v.Pos, "Invalid effect: "+scalarText(v), hint)
			}
		case "Principal", "NotPrincipal":
			pr := parsePrincipals(f, el)
			if f.Key == "Principal" {
				st.Principal = pr
			} else {
				st.NotPrincipal = pr
			}
		case "Action", "NotAction":
			vals := stringValues(f, el)
			if vals != nil {
				for i, a := range vals.Items {
					checkAction(a, vals.Pos[i], el)
				}
			}
			if f.Key == "Action" {
				st.Action = vals
			} else {
				st.NotAction = vals
			}
		case "Resource", "NotResource":
			vals := stringValues(f, el)
			if vals != nil {
				for i, r := range vals.Items {
					checkResource(r, vals.Pos[i], kind, el)
				}
			}
			if f.Key == "Resource" {
				st.Resource = vals
			} else {
				st.NotResource = vals
			}
		case "Condition":
			st.Conditions = parseConditions(v, el)
		default:
			el.add(f.KeyPos, "Unknown field "+f.Key, unknownFieldHint(f.Key, statementFields))
		}
	}
	if !effectSeen {
		el.add(n.Pos, "Missing required field Effect", `add "Effect": "Allow" or "Effect": "Deny"`)
	}
	validateStatementShape(st, kind, n.Pos, el)
	if len(el.errs) > nerr {
		return nil
	}
	return st
}

// validateStatementShape checks the combinations of elements a statement
// of this kind may have.
func validateStatementShape(st *Statement, kind Kind, pos source.Pos, el *errList) {
	switch {
	case st.Action == nil && st.NotAction == nil:
		el.add(pos, "Policy statement must contain actions.", `add "Action": "service:Operation" (or NotAction)`)
	case st.Action != nil && st.NotAction != nil:
		el.add(st.NotAction.At, "Syntax errors in policy: a statement can't have both Action and NotAction", "keep one of them")
	}
	switch {
	case kind == Trust:
		// The resource of a trust policy is the role it is attached to.
		// IAM refuses a Resource element in it with "Has prohibited field
		// Resource" (the MalformedPolicyDocument message users report;
		// the IAM User Guide shows trust policies without one). That it
		// refuses NotResource too is UNCONFIRMED.
		for _, v := range []struct {
			name string
			vals *Values
		}{{"Resource", st.Resource}, {"NotResource", st.NotResource}} {
			if v.vals != nil {
				el.add(v.vals.At, "Has prohibited field "+v.name+" (a role trust policy applies to its role)",
					"remove "+v.name+": a trust policy names who may assume the role (Principal) and how (Action, Condition); what the role may do belongs in its permissions policies")
			}
		}
	case st.Resource == nil && st.NotResource == nil:
		el.add(pos, "Policy statement must contain resources.", `add "Resource": "arn:..." or "Resource": "*" (or NotResource)`)
	case st.Resource != nil && st.NotResource != nil:
		el.add(st.NotResource.At, "Syntax errors in policy: a statement can't have both Resource and NotResource", "keep one of them")
	}
	hasP := st.Principal != nil || st.NotPrincipal != nil
	if st.Principal != nil && st.NotPrincipal != nil {
		el.add(st.NotPrincipal.At, "Syntax errors in policy: a statement can't have both Principal and NotPrincipal", "keep one of them")
	}
	switch kind {
	case Identity, Boundary, Session, SCP:
		if hasP {
			at := principalAt(st)
			field := "Principal"
			if st.Principal == nil {
				field = "NotPrincipal"
			}
			hint := "an identity policy applies to the identity it is attached to: remove " + field + ", or put the statement in the resource's policy"
			if kind == SCP {
				hint = "service control policies apply to the principals of the accounts they are attached to: remove " + field
			}
			el.add(at, "Has prohibited field "+field+" (Policy document should not specify a principal.)", hint)
		}
	case Resource:
		if !hasP {
			el.add(pos, "Missing required field Principal", `a resource-based policy names who it applies to: add "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, {"Service": "cloudfront.amazonaws.com"} or "*"`)
		}
	case Trust:
		if !hasP {
			el.add(pos, "Missing required field Principal", `a role trust policy names who may assume the role: add "Principal": {"AWS": "arn:aws:iam::111122223333:user/name"}, {"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "lambda.amazonaws.com"}`)
		}
	case RCP:
		if st.Principal == nil && st.NotPrincipal == nil {
			el.add(pos, "Missing required field Principal: resource control policy statements name \"Principal\": \"*\"", `add "Principal": "*" and scope the statement with conditions`)
		}
		if st.Effect == Allow && !fullAccess(st) {
			el.add(pos, "Invalid Effect: resource control policies support only Deny statements (the only Allow is the AWS managed RCPFullAWSAccess: Principal, Action and Resource \"*\", no Condition)",
				"write the restriction as a Deny with conditions; every level already allows through RCPFullAWSAccess")
		}
		if st.NotPrincipal != nil {
			el.add(st.NotPrincipal.At, "Has prohibited field NotPrincipal: resource control policies support only \"Principal\": \"*\"", `use "Principal": "*" and a condition on aws:PrincipalArn`)
		}
		if st.Principal != nil && !st.Principal.Wildcard {
			el.add(st.Principal.At, "Invalid principal in policy: resource control policies support only \"Principal\": \"*\"", `use "Principal": "*" and a condition on aws:PrincipalArn`)
		}
	}
	if st.NotPrincipal != nil && st.Effect == Allow {
		el.add(st.NotPrincipal.At, "Invalid NotPrincipal: NotPrincipal must be used with \"Effect\":\"Deny\"; using it with \"Effect\":\"Allow\" is not supported",
			`grant to the principals by name with "Principal", or use "Principal": "*" with an ArnNotEquals condition on aws:PrincipalArn`)
	}
}

// fullAccess reports whether st is the statement of RCPFullAWSAccess.
func fullAccess(st *Statement) bool {
	return st.Principal != nil && st.Principal.Wildcard && st.Action != nil && len(st.Action.Items) == 1 && st.Action.Items[0] == "*" &&
		st.Resource != nil && len(st.Resource.Items) == 1 && st.Resource.Items[0] == "*" && len(st.Conditions) == 0
}

func principalAt(st *Statement) source.Pos {
	if st.Principal != nil {
		return st.Principal.At
	}
	return st.NotPrincipal.At
}

// checkDuplicateKeys reports members that appear twice in one object:
// AWS's parsers differ on which one wins, so a duplicate is a bug.
func checkDuplicateKeys(n *source.Node, el *errList) {
	if len(n.Fields) < 2 {
		return
	}
	for i := 1; i < len(n.Fields); i++ {
		for j := 0; j < i; j++ {
			if n.Fields[i].Key == n.Fields[j].Key {
				el.add(n.Fields[i].KeyPos, "Syntax errors in policy: duplicate field "+n.Fields[i].Key+" (also at "+n.Fields[j].KeyPos.String()+")",
					"merge the two into one element; when a key appears twice, only one of them takes effect")
				break
			}
		}
	}
}

// scalarText returns the text of a scalar node and reports whether n is one.
func scalar(n *source.Node) (string, bool) {
	switch n.Kind {
	case source.String, source.Number, source.Bool:
		return n.Text, true
	}
	return "", false
}

func scalarText(n *source.Node) string {
	if s, ok := scalar(n); ok {
		return s
	}
	return n.Describe()
}

// stringValues reads an element that holds a string or an array of
// strings.
func stringValues(f source.Field, el *errList) *Values {
	v := &Values{At: f.KeyPos}
	switch f.Value.Kind {
	case source.Array:
		if len(f.Value.Elems) == 0 {
			el.add(f.Value.Pos, "Syntax errors in policy: "+f.Key+" must not be an empty array", "list at least one value, or remove the element")
			return nil
		}
		for _, e := range f.Value.Elems {
			s, ok := scalar(e)
			if !ok {
				el.add(e.Pos, "Syntax errors in policy: "+f.Key+" values must be strings, found "+e.Describe(), "")
				continue
			}
			v.Items = append(v.Items, s)
			v.Pos = append(v.Pos, e.Pos)
		}
	default:
		s, ok := scalar(f.Value)
		if !ok {
			el.add(f.Value.Pos, "Syntax errors in policy: "+f.Key+" must be a string or an array of strings, found "+f.Value.Describe(), "")
			return nil
		}
		v.Items = []string{s}
		v.Pos = []source.Pos{f.Value.Pos}
	}
	return v
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// unknownFieldHint suggests the known field a misspelt one was meant to be.
func unknownFieldHint(key string, known []string) string {
	for _, k := range known {
		if equalFoldASCII(k, key) {
			return "element names are case-sensitive: write " + k
		}
	}
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return "did you mean " + best + "?"
	}
	return "the known elements are " + joinWords(known)
}

func joinWords(ws []string) string {
	s := ""
	for i, w := range ws {
		switch {
		case i == 0:
		case i == len(ws)-1:
			s += " and "
		default:
			s += ", "
		}
		s += w
	}
	return s
}

// editDistance is the Levenshtein distance of two short ASCII strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if lowerASCII(a[i-1]) != lowerASCII(b[j-1]) {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func quoteStr(s string) string { return strconv.Quote(s) }
