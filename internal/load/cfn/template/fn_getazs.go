package template

import (
	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnGetAZs resolves Fn::GetAZs: the Availability Zones of a Region depend
// on the account, so the list is never known offline.
func (e *Evaluator) fnGetAZs(call, arg *source.Node) (*source.Node, error) {
	_, region, err := e.stringArg(arg, "Fn::GetAZs", "the Region")
	if err != nil {
		return nil, err
	}
	if region == "" {
		region = e.cfg.Pseudo.Region
	}
	return e.unknown("Fn::GetAZs "+ident.Render(region), "the Availability Zones of an account are only known to AWS", call.Pos, true), nil
}
