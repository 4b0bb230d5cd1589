package edit

import (
	"strings"
	"unicode/utf8"
)

// offsetOf converts a 1-based line and column (in characters) to a byte
// offset in text; ok is false when the line does not exist.
func offsetOf(text string, line, col int) (int, bool) {
	if line < 1 {
		return 0, false
	}
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	if col < 1 {
		col = 1
	}
	end := strings.IndexByte(text[off:], '\n')
	if end < 0 {
		end = len(text) - off
	}
	lineText := text[off : off+end]
	for c := 1; c < col; c++ {
		if lineText == "" {
			return off, true
		}
		_, n := utf8.DecodeRuneInString(lineText)
		lineText = lineText[n:]
		off += n
	}
	return off, true
}

// lineStart is the offset of the start of the line holding off.
func lineStart(text string, off int) int {
	return strings.LastIndexByte(text[:off], '\n') + 1
}

// lineEnd is the offset after the newline ending the line holding off (or
// the end of text).
func lineEnd(text string, off int) int {
	i := strings.IndexByte(text[off:], '\n')
	if i < 0 {
		return len(text)
	}
	return off + i + 1
}

// indentAt is the leading white space of the line holding off.
func indentAt(text string, off int) string {
	s := lineStart(text, off)
	e := s
	for e < len(text) && (text[e] == ' ' || text[e] == '\t') {
		e++
	}
	return text[s:e]
}

// indent prefixes every line of s but the first with prefix (blank lines
// stay empty).
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = prefix + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// indentAll prefixes every non-blank line of s with prefix.
func indentAll(s, prefix string) string {
	return prefix + indent(s, prefix)
}

// onlySpaceBefore reports whether the line holding off has nothing but
// white space before off.
func onlySpaceBefore(text string, off int) bool {
	return strings.TrimLeft(text[lineStart(text, off):off], " \t") == ""
}

// splice returns text with text[start:end] replaced by s.
func splice(text string, start, end int, s string) string {
	return text[:start] + s + text[end:]
}

// unitIndent guesses the file's indentation unit from its lines (two
// spaces unless the file says otherwise).
func unitIndent(text string) string {
	best := ""
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimLeft(l, " \t")
		if t == "" || len(t) == len(l) {
			continue
		}
		in := l[:len(l)-len(t)]
		if strings.HasPrefix(in, "\t") {
			return "\t"
		}
		if best == "" || len(in) < len(best) {
			best = in
		}
	}
	if best == "" || len(best) > 8 {
		return "  "
	}
	return best
}
