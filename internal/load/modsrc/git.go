package modsrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	fullCommitRe = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
	abbrevRe     = regexp.MustCompile(`^[0-9a-fA-F]{4,64}$`)
)

// refKind is what a git ref names on the remote.
type refKind uint8

const (
	refHead   refKind = iota // no ref: the default branch
	refNamed                 // a branch or tag
	refCommit                // a full commit ID
	refAbbrev                // something else: an abbreviated commit, checked out after a full clone
)

// fetchGit clones a git package at its ref into the cache. Online, the
// ref is first resolved to a commit with git ls-remote, so that a cached
// checkout of that commit is reused and a moved branch is fetched again;
// when the server cannot be reached the commit recorded last time is
// used.
func (c *Client) fetchGit(ctx context.Context, src Source, label string) (*pkg, error) {
	disp := src.display()
	if u, err := url.Parse(src.URL); err == nil && strings.HasPrefix(u.Host, "-") {
		return nil, fmt.Errorf("invalid git host in %s", disp)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	recName := filepath.Join("git", hashKey("", src.URL+"\x00"+src.Ref)+".json")
	var rec gitRecord
	hasRec := c.cache.readRecord(recName, &rec) && rec.Commit != ""
	kind := refNamed
	commit := ""
	ref := src.Ref
	switch {
	case fullCommitRe.MatchString(strings.ToLower(ref)):
		kind, commit = refCommit, strings.ToLower(ref)
	case c.opts.Offline:
		if !hasRec {
			return nil, c.notCached("the git package " + disp)
		}
		commit = rec.Commit
	default:
		var err error
		kind, commit, err = c.lsRemote(ctx, src)
		if err != nil {
			if !hasRec || ctx.Err() != nil {
				return nil, err
			}
			c.logf("warning: %s; using %s at %s from the module cache", err, disp, short(rec.Commit))
			kind, commit = refCommit, rec.Commit
		}
	}
	if commit != "" {
		key := hashKey(disp, "git\x00"+src.URL+"\x00"+commit)
		if c.cache.hasPkg(key) {
			c.recordGit(recName, src, commit, kind)
			return &pkg{dir: c.cache.pkgDir(key), display: disp, version: commit}, nil
		}
		if c.opts.Offline {
			return nil, c.notCached("the git package " + disp)
		}
	}
	work, done, err := c.tempDir()
	if err != nil {
		return nil, err
	}
	defer done()
	tree := filepath.Join(work, "pkg")
	c.fetching(label, disp)
	got, err := c.clone(ctx, src, kind, commit, tree)
	if err != nil {
		return nil, err
	}
	key := hashKey(disp, "git\x00"+src.URL+"\x00"+got)
	dir, err := c.commitTree(key, tree, disp)
	if err != nil {
		return nil, err
	}
	c.recordGit(recName, src, got, kind)
	return &pkg{dir: dir, display: disp, version: got}, nil
}

func (c *Client) recordGit(name string, src Source, commit string, kind refKind) {
	if kind == refCommit && strings.EqualFold(src.Ref, commit) {
		return
	}
	_ = c.cache.writeRecord(name, gitRecord{URL: Redact(src.URL), Ref: src.Ref, Commit: commit, Fetched: c.now()})
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

// lsRemote resolves the source's ref on the remote: a branch first, then
// a tag (peeled to its commit), then a full ref name; a ref found nowhere
// that looks like an abbreviated commit is checked out after cloning.
func (c *Client) lsRemote(ctx context.Context, src Source) (refKind, string, error) {
	args := []string{"ls-remote", "--", src.URL}
	if src.Ref == "" {
		args = append(args, "HEAD")
	} else {
		args = append(args, src.Ref, "refs/heads/"+src.Ref, "refs/tags/"+src.Ref, "refs/tags/"+src.Ref+"^{}")
	}
	out, err := c.git(ctx, "", src, args...)
	if err != nil {
		return 0, "", err
	}
	refs := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		id, name, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if ok {
			refs[name] = strings.ToLower(id)
		}
	}
	if src.Ref == "" {
		if id := refs["HEAD"]; id != "" {
			return refHead, id, nil
		}
		return 0, "", fmt.Errorf("git repository %s has no default branch", src.display())
	}
	for _, n := range []string{"refs/heads/" + src.Ref, "refs/tags/" + src.Ref + "^{}", "refs/tags/" + src.Ref} {
		if id := refs[n]; id != "" {
			return refNamed, id, nil
		}
	}
	if id := refs[src.Ref]; id != "" {
		return refCommit, id, nil // a full ref name (refs/pull/1/head): fetched by its commit
	}
	if abbrevRe.MatchString(src.Ref) {
		return refAbbrev, "", nil
	}
	return 0, "", fmt.Errorf("git repository %s has no branch or tag %q", src.display(), src.Ref)
}

// clone checks the package out into tree and returns its commit.
func (c *Client) clone(ctx context.Context, src Source, kind refKind, commit, tree string) (string, error) {
	depth := src.Depth
	if depth <= 0 {
		depth = 1
	}
	d := "--depth=" + strconv.Itoa(depth)
	var err error
	switch kind {
	case refHead:
		_, err = c.git(ctx, "", src, "clone", "--quiet", d, "--single-branch", "--", src.URL, tree)
	case refNamed:
		_, err = c.git(ctx, "", src, "clone", "--quiet", d, "--single-branch", "--branch", src.Ref, "--", src.URL, tree)
	case refCommit:
		// A shallow fetch of the commit (servers that allow it), else a
		// full clone and a checkout.
		if _, err = c.git(ctx, "", src, "init", "--quiet", tree); err == nil {
			if _, err = c.git(ctx, tree, src, "fetch", "--quiet", d, "--", src.URL, commit); err == nil {
				_, err = c.git(ctx, tree, src, "checkout", "--quiet", "--detach", "FETCH_HEAD")
			}
		}
		if err != nil && ctx.Err() == nil {
			_ = os.RemoveAll(tree)
			err = c.fullClone(ctx, src, commit, tree)
		}
	case refAbbrev:
		err = c.fullClone(ctx, src, src.Ref, tree)
	}
	if err != nil {
		return "", err
	}
	if _, serr := os.Stat(filepath.Join(tree, ".gitmodules")); serr == nil {
		if _, err := c.git(ctx, tree, src, "submodule", "--quiet", "update", "--init", "--recursive"); err != nil {
			return "", err
		}
	}
	head, err := c.git(ctx, tree, src, "rev-parse", "HEAD")
	if err != nil {
		return "", err
	}
	head = strings.ToLower(strings.TrimSpace(head))
	if !fullCommitRe.MatchString(head) {
		return "", fmt.Errorf("git rev-parse HEAD gave %q in %s", head, src.display())
	}
	if err := removeGitDirs(tree); err != nil {
		return "", err
	}
	return head, nil
}

func (c *Client) fullClone(ctx context.Context, src Source, rev, tree string) error {
	if _, err := c.git(ctx, "", src, "clone", "--quiet", "--no-checkout", "--", src.URL, tree); err != nil {
		return err
	}
	_, err := c.git(ctx, tree, src, "checkout", "--quiet", "--detach", rev)
	if err != nil {
		return fmt.Errorf("git repository %s has no commit %q", src.display(), rev)
	}
	return nil
}

// removeGitDirs drops the repository metadata (.git directories, and the
// .git files of submodules): the cache keeps the content only.
func removeGitDirs(tree string) error {
	var gits []string
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			gits = append(gits, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range gits {
		if err := os.RemoveAll(g); err != nil {
			return err
		}
	}
	return nil
}

// git runs the git program, never interactively, and turns a failure into
// an error that quotes the end of git's message (credentials removed).
func (c *Client) git(ctx context.Context, dir string, src Source, args ...string) (string, error) {
	prog := c.opts.Git
	if prog == "" {
		prog = "git"
	}
	full := append([]string{"-c", "protocol.file.allow=user", "-c", "protocol.ext.allow=never", "-c", "advice.detachedHead=false", "-c", "core.askPass="}, args...)
	cmd := exec.CommandContext(ctx, prog, full...)
	cmd.Dir = dir
	env := append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never", "LC_ALL=C")
	if os.Getenv("GIT_SSH_COMMAND") == "" && os.Getenv("GIT_SSH") == "" {
		env = append(env, "GIT_SSH_COMMAND=ssh -o BatchMode=yes")
	}
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{b: &stdout, max: 1 << 20}
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 64 << 10}
	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("git %s of %s timed out", args[0], src.display())
		}
		return "", ctx.Err()
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		return "", fmt.Errorf("the git program is needed to fetch %s: %s", src.display(), errText(ee.Err))
	}
	msg := lastLines(stderr.String(), 3)
	msg = strings.ReplaceAll(msg, src.URL, Redact(src.URL))
	if msg == "" {
		msg = err.Error()
	}
	return "", fmt.Errorf("git %s of %s failed: %s", args[0], src.display(), msg)
}

func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, "; ")
	if len(out) > 500 {
		out = out[:500] + "…"
	}
	return out
}

type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		if len(p) > room {
			l.b.Write(p[:room])
		} else {
			l.b.Write(p)
		}
	}
	return len(p), nil
}
