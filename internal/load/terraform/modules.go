package terraform

import (
	"encoding/json"
	"io/fs"
	"path"
	"strings"
)

// modulesManifest is what terraform init writes to
// .terraform/modules/modules.json: where each module call was installed.
type modulesManifest struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

func (l *loader) readManifest() {
	l.installed = map[string]string{}
	data, err := fs.ReadFile(l.fsys, path.Join(l.root, ".terraform/modules/modules.json"))
	if err != nil {
		return
	}
	var m modulesManifest
	if json.Unmarshal(data, &m) != nil {
		return
	}
	for _, e := range m.Modules {
		if e.Key == "" || e.Dir == "" {
			continue
		}
		d := path.Clean(strings.ReplaceAll(e.Dir, "\\", "/"))
		if !path.IsAbs(d) {
			d = path.Join(l.root, d)
		}
		if fs.ValidPath(d) {
			l.installed[e.Key] = d
		}
	}
}

// moduleKey is the key terraform init uses for a module call: the call
// names from the root, joined by dots.
func moduleKey(parent *modInst, name string) string {
	var parts []string
	for mi := parent; mi != nil && mi.call != nil; mi = mi.parent {
		parts = append([]string{mi.call.cfg.name}, parts...)
	}
	return strings.Join(append(parts, name), ".")
}

func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// moduleFor finds and parses the module a call refers to, or records why
// it cannot.
func (l *loader) moduleFor(parent *modInst, c *callCfg) *modCfg {
	what := `module "` + c.name + `" (source ` + strconvQuote(c.source) + `)`
	var dir string
	if isLocalSource(c.source) {
		dir = path.Join(parent.cfg.dir, c.source)
		if !fs.ValidPath(dir) {
			l.unresolved(c.sourceRng, what, "the module directory is outside the scanned directory; scan a directory that contains both, so that its resources are checked")
			return nil
		}
	} else {
		d, ok := l.installed[moduleKey(parent, c.name)]
		if !ok {
			l.unresolved(c.sourceRng, what, "remote modules are not downloaded: run `terraform init` first (s3front reads .terraform/modules/modules.json) or scan `terraform show -json` output; the module's resources are not checked and its outputs are unknown")
			return nil
		}
		dir = d
	}
	if m, ok := l.mods[dir]; ok {
		return m
	}
	files, _, err := configFiles(l.fsys, dir)
	if err != nil || len(files) == 0 {
		l.unresolved(c.sourceRng, what, "the module directory "+dir+" has no Terraform files; its resources are not checked and its outputs are unknown")
		l.mods[dir] = nil
		return nil
	}
	m, diags := l.parseModule(dir)
	l.diagsAsErrors(diags)
	l.mods[dir] = m
	return m
}
