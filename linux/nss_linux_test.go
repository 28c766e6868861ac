package linux

import (
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

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
