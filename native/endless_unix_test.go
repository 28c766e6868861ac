//go:build unix

package native

import (
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testfs"
)

// TestLoadersRefuseEndlessFiles: issue 13 item 11 for every loader of
// package native, the password file: source and the policy file.
func TestLoadersRefuseEndlessFiles(t *testing.T) {
	testfs.RefuseEndless(t, map[string]func(string) error{
		"LoadCertificates": func(p string) error { _, err := LoadCertificates(p); return err },
		"LoadPrivateKey":   func(p string) error { _, err := LoadPrivateKey(p); return err },
		"LoadIdentity":     func(p string) error { _, err := LoadIdentity(p); return err },
		"TrustStore":       func(p string) error { _, err := TrustStore(p); return err },
		"TrustStore file:": func(p string) error { _, err := TrustStore("file://" + p); return err },
		"password file:": func(p string) error {
			pw, err := PasswordSource("file:" + p)
			if err != nil {
				return err
			}
			_, err = pw()
			return err
		},
	})
	for name, path := range testfs.EndlessFiles(t) {
		withPolicyEnv(t, map[string]string{envVerifyConf: path}, "", normalIDs)
		var p VerifyPolicy
		testfs.Within(t, "Policy("+name+")", func() error { p = Policy(); return nil })
		if p.Setting != VerifyPlatformDefault || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], path) {
			t.Errorf("policy file %s: %+v; want verification on and one problem naming it", name, p)
		}
	}
}
