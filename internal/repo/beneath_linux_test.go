package repo

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestBeneathAgrees checks that the openat2 fast path opens, lists and
// refuses exactly what os.Root does: the same files, the same entries and
// the same errors.
func TestBeneathAgrees(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(text), 0o644))
	}
	write("main.tf", "resource \"x\" \"y\" {}\n")
	write("envs/prod/main.tf", "module \"m\" { source = \"../../modules/site\" }\n")
	write("modules/site/main.tf", "output \"o\" { value = 1 }\n")
	write("empty.tf", "")
	must(os.Symlink("../../modules/site/main.tf", filepath.Join(dir, "envs/prod/linked.tf")))
	must(os.Symlink("../modules", filepath.Join(dir, "envs/mods")))
	must(os.Symlink("/etc/passwd", filepath.Join(dir, "abs.tf")))
	must(os.Symlink("../../../../etc/passwd", filepath.Join(dir, "envs/prod/up.tf")))
	must(os.Symlink("missing.tf", filepath.Join(dir, "dangling.tf")))
	must(os.Symlink("loop.tf", filepath.Join(dir, "loop.tf")))
	must(os.Symlink("/proc/self/environ", filepath.Join(dir, "env.txt")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.tf"), 0o644))
	// More entries than one getdents call returns into the fast path's
	// buffer.
	for i := range 300 {
		write(fmt.Sprintf("many/a-file-with-a-long-name-to-fill-the-buffer-%03d.tf", i), "")
	}

	fast, err := Open(dir)
	must(err)
	defer fast.Close()
	if fast.fast.fd < 0 {
		t.Skip("openat2 is not available here")
	}
	slow, err := Open(dir)
	must(err)
	slow.fast.close()
	slow.fast = beneath{fd: -1}
	defer slow.Close()

	read := func(r *FS, name string) string {
		data, err := ReadFile(r, name, 1<<20, "a Terraform file")
		if err != nil {
			return "error: " + err.Error()
		}
		fh, err := r.Open(name)
		if err != nil {
			return "open error: " + err.Error()
		}
		defer fh.Close()
		st, err := fh.Stat()
		if err != nil {
			return "stat error: " + err.Error()
		}
		return fmt.Sprintf("%q name=%s size=%d mode=%v", data, st.Name(), st.Size(), st.Mode())
	}
	list := func(r *FS, name string) string {
		ents, err := r.ReadDir(name)
		if err != nil {
			return "error: " + err.Error()
		}
		s := ""
		for _, e := range ents {
			info, err := e.Info()
			if err != nil {
				s += fmt.Sprintf("%s %v info error %v; ", e.Name(), e.Type(), err)
				continue
			}
			s += fmt.Sprintf("%s %v %v %v; ", e.Name(), e.Type(), e.IsDir(), info.Mode())
		}
		return s
	}
	for _, name := range []string{
		"main.tf", "envs/prod/main.tf", "modules/site/main.tf", "empty.tf",
		"envs/prod/linked.tf", "envs/mods/site/main.tf", "abs.tf", "envs/prod/up.tf",
		"dangling.tf", "loop.tf", "env.txt", "pipe.tf", "nothing.tf", "envs", "main.tf/x",
	} {
		if got, want := read(fast, name), read(slow, name); got != want {
			t.Errorf("read %s:\nfast path: %s\nos.Root:   %s", name, got, want)
		}
	}
	for _, name := range []string{".", "many", "envs", "envs/prod", "envs/mods", "modules/site", "main.tf", "nothing", "pipe.tf", "abs.tf"} {
		if got, want := list(fast, name), list(slow, name); got != want {
			t.Errorf("list %s:\nfast path: %s\nos.Root:   %s", name, got, want)
		}
	}
	// The fast path is really taken for a plain file and a directory.
	fh, err := fast.Open("main.tf")
	must(err)
	if _, ok := fh.(*file); !ok {
		t.Errorf("main.tf was opened through os.Root (%T), not the fast path", fh)
	}
	fh.Close()
	if _, err := fh.Stat(); err == nil {
		t.Errorf("Stat after Close: no error")
	}
	if ents, ok := fast.fast.readDir("envs", fast.Lstat); !ok || len(ents) != 2 {
		t.Errorf("envs was not listed by the fast path: %v %v", ents, ok)
	}
	var _ fs.ReadDirFS = fast
}
