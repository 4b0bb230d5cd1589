package modsrc

import (
	"fmt"
	"strings"

	versions "github.com/apparentlymart/go-versions/versions"
	version "github.com/hashicorp/go-version"
)

// Constraint is a parsed module version constraint ("", "1.2.0",
// "~> 4.0", ">= 1.0, < 2.0").
type Constraint struct {
	raw string
	req version.Constraints
}

// ParseConstraint parses a module call's version argument with
// Terraform's own constraint library. An empty string allows every
// version.
func ParseConstraint(s string) (Constraint, error) {
	if strings.TrimSpace(s) == "" {
		return Constraint{raw: s}, nil
	}
	req, err := version.NewConstraint(s)
	if err != nil {
		return Constraint{}, fmt.Errorf("invalid version constraint %q: %s", s, errText(err))
	}
	return Constraint{raw: s, req: req}, nil
}

// String is the constraint as written.
func (c Constraint) String() string { return c.raw }

// Allows reports whether v is acceptable, with Terraform's rule for
// pre-releases: a pre-release is acceptable only when the constraint
// names it exactly ("1.0.0-beta" or "=1.0.0-beta"), never through a
// range such as ">= 1.0.0-beta" or "~> 1.0".
func (c Constraint) Allows(v *version.Version) bool {
	if v.Prerelease() != "" && !c.requestsPrerelease(v) {
		return false
	}
	return c.req.Check(v)
}

// requestsPrerelease follows terraform init: the constraint, as
// go-version prints it, is read by apparentlymart/go-versions, whose
// version sets hold pre-releases only when selected exactly. A
// constraint that library cannot read (Terraform's "~>", or spaces after
// an operator) requests no pre-release.
func (c Constraint) requestsPrerelease(v *version.Version) bool {
	set, err := versions.MeetingConstraintsString(c.req.String())
	if err != nil {
		return false
	}
	pv, err := versions.ParseVersion(v.String())
	if err != nil {
		return false
	}
	return set.Has(pv)
}

// SelectVersion returns the newest of available that c allows, as
// terraform init chooses a registry module's version. Strings that are
// not versions are skipped. newest is the newest version considered at
// all (pre-releases not requested are not), for messages.
func SelectVersion(available []string, c Constraint) (match, newest string) {
	var best, top *version.Version
	for _, s := range available {
		v, err := version.NewVersion(s)
		if err != nil {
			continue
		}
		if v.Prerelease() != "" && !c.requestsPrerelease(v) {
			continue
		}
		if top == nil || v.GreaterThan(top) {
			top = v
		}
		if c.req.Check(v) && (best == nil || v.GreaterThan(best)) {
			best = v
		}
	}
	if top != nil {
		newest = top.String()
	}
	if best != nil {
		match = best.String()
	}
	return match, newest
}
