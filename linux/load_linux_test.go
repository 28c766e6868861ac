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

	s, err := Load(Options{Getenv: envOf(map[string]string{envCertFile: file, envCertDir: filepath.Join(d1, "missing") + ":" + d2})})
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
		case r.Name == envCertDir && strings.HasSuffix(r.Path, "missing"):
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

// p11KitFixture is a p11-kit trust path with anchors/ and blocklist/.
type p11KitFixture struct {
	dir                            string
	good, blocked, email, badInter chain
}

func newP11KitFixture(t *testing.T) p11KitFixture {
	t.Helper()
	needTool(t, "openssl", "openssl")
	f := p11KitFixture{dir: t.TempDir()}
	f.good = newChain(t, "Good", "good.test")
	f.blocked = newChain(t, "Blocked", "blocked.test")
	f.email = newChain(t, "Email", "email.test")
	f.badInter = newChain(t, "BadInter", "badinter.test")
	anchors, block := filepath.Join(f.dir, "anchors"), filepath.Join(f.dir, "blocklist")
	f.good.root.writePEM(t, anchors, "good.pem")
	f.badInter.root.writePEM(t, anchors, "badinter-root.pem")
	f.blocked.root.writePEM(t, anchors, "blocked.pem") // trusted here …
	f.blocked.root.writePEM(t, block, "blocked.pem")   // … and blocklisted: distrust wins
	f.badInter.inter.writePEM(t, block, "badinter-intermediate.pem")
	// An anchor trusted for e-mail only: OpenSSL TRUSTED CERTIFICATE,
	// which p11-kit turns into a stapled extended key usage extension.
	plain := f.email.root.writePEM(t, t.TempDir(), "email.pem")
	sh(t, "openssl", "x509", "-in", plain, "-addtrust", "emailProtection", "-out", filepath.Join(anchors, "email.pem"))
	return f
}

func (f p11KitFixture) load(t *testing.T) *Store {
	t.Helper()
	s := p11KitStore(t, []string{f.dir}, false)
	return s
}

func TestP11KitAnchorsBlocklistAndPurposes(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)

	if err := verifyServer(s, f.good, "good.test"); err != nil {
		t.Fatalf("chain to a p11-kit anchor: %v", err)
	}
	wantReason(t, verifyServer(s, f.blocked, "blocked.test"), trust.ReasonDistrusted)
	wantReason(t, verifyServer(s, f.badInter, "badinter.test"), trust.ReasonDistrusted)
	if err := verifyServer(s, f.email, "email.test"); err == nil {
		t.Fatal("an anchor trusted only for e-mail anchored a TLS server chain")
	}

	anchors, _ := s.Anchors(nil)
	byCN := map[string]trust.Anchor{}
	for _, a := range anchors {
		byCN[a.Certificate.Subject.CommonName] = a
		if !strings.HasPrefix(a.Source, "p11-kit:") {
			t.Errorf("anchor %s has source %q, want p11-kit:<token>", a.Certificate.Subject.CommonName, a.Source)
		}
		if !a.Platform {
			t.Errorf("anchor %s from the p11-kit trust module is not marked as a platform root", a.Certificate.Subject.CommonName)
		}
	}
	if a := byCN["Email Root"]; len(a.Purposes) != 1 || a.Purposes[0] != trust.UsageEmail {
		t.Errorf("Email Root purposes = %v, want [email]", a.Purposes)
	}
	if a := byCN["Good Root"]; len(a.Purposes) != 0 || a.Distrusted {
		t.Errorf("Good Root = %+v, want unrestricted", a)
	}
	if !byCN["Blocked Root"].Distrusted || !byCN["BadInter Intermediate"].Distrusted {
		t.Errorf("blocklisted certificates not distrusted: %+v", byCN)
	}
	if !s.IsDistrusted(f.blocked.root.cert) {
		t.Error("IsDistrusted(blocked root) = false")
	}
	var rep *trust.SourceReport
	for _, r := range s.Sources() {
		if r.Name == "p11-kit" {
			r := r
			rep = &r
		}
	}
	if rep == nil || rep.Anchors != 3 || rep.Distrusted < 2 || rep.Err != nil {
		t.Fatalf("p11-kit report = %+v, want 3 anchors, at least 2 distrusted", rep)
	}
}

func TestP11KitReloadBumpsGeneration(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)
	g := s.Generation()
	// Blocklist the good root and reload: the change is seen only now.
	f.good.root.writePEM(t, filepath.Join(f.dir, "blocklist"), "good.pem")
	if err := verifyServer(s, f.good, "good.test"); err != nil {
		t.Fatalf("before Reload: %v", err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if s.Generation() == g {
		t.Fatal("Reload did not change the generation")
	}
	wantReason(t, verifyServer(s, f.good, "good.test"), trust.ReasonDistrusted)
}

func TestP11KitMissingModule(t *testing.T) {
	opts := isolated()
	opts.DisableP11Kit = false
	opts.P11KitModule = filepath.Join(t.TempDir(), "nope.so")
	opts.CertFiles = []string{newCert(t, "Fallback Root", true, nil).writePEM(t, t.TempDir(), "b.pem")}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Sources() {
		if r.Name == "p11-kit" {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "nope.so") {
				t.Fatalf("p11-kit report %+v should name the missing module", r)
			}
			return
		}
	}
	t.Fatal("no p11-kit report")
}

func TestNoAnchorsError(t *testing.T) {
	opts := isolated()
	opts.CertFiles = []string{filepath.Join(t.TempDir(), "missing.pem")}
	_, err := Load(opts)
	var ne *NoAnchorsError
	if !errors.As(err, &ne) || !errors.Is(err, trust.ErrNoTrustAnchors) {
		t.Fatalf("err = %v, want *NoAnchorsError", err)
	}
	if !strings.Contains(err.Error(), "missing.pem") {
		t.Fatalf("error does not say where it looked: %v", err)
	}
	_ = os.Remove
}

// TestConcurrentVerifyAndReload runs verifications while the store reloads
// and other loads share the module (run with -race).
func TestConcurrentVerifyAndReload(t *testing.T) {
	needP11Kit(t)
	f := newP11KitFixture(t)
	s := f.load(t)
	done := make(chan error, 8)
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; j < 5; j++ {
				if err := verifyServer(s, f.good, "good.test"); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 2; i++ {
		go func() { done <- s.Reload() }()
		go func() {
			_, err := Load(Options{Getenv: noEnv, CertFiles: []string{}, CertDirs: []string{}, P11KitPaths: []string{f.dir}})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// newNSSDB makes an empty NSS sql: database in a temporary directory.
func newNSSDB(t *testing.T) string {
	t.Helper()
	needSoftokn(t)
	dir := t.TempDir()
	sh(t, "certutil", "-N", "-d", "sql:"+dir, "--empty-password")
	return dir
}

func nssAdd(t *testing.T, db string, c testCert, nick, flags string) {
	t.Helper()
	p := c.writePEM(t, t.TempDir(), nick+".pem")
	sh(t, "certutil", "-A", "-d", "sql:"+db, "-n", nick, "-t", flags, "-a", "-i", p)
}

func TestNSSTrustedUntrustedDistrusted(t *testing.T) {
	db := newNSSDB(t)
	trusted := newChain(t, "NSS Trusted", "trusted.test")
	untrusted := newChain(t, "NSS Untrusted", "untrusted.test")
	distrusted := newChain(t, "NSS Distrusted", "distrusted.test")
	nssAdd(t, db, trusted.root, "trusted", "C,,")
	nssAdd(t, db, untrusted.root, "untrusted", ",,")
	nssAdd(t, db, distrusted.root, "distrusted", "p,p,p")

	// A second database, read after the first (the softoken is one
	// instance per process, so databases are opened in turn).
	db2 := newNSSDB(t)
	other := newChain(t, "NSS Second", "second.test")
	nssAdd(t, db2, other.root, "second", "C,C,C")

	opts := isolated()
	opts.IncludeNSS = true
	opts.NSSDatabases = []string{"sql:" + db, db2}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(s, trusted, "trusted.test"); err != nil {
		t.Fatalf("NSS C,, root: %v", err)
	}
	if err := verifyServer(s, other, "second.test"); err != nil {
		t.Fatalf("second database: %v", err)
	}
	wantReason(t, verifyServer(s, untrusted, "untrusted.test"), trust.ReasonUnknownAuthority)
	wantReason(t, verifyServer(s, distrusted, "distrusted.test"), trust.ReasonDistrusted)

	anchors, _ := s.Anchors(nil)
	for _, a := range anchors {
		if !strings.HasPrefix(a.Source, "nss:sql:") {
			t.Errorf("anchor %s source %q, want nss:sql:<dir>", a.Certificate.Subject.CommonName, a.Source)
		}
		if a.Certificate.Subject.CommonName == "NSS Trusted Root" && a.Certificate != nil {
			for _, p := range a.Purposes {
				if p == trust.UsageEmail {
					t.Errorf("C,, root trusted for e-mail: %v", a.Purposes)
				}
			}
		}
	}
	n := 0
	for _, r := range s.Sources() {
		if r.Name == "nss" {
			n++
			if r.Err != nil {
				t.Errorf("nss report error: %v", r.Err)
			}
		}
	}
	if n != 2 {
		t.Fatalf("want 2 nss reports, got %+v", s.Sources())
	}
}

func TestNSSOptIn(t *testing.T) {
	opts := isolated()
	opts.CertFiles = []string{newCert(t, "R", true, nil).writePEM(t, t.TempDir(), "r.pem")}
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Sources() {
		if r.Name == "nss" && !strings.Contains(r.Skipped, "opt-in") {
			t.Fatalf("nss report %+v, want skipped as opt-in", r)
		}
	}
}
