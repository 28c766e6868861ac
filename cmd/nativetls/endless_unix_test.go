//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"software.sslmate.com/src/go-pkcs12"
)

// TestEndlessFilesRefused: /dev/zero, a FIFO and an oversized file given as
// --leaf, --roots, --cert/--key or a --password file: source end the
// command quickly with exit 2 and a message naming the file (issue 13
// item 11), and a key that crashed the PKCS#8 parser prints no stack trace
// (item 10).
func TestEndlessFilesRefused(t *testing.T) {
	d := pkiDir(t)
	dir := tempDir(t)
	fifo := filepath.Join(dir, "fifo.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.pem")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		f.Truncate(16<<20 + 1)
		f.Close()
	}
	// A PKCS#12 bundle reads its password first.
	id := testpki.Root("P12", testpki.Options{})
	p12, err := pkcs12.Modern.Encode(id.Key, id.Cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	p12File := filepath.Join(dir, "id.p12")
	os.WriteFile(p12File, p12, 0o600)
	env := baseEnv()
	for _, bad := range []string{"/dev/zero", fifo, big} {
		for _, args := range [][]string{
			{"verify", "--leaf", bad, "--roots", filepath.Join(d, "root.pem")},
			{"verify", "--leaf", filepath.Join(d, "leaf-chain.pem"), "--roots", bad},
			{"verify", "--leaf", filepath.Join(d, "leaf-chain.pem"), "--roots", filepath.Join(d, "root.pem"), "--crl", bad},
			{"get", "https://127.0.0.1:1/", "--roots", bad},
			{"serve", "--listen", "127.0.0.1:0", "--cert", bad, "--key", filepath.Join(d, "leaf-key.pem")},
			{"serve", "--listen", "127.0.0.1:0", "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", bad},
			{"serve", "--listen", "127.0.0.1:0", "--cert", p12File, "--password", "file:" + bad},
		} {
			r := runCLIWithTimeout(t, env, args...)
			if r.code != 2 || !strings.Contains(r.stderr, bad) {
				t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %s", strings.Join(args, " "), r.code, r.stderr, bad)
			}
		}
	}
	badIV := filepath.Join(dir, "bad-iv.pem")
	os.WriteFile(badIV, testpki.BadIVEncryptedKeyPEM(), 0o600)
	for _, json := range []string{"--json=false", "--json"} {
		r := runCLIWithTimeout(t, env, "serve", "--listen", "127.0.0.1:0", "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", badIV, "--password", "pass:x", json)
		if r.code != 2 || !strings.Contains(r.stderr, badIV) || strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic:") {
			t.Errorf("serve with the 3-byte-IV key: exit %d, stderr %q; want exit 2 naming the file, no stack trace", r.code, r.stderr)
		}
	}
}
