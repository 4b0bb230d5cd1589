package modsrc

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"archive/tar"

	"github.com/s3front/s3front/internal/load/modsrc/modtest"
)

func extractBytes(t *testing.T, data []byte, format string, lim Limits) (string, error) {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "archive")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pkg")
	return out, Extract(f, format, out, lim)
}

func TestExtract(t *testing.T) {
	es := []modtest.Entry{
		{Name: "./", Dir: true},
		{Name: "main.tf", Body: "# main\n"},
		{Name: "modules/site/main.tf", Body: "# site\n"},
		{Name: "modules/site/README.md", Link: "../../README.md"},
		{Name: "README.md", Body: "readme"},
		{Name: "copy.tf", Hard: "main.tf"},
		{Name: "dangling", Link: "missing/file"},
	}
	for _, format := range []string{"tar.gz", "zip"} {
		var data []byte
		if format == "zip" {
			data = modtest.ZipEntries(es[:5])
		} else {
			data = modtest.TarGzEntries(es)
		}
		out, err := extractBytes(t, data, format, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		got, err := os.ReadFile(filepath.Join(out, "modules/site/README.md"))
		if err != nil || string(got) != "readme" {
			t.Errorf("%s: link inside the package: %q, %v", format, got, err)
		}
		if format == "tar.gz" {
			if got, _ := os.ReadFile(filepath.Join(out, "copy.tf")); string(got) != "# main\n" {
				t.Errorf("hard link: %q", got)
			}
			if _, err := os.Lstat(filepath.Join(out, "dangling")); !os.IsNotExist(err) {
				t.Errorf("a dangling link stays: %v", err)
			}
		}
	}
}

// TestExtractRefuses holds archives to the package: nothing written
// outside it, no link leading out of it, no special files, capped size
// and entry count.
func TestExtractRefuses(t *testing.T) {
	big := strings.Repeat("0", 1<<20)
	cases := []struct {
		name    string
		entries []modtest.Entry
		lim     Limits
		want    string
	}{
		{"parent", []modtest.Entry{{Name: "../evil.tf", Body: "x"}}, Limits{}, "climbs out"},
		{"deep parent", []modtest.Entry{{Name: "a/../../evil.tf", Body: "x"}}, Limits{}, "climbs out"},
		{"absolute", []modtest.Entry{{Name: "/tmp/evil.tf", Body: "x"}}, Limits{}, "absolute path"},
		{"windows absolute", []modtest.Entry{{Name: `C:\evil.tf`, Body: "x"}}, Limits{}, "absolute path"},
		{"link absolute", []modtest.Entry{{Name: "env.txt", Link: "/proc/self/environ"}}, Limits{}, "outside the package"},
		{"link parent", []modtest.Entry{{Name: "a/x", Link: "../../secret"}}, Limits{}, "outside the package"},
		// b points at the package root, so b/.. is its parent even though
		// "b/.." reads as "." on its own.
		{"link through link", []modtest.Entry{{Name: "b", Link: "."}, {Name: "l", Link: "b/.."}}, Limits{}, "resolves outside"},
		{"write through link", []modtest.Entry{{Name: "d", Link: "sub"}, {Name: "d", Dir: true}, {Name: "d/x.tf", Body: "x"}}, Limits{}, "file exists"},
		{"hard link out", []modtest.Entry{{Name: "h", Hard: "../../etc/passwd"}}, Limits{}, "hard link"},
		{"hard link to nothing", []modtest.Entry{{Name: "h", Hard: "nothing"}}, Limits{}, "hard link"},
		{"fifo", []modtest.Entry{{Name: "x.yaml", FIFO: true}}, Limits{}, "FIFO"},
		{"too many", []modtest.Entry{{Name: "a", Body: "1"}, {Name: "b", Body: "2"}, {Name: "c", Body: "3"}}, Limits{MaxEntries: 2}, "more than 2 entries"},
		{"too big", []modtest.Entry{{Name: "a", Body: big}, {Name: "b", Body: big}}, Limits{MaxTree: 1<<20 + 10}, "bytes once extracted"},
	}
	for _, c := range cases {
		for _, format := range []string{"tar.gz", "zip"} {
			if format == "zip" && (c.entries[0].Hard != "" || c.entries[0].FIFO || c.name == "write through link") {
				continue
			}
			var data []byte
			if format == "zip" {
				data = modtest.ZipEntries(c.entries)
			} else {
				data = modtest.TarGzEntries(c.entries)
			}
			parent := t.TempDir()
			f := filepath.Join(parent, "archive")
			os.WriteFile(f, data, 0o644)
			err := Extract(f, format, filepath.Join(parent, "pkg"), c.lim)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s (%s): %v, want an error saying %q", c.name, format, err, c.want)
			}
			for _, n := range []string{"evil.tf", "secret"} {
				if _, err := os.Lstat(filepath.Join(parent, n)); err == nil {
					t.Errorf("%s (%s): %s was written outside the package", c.name, format, n)
				}
			}
		}
	}
}

// TestExtractBomb: a small archive that expands past the cap stops at
// the cap, whatever its headers claim.
func TestExtractBomb(t *testing.T) {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	size := int64(64 << 20)
	tw.WriteHeader(&tar.Header{Name: "zeros.tf", Mode: 0o644, Size: size, Typeflag: tar.TypeReg})
	zero := make([]byte, 1<<20)
	for i := int64(0); i < size>>20; i++ {
		tw.Write(zero)
	}
	tw.Close()
	gz.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", buf.Len())
	}
	out, err := extractBytes(t, buf.Bytes(), "tar.gz", Limits{MaxTree: 8 << 20})
	if err == nil || !strings.Contains(err.Error(), "bytes once extracted") {
		t.Fatalf("Extract = %v", err)
	}
	if st, err := os.Stat(filepath.Join(out, "zeros.tf")); err == nil && st.Size() > 8<<20+1 {
		t.Errorf("wrote %d bytes past the cap", st.Size())
	}
}

func TestExtractNotAnArchive(t *testing.T) {
	for _, format := range []string{"tar.gz", "zip", "tar.bz2"} {
		if _, err := extractBytes(t, []byte("<html>not found</html>"), format, Limits{}); err == nil {
			t.Errorf("%s: no error for HTML", format)
		}
	}
}

func TestCheckTree(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a"), 0o755)
	os.WriteFile(filepath.Join(root, "a", "x.tf"), []byte("x"), 0o644)
	os.Symlink("a/x.tf", filepath.Join(root, "ok"))
	if err := checkTree(root, Limits{}); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/etc/passwd", filepath.Join(root, "bad"))
	if err := checkTree(root, Limits{}); err == nil || !strings.Contains(err.Error(), "outside the package") {
		t.Fatalf("checkTree = %v", err)
	}
}
