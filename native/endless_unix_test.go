//go:build unix

package native

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
)

// TestLoadersRefuseEndlessFiles: issue 13 item 11 for every loader of
// package native, the password file: source and the policy file.
func TestLoadersRefuseEndlessFiles(t *testing.T) {
	for name, path := range testfs.EndlessFiles(t) {
		loaders := map[string]func() error{
			"LoadCertificates": func() error { _, err := LoadCertificates(path); return err },
			"LoadPrivateKey":   func() error { _, err := LoadPrivateKey(path); return err },
			"LoadIdentity":     func() error { _, err := LoadIdentity(path); return err },
			"TrustStore":       func() error { _, err := TrustStore(path); return err },
			"TrustStore file:": func() error { _, err := TrustStore("file://" + path); return err },
			"password file:": func() error {
				pw, err := PasswordSource("file:" + path)
				if err != nil {
					return err
				}
				_, err = pw()
				return err
			},
		}
		for lname, f := range loaders {
			err := testfs.Within(t, lname+"("+name+")", f)
			var se *safefile.Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), path) {
				t.Errorf("%s(%s) = %v; want a *safefile.Error naming %s", lname, name, err, path)
			}
		}
		withPolicyEnv(t, map[string]string{EnvVerifyConf: path}, "", normalIDs)
		var p VerifyPolicy
		testfs.Within(t, "Policy("+name+")", func() error { p = Policy(); return nil })
		if p.Setting != VerifyPlatformDefault || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], path) {
			t.Errorf("policy file %s: %+v; want verification on and one problem naming it", name, p)
		}
	}
}

// TestPasswordFileCap: a password file over 64 KiB is refused.
func TestPasswordFileCap(t *testing.T) {
	path := filepath.Join(tempDir(t), "pin.txt")
	if err := os.WriteFile(path, make([]byte, MaxPasswordFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, err := PasswordSource("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw(); !errors.Is(err, safefile.ErrTooLarge) {
		t.Fatalf("oversized password file: %v, want ErrTooLarge", err)
	}
}

// TestLoaderNeverPanics: the key with the 3-byte IV gives an error naming
// the file, whether the parser checks the IV or the boundary recovers.
func TestLoaderNeverPanics(t *testing.T) {
	path := filepath.Join(tempDir(t), "bad-iv.pem")
	if err := os.WriteFile(path, testpki.BadIVEncryptedKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"LoadPrivateKey": func() error { _, err := LoadPrivateKey(path, WithPasswordSource("pass:x")); return err },
		"LoadIdentity":   func() error { _, err := LoadIdentity(path, WithPasswordSource("pass:x")); return err },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s(3-byte IV) = %v; want an error naming %s", name, err, path)
		}
	}
}
