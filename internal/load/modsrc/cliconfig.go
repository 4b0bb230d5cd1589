package modsrc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CLIConfig is what s3front uses of the Terraform CLI configuration:
// registry credentials and service overrides, by host (lower case).
type CLIConfig struct {
	// Tokens are bearer tokens from credentials blocks.
	Tokens map[string]string
	// Services are the host blocks' services maps ("modules.v1" → URL),
	// which replace service discovery for that host.
	Services map[string]map[string]string
	// Files are the files read, in order, for messages.
	Files []string
}

// maxCLIConfigSize caps a CLI configuration file.
const maxCLIConfigSize = 1 << 20

// LoadCLIConfig reads the Terraform CLI configuration as Terraform does,
// from the environment env (os.Environ form): the file named by
// TF_CLI_CONFIG_FILE (or the older TERRAFORM_CONFIG), else ~/.terraformrc
// (%APPDATA%/terraform.rc on Windows); and, unless a file was named, every
// *.tfrc and *.tfrc.json in ~/.terraform.d (credentials.tfrc.json, written
// by terraform login, among them), later files winning. A file that is
// missing is skipped; one that cannot be read or parsed is reported in
// the returned warnings and skipped.
func LoadCLIConfig(env []string) (*CLIConfig, []error) {
	cfg := &CLIConfig{Tokens: map[string]string{}, Services: map[string]map[string]string{}}
	var warns []error
	get := func(k string) string { return lookupEnv(env, k) }
	main := get("TF_CLI_CONFIG_FILE")
	override := main != ""
	if main == "" {
		main = get("TERRAFORM_CONFIG")
		override = main != ""
	}
	home := get("HOME")
	if runtime.GOOS == "windows" {
		if home == "" {
			home = get("USERPROFILE")
		}
	}
	if main == "" {
		if runtime.GOOS == "windows" {
			if ad := get("APPDATA"); ad != "" {
				main = filepath.Join(ad, "terraform.rc")
			}
		} else if home != "" {
			main = filepath.Join(home, ".terraformrc")
		}
	}
	var files []string
	if main != "" {
		files = append(files, main)
	}
	if !override {
		dir := ""
		if runtime.GOOS == "windows" {
			if ad := get("APPDATA"); ad != "" {
				dir = filepath.Join(ad, "terraform.d")
			}
		} else if home != "" {
			dir = filepath.Join(home, ".terraform.d")
		}
		if dir != "" {
			if ents, err := os.ReadDir(dir); err == nil {
				var names []string
				for _, e := range ents {
					n := e.Name()
					if strings.HasSuffix(n, ".tfrc") || strings.HasSuffix(n, ".tfrc.json") {
						names = append(names, n)
					}
				}
				sort.Strings(names)
				for _, n := range names {
					files = append(files, filepath.Join(dir, n))
				}
			}
		}
	}
	for _, f := range files {
		data, err := readSmallFile(f, maxCLIConfigSize)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) || (override && f == main) {
				warns = append(warns, fmt.Errorf("Terraform CLI configuration %s: %s", f, errText(err)))
			}
			continue
		}
		if err := cfg.merge(f, data); err != nil {
			warns = append(warns, err)
			continue
		}
		cfg.Files = append(cfg.Files, f)
	}
	return cfg, warns
}

func readSmallFile(name string, max int64) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return os.ReadFile(name)
}

func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// merge adds one file's credentials and host blocks.
func (c *CLIConfig) merge(name string, data []byte) error {
	var root map[string]any
	if strings.HasSuffix(name, ".json") {
		if err := json.Unmarshal(data, &root); err != nil {
			return fmt.Errorf("Terraform CLI configuration %s: %s", name, errText(err))
		}
	} else {
		var err error
		root, err = parseTFRC(data)
		if err != nil {
			return fmt.Errorf("Terraform CLI configuration %s:%s", name, errText(err))
		}
	}
	for _, item := range blockItems(root["credentials"]) {
		host := strings.ToLower(item.label)
		if tok, ok := item.body["token"].(string); ok {
			c.Tokens[host] = tok
		}
	}
	for _, item := range blockItems(root["host"]) {
		host := strings.ToLower(item.label)
		svc := map[string]string{}
		for _, m := range objects(item.body["services"]) {
			for k, v := range m {
				if s, ok := v.(string); ok {
					svc[k] = s
				}
			}
		}
		c.Services[host] = svc
	}
	return nil
}

type labelled struct {
	label string
	body  map[string]any
}

// blockItems reads `name "label" { … }` blocks in both forms: the parsed
// native syntax (a list of {label: body} maps) and JSON ({label: body}).
func blockItems(v any) []labelled {
	var out []labelled
	for _, m := range objects(v) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, b := range objects(m[k]) {
				out = append(out, labelled{label: k, body: b})
			}
		}
	}
	return out
}

// objects flattens a value into the objects it holds (an object, or a
// list of them).
func objects(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			out = append(out, objects(e)...)
		}
		return out
	}
	return nil
}

// parseTFRC parses the native (HCL 1) syntax of a CLI configuration file,
// the subset its settings use: attributes (name = value), blocks with
// string labels (name "label" { … }), strings, numbers, booleans, lists
// and objects, and #, // and /* */ comments. A block becomes, under its
// name, a list entry {label: {label2: body}}; an attribute becomes its
// value. Errors are positioned as " line:col: message".
func parseTFRC(src []byte) (map[string]any, error) {
	p := &tfrcParser{src: string(src), line: 1, col: 1}
	root := map[string]any{}
	if err := p.body(root, true); err != nil {
		return nil, err
	}
	return root, nil
}

type tfrcParser struct {
	src       string
	pos       int
	line, col int
	depth     int
}

func (p *tfrcParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%d:%d: %s", p.line, p.col, fmt.Sprintf(format, args...))
}

func (p *tfrcParser) advance(n int) {
	for _, r := range p.src[p.pos : p.pos+n] {
		if r == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
	}
	p.pos += n
}

// skip passes over white space (newlines too) and comments.
func (p *tfrcParser) skip() error {
	for p.pos < len(p.src) {
		rest := p.src[p.pos:]
		switch {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n':
			p.advance(1)
		case rest[0] == '#' || strings.HasPrefix(rest, "//"):
			n := strings.IndexByte(rest, '\n')
			if n < 0 {
				n = len(rest)
			}
			p.advance(n)
		case strings.HasPrefix(rest, "/*"):
			n := strings.Index(rest[2:], "*/")
			if n < 0 {
				return p.errorf("unterminated comment")
			}
			p.advance(n + 4)
		default:
			return nil
		}
	}
	return nil
}

func (p *tfrcParser) peek() byte {
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

// body parses items until "}" (or the end, at top level).
func (p *tfrcParser) body(into map[string]any, top bool) error {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 32 {
		return p.errorf("nested too deeply")
	}
	for {
		if err := p.skip(); err != nil {
			return err
		}
		c := p.peek()
		switch {
		case c == 0:
			if top {
				return nil
			}
			return p.errorf("missing }")
		case c == '}':
			if top {
				return p.errorf("unexpected }")
			}
			p.advance(1)
			return nil
		case c == ',':
			p.advance(1)
			continue
		}
		key, err := p.key()
		if err != nil {
			return err
		}
		if err := p.skip(); err != nil {
			return err
		}
		switch p.peek() {
		case '=', ':':
			p.advance(1)
			if err := p.skip(); err != nil {
				return err
			}
			v, err := p.value()
			if err != nil {
				return err
			}
			into[key] = v
		default:
			// A block: labels, then a body.
			var labels []string
			for p.peek() == '"' {
				l, err := p.str()
				if err != nil {
					return err
				}
				labels = append(labels, l)
				if err := p.skip(); err != nil {
					return err
				}
			}
			if p.peek() != '{' {
				return p.errorf("expected = or { after %q", key)
			}
			p.advance(1)
			b := map[string]any{}
			if err := p.body(b, false); err != nil {
				return err
			}
			var v any = b
			for i := len(labels) - 1; i >= 0; i-- {
				v = map[string]any{labels[i]: v}
			}
			list, _ := into[key].([]any)
			into[key] = append(list, v)
		}
	}
}

func (p *tfrcParser) key() (string, error) {
	if p.peek() == '"' {
		return p.str()
	}
	start := p.pos
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.') {
			break
		}
		p.advance(n)
	}
	if p.pos == start {
		r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
		return "", p.errorf("unexpected %q", r)
	}
	return p.src[start:p.pos], nil
}

func (p *tfrcParser) value() (any, error) {
	switch c := p.peek(); {
	case c == '"':
		return p.str()
	case c == '{':
		p.advance(1)
		m := map[string]any{}
		if err := p.body(m, false); err != nil {
			return nil, err
		}
		return m, nil
	case c == '[':
		p.advance(1)
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 32 {
			return nil, p.errorf("nested too deeply")
		}
		var list []any
		for {
			if err := p.skip(); err != nil {
				return nil, err
			}
			switch p.peek() {
			case ']':
				p.advance(1)
				return list, nil
			case ',':
				p.advance(1)
				continue
			case 0:
				return nil, p.errorf("missing ]")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
	case c == '<':
		return nil, p.errorf("heredoc strings are not supported here")
	}
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if !(c == '-' || c == '+' || c == '.' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		p.advance(1)
	}
	w := p.src[start:p.pos]
	switch w {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "":
		r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
		if p.pos >= len(p.src) {
			return nil, p.errorf("missing value")
		}
		return nil, p.errorf("unexpected %q", r)
	}
	if w[0] == '-' || w[0] >= '0' && w[0] <= '9' {
		return w, nil // numbers are kept as text: nothing here uses them
	}
	return nil, p.errorf("unexpected %q", w)
}

// str parses a double-quoted string with HCL's escapes.
func (p *tfrcParser) str() (string, error) {
	sl, sc := p.line, p.col
	unterminated := fmt.Errorf("%d:%d: unterminated string", sl, sc)
	p.advance(1)
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", unterminated
		}
		c := p.src[p.pos]
		switch c {
		case '"':
			p.advance(1)
			return b.String(), nil
		case '\n':
			return "", unterminated
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", unterminated
			}
			e := p.src[p.pos+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\':
				b.WriteByte(e)
			default:
				return "", p.errorf("invalid escape \\%c", e)
			}
			p.advance(2)
		default:
			_, n := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteString(p.src[p.pos : p.pos+n])
			p.advance(n)
		}
	}
}

// envTokens reads TF_TOKEN_<host> variables: in the host, "__" stands for
// "-" and "_" for ".", as Terraform encodes them
// (TF_TOKEN_app_terraform_io, TF_TOKEN_my__registry_example_com).
func envTokens(env []string) map[string]string {
	out := map[string]string{}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "TF_TOKEN_") || v == "" {
			continue
		}
		h := k[len("TF_TOKEN_"):]
		h = strings.ReplaceAll(h, "__", "\x00")
		h = strings.ReplaceAll(h, "_", ".")
		h = strings.ReplaceAll(h, "\x00", "-")
		out[strings.ToLower(h)] = v
	}
	return out
}

// TokenEnvName is the TF_TOKEN_ variable Terraform reads for host.
func TokenEnvName(host string) string {
	h := strings.ReplaceAll(host, "-", "__")
	return "TF_TOKEN_" + strings.ReplaceAll(h, ".", "_")
}
