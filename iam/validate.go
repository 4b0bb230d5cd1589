package iam

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// checkAction validates one Action or NotAction value: "*" or
// "service:Operation", where the operation may hold * and ? wildcards.
func checkAction(a string, pos source.Pos, el *errList) {
	if a == "*" || ident.Has(a) {
		return
	}
	i := strings.IndexByte(a, ':')
	switch {
	case i < 0:
		el.add(pos, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: found "+quoteStr(a),
			`write the action as service:Operation, e.g. "s3:GetObject"`)
		return
	case strings.IndexByte(a[i+1:], ':') >= 0:
		el.add(pos, "Actions/Condition can contain only one colon.: found "+quoteStr(a), `write the action as service:Operation, e.g. "kms:Decrypt"`)
		return
	case i == 0:
		el.add(pos, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: found "+quoteStr(a), "")
		return
	}
	for j := 0; j < i; j++ {
		c := a[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*' || c == '?') {
			el.add(pos, "Vendor "+a[:i]+" is not valid in action "+quoteStr(a), "a service prefix holds only letters, digits and dashes, e.g. s3, kms, cloudfront")
			return
		}
	}
	if blank(a[i+1:]) {
		el.add(pos, "Syntax errors in policy: action "+quoteStr(a)+" names no operation", blankActionHint(a[:i]))
	}
}

// An action whose operation is empty or only white space ("s3:",
// "s3:   ") names no operation, so it can match no request. Whether IAM
// refuses such a document when it is stored is UNCONFIRMED: the IAM
// User Guide (policy elements: Action) only says the action name "must
// match an action that is supported by the service". We refuse both
// spellings alike, in policies and in requests, because the usual cause
// is a lost asterisk ("s3:*" whose * a template or a Markdown renderer
// ate) and a statement that matches nothing would pass unnoticed.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

func blankActionHint(svc string) string {
	return `name the operation after the colon, e.g. "` + svc + `:GetObject", or write "` + svc + `:*" for all of them (a lost * is the usual cause)`
}

// CheckRequestAction reports why a is not the action of a request: it
// must be service:Operation with one colon, a service prefix and an
// operation that is not empty or white space (as in policies, see
// [FromNode]). It returns nil for a valid action and for one that holds
// an [ident] symbol.
func CheckRequestAction(a string) error {
	if ident.Has(a) {
		return nil
	}
	svc, op, ok := strings.Cut(a, ":")
	switch {
	case !ok || strings.Contains(op, ":") || blank(svc):
		return &Error{Code: CodeInput, Msg: "the action must be service:Operation, found " + quoteStr(a), Hint: `e.g. "s3:GetObject" or "kms:Decrypt"`}
	case blank(op):
		return &Error{Code: CodeInput, Msg: "the action " + quoteStr(a) + " names no operation", Hint: blankActionHint(svc)}
	}
	return nil
}

// checkResource validates one Resource or NotResource value: "*" or an ARN
// (arn:partition:service:region:account:resource, wildcards allowed).
func checkResource(r string, pos source.Pos, kind Kind, el *errList) {
	if r == "*" || ident.Has(r) {
		return
	}
	if strings.HasPrefix(r, "arn:") && (strings.Count(r, ":") >= 5 || (strings.HasSuffix(r, "*") && strings.Count(r, ":") >= 2)) {
		return
	}
	msg := "Resource " + r + ` must be in ARN format or "*".`
	if kind == Resource {
		msg = "Policy has invalid resource: " + quoteStr(r) + " is not an ARN"
	}
	hint := `write a full ARN such as "arn:aws:s3:::bucket-name/*", or "*"`
	if strings.HasPrefix(r, "arn:") {
		hint = "an ARN has six parts separated by colons (arn:partition:service:region:account:resource); keep the empty ones, as in arn:aws:s3:::bucket-name/*"
	}
	el.add(pos, msg, hint)
}

// checkPrincipalValue validates one value of a Principal or NotPrincipal
// element of the given type ("AWS", "Service", "Federated", "CanonicalUser").
func checkPrincipalValue(typ, v string, pos source.Pos, el *errList) {
	if ident.Has(v) {
		return
	}
	bad := func(hint string) {
		el.add(pos, "Invalid principal in policy: "+quoteStr(typ)+":"+quoteStr(v), hint)
	}
	switch typ {
	case "AWS":
		if v == "*" || isAccountID(v) || isUniqueID(v) {
			return
		}
		if strings.ContainsAny(v, "*?") {
			bad("AWS principals can't hold wildcards other than a whole \"*\"; to match many principals use \"*\" with a condition on aws:PrincipalArn (ArnLike)")
			return
		}
		if _, ok := parseIAMARN(v); ok {
			return
		}
		bad("write a 12-digit account ID, arn:aws:iam::ACCOUNT:root, a user or role ARN, an assumed-role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), or an origin access identity ARN")
	case "Service":
		if v == "" || strings.ContainsAny(v, " */:") {
			bad(`a service principal is a service's DNS-style name, e.g. "cloudfront.amazonaws.com"`)
		}
	case "CanonicalUser":
		if len(v) != 64 || strings.Trim(v, "0123456789abcdefABCDEF") != "" {
			bad("an S3 canonical user ID is 64 hexadecimal digits")
		}
	case "Federated":
		if v == "" {
			bad("name the identity provider, e.g. cognito-identity.amazonaws.com or a SAML provider ARN")
		}
	}
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isUniqueID reports whether s looks like an IAM unique ID (AIDA..., AROA...),
// which AWS shows in place of a principal ARN whose user or role was deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !(strings.HasPrefix(s, "AIDA") || strings.HasPrefix(s, "AROA") || strings.HasPrefix(s, "AIPA") || strings.HasPrefix(s, "ANPA")) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
