package discover

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// pattern is one gitignore-style pattern: `*`, `?` and `[...]` match
// within a path element, `**` across elements; a pattern with a slash
// (other than a trailing one) is anchored at its base directory, one
// without matches a name at any depth; a trailing slash matches
// directories only; a leading `!` re-includes.
type pattern struct {
	re      *regexp.Regexp
	base    string // slash path the pattern is relative to ("" for the top)
	dirOnly bool
	negate  bool
}

// compile parses a pattern; ok is false for blank lines and comments.
func compile(text, base string) (pattern, bool) {
	text = strings.TrimRight(text, " \t\r")
	if text == "" || strings.HasPrefix(text, "#") {
		return pattern{}, false
	}
	p := pattern{base: base}
	if strings.HasPrefix(text, "!") {
		p.negate = true
		text = text[1:]
	} else if strings.HasPrefix(text, `\`) {
		text = text[1:]
	}
	if strings.HasSuffix(text, "/") {
		p.dirOnly = true
		text = strings.TrimRight(text, "/")
	}
	anchored := strings.Contains(text, "/")
	text = strings.TrimPrefix(text, "/")
	if text == "" {
		return pattern{}, false
	}
	var b strings.Builder
	if !anchored {
		b.WriteString(`^(?:.*/)?`)
	} else {
		b.WriteString(`^`)
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '*' && strings.HasPrefix(text[i:], "**/"):
			b.WriteString(`(?:.*/)?`)
			i += 2
		case c == '*' && strings.HasPrefix(text[i:], "**") && i+2 == len(text):
			b.WriteString(`.*`)
			i++
		case c == '*':
			b.WriteString(`[^/]*`)
		case c == '?':
			b.WriteString(`[^/]`)
		case c == '[':
			j := strings.IndexByte(text[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := text[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		case c == '\\' && i+1 < len(text):
			i++
			b.WriteString(regexp.QuoteMeta(text[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(text[i : i+1]))
		}
	}
	// A pattern matching a directory matches everything in it.
	b.WriteString(`(?:/.*)?$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return pattern{}, false
	}
	p.re = re
	return p, true
}

// match reports whether the pattern matches name (a slash path relative
// to the top of the walk, a directory when dir is set).
func (p pattern) match(name string, dir bool) bool {
	rel := name
	if p.base != "" {
		if !strings.HasPrefix(name, p.base+"/") {
			return false
		}
		rel = name[len(p.base)+1:]
	}
	if p.dirOnly && !dir {
		// "build/" still matches files inside build.
		i := strings.LastIndexByte(rel, '/')
		if i < 0 {
			return false
		}
		return p.re.MatchString(rel[:i])
	}
	return p.re.MatchString(rel)
}

// ignoreSet is a list of patterns; the last one that matches decides.
type ignoreSet []pattern

func (s ignoreSet) ignored(name string, dir bool) bool {
	out := false
	for _, p := range s {
		if p.match(name, dir) {
			out = !p.negate
		}
	}
	return out
}

// parseGitignore reads the patterns of a .gitignore file in directory
// base.
func parseGitignore(data []byte, base string) ignoreSet {
	var out ignoreSet
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		if p, ok := compile(sc.Text(), base); ok {
			out = append(out, p)
		}
	}
	return out
}
