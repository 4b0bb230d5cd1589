package terraform

import (
	"strings"

	"github.com/s3front/s3front/source"
)

// accountFlags are the --account values: an account for every provider
// configuration whose account the configuration does not fix, and one
// per provider alias (--account west=111122223333).
type accountFlags struct {
	all     string
	byAlias map[string]string
}

// parseAccounts reads --account values: ID or alias=ID, where alias is a
// provider alias (west, or aws.west) and ID 12 digits.
func parseAccounts(vals []string) (accountFlags, []*source.Error) {
	a := accountFlags{byAlias: map[string]string{}}
	var errs []*source.Error
	for _, v := range vals {
		alias, id, hasAlias := strings.Cut(v, "=")
		if !hasAlias {
			alias, id = "", v
		}
		alias = strings.TrimSpace(alias)
		id = strings.TrimSpace(id)
		if !isAccountID(id) {
			errs = append(errs, source.Errorf(source.Pos{File: "--account"}, "write --account 111122223333, or --account alias=111122223333 for the provider configuration with that alias",
				"invalid value %q: an AWS account ID is 12 digits", v))
			continue
		}
		if !hasAlias {
			a.all = id
			continue
		}
		if _, name, ok := strings.Cut(alias, "."); ok {
			alias = name // aws.west=...
		}
		if alias == "" {
			errs = append(errs, source.Errorf(source.Pos{File: "--account"}, "write --account alias=111122223333", "invalid value %q: the provider alias is empty", v))
			continue
		}
		a.byAlias[alias] = id
	}
	return a, errs
}

// forAlias is the account --account gives the provider configuration with
// the alias ("" for a default configuration).
func (a accountFlags) forAlias(alias string) (string, bool) {
	if alias != "" {
		if id, ok := a.byAlias[alias]; ok {
			return id, true
		}
	}
	return a.all, a.all != ""
}
