package source

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Error is a problem with an input at a position: a syntax error, an
// invalid value. It prints as "file:line:col: message" and, when there is
// one, a "hint:" line that says what to change.
type Error struct {
	Pos  Pos
	Msg  string
	Hint string
}

// SyntaxError is the name JSON syntax errors are documented under.
type SyntaxError = Error

// Errorf returns an *Error at pos.
func Errorf(pos Pos, hint, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Hint != "" {
		s += "\nhint: " + e.Hint
	}
	return s
}

// MaxDepth bounds the nesting of documents read by [ParseJSON].
const MaxDepth = 256

// ParseJSON reads one JSON value from data. file names the source in
// positions and errors. The parser is strict (no comments, no trailing
// commas, exactly one value) because AWS is; every syntax error names the
// line and column and says what was expected, in the words a person would
// use to fix it (a missing comma is called a missing comma).
func ParseJSON(file string, data []byte) (*Node, error) {
	return ParseJSONAt(Pos{File: file, Line: 1, Col: 1}, data)
}

// ParseJSONAt is [ParseJSON] for a document that starts at start inside a
// larger file (a policy string embedded in a template): line and column of
// every node are offset by start.
func ParseJSONAt(start Pos, data []byte) (*Node, error) {
	p := &jparser{data: data, file: start.File, line: start.Line, col: start.Col, base: start.Pointer}
	if p.line == 0 {
		p.line, p.col = 1, 1
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.i = 3
	}
	p.skipSpace()
	if p.i >= len(p.data) {
		return nil, p.errHere("the document is empty", "a policy is a JSON object: {\"Version\": \"2012-10-17\", \"Statement\": [...]}")
	}
	n, err := p.value(p.base, 0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.data) {
		return nil, p.errHere("unexpected "+p.describeNext()+" after the end of the document", "remove it, or wrap both values in an array")
	}
	return n, nil
}

type jparser struct {
	data      []byte
	i         int
	file      string
	line, col int
	base      string
}

func (p *jparser) pos(ptr string) Pos {
	return Pos{File: p.file, Line: p.line, Col: p.col, Pointer: ptr}
}

func (p *jparser) errHere(msg, hint string) *SyntaxError {
	return &SyntaxError{Pos: Pos{File: p.file, Line: p.line, Col: p.col}, Msg: msg, Hint: hint}
}

// advance consumes n bytes, keeping line and column (in characters) current.
func (p *jparser) advance(n int) {
	for end := min(len(p.data), p.i+n); p.i < end; p.i++ {
		switch c := p.data[p.i]; {
		case c == '\n':
			p.line++
			p.col = 1
		case c&0xC0 != 0x80: // not a UTF-8 continuation byte
			p.col++
		}
	}
}

func (p *jparser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\r', '\n':
			p.advance(1)
		default:
			return
		}
	}
}

func (p *jparser) describeNext() string {
	if p.i >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.i]
	switch {
	case c == '"':
		end := p.i + 1
		for end < len(p.data) && p.data[end] != '"' && p.data[end] != '\n' && end-p.i < 40 {
			if p.data[end] == '\\' {
				end++
			}
			end++
		}
		if end < len(p.data) && p.data[end] == '"' {
			return "string " + string(p.data[p.i:end+1])
		}
		return "a string"
	case c == '{':
		return "'{'"
	case c == '[':
		return "'['"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	case c < utf8.RuneSelf && c >= 0x20:
		w := p.i
		for w < len(p.data) && w-p.i < 20 && isWordByte(p.data[w]) {
			w++
		}
		if w > p.i+1 {
			return "'" + string(p.data[p.i:w]) + "'"
		}
		return "'" + string(c) + "'"
	}
	r, _ := utf8.DecodeRune(p.data[p.i:])
	return fmt.Sprintf("character %U", r)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *jparser) value(ptr string, depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errHere(fmt.Sprintf("the document nests deeper than %d levels", MaxDepth), "")
	}
	if p.i >= len(p.data) {
		return nil, p.errHere("unexpected end of input: a value is missing", "the document is cut short; check that every '{' and '[' is closed")
	}
	start := p.pos(ptr)
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(start, ptr, depth)
	case c == '[':
		return p.array(start, ptr, depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Node{Kind: String, Pos: start, Text: s}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if strings.HasPrefix(string(p.data[p.i:min(len(p.data), p.i+len(lit))]), lit) &&
				(p.i+len(lit) == len(p.data) || !isWordByte(p.data[p.i+len(lit)])) {
				p.advance(len(lit))
				if lit == "null" {
					return &Node{Kind: Null, Pos: start}, nil
				}
				return &Node{Kind: Bool, Pos: start, Text: lit}, nil
			}
		}
		return nil, p.errHere("unexpected "+p.describeNext()+": expected a value", "strings must be in double quotes")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(start)
	case c == '\'':
		return nil, p.errHere("strings must use double quotes, not single quotes", "")
	default:
		return nil, p.errHere("unexpected "+p.describeNext()+": expected a value", "")
	}
}

func (p *jparser) object(start Pos, ptr string, depth int) (*Node, error) {
	n := &Node{Kind: Object, Pos: start}
	p.advance(1) // {
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.advance(1)
		return n, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, p.errHere("unexpected end of input inside an object", fmt.Sprintf("the object opened at line %d is not closed with '}'", start.Line))
		}
		if p.data[p.i] == '}' {
			return nil, p.errHere("trailing comma before '}'", "remove the comma after the last member")
		}
		if p.data[p.i] != '"' {
			return nil, p.errHere("expected a member name in double quotes, found "+p.describeNext(), "")
		}
		keyPos := p.pos("")
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		childPtr := ptr + "/" + EscapePointer(key)
		keyPos.Pointer = childPtr
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errHere(fmt.Sprintf("missing ':' after member name %q, found %s", key, p.describeNext()), "")
		}
		p.advance(1)
		p.skipSpace()
		v, err := p.value(childPtr, depth+1)
		if err != nil {
			return nil, err
		}
		n.Fields = append(n.Fields, Field{Key: key, KeyPos: keyPos, Value: v})
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, p.errHere("unexpected end of input inside an object", fmt.Sprintf("the object opened at line %d is not closed with '}'", start.Line))
		}
		switch p.data[p.i] {
		case ',':
			p.advance(1)
		case '}':
			p.advance(1)
			return n, nil
		default:
			return nil, p.errHere(fmt.Sprintf("missing ',' between object members: found %s after the value of %q", p.describeNext(), key),
				"add a comma at the end of the previous line")
		}
	}
}

func (p *jparser) array(start Pos, ptr string, depth int) (*Node, error) {
	n := &Node{Kind: Array, Pos: start}
	p.advance(1) // [
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.advance(1)
		return n, nil
	}
	for {
		p.skipSpace()
		if p.i < len(p.data) && p.data[p.i] == ']' {
			return nil, p.errHere("trailing comma before ']'", "remove the comma after the last element")
		}
		v, err := p.value(ptr+"/"+strconv.Itoa(len(n.Elems)), depth+1)
		if err != nil {
			return nil, err
		}
		n.Elems = append(n.Elems, v)
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, p.errHere("unexpected end of input inside an array", fmt.Sprintf("the array opened at line %d is not closed with ']'", start.Line))
		}
		switch p.data[p.i] {
		case ',':
			p.advance(1)
		case ']':
			p.advance(1)
			return n, nil
		default:
			return nil, p.errHere("missing ',' between array elements: found "+p.describeNext()+" after element "+strconv.Itoa(len(n.Elems)-1),
				"add a comma at the end of the previous line")
		}
	}
}

func (p *jparser) number(start Pos) (*Node, error) {
	j := p.i
	if j < len(p.data) && p.data[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(p.data) && p.data[j] >= '0' && p.data[j] <= '9' {
			j++
		}
		return j - k
	}
	if nd := digits(); nd == 0 {
		return nil, p.errHere("invalid number", "")
	} else if nd > 1 && p.data[p.i+boolInt(p.data[p.i] == '-')] == '0' {
		return nil, p.errHere("invalid number: leading zeros are not allowed", "write the number without leading zeros, or quote it as a string")
	}
	if j < len(p.data) && p.data[j] == '.' {
		j++
		if digits() == 0 {
			return nil, p.errHere("invalid number: digits must follow the decimal point", "")
		}
	}
	if j < len(p.data) && (p.data[j] == 'e' || p.data[j] == 'E') {
		j++
		if j < len(p.data) && (p.data[j] == '+' || p.data[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, p.errHere("invalid number: digits must follow the exponent", "")
		}
	}
	text := string(p.data[p.i:j])
	p.advance(j - p.i)
	return &Node{Kind: Number, Pos: start, Text: text}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// str reads a double-quoted string at p.i.
func (p *jparser) str() (string, error) {
	startLine, startCol := p.line, p.col
	p.advance(1) // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.data) {
			return "", &SyntaxError{Pos: Pos{File: p.file, Line: startLine, Col: startCol}, Msg: "unterminated string", Hint: "close the string with a double quote"}
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			p.advance(1)
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.data) {
				return "", p.errHere("unterminated escape sequence", "")
			}
			e := p.data[p.i+1]
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, n, ok := p.unicodeEscape(p.i)
				if !ok {
					return "", p.errHere(`invalid \u escape: expected four hexadecimal digits`, "")
				}
				b.WriteRune(r)
				p.advance(n)
				continue
			default:
				return "", p.errHere(fmt.Sprintf("invalid escape sequence \\%c", e), `only \" \\ \/ \b \f \n \r \t and \uXXXX are allowed in JSON strings`)
			}
			p.advance(2)
		case c == '\n':
			return "", p.errHere("line break inside a string", "a string must end on the line it starts: close it with a double quote, or write \\n")
		case c < 0x20:
			return "", p.errHere(fmt.Sprintf("control character %U inside a string", rune(c)), "escape it, e.g. \\t for a tab")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.advance(1)
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", p.errHere("invalid UTF-8 in a string", "save the file as UTF-8")
			}
			b.WriteRune(r)
			p.advance(size)
		}
	}
}

// unicodeEscape decodes \uXXXX (and a following low surrogate) at i. It
// returns the rune and how many bytes it spans.
func (p *jparser) unicodeEscape(i int) (rune, int, bool) {
	hex4 := func(at int) (rune, bool) {
		if at+6 > len(p.data) || p.data[at] != '\\' || p.data[at+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(p.data[at+2:at+6]), 16, 32)
		if err != nil {
			return 0, false
		}
		return rune(v), true
	}
	r, ok := hex4(i)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex4(i + 6); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}
