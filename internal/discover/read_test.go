package discover

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3front/s3front/internal/repo"
)

// TestFilesKept checks that a root's listing and Terraform files, read
// while searching, are handed to its loader once, from memory; modules
// are not kept.
func TestFilesKept(t *testing.T) {
	dir := tree(t, map[string]string{
		"envs/prod/main.tf":      "module \"site\" {\n  source = \"../../modules/site\"\n}\n",
		"envs/prod/vars.tf":      `variable "x" {}`,
		"envs/prod/notes.txt":    "not Terraform",
		"modules/site/main.tf":   `resource "aws_s3_bucket" "b" {}`,
		"templates/stack.yaml":   template,
		"envs/prod/.hidden.tf":   "# skipped",
		"envs/prod/sub/other.tf": "# another root",
	})
	res, got := find(t, dir, []string{"."}, Options{})
	want := []string{"terraform envs/prod", "terraform envs/prod/sub", "cloudformation templates/stack.yaml"}
	if len(got) != len(want) {
		t.Fatalf("roots %v, want %v", got, want)
	}
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var prod, tmpl Root
	for _, x := range res.Roots {
		switch x.Path {
		case "envs/prod":
			prod = x
		case "templates/stack.yaml":
			tmpl = x
		}
	}
	// Change the files on disk: what the loader gets is what the search
	// read.
	if err := os.WriteFile(filepath.Join(dir, "envs/prod/main.tf"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "envs/prod/vars.tf")); err != nil {
		t.Fatal(err)
	}
	fsys := res.Files(prod, r)
	if _, ok := fsys.(*keptFS); !ok {
		t.Fatalf("Files(envs/prod) = %T, want the kept files", fsys)
	}
	ents, err := fs.ReadDir(fsys, "envs/prod")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := "[.hidden.tf main.tf notes.txt sub vars.tf]"; fmtList(names) != want {
		t.Errorf("listing %s, want %s (as read while searching)", fmtList(names), want)
	}
	if st, err := fs.Stat(fsys, "envs/prod/vars.tf"); err != nil || st.Size() != int64(len(`variable "x" {}`)) || st.Name() != "vars.tf" {
		t.Errorf("Stat(vars.tf) from the kept files: %v %v", st, err)
	}
	data, err := repo.ReadFile(fsys, "envs/prod/main.tf", 1<<20, "a Terraform file")
	if err != nil || string(data) != "module \"site\" {\n  source = \"../../modules/site\"\n}\n" {
		t.Errorf("main.tf from the kept files: %q %v", data, err)
	}
	// A kept file is served once, then let go: reading it again reads
	// the repository.
	if data, err := repo.ReadFile(fsys, "envs/prod/main.tf", 1<<20, "a Terraform file"); err != nil || string(data) != "changed" {
		t.Errorf("main.tf read a second time: %q %v, want what is on disk now", data, err)
	}
	// The size limit applies to kept files as to files on disk.
	if _, err := repo.ReadFile(fsys, "envs/prod/vars.tf", 10, "a Terraform file"); err == nil {
		t.Errorf("a kept file larger than the limit was read")
	}
	if _, err := repo.ReadFile(fsys, "envs/prod/vars.tf", 1<<20, "a Terraform file"); err == nil {
		t.Errorf("vars.tf read again from memory, not from the repository (where it was removed)")
	}
	// Files not kept come from the repository.
	if data, err := fs.ReadFile(fsys, "envs/prod/notes.txt"); err != nil || string(data) != "not Terraform" {
		t.Errorf("notes.txt: %q %v", data, err)
	}
	if data, err := fs.ReadFile(fsys, "modules/site/main.tf"); err != nil || string(data) != `resource "aws_s3_bucket" "b" {}` {
		t.Errorf("the module: %q %v", data, err)
	}
	// Handed out once: a second call reads the repository.
	if again := res.Files(prod, r); again != fs.FS(r) {
		t.Errorf("second Files(envs/prod) = %T, want the repository", again)
	}
	if got := res.Files(tmpl, r); got != fs.FS(r) {
		t.Errorf("Files(template) = %T, want the repository", got)
	}
	if got := res.Files(Root{Kind: Terraform, Repo: prod.Repo, Name: "modules/site"}, r); got != fs.FS(r) {
		t.Errorf("Files(module) = %T, want the repository: modules are not kept", got)
	}
	if res.kept.size != int64(len("# another root")) {
		t.Errorf("kept size %d after handing out envs/prod, want the other root's file only", res.kept.size)
	}
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}
