package iam

import "strings"

// foldKey folds a condition key name: AWS compares key names without
// regard to case.
func foldKey(k string) string {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(k)
		}
	}
	return k
}

// kv is the value of a condition key in a request: n < 0 when the key is
// absent, n == 0 for a present but empty set.
type kv struct {
	list []string
	one  string
	n    int
}

func (v kv) at(i int) string {
	if v.list != nil {
		return v.list[i]
	}
	return v.one
}

func single(s string) kv { return kv{one: s, n: 1} }

var absent = kv{n: -1}

// reqCtx is the request as the evaluator sees it.
type reqCtx struct {
	in *Input
	p  reqPrincipal
}

// lookup returns the values of a folded key. Keys the caller did not set
// but that follow from the principal are derived: aws:PrincipalAccount,
// aws:PrincipalArn, aws:PrincipalType, aws:PrincipalIsAWSService,
// aws:PrincipalServiceName and aws:username.
func (rc *reqCtx) lookup(key string) kv {
	if vs, ok := rc.in.Request.Context[key]; ok {
		return kv{list: vs, n: len(vs)}
	}
	p := &rc.p
	switch key {
	case "aws:principalaccount":
		if p.typ == IAM && p.account != "" {
			return single(p.account)
		}
	case "aws:principalarn":
		if p.typ == IAM {
			if p.kind == pkSession {
				if a, ok := parseIAMARN(p.arn); ok {
					return single("arn:" + a.partition + ":iam::" + a.account + ":role/" + a.name)
				}
			}
			return single(p.arn)
		}
	case "aws:principaltype":
		switch p.typ {
		case Anonymous:
			return single("Anonymous")
		case IAM:
			switch p.kind {
			case pkAccount:
				return single("Account")
			case pkSession:
				return single("AssumedRole")
			case pkFederatedUser:
				return single("FederatedUser")
			}
			return single("User")
		}
	case "aws:principalisawsservice":
		switch p.typ {
		case Service:
			return single("true")
		case IAM, OAI:
			return single("false")
		}
	case "aws:principalservicename":
		if p.typ == Service {
			return single(p.arn)
		}
	case "aws:username":
		if p.typ == IAM && p.kind == pkUser {
			if a, ok := parseIAMARN(p.arn); ok {
				return single(a.name)
			}
		}
	}
	return absent
}
