// Package terraform loads Terraform and OpenTofu configurations (HCL and
// JSON syntax) and `terraform show -json` output into the s3front model.
//
// # Evaluation
//
// [LoadDir] evaluates the root module the way Terraform plans it, without
// providers and without the network: variables (defaults, tfvars files,
// --var-file, --var, TF_VAR_*), locals, count, for_each and dynamic
// blocks, override files, local modules and modules installed by
// terraform init, and the Terraform functions real configurations use,
// with Terraform's semantics (testdata/parity holds calls and the values
// terraform console printed for them; TestParity holds s3front to them).
// Evaluation is demand driven and memoized at the granularity of
// Terraform's graph (one node per variable, local, output, resource and
// module call), so every expression is evaluated once and a reference
// cycle is reported with the positions of its members.
//
// What cannot be known offline stays unknown (see symbols.go): attributes
// AWS computes become identities of their resource (see the model
// package); an unset string variable becomes an ident.Any symbol, an
// unknown with an identity that functions and operators reading it see as
// unknown; an unset variable of another type, or an input used as a
// structure, is a cty unknown marked with its name. Every such input is
// listed as model.Unresolved, and messages name it as ${name}.
//
// # Mapping
//
// Each resource instance is turned into an evaluated block (attribute
// values with positions); the same builders map these blocks from HCL and
// from plan JSON to the model, so the two inputs cannot disagree.
package terraform
