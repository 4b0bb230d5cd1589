// Package deploy is the engine behind `s3front deploy` and `s3front
// verify`: it syncs a directory into an S3 bucket the way the bucket and
// every distribution reading it need, and proves afterwards that the new
// objects are served and the bucket is not.
//
// A deploy runs in stages, each visible in [Result]:
//
//  1. Plan: walk the directory (regular files only, never a symlink),
//     give each file its content type and Cache-Control (rules from
//     .s3front.yaml's deploy section), list the bucket, and skip files
//     whose content is already there (the ETag is the file's MD5, or the
//     object's x-amz-meta-s3front-sha256 matches). Removed files are
//     deleted only with Options.Delete.
//  2. Upload headers from the bucket: explicit encryption headers equal
//     to its default encryption (so "deny unencrypted uploads" policies
//     pass and a cross-account writer uses the bucket's key ARN), no ACL
//     on an ACL-disabled bucket, bucket-owner-full-control otherwise.
//  3. Pre-flight: the objects as they will be (encryption, owner) are put
//     into the live model of the account (Options.Estate) and every
//     distribution reading the bucket is simulated with the same
//     simulator and rules as `check`. A denied path refuses the deploy
//     before anything is uploaded, unless Options.Force.
//  4. Upload in parallel, large files in parallel multipart parts.
//  5. Invalidate the changed paths of every distribution reading the
//     bucket, in batches; wait for completion with Options.Wait.
//  6. Probe: each changed object through each distribution (with a
//     cache-busting query string; its content must be the file's), and
//     the bucket's own URL, which must refuse an anonymous reader. A
//     failure is explained by the simulator's trace of that request.
package deploy
