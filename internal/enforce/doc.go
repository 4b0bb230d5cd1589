// Package enforce carries out s3front's enforcement commands: switching
// buckets to SSE-KMS under an organization's key only where the interlock
// says delivery survives it (`enforce encryption`), and re-encrypting the
// objects already written (`enforce reencrypt`, in process or as an S3
// Batch Operations job). The interlock is package
// [github.com/s3front/s3front/internal/interlock]; the copy engine is
// [github.com/s3front/s3front/internal/reencrypt].
package enforce
