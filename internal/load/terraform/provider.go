package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
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
	p.account = model.Known(ident.New(ident.Account, p.addr), p.src)
	if p.cfg == nil {
		p.state = done
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
	if a := body.attr("allowed_account_ids"); a != nil {
		if ids := stringList(a.val); len(ids) == 1 && ident.Concrete(ids[0]) {
			p.account = model.Known(ids[0], model.Src{Resource: p.addr, Pos: a.pos})
			return p
		}
	}
	if ar := body.first("assume_role"); ar != nil {
		if a := ar.attr("role_arn"); a != nil {
			if s, ok := concreteString(a.val); ok {
				if acct := arnAccount(s); acct != "" {
					p.account = model.Known(acct, model.Src{Resource: p.addr, Pos: a.pos})
				}
			}
		}
	}
	return p
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
