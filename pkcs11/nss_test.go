package pkcs11

import (
	"bytes"
	"github.com/nativetls/nativetls/internal/testfs"
	"os/exec"
	"path/filepath"
	"testing"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

const softoknPath = "/usr/lib/x86_64-linux-gnu/libsoftokn3.so"

// TestNSSSoftokn reads a certificate and its CKO_NSS_TRUST object from an
// NSS database made by certutil, through softokn with its init string.
func TestNSSSoftokn(t *testing.T) {
	needFile(t, softoknPath, "apt-get install -y libnss3")
	needFile(t, "/usr/bin/certutil", "apt-get install -y libnss3-tools")
	dir := testfs.TempDir(t)
	ca, _ := newTestCA(t, "nativetls nss anchor")
	pemPath := filepath.Join(dir, "ca.pem")
	writePEM(t, pemPath, ca)
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + dir, "--empty-password"},
		{"-A", "-d", "sql:" + dir, "-n", "anchor", "-t", "C,,", "-i", pemPath},
	} {
		if out, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	m, err := LoadModule(softoknPath, "configdir='sql:"+dir+"' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	slots, err := m.Slots(true)
	if err != nil {
		t.Fatal(err)
	}
	var found, trusted bool
	for _, s := range slots {
		certs, err := m.FindObjects(s.ID, p11.CKO_CERTIFICATE, []uint{p11.CKA_VALUE, p11.CKA_LABEL})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range certs {
			found = found || bytes.Equal(o.Attrs[p11.CKA_VALUE], ca.Raw)
		}
		trust, err := m.FindObjects(s.ID, p11.CKO_NSS_TRUST,
			[]uint{p11.CKA_ISSUER, p11.CKA_SERIAL_NUMBER, p11.CKA_TRUST_SERVER_AUTH, p11.CKA_TRUST_EMAIL_PROTECTION, p11.CKA_CERT_SHA1_HASH})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range trust {
			if bytes.Equal(o.Attrs[p11.CKA_ISSUER], ca.RawIssuer) && ulong(o.Attrs[p11.CKA_TRUST_SERVER_AUTH]) == p11.CKT_NSS_TRUSTED_DELEGATOR {
				trusted = true
			}
		}
		t.Logf("slot %d %q: %d certificates, %d trust objects", s.ID, s.Token.Label, len(certs), len(trust))
	}
	if !found || !trusted {
		t.Fatalf("certificate found %v, trusted for server auth %v", found, trusted)
	}
}
