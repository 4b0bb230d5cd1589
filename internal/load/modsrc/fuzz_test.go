package modsrc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

// FuzzParseSource: any source address parses or is refused without a
// panic; a parsed one round-trips through String and never has a
// subdirectory that leaves the package.
//
//	go test ./internal/load/modsrc -run '^$' -fuzz FuzzParseSource -parallel 1
func FuzzParseSource(f *testing.F) {
	for _, s := range []string{
		"terraform-aws-modules/cloudfront/aws", "app.terraform.io/org/vpc/aws//modules/x", "github.com/org/repo//sub?ref=v1",
		"git@github.com:org/repo.git?ref=main&depth=1", "git::https://u:p@example.com/x.git//a/../b", "https://example.com/m.tgz?archive=zip&checksum=sha256:00",
		"s3::https://s3.amazonaws.com/b/k.zip", "hg::http://example.com/x", "../local", "/abs", "bitbucket.org/a/b", "http::ftp://x/y", "git::ext::sh -c x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := ParseSource(raw)
		if err != nil {
			return
		}
		if s.Subdir == ".." || strings.HasPrefix(s.Subdir, "../") || strings.HasPrefix(s.Subdir, "/") {
			t.Fatalf("%q: subdir %q leaves the package", raw, s.Subdir)
		}
		again, err := ParseSource(s.String())
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", raw, s.String(), err)
		}
		if again.Kind != s.Kind || again.Subdir != s.Subdir || again.Ref != s.Ref || again.Host != s.Host {
			t.Fatalf("%q → %q → %+v, was %+v", raw, s.String(), again, s)
		}
		_ = s.display()
		_ = Redact(raw)
	})
}

// FuzzExtract: any archive extracts or is refused without a panic, and
// nothing lands outside the package nor links out of it.
//
//	go test ./internal/load/modsrc -run '^$' -fuzz FuzzExtract -parallel 1
func FuzzExtract(f *testing.F) {
	f.Add(modtest.TarGzEntries([]modtest.Entry{{Name: "main.tf", Body: "x"}, {Name: "a/b", Link: "../main.tf"}}), false)
	f.Add(modtest.TarGzEntries([]modtest.Entry{{Name: "../x", Body: "x"}}), false)
	f.Add(modtest.TarGzEntries([]modtest.Entry{{Name: "b", Link: "."}, {Name: "l", Link: "b/.."}}), false)
	f.Add(modtest.ZipEntries([]modtest.Entry{{Name: "main.tf", Body: "x"}, {Name: "l", Link: "/etc/passwd"}}), true)
	f.Add(modtest.ZipEntries([]modtest.Entry{{Name: "d", Dir: true}, {Name: "d/x", Body: "y"}}), true)
	f.Fuzz(func(t *testing.T, data []byte, isZip bool) {
		parent := t.TempDir()
		file := filepath.Join(parent, "archive")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		format := "tar.gz"
		if isZip {
			format = "zip"
		}
		out := filepath.Join(parent, "pkg")
		lim := Limits{MaxTree: 1 << 20, MaxEntries: 200}
		if err := Extract(file, format, out, lim); err != nil {
			return
		}
		if err := checkTree(out, lim); err != nil {
			t.Fatalf("extracted a tree that fails the checks: %v", err)
		}
		ents, _ := os.ReadDir(parent)
		if len(ents) != 2 {
			t.Fatalf("wrote beside the package: %v", ents)
		}
	})
}

// FuzzParseTFRC: the CLI configuration parser never panics.
//
//	go test ./internal/load/modsrc -run '^$' -fuzz FuzzParseTFRC -parallel 1
func FuzzParseTFRC(f *testing.F) {
	f.Add(`credentials "app.terraform.io" { token = "x" }` + "\n" + `host "h" { services = { "modules.v1" = "/m/" } }`)
	f.Add("# c\n/* x */ a = [1, \"b\", {c = true}]\nb { d = -1.5e3 }")
	f.Fuzz(func(t *testing.T, src string) {
		cfg := &CLIConfig{Tokens: map[string]string{}, Services: map[string]map[string]string{}}
		_ = cfg.merge("x.tfrc", []byte(src))
		_ = cfg.merge("x.tfrc.json", []byte(src))
	})
}
