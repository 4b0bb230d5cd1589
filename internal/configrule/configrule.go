// Package configrule is s3front in continuous mode: the handler of the
// `s3front lambda` function, which AWS Config invokes as a custom rule and
// EventBridge as the target of PutBucketEncryption calls.
//
// As a Config rule it evaluates S3 buckets: COMPLIANT when the default
// encryption is SSE-KMS under the required key (rule parameter keyArn,
// with bucketKey "true" when a Bucket Key is required), NON_COMPLIANT
// otherwise, NOT_APPLICABLE when the bucket left the rule's scope. The
// annotation says why, and adds the interlock's verdict: whether switching
// the bucket (or leaving it as it is, for a compliant bucket) breaks what
// CloudFront serves from it, and what to do first. Automatic remediation
// should act only on buckets whose annotation says "safe".
//
// As an EventBridge target it looks at each PutBucketEncryption call that
// CloudTrail records, and reports at once when the new encryption breaks a
// distribution's reads: the seed outage, caught at the change instead of
// at the next upload.
package configrule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3front/s3front/internal/enforce"
	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/internal/reencrypt"
	"github.com/s3front/s3front/model"
)

// Evaluator sends evaluations to AWS Config.
type Evaluator interface {
	PutEvaluations(context.Context, *configservice.PutEvaluationsInput, ...func(*configservice.Options)) (*configservice.PutEvaluationsOutput, error)
}

// Buckets reads buckets' encryption (oversized and periodic
// notifications carry none).
type Buckets interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// Handler handles one invocation.
type Handler struct {
	// Estate reads what serves the account's buckets (a live read); nil,
	// or an error, leaves the interlock's verdict out of the annotations.
	Estate  func(ctx context.Context) (*model.Config, error)
	Config  Evaluator
	Buckets Buckets
	// KeyARN is the required key when the rule has no keyArn parameter
	// (and for EventBridge events); BucketKey likewise.
	KeyARN    string
	BucketKey bool
	// Log receives one JSON line per verdict (CloudWatch Logs).
	Log io.Writer
	// Now stamps periodic evaluations.
	Now func() time.Time
}

// Evaluation is the verdict on one bucket, as logged and returned.
type Evaluation struct {
	Bucket     string            `json:"bucket"`
	Compliance string            `json:"compliance"`
	Reason     string            `json:"reason"`
	Compliant  bool              `json:"compliant"`
	Safe       *bool             `json:"safe,omitempty"`
	Interlock  string            `json:"interlock,omitempty"`
	Breaks     []interlock.Break `json:"breaks,omitempty"`
	First      []interlock.Step  `json:"first,omitempty"`
	Annotation string            `json:"annotation"`
	Source     string            `json:"source"`
}

// Response is what an invocation returns.
type Response struct {
	Evaluations []Evaluation `json:"evaluations"`
}

// Compliance types (AWS Config).
const (
	Compliant     = "COMPLIANT"
	NonCompliant  = "NON_COMPLIANT"
	NotApplicable = "NOT_APPLICABLE"
)

// Invoke handles a Config rule event or an EventBridge event.
func (h *Handler) Invoke(ctx context.Context, payload []byte) (*Response, error) {
	var probe struct {
		InvokingEvent string          `json:"invokingEvent"`
		ResultToken   string          `json:"resultToken"`
		DetailType    string          `json:"detail-type"`
		Detail        json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, fmt.Errorf("event is not JSON: %v", err)
	}
	switch {
	case probe.InvokingEvent != "":
		return h.config(ctx, payload)
	case probe.DetailType != "" && len(probe.Detail) > 0:
		return h.eventBridge(ctx, payload)
	}
	return nil, errors.New("event is neither an AWS Config rule event (invokingEvent) nor an EventBridge event (detail-type)")
}

type configEvent struct {
	InvokingEvent  string `json:"invokingEvent"`
	RuleParameters string `json:"ruleParameters"`
	ResultToken    string `json:"resultToken"`
	EventLeftScope bool   `json:"eventLeftScope"`
}

type invokingEvent struct {
	MessageType              string             `json:"messageType"`
	NotificationCreationTime string             `json:"notificationCreationTime"`
	ConfigurationItem        *configurationItem `json:"configurationItem"`
	ConfigurationItemSummary *configurationItem `json:"configurationItemSummary"`
}

type configurationItem struct {
	ResourceType                 string                     `json:"resourceType"`
	ResourceName                 string                     `json:"resourceName"`
	ResourceID                   string                     `json:"resourceId"`
	ConfigurationItemStatus      string                     `json:"configurationItemStatus"`
	ConfigurationItemCaptureTime string                     `json:"configurationItemCaptureTime"`
	SupplementaryConfiguration   map[string]json.RawMessage `json:"supplementaryConfiguration"`
}

type ruleParameters struct {
	KeyArn    string `json:"keyArn"`
	BucketKey string `json:"bucketKey"`
}

// encryption is a bucket's default encryption as an event shows it.
type encryption struct {
	Algorithm string
	KeyID     string
	BucketKey bool
	Known     bool
}

func (h *Handler) config(ctx context.Context, payload []byte) (*Response, error) {
	var ev configEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, fmt.Errorf("AWS Config event: %v", err)
	}
	var inv invokingEvent
	if err := json.Unmarshal([]byte(ev.InvokingEvent), &inv); err != nil {
		return nil, fmt.Errorf("AWS Config event: invokingEvent: %v", err)
	}
	key, bk := h.KeyARN, h.BucketKey
	if ev.RuleParameters != "" {
		var p ruleParameters
		if err := json.Unmarshal([]byte(ev.RuleParameters), &p); err != nil {
			return nil, fmt.Errorf("AWS Config event: ruleParameters: %v", err)
		}
		if p.KeyArn != "" {
			key = p.KeyArn
		}
		if p.BucketKey != "" {
			bk = strings.EqualFold(p.BucketKey, "true")
		}
	}
	if key == "" {
		return nil, errors.New("no required key: set the rule parameter keyArn (or S3FRONT_KEY_ARN)")
	}
	type target struct {
		bucket string
		enc    encryption
		stamp  time.Time
		gone   bool
	}
	var targets []target
	switch inv.MessageType {
	case "ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification":
		ci := inv.ConfigurationItem
		if ci == nil {
			ci = inv.ConfigurationItemSummary
		}
		if ci == nil || ci.ResourceType != "AWS::S3::Bucket" {
			return &Response{}, nil
		}
		t := target{bucket: ci.ResourceName, stamp: parseTime(ci.ConfigurationItemCaptureTime, inv.NotificationCreationTime)}
		t.gone = ev.EventLeftScope || ci.ConfigurationItemStatus == "ResourceDeleted" || ci.ConfigurationItemStatus == "ResourceDeletedNotRecorded"
		if !t.gone {
			t.enc = fromItem(ci)
			if !t.enc.Known {
				var err error
				if t.enc, err = h.read(ctx, t.bucket); err != nil {
					return nil, err
				}
			}
		}
		targets = append(targets, t)
	case "ScheduledNotification":
		if h.Buckets == nil {
			return nil, errors.New("a periodic evaluation needs S3 access (ListBuckets, GetBucketEncryption)")
		}
		out, err := h.Buckets.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			return nil, fmt.Errorf("s3:ListAllMyBuckets: %v", err)
		}
		stamp := parseTime(inv.NotificationCreationTime, "")
		for _, b := range out.Buckets {
			enc, err := h.read(ctx, aws.ToString(b.Name))
			if err != nil {
				return nil, err
			}
			targets = append(targets, target{bucket: aws.ToString(b.Name), enc: enc, stamp: stamp})
		}
	default:
		return nil, fmt.Errorf("AWS Config event: message type %q is not one s3front evaluates", inv.MessageType)
	}
	estate, estateErr := h.estate(ctx)
	resp := &Response{}
	var evals []cstypes.Evaluation
	for _, t := range targets {
		var e Evaluation
		if t.gone {
			e = Evaluation{Bucket: t.bucket, Compliance: NotApplicable, Reason: "the bucket left the rule's scope or was deleted", Source: "config"}
			e.Annotation = e.Reason
		} else {
			e = h.evaluate(ctx, t.bucket, t.enc, key, bk, estate, estateErr, "config")
		}
		resp.Evaluations = append(resp.Evaluations, e)
		h.log(e)
		stamp := t.stamp
		if stamp.IsZero() {
			stamp = h.now()
		}
		evals = append(evals, cstypes.Evaluation{
			ComplianceResourceType: aws.String("AWS::S3::Bucket"), ComplianceResourceId: aws.String(t.bucket),
			ComplianceType: cstypes.ComplianceType(e.Compliance), Annotation: aws.String(e.Annotation), OrderingTimestamp: aws.Time(stamp),
		})
	}
	if h.Config != nil && ev.ResultToken != "" {
		// PutEvaluations takes at most 100 evaluations per call.
		for i := 0; i < len(evals); i += 100 {
			_, err := h.Config.PutEvaluations(ctx, &configservice.PutEvaluationsInput{Evaluations: evals[i:min(i+100, len(evals))], ResultToken: aws.String(ev.ResultToken)})
			if err != nil {
				return resp, fmt.Errorf("config:PutEvaluations: %v", err)
			}
		}
	}
	return resp, nil
}

// eventBridge handles a CloudTrail PutBucketEncryption event.
func (h *Handler) eventBridge(ctx context.Context, payload []byte) (*Response, error) {
	var ev struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			EventSource       string `json:"eventSource"`
			EventName         string `json:"eventName"`
			ErrorCode         string `json:"errorCode"`
			RequestParameters struct {
				BucketName string          `json:"bucketName"`
				SSEConfig  json.RawMessage `json:"ServerSideEncryptionConfiguration"`
			} `json:"requestParameters"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, fmt.Errorf("EventBridge event: %v", err)
	}
	d := ev.Detail
	if d.EventSource != "s3.amazonaws.com" || (d.EventName != "PutBucketEncryption" && d.EventName != "DeleteBucketEncryption") || d.ErrorCode != "" {
		return &Response{}, nil
	}
	if h.KeyARN == "" {
		return nil, errors.New("no required key: set S3FRONT_KEY_ARN")
	}
	enc := fromCloudTrail(d.RequestParameters.SSEConfig)
	if d.EventName == "DeleteBucketEncryption" {
		enc = encryption{Algorithm: "AES256", Known: true}
	}
	if !enc.Known {
		var err error
		if enc, err = h.read(ctx, d.RequestParameters.BucketName); err != nil {
			return nil, err
		}
	}
	estate, estateErr := h.estate(ctx)
	e := h.evaluate(ctx, d.RequestParameters.BucketName, enc, h.KeyARN, h.BucketKey, estate, estateErr, "eventbridge:"+d.EventName)
	h.log(e)
	return &Response{Evaluations: []Evaluation{e}}, nil
}

func (h *Handler) estate(ctx context.Context) (*model.Config, error) {
	if h.Estate == nil {
		return nil, errors.New("no estate reader")
	}
	return h.Estate(ctx)
}

// evaluate gives the compliance of a bucket with encryption enc, and the
// interlock's verdict from the estate.
func (h *Handler) evaluate(ctx context.Context, bucket string, enc encryption, key string, bk bool, estate *model.Config, estateErr error, source string) Evaluation {
	e := Evaluation{Bucket: bucket, Source: source}
	under := (enc.Algorithm == "aws:kms" || enc.Algorithm == "aws:kms:dsse") && reencrypt.SameKey(enc.KeyID, key) && (!bk || enc.BucketKey)
	e.Compliant = under
	switch {
	case under:
		e.Compliance = Compliant
		e.Reason = "default encryption is SSE-KMS under the required key"
	case enc.Algorithm == "aws:kms" && enc.KeyID == "":
		e.Compliance, e.Reason = NonCompliant, "default encryption uses the AWS managed key aws/s3, not the required key"
	case enc.Algorithm == "aws:kms" && reencrypt.SameKey(enc.KeyID, key):
		e.Compliance, e.Reason = NonCompliant, "default encryption is SSE-KMS under the required key without the required Bucket Key"
	case strings.HasPrefix(enc.Algorithm, "aws:kms"):
		e.Compliance, e.Reason = NonCompliant, "default encryption is "+enc.Algorithm+" under "+enc.KeyID+", not the required key"
	default:
		e.Compliance, e.Reason = NonCompliant, "default encryption is "+orNone(enc.Algorithm)+", not SSE-KMS under the required key"
	}
	switch {
	case estateErr != nil || estate == nil:
		e.Interlock = "cannot determine what reads the bucket"
		if estateErr != nil {
			e.Interlock += ": " + estateErr.Error()
		}
	default:
		v, note, err := enforce.VerdictFor(ctx, withEncryption(estate, bucket, enc), true, bucket, key, bk, false)
		switch {
		case err != nil:
			e.Interlock = "cannot determine: " + err.Error()
		case v == nil:
			e.Interlock = note
		default:
			safe := v.Safe
			e.Safe = &safe
			e.Breaks, e.First = v.Breaks, v.First
			e.Interlock = interlockText(v, e.Compliant)
		}
	}
	e.Annotation = annotate(e)
	return e
}

// withEncryption returns estate with bucket's default encryption as the
// event shows it (the live read may predate the change).
func withEncryption(estate *model.Config, bucket string, enc encryption) *model.Config {
	c := *estate
	c.Buckets = make([]*model.Bucket, len(estate.Buckets))
	for i, b := range estate.Buckets {
		if b.Name.Known && b.Name.V == bucket && enc.Known {
			nb := *b
			src := b.Encryption.Algorithm.Src
			nb.Encryption = model.Encryption{Algorithm: model.Known(enc.Algorithm, src), KeyID: model.Known(enc.KeyID, src), BucketKey: model.Known(enc.BucketKey, src)}
			b = &nb
		}
		c.Buckets[i] = b
	}
	return &c
}

func interlockText(v *enforce.Verdict, compliant bool) string {
	switch {
	case v.Status == interlock.Unsafe && compliant:
		return "its encryption breaks delivery: " + breaksText(v)
	case v.Status == interlock.Unsafe:
		return "UNSAFE to remediate: " + breaksText(v)
	case v.Status == interlock.Unknown:
		return "cannot determine whether remediation is safe: " + strings.Join(v.Missing, "; ")
	case compliant:
		return "delivery works"
	case len(v.Readers) == 0:
		return "safe to remediate (no distribution reads it)"
	}
	return "safe to remediate (" + strings.Join(v.Readers, ", ") + " can decrypt)"
}

func breaksText(v *enforce.Verdict) string {
	var bs []string
	for _, b := range v.Breaks {
		bs = append(bs, fmt.Sprintf("%s %s (%s)", b.Distribution, b.Scenario, b.Rule))
	}
	var first []string
	for _, s := range v.First {
		first = append(first, s.Do)
	}
	return strings.Join(dedupe(bs), ", ") + "; first: " + strings.Join(first, ", then ")
}

// annotate fits the reason and the verdict into Config's 256 characters.
func annotate(e Evaluation) string {
	s := e.Reason
	if e.Interlock != "" {
		s += "; " + e.Interlock
	}
	if len(s) > 256 {
		s = s[:253] + "..."
	}
	return s
}

func (h *Handler) read(ctx context.Context, bucket string) (encryption, error) {
	if h.Buckets == nil {
		return encryption{}, fmt.Errorf("bucket %s: the event carries no encryption and the function has no S3 access", bucket)
	}
	out, err := h.Buckets.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ServerSideEncryptionConfigurationNotFoundError" {
		return encryption{Known: true}, nil
	}
	if err != nil {
		return encryption{}, fmt.Errorf("bucket %s: s3:GetEncryptionConfiguration: %v", bucket, err)
	}
	e := encryption{Known: true}
	if c := out.ServerSideEncryptionConfiguration; c != nil && len(c.Rules) > 0 {
		r := c.Rules[0]
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			e.Algorithm, e.KeyID = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
		}
		e.BucketKey = aws.ToBool(r.BucketKeyEnabled)
	}
	return e, nil
}

// fromItem reads the default encryption from a configuration item's
// supplementary configuration (an object, or a JSON string holding one).
func fromItem(ci *configurationItem) encryption {
	raw, ok := ci.SupplementaryConfiguration["ServerSideEncryptionConfiguration"]
	if !ok {
		return encryption{}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	var c struct {
		Rules []struct {
			Default *struct {
				SSEAlgorithm   string `json:"sseAlgorithm"`
				KMSMasterKeyID string `json:"kmsMasterKeyID"`
			} `json:"applyServerSideEncryptionByDefault"`
			BucketKeyEnabled bool `json:"bucketKeyEnabled"`
		} `json:"rules"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return encryption{}
	}
	e := encryption{Known: true}
	if len(c.Rules) > 0 {
		if d := c.Rules[0].Default; d != nil {
			e.Algorithm, e.KeyID = d.SSEAlgorithm, d.KMSMasterKeyID
		}
		e.BucketKey = c.Rules[0].BucketKeyEnabled
	}
	return e
}

// fromCloudTrail reads the encryption from PutBucketEncryption's request
// parameters as CloudTrail records them.
func fromCloudTrail(raw json.RawMessage) encryption {
	var c struct {
		Rule json.RawMessage `json:"Rule"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &c) != nil || len(c.Rule) == 0 {
		return encryption{}
	}
	type rule struct {
		Default *struct {
			SSEAlgorithm   string `json:"SSEAlgorithm"`
			KMSMasterKeyID string `json:"KMSMasterKeyID"`
		} `json:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled bool `json:"BucketKeyEnabled"`
	}
	var rs []rule
	if json.Unmarshal(c.Rule, &rs) != nil {
		var r rule
		if json.Unmarshal(c.Rule, &r) != nil {
			return encryption{}
		}
		rs = []rule{r}
	}
	e := encryption{Known: true}
	if len(rs) > 0 {
		if d := rs[0].Default; d != nil {
			e.Algorithm, e.KeyID = d.SSEAlgorithm, d.KMSMasterKeyID
		}
		e.BucketKey = rs[0].BucketKeyEnabled
	}
	return e
}

func (h *Handler) log(e Evaluation) {
	if h.Log == nil {
		return
	}
	level := "info"
	if e.Safe != nil && !*e.Safe {
		level = "error"
	}
	b, _ := json.Marshal(struct {
		Level string `json:"level"`
		Evaluation
	}{level, e})
	fmt.Fprintf(h.Log, "%s\n", b)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func parseTime(ts ...string) time.Time {
	for _, s := range ts {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
