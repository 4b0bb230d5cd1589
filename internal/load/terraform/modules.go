package terraform

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/s3front/s3front/internal/repo"
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
	if !l.hasEntry(l.root, ".terraform") {
		return
	}
	data, err := repo.ReadFile(l.fsys, path.Join(l.root, ".terraform/modules/modules.json"), maxVarFileSize, "a module manifest")
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
	name := parent.prefix() + "module." + c.name // what its unknown outputs are named after
	var dir, why string
	if isLocalSource(c.source) {
		dir, why = l.localDir(parent.cfg.dir, c.source)
	} else {
		key := moduleKey(parent, c.name)
		if d, ok := l.installed[key]; ok {
			dir = d
		} else {
			dir, why = l.fetch(key, c)
		}
	}
	if why != "" {
		l.notEvaluated(c.sourceRng, what, why, name)
		return nil
	}
	if m, ok := l.mods[dir]; ok && dir != l.root {
		// (The root module's blocks lose their syntax once evaluated: a
		// call of the root directory parses it again.)
		if m == nil {
			l.notEvaluated(c.sourceRng, what, l.modWhy[dir], name)
		}
		return m
	}
	files, _, err := l.configFiles(dir)
	if err != nil || len(files) == 0 {
		why := "the module directory " + l.display(dir) + " has no Terraform files; its resources are not checked and its outputs are unknown"
		if errors.Is(err, fs.ErrNotExist) {
			why = "the module directory " + l.display(dir) + " does not exist, so it has no Terraform files; its resources are not checked and its outputs are unknown"
		} else if err != nil {
			why = "the module directory " + l.display(dir) + " cannot be read (" + repo.Reason(err) + "); its resources are not checked and its outputs are unknown"
		}
		l.notEvaluated(c.sourceRng, what, why, name)
		l.mods[dir] = nil
		l.modWhy[dir] = why
		return nil
	}
	m, diags := l.parseModule(dir)
	l.diagsAsErrors(diags)
	if dir != l.root {
		l.mods[dir] = m
	}
	return m
}
