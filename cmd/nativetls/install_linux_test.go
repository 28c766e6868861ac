package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/native"
)

// debianRoot lays out a Debian-layout root with one distribution CA
// (other-root.pem), so the bundle is never empty.
func debianRoot(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("update-ca-certificates"); err != nil {
		t.Skip("update-ca-certificates not installed: apt-get install -y ca-certificates")
	}
	root := tempDir(t)
	for _, p := range []string{"etc/ssl/certs", "usr/local/share/ca-certificates", "usr/share/ca-certificates/dist"} {
		noErr(t, os.MkdirAll(filepath.Join(root, p), 0o755))
	}
	dist, err := os.ReadFile(filepath.Join(pkiDir(t), "other-root.pem"))
	noErr(t, err)
	noErr(t, os.WriteFile(filepath.Join(root, "usr/share/ca-certificates/dist/dist.crt"), dist, 0o644))
	noErr(t, os.WriteFile(filepath.Join(root, "etc/ca-certificates.conf"), []byte("dist/dist.crt\n"), 0o644))
	return root
}

// bundleHolds reports whether the bundle file itself (not the system
// store) holds the certificate of the PEM file certFile.
func bundleHolds(t *testing.T, bundle, certFile string) bool {
	t.Helper()
	want, err := native.LoadCertificate(certFile)
	noErr(t, err)
	certs, err := native.LoadCertificates(bundle)
	noErr(t, err)
	return slices.ContainsFunc(certs, want.Equal)
}

// `install --root DIR` puts the certificate in DIR's bundle and
// `uninstall --root DIR` takes it out, as a new user would check it.
func TestInstallUninstallRootBundle(t *testing.T) {
	root := debianRoot(t)
	cert := filepath.Join(pkiDir(t), "root.pem")
	bundle := filepath.Join(root, "etc/ssl/certs/ca-certificates.crt")
	r := runCLI(t, baseEnv(), "install", cert, "--root", root)
	if r.code != 0 || !strings.Contains(r.stdout, "read back: trusted") {
		t.Fatalf("install: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !bundleHolds(t, bundle, cert) {
		t.Fatalf("install exited 0 but %s does not hold the certificate\n%s", bundle, r.stdout)
	}
	r = runCLI(t, baseEnv(), "uninstall", cert, "--root", root)
	if r.code != 0 || !strings.Contains(r.stdout, "read back: no longer trusted") {
		t.Fatalf("uninstall: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if bundleHolds(t, bundle, cert) {
		t.Fatalf("uninstall exited 0 but %s still holds the certificate", bundle)
	}
}

// A name with path elements is refused before anything is written.
func TestInstallNameEscapeRefused(t *testing.T) {
	root := debianRoot(t)
	r := runCLI(t, baseEnv(), "install", filepath.Join(pkiDir(t), "root.pem"), "--root", root, "--name", "../../etc/cron.d/x")
	if r.code == 0 || !strings.Contains(r.stderr, "install name") {
		t.Fatalf("install --name ../../etc/cron.d/x: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/cron.d")); !os.IsNotExist(err) {
		t.Fatalf("the refused name wrote outside the store: %v", err)
	}
}
