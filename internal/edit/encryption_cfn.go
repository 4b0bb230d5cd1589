package edit

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CloudFormationEncryption sets the BucketEncryption of the
// AWS::S3::Bucket logicalID to SSE-KMS under key with an S3 Bucket Key, in
// a YAML template, changing only the lines of that property (comments and
// layout elsewhere are kept). A key given by logical ID is written as
// !GetAtt ID.Arn.
func CloudFormationEncryption(filename string, src []byte, logicalID string, key Key) ([]byte, error) {
	if t := bytes.TrimSpace(src); len(t) > 0 && t[0] == '{' {
		return nil, fmt.Errorf("%s: JSON templates are not edited yet; set %s's BucketEncryption by hand", filename, logicalID)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", filename, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a template", filename)
	}
	res := encValue(doc.Content[0], "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no Resources", filename)
	}
	rk, rv := encPair(res, logicalID)
	if rv == nil || rv.Kind != yaml.MappingNode || rv.Style&yaml.FlowStyle != 0 {
		return nil, fmt.Errorf("%s: no block-style resource %s", filename, logicalID)
	}
	lines := strings.SplitAfter(string(src), "\n")
	keyText := key.ARN
	if key.Ref != "" {
		keyText = "!GetAtt " + key.Ref + ".Arn"
	}
	block := func(indent string) []string {
		return []string{
			indent + "BucketEncryption:\n",
			indent + "  ServerSideEncryptionConfiguration:\n",
			indent + "    - ServerSideEncryptionByDefault:\n",
			indent + "        SSEAlgorithm: aws:kms\n",
			indent + "        KMSMasterKeyID: " + keyText + "\n",
			indent + "      BucketKeyEnabled: true\n",
		}
	}
	pk, pv := encPair(rv, "Properties")
	var out []string
	switch {
	case pv == nil:
		// No Properties: add them at the end of the resource.
		ind := strings.Repeat(" ", rv.Content[0].Column-1)
		end := encBlockEnd(lines, rk.Line-1, rk.Column-1)
		ins := append([]string{ind + "Properties:\n"}, block(ind+"  ")...)
		out = encSplice(lines, end, end, ins)
	case pv.Kind != yaml.MappingNode || pv.Style&yaml.FlowStyle != 0 || len(pv.Content) == 0:
		return nil, fmt.Errorf("%s: %s's Properties are not a block mapping; set BucketEncryption by hand", filename, logicalID)
	default:
		ind := strings.Repeat(" ", pv.Content[0].Column-1)
		if ek, _ := encPair(pv, "BucketEncryption"); ek != nil {
			start := ek.Line - 1
			end := encBlockEnd(lines, start, ek.Column-1)
			out = encSplice(lines, start, end, block(ind))
		} else {
			end := encBlockEnd(lines, pk.Line-1, pk.Column-1)
			out = encSplice(lines, end, end, block(ind))
		}
	}
	return []byte(strings.Join(out, "")), nil
}

// encBlockEnd returns the index of the first line after line start whose
// content is indented at most col (the end of the block that starts
// there), before any blank or comment lines that precede it.
func encBlockEnd(lines []string, start, col int) int {
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		t := strings.TrimLeft(lines[i], " ")
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(lines[i])-len(t) <= col {
			end = i
			break
		}
	}
	for end > start+1 {
		t := strings.TrimSpace(lines[end-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			break
		}
		end--
	}
	// A last line without a newline gets one before an insertion.
	if end == len(lines) && end > 0 && !strings.HasSuffix(lines[end-1], "\n") {
		lines[end-1] += "\n"
	}
	return end
}

func encSplice(lines []string, from, to int, ins []string) []string {
	out := append([]string{}, lines[:from]...)
	out = append(out, ins...)
	return append(out, lines[to:]...)
}

func encPair(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func encValue(m *yaml.Node, key string) *yaml.Node {
	_, v := encPair(m, key)
	return v
}
