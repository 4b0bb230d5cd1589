package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front/internal/deploy"
)

func newVerifyCmd(e *env) *cobra.Command {
	var (
		lf     liveFlags
		dist   string
		sample int
	)
	c := &cobra.Command{
		Use:   "verify URL... | --distribution ID",
		Short: "prove that objects are served through CloudFront and the bucket is not",
		Long: `verify requests each URL from a clean client: a URL of an S3 bucket endpoint
(bucket.s3.REGION.amazonaws.com) must refuse the anonymous request, any other URL
(a distribution's) must be served. With --distribution it probes the
distribution's root, the newest objects of each S3 origin through it, and each
bucket's own URL. A failure is explained with the trace of that request on the
live estate, as 's3front trace' prints it. Exit 0: every probe as expected; 1:
one is not; 2: usage or input error.`,
		Example: `  s3front verify https://d111111abcdef8.cloudfront.net/app.js https://site.s3.us-east-1.amazonaws.com/app.js
  s3front verify --distribution E2QWRUHAPOMQZL
  s3front verify --distribution E2QWRUHAPOMQZL --edge http://127.0.0.1:4566`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && dist == "" {
				return usageError{fmt.Errorf("give URLs to probe, or --distribution ID")}
			}
			hc, err := lf.probeClient(e)
			if err != nil {
				return err
			}
			o := deploy.VerifyOptions{URLs: args, Distribution: dist, Sample: sample, HTTP: hc, Estate: lf.estate(e)}
			if dist != "" {
				if o.Clients, err = lf.clients(cmd.Context(), e); err != nil {
					return err
				}
			}
			ps, err := deploy.Verify(cmd.Context(), o)
			if err != nil {
				if strings.Contains(err.Error(), "is not an http(s) URL") {
					return usageError{err}
				}
				return inputError{err}
			}
			var b strings.Builder
			writeProbes(&b, ps)
			bad := 0
			for _, p := range ps {
				if !p.OK {
					bad++
				}
			}
			if bad == 0 {
				fmt.Fprintf(&b, "verified: %d probe(s) as expected\n", len(ps))
			} else {
				fmt.Fprintf(&b, "not verified: %d of %d probe(s) failed\n", bad, len(ps))
			}
			fmt.Fprint(e.stdout, b.String())
			if bad > 0 {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	lf.register(c)
	c.Flags().StringVarP(&dist, "distribution", "d", "", "probe this distribution `ID`")
	c.Flags().IntVar(&sample, "sample", 5, "newest objects probed per origin with --distribution")
	return c
}
