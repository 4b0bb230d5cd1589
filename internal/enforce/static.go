package enforce

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/internal/edit"
	"github.com/s3front/s3front/internal/interlock"
	"github.com/s3front/s3front/model"
)

// EncryptionStatic plans the switch of every bucket of a Terraform or
// CloudFormation configuration: the interlock's verdict per bucket, and
// for the safe ones the edit that switches them. It returns the new
// content of every file it edited (read reads the current one); the
// caller prints the patches or, with Apply, writes the files.
func EncryptionStatic(ctx context.Context, cfg *model.Config, o EncryptionOptions, read func(string) ([]byte, error)) (*Plan, map[string][]byte, error) {
	plan := &Plan{}
	files := map[string][]byte{}
	want := map[string]bool{}
	for _, b := range o.Buckets {
		want[b] = true
	}
	for _, b := range cfg.Buckets {
		name := ""
		if b.Name.Known && !ident.Has(b.Name.V) {
			name = b.Name.V
		}
		if len(want) > 0 && !want[name] && !want[b.Ref] {
			continue
		}
		keyRef := o.Key
		if k, ok := o.Keys[name]; ok && name != "" {
			keyRef = k
		} else if k, ok := o.Keys[b.Ref]; ok {
			keyRef = k
		}
		if keyRef == "" {
			continue
		}
		t := interlock.TargetFor(cfg, keyRef, o.BucketKey)
		if t.Key == nil && !awsKeyForm(keyRef) {
			return nil, nil, fmt.Errorf("key %q is neither in the input nor a key ARN, alias (alias/NAME) or key ID: name a key the configuration declares (%s) or one AWS knows", keyRef, strings.Join(declaredKeys(cfg), ", "))
		}
		iv, err := interlock.Check(ctx, cfg, b, t)
		if err != nil {
			return nil, nil, err
		}
		bp := &BucketPlan{Verdict: *verdictOf(iv), KeyARN: keyRef}
		if bp.Bucket == "" {
			bp.Bucket = ident.Render(b.Name.V)
		}
		if t.Key != nil {
			bp.KeyARN = t.Key.Ref
		} else {
			bp.Note = "the key is not in the input: its policy is unknown"
		}
		plan.Buckets = append(plan.Buckets, bp)
		if bp.Compliant || !bp.Safe {
			continue
		}
		file, newSrc, err := editEncryption(b, t, keyRef, files, read)
		if err != nil {
			bp.Note = err.Error()
			continue
		}
		before, ok := files[file]
		if !ok {
			if before, err = read(file); err != nil {
				return nil, nil, err
			}
		}
		bp.Patch = edit.UnifiedDiff(file, before, newSrc, false)
		files[file] = newSrc
		if o.Apply {
			bp.Applied = append(bp.Applied, "default encryption set to SSE-KMS under "+bp.KeyARN+" with a Bucket Key in "+file)
		} else {
			bp.Note = strings.TrimPrefix(bp.Note+"; ", "; ") + "the patch below sets its default encryption to SSE-KMS under " + bp.KeyARN + " with a Bucket Key (--apply writes it)"
		}
	}
	return plan, files, nil
}

var tfAddr = regexp.MustCompile(`(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(\[[^\]]*\])?$`)

// modulePath is the module prefix of a Terraform address ("" at the root).
func modulePath(addr string) string {
	m := tfAddr.FindStringIndex(addr)
	if m == nil {
		return ""
	}
	return addr[:m[0]]
}

// local is the TYPE.NAME of a Terraform address.
func local(addr string) string {
	m := tfAddr.FindStringSubmatch(addr)
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2]
}

// editEncryption switches b's default encryption in its file.
func editEncryption(b *model.Bucket, t interlock.Target, keyRef string, files map[string][]byte, read func(string) ([]byte, error)) (string, []byte, error) {
	load := func(f string) ([]byte, error) {
		if src, ok := files[f]; ok {
			return src, nil
		}
		return read(f)
	}
	if tfAddr.MatchString(b.Ref) {
		key := edit.Key{ARN: keyRef}
		if t.Key != nil && tfAddr.MatchString(t.Key.Ref) && modulePath(t.Key.Ref) == modulePath(b.Ref) {
			key = edit.Key{Ref: local(t.Key.Ref)}
		} else if t.Key != nil && t.Key.ARN.Known && !ident.Has(t.Key.ARN.V) {
			key = edit.Key{ARN: t.Key.ARN.V}
		}
		at := edit.Encryption{Bucket: local(b.Ref)}
		file := b.Src.File
		if r := b.Encryption.Algorithm.Src.Resource; strings.Contains(r, "aws_s3_bucket_server_side_encryption_configuration.") {
			at.Resource = local(r)
			file = b.Encryption.Algorithm.Src.File
		}
		if file == "" {
			return "", nil, fmt.Errorf("cannot tell which file declares %s", b.Ref)
		}
		src, err := load(file)
		if err != nil {
			return "", nil, err
		}
		out, err := edit.TerraformEncryption(file, src, at, key)
		return file, out, err
	}
	if strings.HasPrefix(b.Ref, "arn:") {
		return "", nil, fmt.Errorf("%s is not declared in the input", b.Ref)
	}
	key := edit.Key{ARN: keyRef}
	if t.Key != nil && !tfAddr.MatchString(t.Key.Ref) && !strings.HasPrefix(t.Key.Ref, "arn:") {
		key = edit.Key{Ref: t.Key.Ref}
	}
	file := b.Src.File
	src, err := load(file)
	if err != nil {
		return "", nil, err
	}
	out, err := edit.CloudFormationEncryption(file, src, b.Ref, key)
	return file, out, err
}

// awsKeyForm reports whether ref names a key the way AWS does: a key or
// alias ARN, an alias name, or a key ID.
func awsKeyForm(ref string) bool {
	return strings.HasPrefix(ref, "arn:") || strings.HasPrefix(ref, "alias/") || keyIDPattern.MatchString(ref)
}

// declaredKeys lists the keys of cfg by reference, for messages.
func declaredKeys(cfg *model.Config) []string {
	var out []string
	for _, k := range cfg.Keys {
		out = append(out, k.Ref)
	}
	if len(out) == 0 {
		return []string{"it declares none"}
	}
	return out
}
