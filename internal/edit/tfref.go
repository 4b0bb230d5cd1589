package edit

import (
	"strings"
)

// splitAddr splits a Terraform address into the module instance path
// (with its trailing dot, "" in the root module) and the address inside
// it: module.web["a"].aws_s3_bucket.site → `module.web["a"].`,
// aws_s3_bucket.site.
func splitAddr(ref string) (prefix, local string) {
	end := 0
	i := 0
	for strings.HasPrefix(ref[i:], "module.") {
		j := i + len("module.")
		for j < len(ref) && ref[j] != '.' && ref[j] != '[' {
			j++
		}
		if j < len(ref) && ref[j] == '[' {
			// An instance key: skip to the matching bracket, quotes aware.
			inStr := false
			for j++; j < len(ref); j++ {
				c := ref[j]
				if c == '\\' && inStr {
					j++
					continue
				}
				if c == '"' {
					inStr = !inStr
				}
				if c == ']' && !inStr {
					j++
					break
				}
			}
		}
		if j >= len(ref) || ref[j] != '.' {
			break
		}
		end = j + 1
		i = end
	}
	return ref[:end], ref[end:]
}

// moduleCall is the module call of a module instance path: `module.web["a"].`
// → `module.web`, with the instance key `"a"` (empty without one).
func moduleCall(prefix string) (call, key string) {
	p := strings.TrimSuffix(prefix, ".")
	if i := strings.LastIndex(p, "module."); i >= 0 {
		last := p[i:]
		if j := strings.IndexByte(last, '['); j >= 0 {
			return p[:i] + last[:j], last[j+1 : len(last)-1]
		}
		return p, ""
	}
	return p, ""
}

// blockLabels returns the block type and labels of a local address:
// aws_s3_bucket.site → resource, [aws_s3_bucket site];
// data.aws_iam_policy_document.x → data, [...]. A count or for_each
// index is dropped.
func blockLabels(local string) (string, []string) {
	if i := strings.IndexByte(local, '['); i >= 0 {
		local = local[:i]
	}
	parts := strings.Split(local, ".")
	if len(parts) == 3 && parts[0] == "data" {
		return "data", parts[1:]
	}
	if len(parts) == 2 {
		return "resource", parts
	}
	return "", nil
}

// localRef is the reference to attr of the resource ref from a
// configuration in the module instance prefix, when both are in the same
// module; ok is false otherwise.
func localRef(ref, attr, prefix string) (string, bool) {
	p, local := splitAddr(ref)
	if p != prefix {
		return "", false
	}
	if i := strings.IndexByte(local, '['); i >= 0 {
		// aws_x.y["k"] stays as written: the index is part of the address.
		return local + "." + attr, true
	}
	return local + "." + attr, true
}
