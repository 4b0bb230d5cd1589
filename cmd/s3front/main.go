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
	"strconv"
)

func main() {
	// s3front is a short-lived batch process whose heap grows steadily
	// while it loads: collecting half as often saves about a fifth of the
	// time on large inputs for a third more peak memory (BENCHMARKS.md).
	// An explicit GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// That would let the heap of a large input (10,000 sites: 360 MB
	// live) reach three times its size; a soft limit keeps the process
	// under a gigabyte, the collector working harder only near it. An
	// explicit GOMEMLIMIT still wins.
	if n, ok := memoryLimit(os.Getenv); ok {
		debug.SetMemoryLimit(n)
	}
	args := os.Args[1:]
	// Deployed as a Lambda custom runtime, the binary is /var/task/bootstrap
	// and is started without arguments: it serves as `s3front lambda`.
	if filepath.Base(os.Args[0]) == "bootstrap" && len(args) == 0 && os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		args = []string{"lambda"}
	}
	os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
}

// defaultMemoryLimit is the soft limit on the Go heap and runtime memory
// (runtime/debug.SetMemoryLimit) when the environment sets none.
const defaultMemoryLimit = 768 << 20

// memoryLimit is the soft memory limit to set: none when GOMEMLIMIT is
// set (the runtime applies it), else defaultMemoryLimit, lowered to 80 %
// of a Lambda function's memory when that is smaller.
func memoryLimit(getenv func(string) string) (int64, bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	n := int64(defaultMemoryLimit)
	if mb, err := strconv.ParseInt(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64); err == nil && mb > 0 && mb < 1<<20 {
		if l := mb << 20 / 10 * 8; l < n {
			n = l
		}
	}
	return n, true
}
