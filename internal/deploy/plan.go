package deploy

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Rules say how files become objects: Cache-Control by path pattern,
// content types by extension, files left out. Patterns are slash paths
// relative to the directory with * (within a segment) and ** (any number
// of segments); the first Cache-Control rule that matches wins.
type Rules struct {
	CacheControl []CacheRule
	// ContentTypes maps an extension (".wasm") to a content type.
	ContentTypes map[string]string
	Exclude      []string
}

// CacheRule sets Cache-Control for the files matching Match.
type CacheRule struct {
	Match string
	Value string
}

// File is one file of the directory or one object of the bucket, and
// what the deploy does with it.
type File struct {
	// Path is the slash path relative to the directory; Key the object key.
	Path string
	Key  string
	Size int64
	// MD5 and SHA256 are hex digests of the content.
	MD5, SHA256  string
	ContentType  string
	CacheControl string
	// Action is upload, skip (unchanged) or delete (removed, with
	// Options.Delete; "keep" without it).
	Action string
	// Why says why, for upload and skip.
	Why string
	abs string
}

// Actions.
const (
	ActUpload = "upload"
	ActSkip   = "skip"
	ActDelete = "delete"
	ActKeep   = "keep"
)

// maxFiles caps the files of one deploy.
const maxFiles = 200_000

// walk lists the regular files under dir, never following a symlink.
func walk(dir string, rules Rules) ([]*File, error) {
	var out []*File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if excluded(rules.Exclude, rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symlinks, FIFOs, devices: never read
		}
		if len(out) >= maxFiles {
			return fmt.Errorf("%s holds more than %d files", dir, maxFiles)
		}
		out = append(out, &File{Path: rel, abs: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func excluded(pats []string, rel string) bool {
	for _, p := range pats {
		if Match(p, rel) || Match(p, path.Base(rel)) {
			return true
		}
	}
	return false
}

// Match reports whether a slash path matches a pattern with *, ? and **
// (any number of whole segments).
func Match(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(ps, ns []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			for i := 0; i <= len(ns); i++ {
				if matchSegs(ps[1:], ns[i:]) {
					return true
				}
			}
			return false
		}
		if len(ns) == 0 {
			return false
		}
		if ok, _ := path.Match(ps[0], ns[0]); !ok {
			return false
		}
		ps, ns = ps[1:], ns[1:]
	}
	return len(ns) == 0
}

// digest reads a file once for its size, MD5, SHA-256 and first bytes.
func digest(f *File) ([]byte, error) {
	fh, err := os.Open(f.abs)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", f.Path)
	}
	m, s := md5.New(), sha256.New()
	head := make([]byte, 512)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	m.Write(head)
	s.Write(head)
	size, err := io.Copy(io.MultiWriter(m, s), fh)
	if err != nil {
		return nil, err
	}
	f.Size = size + int64(n)
	f.MD5 = hex.EncodeToString(m.Sum(nil))
	f.SHA256 = hex.EncodeToString(s.Sum(nil))
	return head, nil
}

// contentTypes are the types of common web files, so that a deploy does
// not depend on the machine's MIME tables.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
	".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
	".map": "application/json", ".webmanifest": "application/manifest+json", ".xml": "application/xml",
	".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon", ".pdf": "application/pdf",
	".wasm": "application/wasm", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".zip": "application/zip", ".gz": "application/gzip",
}

// describe sets a file's content type and Cache-Control.
func describe(f *File, head []byte, rules Rules) {
	ext := strings.ToLower(path.Ext(f.Path))
	switch {
	case rules.ContentTypes[ext] != "":
		f.ContentType = rules.ContentTypes[ext]
	case contentTypes[ext] != "":
		f.ContentType = contentTypes[ext]
	default:
		f.ContentType = http.DetectContentType(head)
	}
	for _, r := range rules.CacheControl {
		if Match(r.Match, f.Path) || (!strings.Contains(r.Match, "/") && Match(r.Match, path.Base(f.Path))) {
			f.CacheControl = r.Value
			break
		}
	}
}

// remote is an object already in the bucket.
type remote struct {
	size int64
	etag string
}

// list reads every object under prefix.
func list(ctx context.Context, c *s3.Client, bucket, prefix string) (map[string]remote, error) {
	out := map[string]remote{}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out[aws.ToString(o.Key)] = remote{size: aws.ToInt64(o.Size), etag: strings.Trim(aws.ToString(o.ETag), `"`)}
		}
	}
	return out, nil
}

// metaSHA is the user metadata holding an object's SHA-256, so that a
// changed ETag (SSE-KMS, multipart) does not force a new upload.
const metaSHA = "s3front-sha256"
