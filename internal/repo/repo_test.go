package repo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFSRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", "resource \"x\" \"y\" {}\n")
	write("sub/policy.json", "{}")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("/proc/self/environ", filepath.Join(dir, "env.txt")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.tf")))
	must(os.Symlink("../../etc/passwd", filepath.Join(dir, "sub", "up.txt")))
	must(os.Symlink("policy.json", filepath.Join(dir, "sub", "inside.json")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644))
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	must(err)
	must(f.Truncate(1 << 30)) // sparse: costs nothing on disk
	f.Close()

	r, err := Open(dir)
	must(err)
	defer r.Close()

	if data, err := ReadFile(r, "sub/inside.json", 1<<20, "a policy"); err != nil || string(data) != "{}" {
		t.Fatalf("a symbolic link inside the repository: %q %v", data, err)
	}
	cases := []struct {
		name string
		want error
		text string
	}{
		{"env.txt", ErrEscapes, "a symbolic link to /proc/self/environ, an absolute path"},
		{"zero.tf", ErrEscapes, "a symbolic link to /dev/zero, an absolute path"},
		{"sub/up.txt", ErrEscapes, "a symbolic link to ../../etc/passwd, which leaves the repository"},
		{"../outside", fs.ErrInvalid, ""},
		{"pipe.yaml", ErrNotRegular, "a named pipe (FIFO), not a regular file"},
		{"big.json", ErrTooLarge, "1.0 GB, larger than the 64 MB s3front reads for a plan"},
		{"missing.tf", fs.ErrNotExist, ""},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := ReadFile(r, c.name, 64<<20, "a plan")
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
			continue
		}
		if c.text != "" && !strings.Contains(Reason(err), c.text) {
			t.Errorf("%s: reason %q does not say %q", c.name, Reason(err), c.text)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %s", c.name, d)
		}
	}
	if _, err := Head(r, "pipe.yaml", 512); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Head of a FIFO: %v", err)
	}
	if h, err := Head(r, "big.json", 512); err != nil || len(h) != 512 {
		t.Errorf("Head of a big file: %d bytes, %v", len(h), err)
	}
	ents, err := r.ReadDir(".")
	must(err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "big.json env.txt main.tf pipe.yaml sub zero.tf" {
		t.Errorf("ReadDir: %s", got)
	}
}

// TestPseudoFiles: a repository whose root is / still never reads /proc.
func TestPseudoFiles(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc")
	}
	r, err := Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := ReadFile(r, "proc/self/environ", 1<<20, "a file"); !errors.Is(err, ErrPseudo) {
		t.Fatalf("got %v, want ErrPseudo", err)
	}
	if _, err := ReadFile(r, "dev/zero", 1<<20, "a file"); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("got %v, want ErrNotRegular", err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	repoDir := filepath.Join(dir, "repo")
	if err := os.MkdirAll(filepath.Join(repoDir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repoDir, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(repoDir, "envs", "prod")
	if err := os.MkdirAll(env, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(env, "main.tf"), nil, 0o644)
	wt := filepath.Join(dir, "worktree")
	os.MkdirAll(wt, 0o755)
	os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: /elsewhere\n"), 0o644)
	for _, c := range []struct{ in, want string }{
		{env, repoDir},
		{filepath.Join(env, "main.tf"), repoDir},
		{repoDir, repoDir},
		{wt, wt},
	} {
		got, err := Find(c.in)
		if err != nil || got != c.want {
			t.Errorf("Find(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	// No git work tree: the mount the directory lives on.
	plain := filepath.Join(dir, "plain")
	os.MkdirAll(plain, 0o755)
	got, err := Find(plain)
	if err != nil || !strings.HasPrefix(plain, got) {
		t.Errorf("Find(%s) = %s, %v: want an ancestor", plain, got, err)
	}
}

func TestBinary(t *testing.T) {
	for _, c := range []struct {
		in   string
		off  int
		want bool
	}{
		{"resource \"a\" \"b\" {}\n", 0, false},
		{"héllo", 0, false},
		{"abc\x00def", 3, true},
		{"ab\xff", 2, true},
		{"ab\xc3", 0, false}, // cut at the end of a prefix
	} {
		off, got := Binary([]byte(c.in))
		if got != c.want || off != c.off {
			t.Errorf("Binary(%q) = %d, %v", c.in, off, got)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{12: "12 bytes", 16 << 10: "16 KB", 64 << 20: "64 MB", 1 << 30: "1.0 GB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %s", n, got)
		}
	}
}

func TestReadNamed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "prod.tfvars")
	os.WriteFile(p, []byte(`x = 1`), 0o644)
	if b, err := ReadNamed(p, 100, "a variables file"); err != nil || string(b) != "x = 1" {
		t.Fatalf("%q %v", b, err)
	}
	if _, err := ReadNamed(p, 2, "a variables file"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
	fifo := filepath.Join(dir, "pipe.tfvars")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNamed(fifo, 100, "a variables file"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fifo: %v", err)
	}
	if _, err := os.Stat("/proc/self/environ"); err == nil {
		if _, err := ReadNamed("/proc/self/environ", 1<<20, "a variables file"); !errors.Is(err, ErrPseudo) {
			t.Errorf("/proc/self/environ: %v", err)
		}
	}
	if _, err := ReadNamed("/dev/zero", 1<<20, "a variables file"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
}
