// Package template reads AWS CloudFormation templates (YAML with short
// tags, or JSON) into a positioned tree and evaluates their intrinsic
// functions.
//
// # Reading
//
// [Parse] turns a template into a [source.Node] tree in which every node
// keeps its file, line, column and JSON pointer. YAML short tags become
// the long forms JSON templates use (`!Ref X` is `{"Ref": "X"}`,
// `!GetAtt A.B` is `{"Fn::GetAtt": "A.B"}`), so the rest of the loader
// sees one syntax. Syntax errors, duplicate keys and structural errors
// (a resource without a Type) are [*source.Error] values at the position
// of the problem.
//
// # Evaluating
//
// An [Evaluator] resolves the intrinsic functions of a value: Ref,
// Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If,
// Fn::FindInMap, Fn::ImportValue, Fn::Base64, Fn::Cidr, Fn::GetAZs,
// Fn::Length, Fn::ToJsonString, Fn::Transform, and the condition functions
// Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition; [Evaluator.ExpandForEach]
// expands Fn::ForEach loops of the Resources section. Each function lives
// in its own fn_*.go file with its test.
//
// Values that cannot be known offline (a parameter without a value,
// Fn::ImportValue, Fn::GetAZs, a condition that depends on them) become
// [github.com/s3front/s3front/ident] symbols of kind Any, and the
// evaluator reports each through [Config.Note]; it never guesses.
// Identities of resources (a bucket's generated name, a distribution's
// ID) come from the [Resolver] the caller supplies, so that the same
// resource always yields the same symbol. AWS::NoValue resolves to nil:
// the property, array element or object member disappears.
package template
