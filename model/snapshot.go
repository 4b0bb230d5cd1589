package model

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
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
//
// Identity symbols (see package ident) are written as the JSON escapes
// \ue000 and \ue001, so that the file holds no invisible characters.
func WriteSnapshot(w io.Writer, cfg *Config) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(snapshotFile{Version: SnapshotVersion, Config: cfg}); err != nil {
		return err
	}
	// The markers can only occur inside JSON strings, where the escapes
	// mean the same characters.
	_, err := io.WriteString(w, markerEscaper.Replace(b.String()))
	return err
}

var markerEscaper = strings.NewReplacer("\uE000", `\ue000`, "\uE001", `\ue001`)
