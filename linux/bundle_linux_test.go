package linux

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestSSLCertEnvReplacesSystemSources sets SSL_CERT_FILE and SSL_CERT_DIR
// (through Options.Getenv) to temporary locations.
func TestSSLCertEnvReplacesSystemSources(t *testing.T) {
	fileCA := newChain(t, "File", "file.test")
	dirCA := newChain(t, "Dir", "dir.test")
	other := newChain(t, "Other", "other.test")
	file := fileCA.root.writePEM(t, t.TempDir(), "bundle.pem")
	d1, d2 := t.TempDir(), t.TempDir()
	dirCA.root.writePEM(t, d2, "dir.pem")
	// The second existing file is never read: only the first file counts.
	other.root.writePEM(t, d1, "unused.pem")

	s, err := Load(Options{Getenv: envOf(map[string]string{EnvCertFile: file, EnvCertDir: filepath.Join(d1, "missing") + ":" + d2})})
	if err != nil {
		t.Fatal(err)
	}
	wantVerified(t, s, map[string]chain{"file.test": fileCA, "dir.test": dirCA})
	wantReason(t, verifyServer(s, other, "other.test"), trust.ReasonUnknownAuthority)
	var sawP11, sawMissing bool
	for _, r := range s.Sources() {
		switch {
		case r.Name == "p11-kit":
			sawP11 = strings.Contains(r.Skipped, "SSL_CERT_FILE and SSL_CERT_DIR")
		case r.Name == EnvCertDir && strings.HasSuffix(r.Path, "missing"):
			sawMissing = r.Err != nil && errors.Is(r.Err, os.ErrNotExist)
		}
	}
	if !sawP11 {
		t.Errorf("p11-kit not reported as replaced by the environment: %+v", s.Sources())
	}
	if !sawMissing {
		t.Errorf("missing SSL_CERT_DIR element not reported: %+v", s.Sources())
	}
}

func TestSSLCertFileFirstExistingOnly(t *testing.T) {
	a, b := newChain(t, "A", "a.test"), newChain(t, "B", "b.test")
	d := t.TempDir()
	fa, fb := a.root.writePEM(t, d, "a.pem"), b.root.writePEM(t, d, "b.pem")
	opts := isolated()
	opts.CertFiles = []string{filepath.Join(d, "none.pem"), fa, fb}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(s, a, "a.test"); err != nil {
		t.Fatal(err)
	}
	wantReason(t, verifyServer(s, b, "b.test"), trust.ReasonUnknownAuthority)
}

func TestBundleDirectoryMalformedFilesSkipped(t *testing.T) {
	good1, good2 := newChain(t, "Good1", "g1.test"), newChain(t, "Good2", "g2.test")
	d := t.TempDir()
	good1.root.writePEM(t, d, "good1.pem")
	good2.root.writePEM(t, d, "good2.crt")
	os.WriteFile(filepath.Join(d, "broken.pem"), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o644)
	os.WriteFile(filepath.Join(d, "README"), []byte("not a certificate\n"), 0o644)
	os.Symlink("good1.pem", filepath.Join(d, "0123abcd.0")) // OpenSSL hash link: skipped like Go
	os.Mkdir(filepath.Join(d, "java"), 0o755)
	// A TRUSTED CERTIFICATE rejecting every purpose is a distrusted entry.
	rej := newChain(t, "Rejected", "rej.test")
	plain := rej.root.writePEM(t, t.TempDir(), "rej.pem")
	needTool(t, "openssl", "openssl")
	sh(t, "openssl", "x509", "-in", plain, "-addreject", "anyExtendedKeyUsage", "-out", filepath.Join(d, "rejected.pem"))

	opts := isolated()
	opts.CertDirs = []string{d}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	wantVerified(t, s, map[string]chain{"g1.test": good1, "g2.test": good2})
	if !s.IsDistrusted(rej.root.cert) {
		t.Error("TRUSTED CERTIFICATE with reject anyExtendedKeyUsage not distrusted")
	}
	var rep trust.SourceReport
	for _, r := range s.Sources() {
		if r.Path == d {
			rep = r
		}
	}
	var derr *trust.DirectoryError
	if !errors.As(rep.Err, &derr) || len(derr.Errors) != 1 || !strings.Contains(rep.Err.Error(), "broken.pem") {
		t.Fatalf("report %+v: want one error naming broken.pem", rep)
	}
	if rep.Anchors != 2 || rep.Distrusted != 1 {
		t.Fatalf("report counts %+v, want 2 anchors (hash link not counted twice) and 1 distrusted", rep)
	}
}
