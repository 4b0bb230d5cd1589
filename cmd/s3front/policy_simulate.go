package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/s3front/s3front/iam"
	"github.com/s3front/s3front/ident"
	"github.com/spf13/cobra"
)

type simulateOpts struct {
	input            string
	format           string
	principal        string
	action           string
	resource         string
	resourceAccount  string
	context          []string
	resourcePolicy   string
	trustPolicy      string
	identityPolicies []string
	boundaries       []string
	sessionPolicy    string
	keyPolicy        bool
	explain          bool
	failOnDeny       bool
}

func newPolicySimulateCmd(e *env) *cobra.Command {
	o := &simulateOpts{}
	c := &cobra.Command{
		Use:   "simulate --input FILE | --principal P --action A --resource R [flags]",
		Short: "decide one request against IAM policies the way AWS does",
		Long: `simulate decides one request (principal, action, resource, condition keys)
against the policies that take part: identity policies, a resource policy
(bucket or KMS key policy) or a role's trust policy, permissions
boundaries, a session policy, VPC endpoint policies, SCPs and RCPs. It prints the decision (allow,
implicit-deny or explicit-deny) with the statements that decided it and,
for a deny, what would have to change.

The input is a JSON file (--input, "-" for standard input) or flags.
Exit status: 0 when the simulation ran, whatever the decision (1 with
--fail-on-deny when it is not allow); 2 on usage or input errors.`,
		Example: `  s3front policy simulate --input request.json --format json
  s3front policy simulate --principal cloudfront.amazonaws.com --action s3:GetObject \
      --resource arn:aws:s3:::site/index.html --resource-account 111122223333 \
      --context aws:SourceArn=arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL \
      --resource-policy bucket-policy.json
  s3front policy simulate --principal arn:aws:iam::111122223333:user/alice --action sts:AssumeRole \
      --resource arn:aws:iam::111122223333:role/deployer --trust-policy trust.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulate(e, cmd, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.input, "input", "", "simulation input file (JSON; - for standard input)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.principal, "principal", "", "request principal: an IAM ARN, an account ID, a service principal, an OAI ARN, or anonymous")
	f.StringVar(&o.action, "action", "", "request action, e.g. s3:GetObject")
	f.StringVar(&o.resource, "resource", "", "request resource ARN")
	f.StringVar(&o.resourceAccount, "resource-account", "", "account that owns the resource (default: the account in the --resource ARN, else the principal's)")
	f.StringArrayVar(&o.context, "context", nil, "condition key k=v (repeatable; k=v1,v2 or a repeated k gives several values)")
	f.StringVar(&o.resourcePolicy, "resource-policy", "", "resource policy file (bucket policy or KMS key policy)")
	f.StringVar(&o.trustPolicy, "trust-policy", "", "trust policy file of the role an sts:AssumeRole* request assumes (instead of --resource-policy)")
	f.StringArrayVar(&o.identityPolicies, "identity-policy", nil, "identity policy file of the principal (repeatable)")
	f.StringArrayVar(&o.boundaries, "permission-boundary", nil, "permissions boundary file (repeatable)")
	f.StringVar(&o.sessionPolicy, "session-policy", "", "session policy file")
	f.BoolVar(&o.keyPolicy, "key-policy", false, "the resource policy is a KMS key policy (default: true when --resource is a KMS key ARN)")
	f.BoolVar(&o.explain, "explain", false, "text output: also show how every statement compares with the request")
	f.BoolVar(&o.failOnDeny, "fail-on-deny", false, "exit with status 1 when the decision is not allow")
	return c
}

func runSimulate(e *env, cmd *cobra.Command, o *simulateOpts) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, not %q", o.format)}
	}
	requestFlags := o.principal != "" || o.action != "" || o.resource != "" || o.resourceAccount != "" || len(o.context) > 0 ||
		o.resourcePolicy != "" || o.trustPolicy != "" || len(o.identityPolicies) > 0 || len(o.boundaries) > 0 || o.sessionPolicy != "" || cmd.Flags().Changed("key-policy")
	var in *iam.Input
	var err error
	switch {
	case o.input != "" && requestFlags:
		return usageError{errors.New("--input can't be combined with the request and policy flags")}
	case o.input != "":
		in, err = readInputFile(e, o.input)
	case requestFlags:
		in, err = inputFromFlags(cmd, o)
	default:
		return usageError{errors.New("give --input FILE, or the request as flags (--principal, --action, --resource)")}
	}
	if err != nil {
		return reportInputError(e, err)
	}
	var res iam.Result
	var matches []iam.Match
	if o.explain && o.format == "text" {
		res, matches = iam.Explain(in)
	} else {
		res = iam.Evaluate(in)
	}
	if o.format == "json" {
		if err := writeSimulateJSON(e.stdout, res); err != nil {
			return err
		}
	} else {
		writeSimulateText(e.stdout, in, res, matches)
	}
	if o.failOnDeny && res.Decision != iam.Allowed {
		return &exitError{code: exitFindings}
	}
	return nil
}

func readInputFile(e *env, name string) (*iam.Input, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(e.stdin)
		name = "<stdin>"
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, inputReadError(err)
	}
	return iam.DecodeInput(name, data)
}

func inputReadError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return &iam.Error{Code: iam.CodeInput, Msg: pe.Path + ": " + pe.Err.Error(), Hint: "check the file name"}
	}
	return err
}

func readPolicyFile(name string, kind iam.Kind) (*iam.Policy, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, inputReadError(err)
	}
	return iam.Parse(name, data, kind)
}

func inputFromFlags(cmd *cobra.Command, o *simulateOpts) (*iam.Input, error) {
	if o.principal == "" || o.action == "" || o.resource == "" {
		return nil, usageError{errors.New("the flags form needs --principal, --action and --resource")}
	}
	p, err := iam.ParsePrincipal(o.principal)
	if err != nil {
		return nil, usageError{fmt.Errorf("--principal: %w", err)}
	}
	if err := iam.CheckRequestAction(o.action); err != nil {
		e := *err.(*iam.Error)
		e.Msg = "--action: " + e.Msg
		return nil, &e
	}
	if o.trustPolicy != "" && o.resourcePolicy != "" {
		return nil, usageError{errors.New("--trust-policy and --resource-policy can't be combined: a role's resource policy is its trust policy")}
	}
	if o.trustPolicy != "" && o.keyPolicy {
		return nil, usageError{errors.New("--trust-policy and --key-policy can't be combined: a trust policy belongs to a role, a key policy to a KMS key")}
	}
	in := &iam.Input{Request: iam.Request{Principal: p, Action: o.action, Resource: o.resource, ResourceAccount: o.resourceAccount, Context: iam.Context{}}}
	if in.Request.ResourceAccount == "" {
		in.Request.ResourceAccount = iam.ARNAccount(o.resource)
	}
	for _, kv := range o.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--context %q: write key=value", kv)}
		}
		old, _ := in.Request.Context.Get(k)
		in.Request.Context.Set(k, append(old, strings.Split(v, ",")...)...)
	}
	if o.resourcePolicy != "" {
		if in.ResourcePolicy, err = readPolicyFile(o.resourcePolicy, iam.Resource); err != nil {
			return nil, err
		}
	}
	if o.trustPolicy != "" {
		if in.ResourcePolicy, err = readPolicyFile(o.trustPolicy, iam.Trust); err != nil {
			return nil, err
		}
		in.TrustPolicy = true
	}
	for _, f := range o.identityPolicies {
		pol, err := readPolicyFile(f, iam.Identity)
		if err != nil {
			return nil, err
		}
		in.IdentityPolicies = append(in.IdentityPolicies, pol)
	}
	for _, f := range o.boundaries {
		pol, err := readPolicyFile(f, iam.Boundary)
		if err != nil {
			return nil, err
		}
		in.PermissionBoundaries = append(in.PermissionBoundaries, pol)
	}
	if o.sessionPolicy != "" {
		if in.SessionPolicy, err = readPolicyFile(o.sessionPolicy, iam.Session); err != nil {
			return nil, err
		}
	}
	if cmd.Flags().Changed("key-policy") {
		in.KeyPolicy = o.keyPolicy
	} else {
		in.KeyPolicy = !in.TrustPolicy && iam.GovernedByKeyPolicy(o.resource)
	}
	if !in.TrustPolicy && !in.KeyPolicy {
		in.TrustPolicy = iam.GovernedByTrustPolicy(o.action, o.resource)
	}
	return in, nil
}

// reportInputError prints every positioned error as
// "s3front: file:line:col: message" plus its hint, and ends with status 2.
func reportInputError(e *env, err error) error {
	var ue usageError
	if errors.As(err, &ue) {
		return err
	}
	var list iam.Errors
	var one *iam.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = iam.Errors{one}
	default:
		return err
	}
	for _, x := range list {
		fmt.Fprintf(e.stderr, "s3front: %s\n", x.Error())
	}
	return &exitError{code: exitUsage}
}

// jsonReason is one reason in the JSON output.
type jsonReason struct {
	Kind       string `json:"kind"`
	Policy     string `json:"policy,omitempty"`
	PolicyKind string `json:"policy_kind,omitempty"`
	Level      *int   `json:"level,omitempty"`
	Sid        string `json:"sid,omitempty"`
	Statement  *int   `json:"statement,omitempty"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Col        int    `json:"col,omitempty"`
	Pointer    string `json:"pointer,omitempty"`
	Message    string `json:"message"`
	Fix        string `json:"fix,omitempty"`
}

func writeSimulateJSON(w io.Writer, res iam.Result) error {
	out := struct {
		Decision iam.Decision `json:"decision"`
		Reasons  []jsonReason `json:"reasons"`
	}{Decision: res.Decision, Reasons: []jsonReason{}}
	for _, r := range res.Reasons {
		jr := jsonReason{Kind: r.Kind.String(), Policy: r.Policy, PolicyKind: r.PolicyKind.String(),
			File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, Pointer: r.Pos.Pointer, Message: r.Message, Fix: r.Fix}
		if r.Kind == iam.NeedsNoPermission {
			jr.PolicyKind = "" // no policy took part
		}
		if r.Level >= 0 {
			l := r.Level
			jr.Level = &l
		}
		if r.Statement != nil {
			jr.Sid = r.Statement.Sid
			i := r.Statement.Index
			jr.Statement = &i
		}
		out.Reasons = append(out.Reasons, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeSimulateText(w io.Writer, in *iam.Input, res iam.Result, matches []iam.Match) {
	r := &in.Request
	fmt.Fprintf(w, "%s: %s on %s by %s\n", res.Decision, ident.Render(r.Action), ident.Render(r.Resource), principalLabel(r.Principal))
	switch res.Decision {
	case iam.Allowed:
		if len(res.Reasons) > 0 && res.Reasons[0].Kind == iam.NeedsNoPermission {
			fmt.Fprintln(w, "AWS would allow this request without consulting any policy:")
		} else {
			fmt.Fprintln(w, "AWS would allow this request. Allowed by:")
		}
	case iam.ExplicitDeny:
		fmt.Fprintln(w, "AWS would deny this request: a Deny statement applies, and a Deny wins over every Allow.")
	case iam.ImplicitDeny:
		fmt.Fprintln(w, "AWS would deny this request: nothing that must allow it does.")
	default:
		fmt.Fprintln(w, "The outcome depends on values the input does not fix.")
	}
	for _, x := range res.Reasons {
		if res.Decision == iam.Allowed && x.Kind != iam.StatementAllows && x.Kind != iam.NeedsNoPermission {
			continue
		}
		loc := x.Pos.String()
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(w, "  - %s%s\n", loc, x.Message)
		if x.Fix != "" && res.Decision != iam.Allowed {
			fmt.Fprintf(w, "    fix: %s\n", x.Fix)
		}
	}
	if len(matches) > 0 {
		fmt.Fprintln(w, "statements:")
		for _, m := range matches {
			name := "statement " + strconv.Itoa(m.Statement.Index)
			if m.Statement.Sid != "" {
				name = strconv.Quote(m.Statement.Sid)
			}
			fmt.Fprintf(w, "  %s %s of %s: applies=%s principal=%s action=%s resource=%s", m.Statement.Pos, name, m.PolicyKind, m.Applies, m.Principal, m.Action, m.Resource)
			for _, c := range m.Conditions {
				fmt.Fprintf(w, " %s(%s)=%s", c.Condition.Operator, c.Condition.Key, c.Result)
			}
			fmt.Fprintln(w)
		}
	}
}

func principalLabel(p iam.Principal) string {
	switch p.Type {
	case iam.Anonymous:
		return "anonymous"
	case iam.Service:
		return "service principal " + ident.Render(p.ARN)
	case iam.OAI:
		return "origin access identity " + ident.Render(p.ARN)
	}
	return ident.Render(p.ARN)
}
