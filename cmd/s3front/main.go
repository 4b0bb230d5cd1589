// Command s3front checks the private S3 + SSE-KMS + CloudFront delivery path
// before it breaks: it loads Terraform, CloudFormation or a snapshot into one
// model, simulates every request a distribution serves, and reports what
// fails, when, and how to fix it.
//
// Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
// 2 usage or input error.
package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
)

func main() {
	// s3front is a short-lived batch process whose heap grows steadily
	// while it loads: collecting half as often saves about a fifth of the
	// time on large inputs for a third more peak memory (BENCHMARKS.md).
	// An explicit GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	args := os.Args[1:]
	// Deployed as a Lambda custom runtime, the binary is /var/task/bootstrap
	// and is started without arguments: it serves as `s3front lambda`.
	if filepath.Base(os.Args[0]) == "bootstrap" && len(args) == 0 && os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		args = []string{"lambda"}
	}
	os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
}
