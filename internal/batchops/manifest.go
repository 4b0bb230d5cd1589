package batchops

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/s3front/s3front/internal/reencrypt"
)

// Entry is one object of a manifest.
type Entry struct {
	Bucket       string
	Key          string // not encoded
	VersionID    string
	StorageClass string // "" is STANDARD
	Size         int64
}

// Excluded counts objects left out of the manifests, by reason.
type Excluded map[string]int64

// Reasons objects are left out.
const (
	ExUnderKey   = "already SSE-KMS under the key"
	ExKMSUnknown = "SSE-KMS under a key the inventory does not name (check them with a dry run in process)"
	ExSSEC       = "SSE-C (the customer key is needed)"
	ExArchived   = "archived and not restored"
	ExLock       = "Object Lock settings (a job would apply one setting to all: copy in process)"
	ExRedirect   = "a website redirect location (a job would apply one to all: copy in process)"
	ExNotLatest  = "noncurrent version or delete marker"
)

// Manifest is the objects to copy, split by storage class.
type Manifest struct {
	Bucket    string
	Versioned bool
	// ByClass holds the entries of each storage class ("STANDARD", ...),
	// sorted by key.
	ByClass  map[string][]Entry
	Excluded Excluded
}

// Classes returns the storage classes in a stable order.
func (m *Manifest) Classes() []string {
	var cs []string
	for c := range m.ByClass {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// Count is the number of objects to copy and their bytes.
func (m *Manifest) Count() (n, bytes int64) {
	for _, es := range m.ByClass {
		for _, e := range es {
			n++
			bytes += e.Size
		}
	}
	return n, bytes
}

func (m *Manifest) add(e Entry) {
	c := e.StorageClass
	if c == "" {
		c = "STANDARD"
	}
	e.StorageClass = c
	if m.ByClass == nil {
		m.ByClass = map[string][]Entry{}
	}
	m.ByClass[c] = append(m.ByClass[c], e)
}

func (m *Manifest) exclude(why string) {
	if m.Excluded == nil {
		m.Excluded = Excluded{}
	}
	m.Excluded[why]++
}

func (m *Manifest) sort() {
	for _, es := range m.ByClass {
		sort.Slice(es, func(i, j int) bool { return es[i].Key < es[j].Key })
	}
}

// CSV renders the entries in the S3BatchOperations_CSV_20180820 format:
// bucket,key[,versionId] per line, the key URL-encoded as Batch
// Operations requires.
func CSV(entries []Entry, versioned bool) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, e := range entries {
		rec := []string{e.Bucket, encodeKey(e.Key)}
		if versioned {
			rec = append(rec, e.VersionID)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// encodeKey URL-encodes a key as S3 Inventory does (and Batch Operations
// expects): every byte but unreserved characters and '/' percent-encoded,
// spaces as %20.
func encodeKey(k string) string {
	return strings.ReplaceAll(url.PathEscape(k), "%2F", "/")
}

// FromObjects builds a manifest from what the in-process engine's dry run
// saw: the objects it would copy (Objects) with their HEAD facts.
func FromObjects(bucket string, versioned bool, objs []reencrypt.Planned, excluded map[string]int64) *Manifest {
	m := &Manifest{Bucket: bucket, Versioned: versioned}
	for why, n := range excluded {
		for range n {
			m.exclude(why)
		}
	}
	for _, o := range objs {
		switch {
		case o.LockMode != "" || o.LegalHold != "":
			m.exclude(ExLock)
		case o.WebsiteRedirect != "":
			m.exclude(ExRedirect)
		default:
			m.add(Entry{Bucket: bucket, Key: o.Key, VersionID: o.VersionID, StorageClass: o.StorageClass, Size: o.Size})
		}
	}
	m.sort()
	return m
}

// InventoryManifest is the manifest.json of an S3 Inventory report.
type InventoryManifest struct {
	SourceBucket      string `json:"sourceBucket"`
	DestinationBucket string `json:"destinationBucket"`
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"`
	Files             []struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	} `json:"files"`
}

// ParseInventoryManifest reads an inventory's manifest.json.
func ParseInventoryManifest(name string, data []byte) (*InventoryManifest, error) {
	var im InventoryManifest
	if err := json.Unmarshal(data, &im); err != nil {
		return nil, fmt.Errorf("%s: not an S3 Inventory manifest.json: %v", name, err)
	}
	if !strings.EqualFold(im.FileFormat, "CSV") {
		return nil, fmt.Errorf("%s: inventory format %q: only CSV inventories can be read\nhint: configure the inventory with CSV output, or run without --inventory", name, im.FileFormat)
	}
	if im.FileSchema == "" || len(im.Files) == 0 {
		return nil, fmt.Errorf("%s: manifest.json names no fileSchema or no files", name)
	}
	return &im, nil
}

// Open fetches one data file of an inventory (gzip-compressed CSV).
type Open func(ctx context.Context, key string) (io.ReadCloser, error)

// maxInventoryLine caps one CSV record (keys are at most 1,024 bytes).
const maxInventoryLine = 64 << 10

// FromInventory builds a manifest from an S3 Inventory report: current
// versions not under any SSE-KMS key, neither SSE-C nor archived, without
// Object Lock settings.
func FromInventory(ctx context.Context, im *InventoryManifest, versioned bool, open Open) (*Manifest, error) {
	cols := map[string]int{}
	for i, f := range strings.Split(im.FileSchema, ",") {
		cols[strings.TrimSpace(f)] = i
	}
	for _, need := range []string{"Bucket", "Key", "EncryptionStatus"} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("inventory of %s: fileSchema has no %s field\nhint: add the optional field EncryptionStatus (and StorageClass, Size) to the inventory configuration", im.SourceBucket, need)
		}
	}
	m := &Manifest{Bucket: im.SourceBucket, Versioned: versioned}
	get := func(rec []string, f string) string {
		if i, ok := cols[f]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for _, f := range im.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rc, err := open(ctx, f.Key)
		if err != nil {
			return nil, fmt.Errorf("inventory file %s: %w", f.Key, err)
		}
		err = readInventoryFile(rc, func(rec []string) error {
			if get(rec, "IsLatest") == "false" || get(rec, "IsDeleteMarker") == "true" {
				m.exclude(ExNotLatest)
				return nil
			}
			key, err := url.QueryUnescape(get(rec, "Key"))
			if err != nil {
				return fmt.Errorf("key %q is not URL-encoded: %v", get(rec, "Key"), err)
			}
			sc := get(rec, "StorageClass")
			tier := get(rec, "IntelligentTieringAccessTier")
			switch {
			case get(rec, "EncryptionStatus") == "SSE-KMS" || get(rec, "EncryptionStatus") == "DSSE-KMS":
				m.exclude(ExKMSUnknown)
			case get(rec, "EncryptionStatus") == "SSE-C":
				m.exclude(ExSSEC)
			case sc == "GLACIER" || sc == "DEEP_ARCHIVE" || tier == "ARCHIVE_ACCESS" || tier == "DEEP_ARCHIVE_ACCESS":
				m.exclude(ExArchived)
			case get(rec, "ObjectLockMode") != "" || get(rec, "ObjectLockLegalHoldStatus") == "ON":
				m.exclude(ExLock)
			default:
				var size int64
				fmt.Sscan(get(rec, "Size"), &size)
				m.add(Entry{Bucket: get(rec, "Bucket"), Key: key, VersionID: get(rec, "VersionId"), StorageClass: sc, Size: size})
			}
			return nil
		})
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("inventory file %s: %w", f.Key, err)
		}
	}
	m.sort()
	return m, nil
}

func readInventoryFile(rc io.Reader, each func([]string) error) error {
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	r := csv.NewReader(io.LimitReader(zr, 64<<30))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	line := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line++
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		n := 0
		for _, f := range rec {
			n += len(f)
		}
		if n > maxInventoryLine {
			return fmt.Errorf("line %d: record of %d bytes", line, n)
		}
		if err := each(rec); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}
