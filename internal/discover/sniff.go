package discover

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/s3front/s3front/internal/load/cfn"
	"github.com/s3front/s3front/internal/repo"
	"github.com/s3front/s3front/model"
)

// classify tells what a file found while searching is, from its first
// HeadSize bytes; a file that may be a template is then read (up to
// MaxTemplate) and checked whole. "" means none of ours.
func (f *finder) classify(r *repo.FS, name string) (Kind, error) {
	head, err := repo.Head(r, name, HeadSize)
	if err != nil {
		return "", err
	}
	k, maybe := sniff(head)
	if k != "" || !maybe {
		return k, nil
	}
	return f.template(r, name)
}

// classifyNamed tells what a file named on the command line is: like
// classify, but a file the first bytes cannot decide is read whole (up
// to its kind's limit), since the user asked for it.
func (f *finder) classifyNamed(r *repo.FS, name string) (Kind, error) {
	head, err := repo.Head(r, name, HeadSize)
	if err != nil {
		return "", err
	}
	if k, _ := sniff(head); k != "" {
		return k, nil
	}
	if len(head) < HeadSize {
		return f.template(r, name)
	}
	data, err := repo.ReadFile(r, name, MaxPlan, "a plan, template or snapshot")
	if err != nil {
		return "", err
	}
	switch {
	case model.IsSnapshot(data):
		return Snapshot, nil
	case isPlanHead(data):
		return Plan, nil
	case len(data) <= MaxTemplate && cfn.IsTemplate(data):
		f.scanNested(r, name, data)
		return CloudFormation, nil
	}
	return "", nil
}

// template reads a possible template whole and checks it.
func (f *finder) template(r *repo.FS, name string) (Kind, error) {
	data, err := repo.ReadFile(r, name, MaxTemplate, "a CloudFormation template")
	if err != nil {
		return "", err
	}
	if !cfn.IsTemplate(data) {
		return "", nil
	}
	f.scanNested(r, name, data)
	return CloudFormation, nil
}

// sniff classifies the start of a file: a snapshot or a plan by their
// first members; maybe is set when it could be a template.
func sniff(head []byte) (k Kind, maybe bool) {
	if _, bin := repo.Binary(head); bin {
		return "", false
	}
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(t) > 0 && t[0] == '{' {
		if model.IsSnapshot(t) {
			return Snapshot, false
		}
		if isPlanHead(t) {
			return Plan, false
		}
	}
	return "", cfn.MightBeTemplate(head)
}

// isPlanHead reads the top-level members of a JSON object as far as data
// goes (it may be cut short): `terraform show -json` output starts with
// format_version and terraform_version.
func isPlanHead(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimLeft(data, " \t\r\n\ufeff")))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	var format, body bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		k, ok := t.(string)
		if !ok {
			return false
		}
		switch k {
		case "format_version":
			format = true
		case "terraform_version", "planned_values", "values", "resource_changes", "prior_state":
			body = true
		}
		if format && body {
			return true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	return false
}

var templateURLRE = regexp.MustCompile(`"?TemplateURL"?\s*:\s*["']?([^"'\s,}]+)`)

// scanNested records the local nested templates a template names
// (TemplateURL), so that they are checked through it, not alone.
func (f *finder) scanNested(r *repo.FS, name string, data []byte) {
	for _, m := range templateURLRE.FindAllSubmatch(data, -1) {
		u := strings.TrimPrefix(string(m[1]), "file://")
		if strings.Contains(u, "://") || path.IsAbs(u) || strings.HasPrefix(u, "!") {
			continue
		}
		key := r.Dir() + "\x00" + path.Join(path.Dir(name), u)
		f.mu.Lock()
		f.called[key] = append(f.called[key], name)
		f.mu.Unlock()
	}
}
