package s3front_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeGoVersion keeps the Go version README.md asks for equal to the
// one go.mod names.
func TestReadmeGoVersion(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod names no Go version")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "Go " + string(m[1]) + " or later"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md must say %q (go.mod: go %s)", want, m[1])
	}
}

// TestReportDoc keeps the report package documentation true: it names
// every writer the package exports.
func TestReportDoc(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, "report", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	pkg := pkgs["report"]
	var doc string
	var writers []string
	for _, f := range pkg.Files {
		if f.Doc != nil {
			doc += f.Doc.Text()
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && ast.IsExported(fn.Name.Name) &&
				(strings.HasPrefix(fn.Name.Name, "Write") || strings.HasPrefix(fn.Name.Name, "New") && strings.HasSuffix(fn.Name.Name, "Stream")) {
				writers = append(writers, strings.TrimPrefix(fn.Name.Name, "New"))
			}
		}
	}
	if len(writers) < 4 {
		t.Fatalf("found only writers %v", writers)
	}
	for _, w := range writers {
		if !strings.Contains(doc, w) {
			t.Errorf("the report package documentation does not mention %s", w)
		}
	}
}
