// Package edit applies changes to the user's files: the patches of
// `s3front fix`, the steps of `s3front migrate oai-to-oac`, and the
// plans of other commands that change infrastructure code.
//
// Edits keep the file as the user wrote it. Terraform is located with
// hclsyntax (exact byte ranges of blocks, attributes and expressions) and
// written with hclwrite: new blocks and attributes are formatted by
// hclwrite, and a file that was formatted as `terraform fmt` formats it
// still is afterwards. CloudFormation YAML is located with the YAML node
// API and changed in place, so comments, blank lines and the quoting the
// user chose survive; JSON (templates, heredocs, policy files) likewise,
// with the indentation of the surrounding document. Nothing is ever
// written but through a [Set], which holds the original and the edited
// text of each file, renders unified diffs ([Set.Diff]) and the
// line-level replacements SARIF fixes carry ([Set.ReportEdits]).
package edit
