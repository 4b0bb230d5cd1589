// Package config reads s3front's configuration file (.s3front.yaml) and
// ignore file (.s3frontignore), both found upward from the checked path,
// and applies them to a report: severities, excluded files, ignore
// entries. Unknown keys, unknown rule IDs, expired entries and entries
// that match nothing are warnings, never silent.
package config

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/s3front/s3front/report"
	"github.com/s3front/s3front/source"
)

// FileName and IgnoreName are the names looked for.
const (
	FileName   = ".s3front.yaml"
	IgnoreName = ".s3frontignore"
	// maxSize caps what is read of either file.
	maxSize = 1 << 20
)

// Warning is something in a configuration or ignore file that is ignored
// or stale, with its position.
type Warning struct {
	Pos source.Pos
	Msg string
}

func (w Warning) String() string {
	if w.Pos.File == "" {
		return w.Msg
	}
	return w.Pos.String() + ": " + w.Msg
}

// Config is .s3front.yaml. Paths in it (var files, parameter files,
// excludes) are relative to its directory; [Load] rewrites var and
// parameter files relative to the working directory.
type Config struct {
	// Path is the file read ("" when there is none).
	Path string
	Dir  string
	// FailOn is error, warning, note, never or "" (not set).
	FailOn string
	// Enable runs only these rules; Disable skips these.
	Enable, Disable []string
	// Severity overrides rule severities.
	Severity map[string]report.Severity
	// Exclude are path globs (relative to Dir): what they match is not
	// searched for configurations ([Config.DiscoveryExcludes]), and
	// findings located in files they match are not reported.
	Exclude []string
	// Terraform variables and CloudFormation parameters.
	VarFiles       []string
	Vars           []string // name=value
	ParameterFiles []string
	Parameters     []string // Key=Value
	// Accounts are the AWS account IDs the configuration deploys to (fed
	// to --account).
	Accounts []string
	// Outputs lists output formats: {format, file} in order (used when
	// the command line gives no --format or -o).
	Outputs [][2]string
	// Deploy holds the settings of `s3front deploy`.
	Deploy Deploy
}

// Deploy is the deploy section: how files become objects.
//
//	deploy:
//	  cache-control:
//	    - match: "*.html"
//	      value: no-cache
//	    - match: "assets/**"
//	      value: public, max-age=31536000, immutable
//	  content-types:
//	    .wasm: application/wasm
//	  exclude: ["*.map", ".DS_Store"]
type Deploy struct {
	// CacheControl rules in order: the first whose Match (a slash glob
	// with * and **) matches a file's path sets its Cache-Control.
	CacheControl []CacheRule
	// ContentTypes maps extensions to content types.
	ContentTypes map[string]string
	// Exclude are globs of files not uploaded.
	Exclude []string
}

// CacheRule is one cache-control rule.
type CacheRule struct {
	Match, Value string
	Pos          source.Pos
}

// Find looks for name in dir and its parents, stopping after the
// directory that holds .git (the repository root) or at the file system
// root. It returns "" when there is none.
func Find(start, name string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, name)
		if st, err := os.Lstat(p); err == nil {
			if !st.Mode().IsRegular() {
				return "", fmt.Errorf("%s: not a regular file", p)
			}
			return p, nil
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		if filepath.Dir(dir) == dir {
			return "", nil
		}
	}
}

// display makes p relative to the working directory when it is inside it.
func display(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

func readSmall(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	if st.Size() > maxSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxSize)
	}
	return os.ReadFile(p)
}

// parse reads a YAML document into its root node.
func parse(name string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return nil, fmt.Errorf("%s: %v\nhint: the file is YAML; check the indentation and quoting", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func pos(file string, n *yaml.Node) source.Pos {
	return source.Pos{File: file, Line: n.Line, Col: n.Column}
}

func errAt(file string, n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s: %s", pos(file, n), fmt.Sprintf(format, args...))
}

// strings reads a scalar or a list of scalars.
func stringList(file string, n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, errAt(file, c, "expected a string")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, errAt(file, n, "expected a string or a list of strings")
}

// stringMap reads a mapping of scalars as k=v pairs, in file order.
func stringMap(file string, n *yaml.Node) ([]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errAt(file, n, "expected a mapping of names to values")
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return nil, errAt(file, v, "the value of %s must be a string (write lists and maps in HCL: '[\"a\"]')", k.Value)
		}
		out = append(out, k.Value+"="+v.Value)
	}
	return out, nil
}

// Load reads the configuration file at p. ruleIDs are the known rules
// (unknown IDs are warnings).
func Load(p string, ruleIDs []string) (*Config, []Warning, error) {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	data, err := readSmall(p)
	if err != nil {
		return nil, nil, err
	}
	name := display(p)
	c := &Config{Path: name, Dir: filepath.Dir(p), Severity: map[string]report.Severity{}}
	root, err := parse(name, data)
	if err != nil || root == nil {
		return c, nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, errAt(name, root, "expected a mapping of settings (fail-on, rules, exclude, var-files, vars, parameter-files, parameters, accounts, format, deploy)")
	}
	known := map[string]bool{}
	for _, id := range ruleIDs {
		known[id] = true
	}
	var warns []Warning
	warnRule := func(n *yaml.Node, id string) bool {
		if known[id] {
			return true
		}
		warns = append(warns, Warning{pos(name, n), fmt.Sprintf("unknown rule %q is ignored (see `s3front explain`)", id)})
		return false
	}
	rel := func(ps []string) []string {
		var out []string
		for _, x := range ps {
			if !filepath.IsAbs(x) {
				x = filepath.Join(c.Dir, x)
			}
			out = append(out, display(x))
		}
		return out
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "fail-on":
			if _, ok := report.ParseSeverity(v.Value); !ok || v.Kind != yaml.ScalarNode {
				return nil, nil, errAt(name, v, "fail-on must be error, warning, note or never, not %q", v.Value)
			}
			c.FailOn = v.Value
		case "rules":
			if v.Kind != yaml.MappingNode {
				return nil, nil, errAt(name, v, "rules must be a mapping with enable, disable or severity")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				rk, rv := v.Content[j], v.Content[j+1]
				switch rk.Value {
				case "enable", "disable":
					ids, err := stringList(name, rv)
					if err != nil {
						return nil, nil, err
					}
					var keep []string
					for n, id := range ids {
						at := rv
						if rv.Kind == yaml.SequenceNode {
							at = rv.Content[n]
						}
						if warnRule(at, id) {
							keep = append(keep, id)
						}
					}
					if rk.Value == "enable" {
						c.Enable = keep
					} else {
						c.Disable = keep
					}
				case "severity":
					if rv.Kind != yaml.MappingNode {
						return nil, nil, errAt(name, rv, "rules.severity must map rule IDs to error, warning or note")
					}
					for n := 0; n+1 < len(rv.Content); n += 2 {
						id, sv := rv.Content[n], rv.Content[n+1]
						sev, ok := report.ParseSeverity(sv.Value)
						if !ok || sev == "" {
							return nil, nil, errAt(name, sv, "the severity of %s must be error, warning or note, not %q", id.Value, sv.Value)
						}
						if warnRule(id, id.Value) {
							c.Severity[id.Value] = sev
						}
					}
				default:
					warns = append(warns, unknownKey(name, rk, "rules", []string{"enable", "disable", "severity"}))
				}
			}
		case "exclude":
			xs, err := stringList(name, v)
			if err != nil {
				return nil, nil, err
			}
			for _, x := range xs {
				if _, err := path.Match(strings.ReplaceAll(x, "**", "*"), ""); err != nil {
					return nil, nil, errAt(name, v, "bad pattern %q: %v", x, err)
				}
			}
			c.Exclude = xs
		case "var-files":
			xs, err := stringList(name, v)
			if err != nil {
				return nil, nil, err
			}
			c.VarFiles = rel(xs)
		case "vars":
			kv, err := stringMap(name, v)
			if err != nil {
				return nil, nil, err
			}
			c.Vars = kv
		case "parameter-files":
			xs, err := stringList(name, v)
			if err != nil {
				return nil, nil, err
			}
			c.ParameterFiles = rel(xs)
		case "parameters":
			kv, err := stringMap(name, v)
			if err != nil {
				return nil, nil, err
			}
			c.Parameters = kv
		case "accounts":
			xs, err := stringList(name, v)
			if err != nil {
				return nil, nil, err
			}
			for _, a := range xs {
				if !isAccountID(a) {
					return nil, nil, errAt(name, v, "%q is not a 12-digit AWS account ID", a)
				}
			}
			c.Accounts = xs
		case "format":
			// format: sarif, or a list of {format: sarif, output: file}.
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			}
			for _, it := range items {
				switch it.Kind {
				case yaml.ScalarNode:
					c.Outputs = append(c.Outputs, [2]string{it.Value, ""})
				case yaml.MappingNode:
					var o [2]string
					for n := 0; n+1 < len(it.Content); n += 2 {
						switch it.Content[n].Value {
						case "format":
							o[0] = it.Content[n+1].Value
						case "output":
							o[1] = it.Content[n+1].Value
							if !filepath.IsAbs(o[1]) {
								o[1] = display(filepath.Join(c.Dir, o[1]))
							}
						default:
							warns = append(warns, unknownKey(name, it.Content[n], "format", []string{"format", "output"}))
						}
					}
					c.Outputs = append(c.Outputs, o)
				default:
					return nil, nil, errAt(name, it, "format must be a format name or {format: NAME, output: FILE}")
				}
			}
		case "deploy":
			w, err := parseDeploy(name, v, &c.Deploy)
			if err != nil {
				return nil, nil, err
			}
			warns = append(warns, w...)
		default:
			warns = append(warns, unknownKey(name, k, "", []string{"fail-on", "rules", "exclude", "var-files", "vars", "parameter-files", "parameters", "accounts", "format", "deploy"}))
		}
	}
	return c, warns, nil
}

func unknownKey(file string, k *yaml.Node, under string, known []string) Warning {
	where := ""
	if under != "" {
		where = " in " + under
	}
	msg := fmt.Sprintf("unknown key %q%s is ignored", k.Value, where)
	if s := closest(k.Value, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += " (known: " + strings.Join(known, ", ") + ")"
	}
	return Warning{pos(file, k), msg}
}

// closest returns the known word within two edits of w, if any.
func closest(w string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(w, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Apply changes the report as the configuration says: rule severities
// overridden, findings in excluded files dropped. It re-sorts the report
// (and so recomputes the summary). It returns how many findings were
// excluded.
func (c *Config) Apply(r *report.Report) int {
	if c == nil {
		return 0
	}
	for i := range r.Findings {
		if s, ok := c.Severity[r.Findings[i].Rule]; ok {
			r.Findings[i].Severity = s
		}
	}
	dropped := 0
	if len(c.Exclude) > 0 {
		keep := r.Findings[:0]
		for _, f := range r.Findings {
			if c.excluded(f.Location.File) {
				dropped++
				continue
			}
			keep = append(keep, f)
		}
		r.Findings = keep
	}
	r.Sort()
	return dropped
}

// DiscoveryExcludes returns the exclude patterns as discovery's
// --exclude takes them: relative to the working directory wd. A pattern
// with a slash is anchored at the file's directory, so it gets that
// directory as a prefix; one without a slash matches a name at any depth
// and stays as it is.
func (c *Config) DiscoveryExcludes(wd string) []string {
	if c == nil {
		return nil
	}
	rel, err := filepath.Rel(wd, c.Dir)
	if err != nil {
		rel = c.Dir
	}
	rel = filepath.ToSlash(rel)
	var out []string
	for _, pat := range c.Exclude {
		neg := ""
		if strings.HasPrefix(pat, "!") {
			neg, pat = "!", pat[1:]
		}
		if strings.Contains(strings.TrimSuffix(pat, "/"), "/") && rel != "." {
			pat = strings.TrimSuffix(rel, "/") + "/" + strings.TrimPrefix(pat, "/")
		}
		out = append(out, neg+pat)
	}
	return out
}

// excluded says whether a working-directory-relative file is under an
// exclude pattern.
func (c *Config) excluded(file string) bool {
	if file == "" || strings.HasPrefix(file, "arn:") {
		return false
	}
	rel, ok := relTo(c.Dir, file)
	if !ok {
		return false
	}
	for _, pat := range c.Exclude {
		if MatchPath(pat, rel) {
			return true
		}
	}
	return false
}

// relTo makes a working-directory-relative file relative to dir (slash
// separated); false when it is outside dir.
func relTo(dir, file string) (string, bool) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// MatchPath matches a slash-separated path against a glob: `*`, `?` and
// `[...]` within one segment, `**` across any number of segments; a
// pattern also matches everything below a directory it matches
// ("legacy" and "legacy/" match "legacy/site/main.tf"). A pattern
// without a slash matches a name at any depth, as in .gitignore.
func MatchPath(pattern, p string) bool {
	pattern = strings.TrimPrefix(strings.TrimSuffix(pattern, "/"), "./")
	if !strings.Contains(pattern, "/") && !strings.Contains(pattern, "**") {
		pattern = "**/" + pattern
	}
	ps := strings.Split(pattern, "/")
	segs := strings.Split(p, "/")
	// Prefixes: a matched directory covers its contents.
	for n := 1; n <= len(segs); n++ {
		if matchSegs(ps, segs[:n]) {
			return true
		}
	}
	return false
}

func matchSegs(ps, segs []string) bool {
	if len(ps) == 0 {
		return len(segs) == 0
	}
	if ps[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegs(ps[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(ps[0], segs[0])
	return err == nil && ok && matchSegs(ps[1:], segs[1:])
}

// MatchName matches a resource address or ARN against a glob where `*`
// matches any run of characters (dots, brackets and slashes too) and `?`
// one character.
func MatchName(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	var star, mark = -1, 0
	i, j := 0, 0
	for j < len(n) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == n[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// parseDeploy reads the deploy section.
func parseDeploy(name string, v *yaml.Node, d *Deploy) ([]Warning, error) {
	if v.Kind != yaml.MappingNode {
		return nil, errAt(name, v, "deploy must be a mapping with cache-control, content-types or exclude")
	}
	var warns []Warning
	for j := 0; j+1 < len(v.Content); j += 2 {
		k, x := v.Content[j], v.Content[j+1]
		switch k.Value {
		case "cache-control":
			if x.Kind != yaml.SequenceNode {
				return nil, errAt(name, x, "deploy.cache-control must be a list of {match: GLOB, value: CACHE-CONTROL}")
			}
			for _, it := range x.Content {
				if it.Kind != yaml.MappingNode {
					return nil, errAt(name, it, "a cache-control rule is {match: GLOB, value: CACHE-CONTROL}")
				}
				r := CacheRule{Pos: pos(name, it)}
				for n := 0; n+1 < len(it.Content); n += 2 {
					switch it.Content[n].Value {
					case "match":
						r.Match = it.Content[n+1].Value
					case "value":
						r.Value = it.Content[n+1].Value
					default:
						warns = append(warns, unknownKey(name, it.Content[n], "deploy.cache-control", []string{"match", "value"}))
					}
				}
				if r.Match == "" || r.Value == "" {
					return nil, errAt(name, it, "a cache-control rule needs both match and value")
				}
				if _, err := path.Match(strings.ReplaceAll(r.Match, "**", "*"), ""); err != nil {
					return nil, errAt(name, it, "bad pattern %q: %v", r.Match, err)
				}
				d.CacheControl = append(d.CacheControl, r)
			}
		case "content-types":
			kv, err := stringMap(name, x)
			if err != nil {
				return nil, err
			}
			d.ContentTypes = map[string]string{}
			for _, p := range kv {
				ext, typ, _ := strings.Cut(p, "=")
				if !strings.HasPrefix(ext, ".") {
					ext = "." + ext
				}
				d.ContentTypes[strings.ToLower(ext)] = typ
			}
		case "exclude":
			xs, err := stringList(name, x)
			if err != nil {
				return nil, err
			}
			d.Exclude = xs
		default:
			warns = append(warns, unknownKey(name, k, "deploy", []string{"cache-control", "content-types", "exclude"}))
		}
	}
	return warns, nil
}
