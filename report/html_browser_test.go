package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3front/s3front/report"
)

// chromium finds a headless-capable Chromium: $S3FRONT_CHROMIUM, or
// chromium / chromium-browser / google-chrome on PATH. Under CI=true a
// missing browser fails the test (.ci/run installs Debian's chromium);
// locally it skips.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("S3FRONT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found (apt-get install chromium); required under CI=true")
	}
	t.Skip("no Chromium found (apt-get install chromium); CI=true makes this a failure")
	return ""
}

// runChromium runs the browser headless on a local file with no network:
// background networking, component updates and sync off, a fresh
// profile. It returns stdout and stderr.
func runChromium(t *testing.T, bin, profile string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--disable-quic", "--disable-extensions", "--user-data-dir=" + profile,
		"--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

// TestHTMLInChromium renders one page holding every shared scenario (each
// as its own root) in headless Chromium: the page loads with no console
// message, no script error and no blocked request (it records those on
// <html data-selfcheck>), every path's diagram has a size, and a
// screenshot is written to the test's artifact directory (go test
// -artifacts keeps it; .ci/run does).
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	reps := scenarioReports(t)
	var names []string
	for n := range reps {
		names = append(names, n)
	}
	sort.Strings(names)
	all := &report.Report{Findings: []report.Finding{}, Paths: []report.Path{}}
	for _, n := range names {
		r := reps[n]
		for _, f := range r.Findings {
			f.Root = n
			all.Findings = append(all.Findings, f)
		}
		for _, p := range r.Paths {
			p.Root = n
			all.Paths = append(all.Paths, p)
		}
	}
	all.Sort()
	dir := t.ArtifactDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := report.WriteHTML(&b, all, report.HTMLOptions{Rules: ruleInfos(), Title: "s3front: shared scenarios"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Self-contained: nothing to fetch.
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//[^"]*"`).FindAllString(b.String(), -1); len(m) > 0 {
		for _, s := range m {
			if !strings.HasPrefix(strings.ToLower(s), `href="https://`) { // links to rule docs are fine: they are not loaded
				t.Errorf("the page loads %s", s)
			}
		}
	}
	if strings.Contains(b.String(), "<script src") || strings.Contains(b.String(), "<link") {
		t.Error("the page loads an external script or stylesheet")
	}
	url := "file://" + page
	dom, stderr := runChromium(t, bin, filepath.Join(t.TempDir(), "profile-dom"), "--dump-dom", url)
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ":CONSOLE") {
			t.Errorf("console message: %s", line)
		}
	}
	self := regexp.MustCompile(`data-selfcheck="([^"]*)"`).FindStringSubmatch(dom)
	if self == nil {
		t.Fatalf("the page did not run its self-check; DOM starts:\n%.500s", dom)
	}
	if self[1] != "ok" {
		t.Errorf("self-check: %s", self[1])
	}
	diagrams := regexp.MustCompile(`data-diagrams="(\d+)/(\d+)"`).FindStringSubmatch(dom)
	if diagrams == nil {
		t.Fatal("no diagram count on the page")
	}
	drawn, _ := strconv.Atoi(diagrams[1])
	total, _ := strconv.Atoi(diagrams[2])
	if total != len(all.Paths) || drawn != total {
		t.Errorf("%d of %d diagrams drawn, for %d paths", drawn, total, len(all.Paths))
	}
	// The filters work: unticking "error" hides the error findings. The
	// page is driven through its own script, here by a URL fragment-free
	// second load with a tiny harness appended.
	harness := strings.Replace(b.String(), "</body>", `<script>
(function(){var c=document.querySelector('input[name=severity][value=error]');c.checked=false;c.dispatchEvent(new Event('change',{bubbles:true}));
var vis=0;document.querySelectorAll('.finding[data-severity=error]').forEach(function(f){if(!f.classList.contains('hidden'))vis++;});
var sel=document.querySelector('select[name=rule]');c.checked=true;sel.value='oai-sse-kms';sel.dispatchEvent(new Event('change',{bubbles:true}));
var other=0;document.querySelectorAll('.finding').forEach(function(f){if(!f.classList.contains('hidden')&&f.dataset.rule!=='oai-sse-kms')other++;});
document.documentElement.dataset.filtertest=vis+'/'+other;})();
</script></body>`, 1)
	hpage := filepath.Join(dir, "filters.html")
	if err := os.WriteFile(hpage, []byte(harness), 0o644); err != nil {
		t.Fatal(err)
	}
	hdom, _ := runChromium(t, bin, filepath.Join(t.TempDir(), "profile-filter"), "--dump-dom", "file://"+hpage)
	if m := regexp.MustCompile(`data-filtertest="([^"]*)"`).FindStringSubmatch(hdom); m == nil || m[1] != "0/0" {
		t.Errorf("filters: visible errors after unticking error / other rules after choosing oai-sse-kms = %v", m)
	}
	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, filepath.Join(t.TempDir(), "profile-shot"), "--window-size=1280,2400", "--hide-scrollbars", "--screenshot="+shot, url)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10000 {
		t.Fatalf("no screenshot: %v", err)
	}
	png, _ := os.ReadFile(shot)
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("the screenshot is not a PNG")
	}
	t.Logf("screenshot: %s (%d bytes)", shot, st.Size())
}
