package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// TestVerifyStrict: a wildcard over a public suffix (*.co.uk) passes
// crypto/x509's checks and the default profile but not the strict profile,
// so --strict turns exit 0 into exit 1.
func TestVerifyStrict(t *testing.T) {
	dir := tempDir(t)
	ca := testpki.Root("Strict Test CA", testpki.At(testpki.Clock))
	l := ca.Leaf(testpki.Options{DNSNames: []string{"*.co.uk"}, NotBefore: testpki.Clock.Add(-time.Hour)})
	write := func(name string, c *testpki.Cert) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.PEM(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf, root := write("leaf.pem", l), write("root.pem", ca)
	args := []string{"verify", "--leaf", leaf, "--roots", root, "--host", "example.co.uk", "--time", testpki.Clock.Format(time.RFC3339)}
	if r := runCLI(t, baseEnv(), args...); r.code != 0 {
		t.Fatalf("default profile: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t, baseEnv(), append(args, "--strict", "--json")...)
	if r.code != 1 || !strings.Contains(r.stdout, `"valid": false`) || !strings.Contains(r.stdout, "wildcard-public-suffix") {
		t.Errorf("--strict: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(r.stdout[:min(len(r.stdout), 400)])
}
