// Package source holds what every other package of s3front needs to say where
// a value came from: a [Pos] (file, line, column and JSON pointer), and a
// positioned tree of JSON-like values ([Node]) that the policy parser, the
// snapshot reader and the CloudFormation loader share.
//
// A Pos is either a place in a file (File, Line, Col) or a place in a live
// AWS resource (File holds the ARN, Pointer the JSON pointer inside the
// document the API returned). The zero Pos means "no location" and is never
// attached to a finding.
package source

import (
	"strconv"
	"strings"
)

// Pos locates a value in its source.
type Pos struct {
	// File is the path of the file, relative to where the user pointed the
	// tool, or the ARN of a live resource.
	File string `json:"file,omitempty"`
	// Line and Col are 1-based; zero when unknown (live resources).
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
	// Pointer is the RFC 6901 JSON pointer of the value inside the document
	// it belongs to (a policy, a template), when that is meaningful.
	Pointer string `json:"pointer,omitempty"`
}

// IsZero reports whether p carries no location at all.
func (p Pos) IsZero() bool { return p.File == "" && p.Line == 0 && p.Pointer == "" }

// String renders p as file:line:col, file:line, file#pointer or file.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Col))
		}
	} else if p.Pointer != "" {
		b.WriteByte('#')
		b.WriteString(p.Pointer)
	}
	return b.String()
}

// Child returns p with the JSON pointer extended by one reference token.
// Line and column are kept: callers overwrite them when they know better.
func (p Pos) Child(token string) Pos {
	p.Pointer = p.Pointer + "/" + EscapePointer(token)
	return p
}

// ChildIndex is [Pos.Child] for an array index.
func (p Pos) ChildIndex(i int) Pos {
	p.Pointer = p.Pointer + "/" + strconv.Itoa(i)
	return p
}

// EscapePointer escapes one JSON pointer reference token (RFC 6901).
func EscapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	s = strings.ReplaceAll(s, "~", "~0")
	return strings.ReplaceAll(s, "/", "~1")
}

// Less orders positions by file, line, column and pointer, for stable output.
func Less(a, b Pos) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Col != b.Col {
		return a.Col < b.Col
	}
	return a.Pointer < b.Pointer
}
