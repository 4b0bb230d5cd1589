package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/s3front/s3front"
)

// moduleFlags are the flags about remote Terraform modules: downloaded by
// default into a cache, from the cache only with --offline.
type moduleFlags struct {
	cmd      *cobra.Command
	offline  bool
	cacheDir string
	fetcher  s3front.ModuleFetcher
}

func (f *moduleFlags) register(c *cobra.Command) {
	f.cmd = c
	fl := c.Flags()
	fl.BoolVar(&f.offline, "offline", false, "do not download remote Terraform modules: use those in .terraform/modules and the module cache, report the others as not evaluated")
	fl.StringVar(&f.cacheDir, "module-cache", os.Getenv("S3FRONT_MODULE_CACHE"), "`directory` of downloaded modules, reused across runs (default $S3FRONT_MODULE_CACHE, else the user cache directory's s3front/modules)")
}

// modules is the fetcher every load of one command shares; downloads and
// fallbacks to the cache are reported on stderr.
func (f *moduleFlags) modules() s3front.ModuleFetcher {
	if f.fetcher == nil {
		f.fetcher = s3front.NewModuleFetcher(s3front.ModuleOptions{
			Offline:  f.offline,
			CacheDir: f.cacheDir,
			Env:      os.Environ(), // TF_TOKEN_*, TF_CLI_CONFIG_FILE, HOME: even with --no-env, which is about TF_VAR_*
			Log:      f.cmd.ErrOrStderr(),
		})
	}
	return f.fetcher
}
