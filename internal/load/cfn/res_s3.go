package cfn

import (
	"github.com/s3front/s3front/internal/load/cfn/template"
	"github.com/s3front/s3front/model"
	"github.com/s3front/s3front/source"
)

type bucketRes struct {
	s *stack
	r *template.Resource
	b *model.Bucket
	// policy is the AWS::S3::BucketPolicy attached to the bucket.
	policy *bucketPolicyRes
	// edits are the changes custom resources make at deploy time.
	edits []policyEdit
}

type bucketPolicyRes struct {
	s      *stack
	r      *template.Resource
	bucket model.Value[string]
	doc    obj
}

// cannedACL maps an AccessControl value to its canned ACL name.
func cannedACL(v string) (string, bool) {
	switch v {
	case "Private":
		return "private", true
	case "PublicRead":
		return "public-read", true
	case "PublicReadWrite":
		return "public-read-write", true
	case "AuthenticatedRead":
		return "authenticated-read", true
	case "LogDeliveryWrite":
		return "log-delivery-write", true
	case "BucketOwnerRead":
		return "bucket-owner-read", true
	case "BucketOwnerFullControl":
		return "bucket-owner-full-control", true
	case "AwsExecRead":
		return "aws-exec-read", true
	}
	return "", false
}

// bucket maps AWS::S3::Bucket onto AWS's defaults for a new bucket.
func (s *stack) bucket(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	m := s.meta(r, true)
	b := model.NewBucket(m)
	o := s.root(m.Ref, p)
	name, err := s.bucketName(r)
	if err != nil {
		return err
	}
	if bn := o.get("BucketName"); bn.present() {
		if b.Name, err = bn.str(); err != nil {
			return err
		}
	} else {
		b.Name = model.Known(name.Text, m.Src)
	}
	if ac := o.get("AccessControl"); ac.present() {
		v, err := ac.enum()
		if err != nil {
			return err
		}
		if v.Known {
			canned, ok := cannedACL(v.V)
			if !ok {
				return ac.errorf("AccessControl is one of Private, PublicRead, PublicReadWrite, AuthenticatedRead, LogDeliveryWrite, BucketOwnerRead, BucketOwnerFullControl, AwsExecRead",
					"%s is not a canned ACL: %q", ac.path, v.V)
			}
			v.V = canned
		}
		b.ACL.Canned = v
	}
	if enc := o.get("BucketEncryption"); enc.present() {
		rules, known, err := enc.get("ServerSideEncryptionConfiguration").elems()
		if err != nil {
			return err
		}
		switch {
		case !known:
			miss := enc.get("ServerSideEncryptionConfiguration").missing()
			src := enc.get("ServerSideEncryptionConfiguration").src()
			b.Encryption = model.Encryption{Algorithm: model.Unknown[string](src, miss), KeyID: model.Unknown[string](src, miss), BucketKey: model.Unknown[bool](src, miss)}
		case len(rules) > 0:
			rule := rules[0]
			def := rule.get("ServerSideEncryptionByDefault")
			if b.Encryption.Algorithm, err = def.get("SSEAlgorithm").enum(); err != nil {
				return err
			}
			// Without KMSMasterKeyID an aws:kms bucket uses the AWS
			// managed key aws/s3 (model: KeyID "").
			if b.Encryption.KeyID, err = def.get("KMSMasterKeyID").strOr(""); err != nil {
				return err
			}
			if b.Encryption.BucketKey, err = rule.get("BucketKeyEnabled").boolOr(false); err != nil {
				return err
			}
		}
	}
	if oc := o.get("OwnershipControls"); oc.present() {
		rules, known, err := oc.get("Rules").elems()
		if err != nil {
			return err
		}
		switch {
		case !known:
			b.Ownership = model.Unknown[string](oc.src(), oc.get("Rules").missing())
		case len(rules) > 0:
			if b.Ownership, err = rules[0].get("ObjectOwnership").enum(); err != nil {
				return err
			}
		}
	}
	if pab := o.get("PublicAccessBlockConfiguration"); pab.present() {
		// Settings left out of the configuration are false: CloudFormation
		// sends them as such.
		set := func(dst *model.Value[bool], key string) error {
			v, err := pab.get(key).boolOr(false)
			if err != nil {
				return err
			}
			if !pab.get(key).present() {
				v.Default = false
				v.Src = pab.src()
			}
			*dst = v
			return nil
		}
		for _, f := range []struct {
			dst *model.Value[bool]
			key string
		}{
			{&b.PublicAccessBlock.BlockPublicACLs, "BlockPublicAcls"},
			{&b.PublicAccessBlock.IgnorePublicACLs, "IgnorePublicAcls"},
			{&b.PublicAccessBlock.BlockPublicPolicy, "BlockPublicPolicy"},
			{&b.PublicAccessBlock.RestrictPublicBuckets, "RestrictPublicBuckets"},
		} {
			if pab.unknown() {
				*f.dst = model.Unknown[bool](pab.src(), pab.missing())
				continue
			}
			if err := set(f.dst, f.key); err != nil {
				return err
			}
		}
	}
	if w := o.get("WebsiteConfiguration"); w.present() {
		if w.unknown() {
			b.Website = model.Unknown[bool](w.src(), w.missing())
		} else {
			b.Website = model.Known(true, w.src())
		}
	}
	if v := o.get("VersioningConfiguration"); v.present() {
		if b.Versioning, err = v.get("Status").enum(); err != nil {
			return err
		}
	}
	if ol := o.get("ObjectLockEnabled"); ol.present() {
		if b.ObjectLock, err = ol.boolean(); err != nil {
			return err
		}
	} else if ol := o.get("ObjectLockConfiguration").get("ObjectLockEnabled"); ol.present() {
		v, err := ol.enum()
		if err != nil {
			return err
		}
		b.ObjectLock = model.Value[bool]{V: v.V == "Enabled", Known: v.Known, Src: v.Src, Missing: v.Missing}
	}
	s.l.cfg.Buckets = append(s.l.cfg.Buckets, b)
	s.l.buckets = append(s.l.buckets, &bucketRes{s: s, r: r, b: b})
	return nil
}

// bucketPolicy reads AWS::S3::BucketPolicy; it is attached to its bucket
// once every stack is loaded.
func (s *stack) bucketPolicy(r *template.Resource) error {
	p, err := s.props(r)
	if err != nil {
		return err
	}
	ref := s.ref(r.ID)
	o := s.root(ref, p)
	bp := &bucketPolicyRes{s: s, r: r, doc: o.get("PolicyDocument")}
	if bp.bucket, err = o.get("Bucket").str(); err != nil {
		return err
	}
	if !bp.doc.present() {
		return o.errorf("add PolicyDocument: {Version: \"2012-10-17\", Statement: [...]}", "%s has no PolicyDocument", r.ID)
	}
	s.l.bucketPolicies = append(s.l.bucketPolicies, bp)
	return nil
}

// policyNode returns the document of a Json-typed property: a mapping, or
// a string holding JSON (parsed with positions relative to the string).
func policyNode(o obj) (*source.Node, error) {
	if o.n == nil || o.unknown() || o.n.Kind != source.String {
		return o.n, nil
	}
	start := o.n.Pos
	n, err := source.ParseJSONAt(source.Pos{File: start.File, Line: start.Line, Col: start.Col + 1, Pointer: start.Pointer}, []byte(o.n.Text))
	if err != nil {
		return nil, err
	}
	return n, nil
}
