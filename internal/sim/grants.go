package sim

import "github.com/s3front/s3front/model"

// probeKey is the object a grant check reads: any key; grants are on
// every object ("bucket/*").
const probeKey = "index.html"

// BucketGranted reports whether the bucket policy of b already lets the
// origin access control of d do each of actions (default s3:GetObject) on
// the objects of b; [OACBucketGrant] is what it lacks otherwise. The
// answer is the one the fix text of check gives ("already allows it").
func BucketGranted(ix *Index, d *model.Distribution, b *model.Bucket, actions ...string) bool {
	s := &simulator{cfg: ix.cfg, ix: ix}
	return !s.bucketGrant(d, b, probeKey, "", actions...).needed
}

// KeyGranted reports whether the key policy of k already lets the origin
// access control of d use k for the KMS operations S3 performs for it:
// reading objects of b, and uploading them too when uploads is set.
func KeyGranted(ix *Index, d *model.Distribution, b *model.Bucket, k *model.Key, uploads bool) bool {
	s := &simulator{cfg: ix.cfg, ix: ix}
	bucketKey := b.Encryption.BucketKey.Known && b.Encryption.BucketKey.V
	ops := kmsOps(false, bucketKey)
	if uploads {
		ops = append(ops, kmsOps(true, bucketKey)...)
	}
	return !s.propose(keyTarget(k), "", OACKeyGrant(d, k.Ref), s.oacKeyRequests(d, b, k, probeKey, ops...)).needed
}
