package model

import (
	"encoding/json"
	"io"
)

// SnapshotVersion is the version of the snapshot format this package
// writes. Readers accept every version up to it.
const SnapshotVersion = 1

// snapshotMarker is the member that identifies a snapshot file.
const snapshotMarker = "s3front_snapshot"

type snapshotFile struct {
	Version int     `json:"s3front_snapshot"`
	Config  *Config `json:"config"`
}

// WriteSnapshot writes cfg as a versioned snapshot document. The output is
// deterministic: the same model gives the same bytes.
func WriteSnapshot(w io.Writer, cfg *Config) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(snapshotFile{Version: SnapshotVersion, Config: cfg})
}
