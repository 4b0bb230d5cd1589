package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/s3front/s3front/source"
	"github.com/zclconf/go-cty/cty"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/model"
)

// provInst is a provider configuration: it decides the Region, account
// and partition of the resources that use it.
type provInst struct {
	memo
	cfg      *providerCfg // nil for an implicit configuration
	mi       *modInst     // module instance that declares it
	addr     string       // provider.aws, provider.aws.west, module.x.provider.aws
	alias    string
	implicit bool
	firstUse hcl.Range

	region    model.Value[string]
	account   model.Value[string]
	partition string
	src       model.Src
}

// resolve evaluates the configuration (once).
func (p *provInst) resolve() *provInst {
	if p.state == done {
		return p
	}
	l := p.mi.l
	rng := p.firstUse
	if p.cfg != nil {
		rng = p.cfg.rng
	}
	p.src = model.Src{Resource: p.addr, Pos: posOf(rng)}
	p.partition = "aws"
	p.region = model.Known(ident.New(ident.Region, p.addr), p.src)
	p.account = model.Known(ident.New(ident.Account, accountSymbolName(p.addr)), p.src)
	if p.cfg == nil {
		p.state = done
		p.decideAccount(nil)
		return p
	}
	if !l.enter(&p.memo, p.addr, rng) {
		p.state = done
		return p
	}
	body := l.evalBody(p.cfg.body, "provider", posOf(rng), providerSchema, &scope{mi: p.mi}, false)
	l.leave(&p.memo, cty.NilVal)
	if a := body.attr("region"); a != nil {
		if s, ok := concreteString(a.val); ok && s != "" {
			p.region = model.Known(s, model.Src{Resource: p.addr, Pos: a.pos})
			p.partition = model.PartitionOf(s)
		}
	}
	p.decideAccount(body)
	return p
}

// accountSymbolName names the identity of a provider configuration's
// account when nothing fixes it: it reads well inside an ARN,
// arn:aws:cloudfront::${account of provider.aws}:distribution/...
func accountSymbolName(provAddr string) string { return "account of " + provAddr }

// decideAccount fixes the account of the provider configuration from, in
// order: allowed_account_ids (one entry, or the one --account picks),
// assume_role.role_arn, then --account. An --account that contradicts the
// configuration stops loading; an account nothing fixes stays an
// identity, and an unresolved input names --account for it.
func (p *provInst) decideAccount(body *evBlock) {
	l := p.mi.l
	alias := p.alias
	if p.cfg != nil {
		alias = p.cfg.alias
	}
	flag, hasFlag := l.accounts.forAlias(alias)
	var allowed []string
	var cfgAcct string
	var cfgAt source.Pos
	var cfgWhat string
	if a := body.attr("allowed_account_ids"); a != nil {
		if ids := stringList(a.val); len(ids) > 0 {
			for _, id := range ids {
				if ident.Concrete(id) {
					allowed = append(allowed, id)
				}
			}
			if len(ids) == 1 && len(allowed) == 1 {
				cfgAcct, cfgAt, cfgWhat = allowed[0], a.pos, "allowed_account_ids"
			}
		}
	}
	if ar := body.first("assume_role"); ar != nil && cfgAcct == "" {
		if a := ar.attr("role_arn"); a != nil {
			if s, ok := concreteString(a.val); ok {
				if acct := arnAccount(s); acct != "" {
					cfgAcct, cfgAt, cfgWhat = acct, a.pos, "assume_role.role_arn"
				}
			}
		}
	}
	switch {
	case hasFlag && cfgAcct != "" && flag != cfgAcct:
		l.fatalAt(cfgAt, "--account "+flag+" contradicts "+p.addr+", whose "+cfgWhat+" deploys to account "+cfgAcct,
			"drop --account, or pass the account the provider uses (--account alias=ID sets one provider alias)")
	case hasFlag && cfgAcct == "" && len(allowed) > 1 && !hasString(allowed, flag):
		a := body.attr("allowed_account_ids")
		l.fatalAt(a.pos, "--account "+flag+" is not one of the allowed_account_ids of "+p.addr+" ("+strings.Join(allowed, ", ")+")",
			"pass one of them, or fix allowed_account_ids")
	case cfgAcct != "":
		p.account = model.Known(cfgAcct, model.Src{Resource: p.addr, Pos: cfgAt})
	case hasFlag:
		p.account = model.Known(flag, model.Src{Resource: p.addr, Pos: source.Pos{File: "--account"}})
	default:
		how := "pass --account with its 12-digit ID"
		if alias != "" {
			how = "pass --account " + alias + "=ID (or --account ID for every provider configuration)"
		}
		l.unresolvedIfUsed(p.src.Pos, "the account of "+p.addr,
			"the configuration does not say which account "+p.addr+" deploys to: "+how+", or set allowed_account_ids or assume_role.role_arn in the provider; until then a policy that spells the account (a literal or a variable) can't be compared with the identities of its resources",
			accountSymbolName(p.addr))
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// arnAccount returns the 12-digit account of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	if isAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
