// Package modsrc fetches the remote Terraform modules a configuration
// calls, the way `terraform init` does, into a cache that later runs reuse.
//
// It reads no Terraform configuration: it is given a module call's source
// address and version constraint ([Request]) and returns the package tree
// and the module's directory in it ([Module]).
//
// # Sources
//
//   - Terraform registry addresses (`namespace/name/provider`,
//     `host/namespace/name/provider`, with `//subdir`): service discovery
//     (`/.well-known/terraform.json`, `modules.v1`), the `versions` list,
//     then `download` and its `X-Terraform-Get` location. Version
//     constraints select the newest matching version with Terraform's own
//     libraries (pre-releases only when named exactly).
//   - git (`git::https://…`, `git::ssh://…`, `git@host:path`,
//     `git::file://…`, the `github.com/org/repo` shorthand) with `?ref=`,
//     `?depth=` and `//subdir`, cloned by the `git` program, shallow where
//     possible.
//   - https archives (`.tar.gz`, `.tgz`, `.tar`, `.tar.bz2`, `.zip`, or
//     `?archive=`), and https URLs that answer with `X-Terraform-Get`.
//
// Anything else (s3::, gcs::, hg::, …) is an error naming the source.
//
// # Cache
//
// Packages are kept under [Options.CacheDir] (by default
// os.UserCacheDir()/s3front/modules), keyed by their address and the
// version or commit they resolved to. A package enters the cache by an
// atomic rename of a complete directory, so concurrent runs never see a
// partial one. Resolutions (a constraint to a version, a git ref to a
// commit) are recorded too: when a registry or git server cannot be
// reached, or [Options.Offline] is set, the cache answers alone.
//
// # Credentials
//
// Registry requests carry a bearer token for their host, from TF_TOKEN_<host>
// (dots as `_`, dashes as `__`) or from the Terraform CLI configuration
// (`credentials` blocks, credentials.tfrc.json, TF_CLI_CONFIG_FILE). The
// CLI configuration's `host` blocks override service discovery. Tokens are
// never written to errors or output.
//
// # Safety
//
// Archives are extracted with caps on download size, total size and entry
// count; entries that would land outside the package, and symbolic links
// that point outside it, are refused, in archives and git checkouts alike.
// Every network operation has a timeout and honours the context.
package modsrc
