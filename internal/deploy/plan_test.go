package deploy

import (
	"os"

	"github.com/s3front/s3front/report"
	"path/filepath"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"*.html", "index.html", true},
		{"*.html", "docs/index.html", false},
		{"**/*.html", "docs/index.html", true},
		{"**/*.html", "index.html", true},
		{"assets/**", "assets/js/app.js", true},
		{"assets/**", "assets", true},
		{"assets/**", "static/app.js", false},
		{"a/*/c", "a/b/c", true},
		{"a/*/c", "a/b/x/c", false},
		{"img/?.png", "img/1.png", true},
	} {
		if got := Match(c.pat, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pat, c.name, got, c.want)
		}
	}
}

func TestWalkDescribe(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"index.html": "<p>", "assets/app.js": "x", "assets/app.js.map": "{}", "blob": "\x00\x01binary",
		"data.WASM": "\x00asm", ".DS_Store": "junk"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	rules := Rules{
		CacheControl: []CacheRule{{Match: "*.html", Value: "no-cache"}, {Match: "assets/**", Value: "max-age=31536000"}},
		ContentTypes: map[string]string{".wasm": "application/wasm"},
		Exclude:      []string{"*.map", ".DS_Store"},
	}
	files, err := walk(dir, rules)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*File{}
	for _, f := range files {
		head, err := digest(f)
		if err != nil {
			t.Fatal(err)
		}
		describe(f, head, rules)
		got[f.Path] = f
	}
	if len(got) != 4 || got["escape"] != nil || got["assets/app.js.map"] != nil || got[".DS_Store"] != nil {
		t.Fatalf("files %v: want index.html, assets/app.js, blob, data.WASM (no symlink, no excluded file)", got)
	}
	for path, want := range map[string][2]string{
		"index.html":    {"text/html; charset=utf-8", "no-cache"},
		"assets/app.js": {"text/javascript; charset=utf-8", "max-age=31536000"},
		"data.WASM":     {"application/wasm", ""},
		"blob":          {"application/octet-stream", ""},
	} {
		if f := got[path]; f.ContentType != want[0] || f.CacheControl != want[1] {
			t.Errorf("%s: %q, %q; want %q, %q", path, f.ContentType, f.CacheControl, want[0], want[1])
		}
	}
	if f := got["index.html"]; f.MD5 != "5b01b8c0c6b8f6a8e3b4f6ad71b7c4a0" && len(f.MD5) != 32 || len(f.SHA256) != 64 || f.Size != 3 {
		t.Errorf("digest of index.html: %+v", f)
	}
}

func TestDistURLs(t *testing.T) {
	d := dist{prefixes: []string{"", "site"}}
	got := d.urls("site/index.html")
	if len(got) != 2 || got[0] != "/site/index.html" || got[1] != "/index.html" {
		t.Errorf("urls = %v", got)
	}
	if b, ok := originBucket("assets.s3.eu-west-1.amazonaws.com"); !ok || b != "assets" {
		t.Errorf("originBucket = %q %v", b, ok)
	}
	if _, ok := originBucket("example.com"); ok {
		t.Error("a custom origin is not a bucket")
	}
}

func TestPreflightBlocked(t *testing.T) {
	var none *Preflight
	undecided := &Preflight{Unknown: make([]report.Path, 1)}
	denied := &Preflight{Denied: make([]report.Path, 1)}
	if none.Blocked(true) || undecided.Blocked(false) || !undecided.Blocked(true) || !denied.Blocked(false) {
		t.Error("Blocked: a denied path always refuses, an undecided one only when strict")
	}
}
