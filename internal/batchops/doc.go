// Package batchops re-encrypts a bucket at scale with S3 Batch Operations
// instead of copying in process: it writes the CSV manifest of the objects
// to copy (from a listing with HEADs, or from an existing S3 Inventory
// report), uploads it, and creates the copy job (s3control CreateJob) with
// a completion report, under an IAM role whose policy [RolePolicy]
// generates.
//
// A Batch Operations copy applies one set of settings to every object of
// a job: storage class, website redirect, Object Lock settings and ACL
// grants are not carried over object by object as the in-process engine
// does. So the manifest is split into one job per storage class, objects
// with a website redirect or Object Lock settings are left out (and named:
// copy them in process), and a bucket with ACLs enabled is refused (the
// copies would lose their grants). Objects already under the key are left
// out, so no job copies an object onto itself without a change (S3 would
// fail that task); from an inventory, which does not say which KMS key an
// SSE-KMS object is under, SSE-KMS objects are left out and counted.
package batchops
