package native

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/nativetls/nativetls/internal/safefile"
)

// evaluatePolicy computes the policy from the process identity, the
// environment and the policy file.
func evaluatePolicy() VerifyPolicy {
	p := VerifyPolicy{Source: "default"}
	if uid, euid, gid, egid := policyIDs(); uid != euid || gid != egid {
		p.Ignored = "the process runs setuid or setgid"
		return p
	}
	if v, ok := policyLookup(envIgnoreEnvironment); ok && v != "" {
		p.Ignored = envIgnoreEnvironment + " is set"
		return p
	}
	path := defaultPolicyFile()
	if v, ok := policyLookup(envVerifyConf); ok && v != "" {
		path = v
	}
	if s, ok, problem := readPolicyFile(path); problem != "" {
		p.Problems = append(p.Problems, problem)
	} else if ok {
		p.Setting, p.Source = s, path
	}
	if v, ok := policyLookup(envVerify); ok {
		switch strings.TrimSpace(v) {
		case "0":
			p.Setting, p.Source = VerifyDisable, "environment "+envVerify
		case "1":
			p.Setting, p.Source = VerifyEnable, "environment "+envVerify
		case "":
			// Set but empty: as if unset.
		default:
			p.Problems = append(p.Problems, fmt.Sprintf("%s=%q is not understood (use 0 to disable or 1 to enable verification)", envVerify, v))
		}
	}
	return p
}

// maxPolicyFile caps the policy file: a line or two is all it holds.
const maxPolicyFile = 64 << 10

// readPolicyFile reads the setting in the policy file at path. A missing
// file is no setting (ok false, no problem). An unreadable or malformed file
// is a problem and no setting. Only a regular file of at most 64 KiB is
// read, so a device or FIFO put in its place cannot hang the process.
func readPolicyFile(path string) (s VerifySetting, ok bool, problem string) {
	data, err := safefile.Read(path, maxPolicyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, ""
	}
	if err != nil {
		return 0, false, fmt.Sprintf("policy file %s could not be read: %v", path, err)
	}
	s, ok, err = parsePolicy(data)
	if err != nil {
		return 0, false, fmt.Sprintf("policy file %s: %v", path, err)
	}
	return s, ok, ""
}

// parsePolicy parses the policy file format: "verify = enable|disable|
// platform_default", optionally inside an "[https]" section (other sections
// are ignored), '#' and ';' comments and blank lines. ok is false when the
// file sets nothing.
func parsePolicy(data []byte) (s VerifySetting, ok bool, err error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	section, line := "", 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		if strings.HasPrefix(t, "[") {
			if !strings.HasSuffix(t, "]") {
				return 0, false, fmt.Errorf("line %d: malformed section header %q", line, t)
			}
			section = strings.ToLower(strings.TrimSpace(t[1 : len(t)-1]))
			continue
		}
		if section != "" && section != "https" {
			continue
		}
		k, v, found := strings.Cut(t, "=")
		if !found {
			return 0, false, fmt.Errorf("line %d: expected \"verify = enable|disable|platform_default\", got %q", line, t)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		if k != "verify" {
			return 0, false, fmt.Errorf("line %d: unknown key %q (the only key is \"verify\")", line, k)
		}
		switch v {
		case "enable":
			s = VerifyEnable
		case "disable":
			s = VerifyDisable
		case "platform_default":
			s = VerifyPlatformDefault
		default:
			return 0, false, fmt.Errorf("line %d: verify = %q is not one of enable, disable, platform_default", line, v)
		}
		ok = true
	}
	if err := sc.Err(); err != nil {
		return 0, false, err
	}
	return s, ok, nil
}
