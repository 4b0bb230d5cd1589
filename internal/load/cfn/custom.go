package cfn

import (
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

// customRes is a custom resource whose effect is applied once every stack
// is loaded.
type customRes struct {
	s     *stack
	r     *template.Resource
	props obj
}

// policyEdit is a change a custom resource makes to a policy at deploy
// time: a statement added (or replacing the one with the same Sid), and
// optionally the removal of OAI statements.
type policyEdit struct {
	stmt       *source.Node
	sid        string
	replaceSid bool
	dropOAI    bool
	by         string
}

// Custom resource types whose effect on the delivery path is known.
const (
	// aws-cdk-lib aws-cloudfront-origins: OAC with an SSE-KMS bucket
	// (custom-resource-handlers s3-origin-access-control-key-policy-handler).
	cdkOACKeyPolicy        = "Custom::S3OriginAccessControlKeyPolicy"
	cdkOACKeyPolicyUpdater = "Custom::S3OriginAccessControlKeyPolicyUpdater"
	// aws-cdk-lib aws-cloudfront-origins: OAC with an imported bucket
	// (s3-origin-access-control-bucket-policy-handler).
	cdkOACBucketPolicyUpdater = "Custom::S3OriginAccessControlBucketPolicyUpdater"
	// AWS Solutions Constructs resources/key-policy-updater, used by
	// aws-cloudfront-s3 for a bucket with a customer managed key.
	solutionsKeyPolicyUpdater = "Custom::KmsKeyPolicyUpdater"
	// aws-cdk-lib aws-s3-deployment BucketDeployment.
	cdkBucketDeployment = "Custom::CDKBucketDeployment"
	// aws-cdk-lib custom-resources AwsCustomResource: one SDK call.
	cdkAwsCustomResource = "Custom::AWS"
)

// benignCustom reports whether a custom resource type does not change who
// can read a bucket, a key or a distribution.
func benignCustom(typ string) bool {
	switch typ {
	case "Custom::S3AutoDeleteObjects", "Custom::S3BucketNotifications", "Custom::LogRetention", "Custom::VpcRestrictDefaultSG",
		"Custom::AWSCDKOpenIdConnectProvider", "Custom::CrossRegionExportReader", "Custom::CrossRegionExportWriter",
		"Custom::CrossRegionStringParameterReader", "Custom::AWSCDKCfnUtilsProviderEnforceNoExports", "Custom::CDKBucketDeploymentNoop":
		return true
	}
	return false
}

// custom reads a custom resource.
func (s *stack) custom(r *template.Resource) error {
	if benignCustom(r.Type) {
		return nil
	}
	switch r.Type {
	case cdkOACKeyPolicy, cdkOACKeyPolicyUpdater, solutionsKeyPolicyUpdater, cdkOACBucketPolicyUpdater, cdkBucketDeployment, cdkAwsCustomResource:
		p, err := s.props(r)
		if err != nil {
			return err
		}
		s.l.customs = append(s.l.customs, &customRes{s: s, r: r, props: s.root(s.ref(r.ID), p)})
		return nil
	}
	// An unknown custom resource that is handed a resource of the
	// delivery path may change it.
	var given []string
	seen := map[string]bool{}
	for _, id := range referencedIDs(r.Properties) {
		t, ok := s.tmpl.Resource(id)
		if !ok || seen[id] {
			continue
		}
		switch t.Type {
		case "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::CloudFront::Distribution",
			"AWS::CloudFront::OriginAccessControl", "AWS::CloudFront::CloudFrontOriginAccessIdentity":
			seen[id] = true
			given = append(given, s.ref(id))
		}
	}
	if len(given) > 0 {
		s.l.unresolved(r.Type+" "+s.ref(r.ID)+cdkPath(r),
			"custom resource "+s.ref(r.ID)+" is given "+strings.Join(given, ", ")+"; what its code does to them when the stack is deployed is not in the template",
			model.Src{Resource: s.ref(r.ID), Pos: r.Pos})
	}
	return nil
}

// cdkPath returns " (<aws:cdk:path>)" for resources the CDK synthesized.
func cdkPath(r *template.Resource) string {
	if r.Metadata != nil {
		if p := r.Metadata.Get("aws:cdk:path"); p != nil && p.Kind == source.String {
			return " (" + p.Text + ")"
		}
	}
	return ""
}

// referencedIDs lists the logical IDs a raw value refers to through Ref,
// Fn::GetAtt and Fn::Sub.
func referencedIDs(n *source.Node) []string {
	var out []string
	var walk func(n *source.Node)
	walk = func(n *source.Node) {
		if n == nil {
			return
		}
		switch n.Kind {
		case source.Object:
			if len(n.Fields) == 1 {
				f := n.Fields[0]
				switch f.Key {
				case "Ref":
					if f.Value.Kind == source.String {
						out = append(out, f.Value.Text)
					}
				case "Fn::GetAtt":
					if f.Value.Kind == source.String {
						id, _, _ := strings.Cut(f.Value.Text, ".")
						out = append(out, id)
					} else if f.Value.Kind == source.Array && len(f.Value.Elems) > 0 && f.Value.Elems[0].Kind == source.String {
						out = append(out, f.Value.Elems[0].Text)
					}
				case "Fn::Sub":
					t := f.Value
					if t.Kind == source.Array && len(t.Elems) > 0 {
						t = t.Elems[0]
					}
					if t.Kind == source.String {
						rest := t.Text
						for {
							i := strings.Index(rest, "${")
							if i < 0 {
								break
							}
							j := strings.IndexByte(rest[i:], '}')
							if j < 0 {
								break
							}
							name := rest[i+2 : i+j]
							id, _, _ := strings.Cut(name, ".")
							out = append(out, id)
							rest = rest[i+j:]
						}
					}
				}
			}
			for _, f := range n.Fields {
				walk(f.Value)
			}
		case source.Array:
			for _, e := range n.Elems {
				walk(e)
			}
		}
	}
	walk(n)
	return out
}

// applyCustom applies the effect of a known custom resource to the model.
func (l *loader) applyCustom(c *customRes) error {
	s, r, p := c.s, c.r, c.props
	ref := s.ref(r.ID)
	src := model.Src{Resource: ref, Pos: r.Pos}
	switch r.Type {
	case cdkOACKeyPolicy, cdkOACKeyPolicyUpdater, solutionsKeyPolicyUpdater:
		keyID, err := p.get("KmsKeyId").str()
		if err != nil {
			return err
		}
		distKey := "DistributionId"
		partition := ""
		sid := "AllowCloudFrontServicePrincipalSSE-KMS"
		actions := []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"}
		replace := true
		if r.Type == solutionsKeyPolicyUpdater {
			// The Solutions Constructs handler writes the commercial
			// partition whatever the stack's.
			distKey, partition, sid = "CloudFrontDistributionId", "aws", "Grant-CloudFront-Distribution-Key-Usage"
			actions = append(actions, "kms:ReEncrypt*")
		} else {
			pv, err := p.get("Partition").strOr(s.l.partition)
			if err != nil {
				return err
			}
			partition = pv.V
			if al := p.get("AccessLevels"); al.present() {
				// Later handler versions map access levels to actions and
				// append the statement unless an identical one exists.
				levels, err := al.strListOr(nil)
				if err != nil {
					return err
				}
				replace = false
				actions = nil
				for _, lv := range levels.V {
					switch lv {
					case "READ":
						actions = append(actions, "kms:Decrypt")
					case "WRITE":
						actions = append(actions, "kms:Encrypt", "kms:GenerateDataKey*")
					}
				}
			}
		}
		dist, err := p.get(distKey).str()
		if err != nil {
			return err
		}
		acct, err := p.get("AccountId").strOr(s.l.account)
		if err != nil {
			return err
		}
		if !keyID.Known || !dist.Known || !acct.Known {
			l.unresolved(r.Type+" "+ref, "the key, distribution or account that custom resource "+ref+" grants is not known offline", src)
			return nil
		}
		k := l.findKey(keyID.V)
		if k == nil {
			l.unresolved(r.Type+" "+ref, "custom resource "+ref+" adds a CloudFront statement to the policy of key "+ident.Render(keyID.V)+", which is not in the template", src)
			return nil
		}
		at := func(o obj) source.Pos {
			if o.present() {
				return o.at
			}
			return r.Pos
		}
		pos := r.Pos
		acts := &source.Node{Kind: source.Array, Pos: pos}
		for _, a := range actions {
			acts.Elems = append(acts.Elems, str(a, pos))
		}
		stmt := object(pos,
			"Sid", str(sid, pos),
			"Effect", str("Allow", pos),
			"Principal", object(pos, "Service", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{str("cloudfront.amazonaws.com", pos)}}),
			"Action", acts,
			"Resource", str(model.KeyARN(partition, s.l.region, acct.V, keyID.V), at(p.get("KmsKeyId"))),
			"Condition", object(pos, "StringEquals", object(pos, "AWS:SourceArn",
				str(model.DistributionARN(partition, acct.V, dist.V), at(p.get(distKey))))),
		)
		k.edits = append(k.edits, policyEdit{stmt: stmt, sid: sid, replaceSid: replace, by: ref})
	case cdkOACBucketPolicyUpdater:
		imported, err := p.get("IsImportedBucket").boolOr(false)
		if err != nil {
			return err
		}
		if imported.Known && !imported.V {
			// The handler only changes imported buckets.
			return nil
		}
		name, err := p.get("BucketName").str()
		if err != nil {
			return err
		}
		dist, err := p.get("DistributionId").str()
		if err != nil {
			return err
		}
		acct, err := p.get("AccountId").strOr(s.l.account)
		if err != nil {
			return err
		}
		part, err := p.get("Partition").strOr(s.l.partition)
		if err != nil {
			return err
		}
		if !imported.Known || !name.Known || !dist.Known || !acct.Known {
			l.unresolved(r.Type+" "+ref, "whether and how custom resource "+ref+" changes a bucket policy is not known offline", src)
			return nil
		}
		b := l.findBucket(name.V)
		if b == nil {
			l.unresolved(r.Type+" "+ref, "custom resource "+ref+" adds an OAC statement to the policy of bucket "+ident.Render(name.V)+", which is not in the template", src)
			return nil
		}
		pos := r.Pos
		stmt := object(pos,
			"Sid", str("AllowS3OACAccess", pos),
			"Principal", object(pos, "Service", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{str("cloudfront.amazonaws.com", pos)}}),
			"Effect", str("Allow", pos),
			"Action", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{str("s3:GetObject", pos)}},
			"Resource", &source.Node{Kind: source.Array, Pos: pos, Elems: []*source.Node{str(model.ObjectARN(part.V, name.V, "*"), pos)}},
			"Condition", object(pos, "StringEquals", object(pos, "AWS:SourceArn", str(model.DistributionARN(part.V, acct.V, dist.V), pos))),
		)
		b.edits = append(b.edits, policyEdit{stmt: stmt, sid: "AllowS3OACAccess", replaceSid: true, dropOAI: true, by: ref})
	case cdkBucketDeployment:
		name, err := p.get("DestinationBucketName").str()
		if err != nil {
			return err
		}
		if !name.Known {
			l.unresolved(r.Type+" "+ref, "the bucket custom resource "+ref+" uploads into is not known offline: "+name.Missing, src)
			return nil
		}
		b := l.findBucket(name.V)
		if b == nil {
			l.unresolved(r.Type+" "+ref+cdkPath(r), "custom resource "+ref+" uploads objects into bucket "+ident.Render(name.V)+", which is not in the template", src)
			return nil
		}
		sse := p.get("ServerSideEncryption")
		if !sse.present() {
			// The deployment's role is in the stack's account and sends no
			// encryption headers: the bucket owner's default path covers it.
			return nil
		}
		w := &model.Writer{
			Ref:       ref,
			Bucket:    b.b.Ref,
			Principal: model.Known("arn:"+s.l.partition+":iam::"+s.l.account+":role/"+ident.New(ident.Name, ref+".handler_role"), src),
			Account:   model.Known(s.l.account, src),
			Src:       src,
		}
		if w.ACL, err = p.get("AccessControl").strOr(""); err != nil {
			return err
		}
		if w.Encryption.Algorithm, err = sse.enum(); err != nil {
			return err
		}
		if w.Encryption.KeyID, err = p.get("SSEKMSKeyId").strOr(""); err != nil {
			return err
		}
		w.Encryption.BucketKey = b.b.Encryption.BucketKey
		l.cfg.Writers = append(l.cfg.Writers, w)
	case cdkAwsCustomResource:
		for _, key := range []string{"Create", "Update"} {
			call := p.get(key)
			if !call.present() {
				continue
			}
			svc, action := sdkCall(call)
			if svc == "" {
				continue
			}
			l.unresolved(r.Type+" "+ref+cdkPath(r),
				"custom resource "+ref+" calls "+svc+"."+action+" when the stack is deployed; its effect on the delivery path is not modelled",
				model.Src{Resource: ref, Pos: call.at})
			return nil
		}
	}
	return nil
}

// sdkCall returns the service and action of an AwsCustomResource call
// that can change S3, KMS or CloudFront settings; "" otherwise.
func sdkCall(call obj) (string, string) {
	var n *source.Node
	switch {
	case call.n.Kind == source.Object:
		n = call.n
	case call.n.Kind == source.String:
		parsed, err := source.ParseJSON("", []byte(call.n.Text))
		if err != nil {
			if ident.Has(call.n.Text) {
				for _, svc := range []string{"S3", "KMS", "CloudFront"} {
					if strings.Contains(call.n.Text, `"service":"`+svc+`"`) || strings.Contains(strings.ToLower(call.n.Text), "client-"+strings.ToLower(svc)) {
						return svc, "(an unreadable call)"
					}
				}
			}
			return "", ""
		}
		n = parsed
	default:
		return "", ""
	}
	svcN, actN := n.Get("service"), n.Get("action")
	if svcN == nil || actN == nil {
		return "", ""
	}
	svc := strings.TrimPrefix(strings.ToLower(svcN.Text), "@aws-sdk/client-")
	switch svc {
	case "s3", "kms", "cloudfront", "s3control", "organizations":
	default:
		return "", ""
	}
	act := strings.ToLower(actN.Text)
	for _, verb := range []string{"put", "delete", "update", "create", "disable", "enable", "schedule", "cancel", "attach", "detach", "replicate"} {
		if strings.HasPrefix(act, verb) {
			return svcN.Text, actN.Text
		}
	}
	return "", ""
}

// findKey returns the key a key ID or ARN names, when it is certain.
// Identities are equal exactly when their strings are, so the index is
// exact.
func (l *loader) findKey(id string) *keyRes {
	if k, ok := l.keyByID[id]; ok {
		return k
	}
	for _, k := range l.keys {
		if ident.Equal(k.k.ID.V, id) == ident.True || ident.Equal(k.k.ARN.V, id) == ident.True {
			return k
		}
	}
	return nil
}

// findBucket returns the bucket a name names, when it is certain.
func (l *loader) findBucket(name string) *bucketRes {
	if bs := l.bucketByName[name]; len(bs) > 0 {
		return bs[0]
	}
	if !ident.Has(name) {
		// A literal name equals a bucket name only if it is the same text.
		return nil
	}
	for _, b := range l.buckets {
		if b.b.Name.Known && ident.Equal(b.b.Name.V, name) == ident.True {
			return b
		}
	}
	return nil
}
