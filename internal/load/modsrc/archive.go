package modsrc

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// fetchArchive downloads an archive and extracts it into the cache. An
// archive URL names fixed content (a release), so a cached copy is used
// without asking the server again.
func (c *Client) fetchArchive(ctx context.Context, src Source, label string) (*pkg, error) {
	disp := src.display()
	key := hashKey(disp, "http\x00"+src.URL+"\x00"+src.Archive+"\x00"+src.Checksum)
	if c.cache.hasPkg(key) {
		return &pkg{dir: c.cache.pkgDir(key), display: disp}, nil
	}
	if c.opts.Offline {
		return nil, c.notCached("the archive " + disp)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	work, done, err := c.tempDir()
	if err != nil {
		return nil, err
	}
	defer done()
	c.fetching(label, Redact(src.URL))
	file := filepath.Join(work, "archive")
	if err := c.download(ctx, src, file); err != nil {
		return nil, err
	}
	tree := filepath.Join(work, "pkg")
	if err := Extract(file, src.Archive, tree, c.opts.Limits); err != nil {
		return nil, fmt.Errorf("archive %s: %w", Redact(src.URL), err)
	}
	dir, err := c.commitTree(key, tree, disp)
	if err != nil {
		return nil, err
	}
	return &pkg{dir: dir, display: disp}, nil
}

// download fetches an archive into file, within the size limit, and
// checks its checksum when the address gives one.
func (c *Client) download(ctx context.Context, src Source, file string) error {
	resp, err := c.httpGet(ctx, src.URL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.opts.Limits.MaxDownload {
		return fmt.Errorf("%s is %d bytes, more than the %d a module archive may have", Redact(src.URL), resp.ContentLength, c.opts.Limits.MaxDownload)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var h hash.Hash
	var want []byte
	if src.Checksum != "" {
		h, want, err = checksum(src.Checksum)
		if err != nil {
			return fmt.Errorf("%s: %w", Redact(src.URL), err)
		}
	}
	w := io.Writer(f)
	if h != nil {
		w = io.MultiWriter(f, h)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, c.opts.Limits.MaxDownload+1))
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("downloading %s: %s", Redact(src.URL), netText(ctx.Err()))
		}
		return &unreachable{fmt.Errorf("downloading %s: %s", Redact(src.URL), netText(err)), shortNet(err)}
	}
	if n > c.opts.Limits.MaxDownload {
		return fmt.Errorf("%s is more than the %d bytes a module archive may have", Redact(src.URL), c.opts.Limits.MaxDownload)
	}
	if h != nil && !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("%s: checksum mismatch: want %x, got %x", Redact(src.URL), want, h.Sum(nil))
	}
	return f.Close()
}

var checksumRe = regexp.MustCompile(`^(md5|sha1|sha256|sha512):([0-9a-fA-F]+)$`)

func checksum(spec string) (hash.Hash, []byte, error) {
	m := checksumRe.FindStringSubmatch(spec)
	if m == nil {
		return nil, nil, fmt.Errorf("unsupported checksum %q (use sha256:<hex>, sha512:, sha1: or md5:)", spec)
	}
	want, err := hex.DecodeString(m[2])
	if err != nil {
		return nil, nil, fmt.Errorf("invalid checksum %q", spec)
	}
	var h hash.Hash
	switch m[1] {
	case "md5":
		h = md5.New()
	case "sha1":
		h = sha1.New()
	case "sha256":
		h = sha256.New()
	case "sha512":
		h = sha512.New()
	}
	if len(want) != h.Size() {
		return nil, nil, fmt.Errorf("invalid checksum %q: %s digests have %d bytes", spec, m[1], h.Size())
	}
	return h, want, nil
}

// httpGet makes a GET request for a package (no registry credentials, as
// Terraform sends none to download locations).
func (c *Client) httpGet(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s", Redact(u))
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ctx.Err()
		}
		return nil, &unreachable{fmt.Errorf("%s: %s", Redact(u), netText(err)), shortNet(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		se := &statusError{code: resp.StatusCode, url: Redact(u)}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return nil, &unreachable{se, fmt.Sprintf("answered %d %s", se.code, http.StatusText(se.code))}
		}
		return nil, se
	}
	return resp, nil
}

// fetchIndirect asks an https URL where the package is (X-Terraform-Get,
// or a <meta name="terraform-get"> tag), as go-getter does, and fetches
// that.
func (c *Client) fetchIndirect(ctx context.Context, src Source, depth int, label string) (*pkg, error) {
	recName := filepath.Join("http", hashKey("", src.URL)+".json")
	var loc string
	var rec httpRecord
	hasRec := c.cache.readRecord(recName, &rec) && rec.Location != ""
	if c.opts.Offline {
		if !hasRec {
			return nil, c.notCached("the package at " + src.display())
		}
		loc = rec.Location
	} else {
		var err error
		loc, err = c.askLocation(ctx, src.URL)
		if err != nil {
			if !isUnreachable(err) || !hasRec {
				return nil, err
			}
			c.logf("warning: %s cannot be reached (%s): using the location recorded in the module cache", src.display(), unreachableReason(err))
			loc = rec.Location
		}
	}
	next, err := ParseSource(loc)
	if err != nil || next.Kind == Registry {
		return nil, fmt.Errorf("%s gave the location %q, which is not a package address", src.display(), Redact(loc))
	}
	p, err := c.fetchPackage(ctx, next, depth+1, label)
	if err != nil {
		return nil, err
	}
	if !c.opts.Offline {
		_ = c.cache.writeRecord(recName, httpRecord{URL: Redact(src.URL), Location: loc, Fetched: c.now()})
	}
	out := *p
	out.subdir = joinSubdir(p.subdir, next.Subdir)
	return &out, nil
}

var metaRe = regexp.MustCompile(`(?is)<meta\s+[^>]*name\s*=\s*["']terraform-get["'][^>]*>`)
var contentRe = regexp.MustCompile(`(?is)content\s*=\s*["']([^"']*)["']`)

func (c *Client) askLocation(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid URL %s", Redact(raw))
	}
	q := u.Query()
	q.Add("terraform-get", "1")
	u.RawQuery = q.Encode()
	rctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	resp, err := c.httpGet(rctx, u.String())
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("X-Terraform-Get")
	if loc == "" {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if m := metaRe.Find(body); m != nil {
			if cm := contentRe.FindSubmatch(m); cm != nil {
				loc = htmlUnescape(string(cm[1]))
			}
		}
	}
	if loc == "" {
		return "", fmt.Errorf("%s is not an archive (by its name or ?archive=) and answers with no X-Terraform-Get location", Redact(raw))
	}
	if strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "./") || strings.HasPrefix(loc, "../") {
		rel, err := url.Parse(loc)
		if err != nil {
			return "", fmt.Errorf("%s gave an invalid location", Redact(raw))
		}
		loc = u.ResolveReference(rel).String()
	}
	return loc, nil
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(s)
}

// Extract unpacks an archive file (format: tar.gz, tgz, tar.bz2, tbz2,
// tar.tbz2, tar or zip) into dir, which must not exist. Entries are
// refused when their name is absolute or climbs out of dir, when they are
// devices or FIFOs, or when a symbolic link points out of dir; the total
// size and the number of entries are capped by lim.
func Extract(file, format, dir string, lim Limits) error {
	lim = lim.withDefaults()
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	x := &extractor{root: dir, lim: lim}
	var err error
	switch format {
	case "zip":
		err = x.zip(file)
	case "tar.gz", "tgz", "tar.bz2", "tbz2", "tar.tbz2", "tar":
		err = x.tarFile(file, format)
	default:
		err = fmt.Errorf("unsupported archive format %q", format)
	}
	if err != nil {
		return err
	}
	if err := x.links(); err != nil {
		return err
	}
	return checkTree(dir, lim)
}

type extractor struct {
	root    string
	lim     Limits
	entries int
	bytes   int64
	files   map[string]bool
	symlink []link
}

type link struct{ name, target string }

func (x *extractor) tarFile(file, format string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	switch format {
	case "tar.gz", "tgz":
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("not a gzip file: %s", errText(err))
		}
		defer gz.Close()
		r = gz
	case "tar.bz2", "tbz2", "tar.tbz2":
		r = bzip2.NewReader(f)
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a valid tar archive: %s", errText(err))
		}
		switch h.Typeflag {
		case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
			continue
		}
		name, err := x.entryName(h.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = x.mkdir(name)
		case tar.TypeReg, tar.TypeRegA:
			err = x.file(name, tr, h.FileInfo().Mode())
		case tar.TypeSymlink:
			err = x.addLink(name, h.Linkname)
		case tar.TypeLink:
			err = x.hardlink(name, h.Linkname)
		default:
			err = fmt.Errorf("entry %s is a device, FIFO or other special file", name)
		}
		if err != nil {
			return err
		}
	}
}

func (x *extractor) zip(file string) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("not a valid zip archive: %s", errText(err))
	}
	defer zr.Close()
	for _, zf := range zr.File {
		name, err := x.entryName(zf.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		mode := zf.Mode()
		switch {
		case mode.IsDir() || strings.HasSuffix(zf.Name, "/"):
			err = x.mkdir(name)
		case mode&fs.ModeSymlink != 0:
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				var t []byte
				t, err = io.ReadAll(io.LimitReader(rc, 4096))
				rc.Close()
				if err == nil {
					err = x.addLink(name, string(t))
				}
			}
		case mode.IsRegular():
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				err = x.file(name, rc, mode)
				rc.Close()
			}
		default:
			err = fmt.Errorf("entry %s is a device, FIFO or other special file", name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// entryName validates an entry's name: relative, inside the package.
// "" means the entry is the root itself.
func (x *extractor) entryName(raw string) (string, error) {
	x.entries++
	if x.entries > x.lim.MaxEntries {
		return "", fmt.Errorf("more than %d entries", x.lim.MaxEntries)
	}
	n := strings.ReplaceAll(raw, `\`, "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("entry %q has an absolute path", raw)
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", fmt.Errorf("entry %q climbs out of the package", raw)
		}
	}
	if strings.ContainsRune(n, 0) {
		return "", fmt.Errorf("entry %q has a NUL in its name", raw)
	}
	n = path.Clean(n)
	if n == "." {
		return "", nil
	}
	return n, nil
}

func (x *extractor) mkdir(name string) error {
	return os.MkdirAll(filepath.Join(x.root, filepath.FromSlash(name)), 0o755)
}

func (x *extractor) file(name string, r io.Reader, mode fs.FileMode) error {
	p := filepath.Join(x.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	perm := fs.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("entry %s: %s", name, errText(err))
	}
	room := x.lim.MaxTree - x.bytes
	n, err := io.Copy(f, io.LimitReader(r, room+1))
	x.bytes += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("entry %s: %s", name, errText(err))
	}
	if x.bytes > x.lim.MaxTree {
		return fmt.Errorf("more than %d bytes once extracted", x.lim.MaxTree)
	}
	if x.files == nil {
		x.files = map[string]bool{}
	}
	x.files[name] = true
	return nil
}

// addLink records a symbolic link, created after every file so that no
// entry is ever written through one.
func (x *extractor) addLink(name, target string) error {
	if err := linkInside(name, target); err != nil {
		return err
	}
	x.symlink = append(x.symlink, link{name, target})
	return nil
}

// linkInside reports an error when a link's target, read from the link's
// directory, is absolute or climbs out of the package.
func linkInside(name, target string) error {
	t := strings.ReplaceAll(target, `\`, "/")
	if t == "" || strings.HasPrefix(t, "/") || (len(t) > 1 && t[1] == ':') {
		return fmt.Errorf("symbolic link %s points to %q, outside the package", name, target)
	}
	j := path.Join(path.Dir(name), t)
	if j == ".." || strings.HasPrefix(j, "../") {
		return fmt.Errorf("symbolic link %s points to %q, outside the package", name, target)
	}
	return nil
}

// hardlink copies an earlier regular file of the archive.
func (x *extractor) hardlink(name, target string) error {
	t, err := x.entryName(target)
	if err != nil || t == "" || !x.files[t] {
		return fmt.Errorf("hard link %s points to %q, which is not a file of the package", name, target)
	}
	x.entries--
	f, err := os.Open(filepath.Join(x.root, filepath.FromSlash(t)))
	if err != nil {
		return err
	}
	defer f.Close()
	return x.file(name, f, 0o644)
}

func (x *extractor) links() error {
	for _, l := range x.symlink {
		p := filepath.Join(x.root, filepath.FromSlash(l.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(l.target, p); err != nil {
			return fmt.Errorf("symbolic link %s: %s", l.name, errText(err))
		}
	}
	return nil
}

// checkTree walks a package tree before it enters the cache: at most
// MaxEntries entries and MaxTree bytes; only directories, regular files
// and symbolic links; every link resolves inside the tree (a link that
// resolves to nothing is removed: it could only read as missing).
func checkTree(root string, lim Limits) error {
	lim = lim.withDefaults()
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	var n int
	var size int64
	var dangling []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n++
		if n > lim.MaxEntries {
			return fmt.Errorf("more than %d files and directories", lim.MaxEntries)
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		t := d.Type()
		switch {
		case t.IsDir():
		case t.IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			size += info.Size()
			if size > lim.MaxTree {
				return fmt.Errorf("more than %d bytes", lim.MaxTree)
			}
		case t&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := linkInside(rel, target); err != nil {
				return err
			}
			resolved, err := filepath.EvalSymlinks(p)
			if err != nil {
				dangling = append(dangling, p)
				return nil
			}
			if r, err := filepath.Rel(realRoot, resolved); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return fmt.Errorf("symbolic link %s resolves outside the package", rel)
			}
		default:
			return fmt.Errorf("%s is a device, FIFO or other special file", rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range dangling {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
