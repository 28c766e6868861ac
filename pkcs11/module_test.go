package pkcs11

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
	"github.com/nativetls/nativetls/internal/testfs"
)

// The trust modules: p11-kit's trust module and NSS softokn, read through
// Module.FindObjects.

const trustModulePath = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so"

func needFile(t *testing.T, path, install string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skipf("%s is a Linux module", path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s missing; install it with: %s", path, install)
	}
}

// loadSlots loads the module with initArgs (closed when the test ends)
// and lists its slots with a token.
func loadSlots(t *testing.T, path, initArgs string) (*Module, []Slot) {
	t.Helper()
	m, err := LoadModule(path, initArgs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	slots, err := m.Slots(true)
	if err != nil {
		t.Fatal(err)
	}
	return m, slots
}

// writePEM writes certificates to path as PEM, making its directory.
func writePEM(t testing.TB, path string, certs ...*x509.Certificate) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTrustModuleFindObjects(t *testing.T) {
	needFile(t, trustModulePath, "apt-get install -y p11-kit-modules")
	dir := testfs.TempDir(t)
	ca, _ := newTestCA(t, "nativetls trust-module anchor")
	writePEM(t, filepath.Join(dir, "anchors", "ca.pem"), ca)

	m, slots := loadSlots(t, trustModulePath, "paths="+dir)
	if m.Path() != trustModulePath {
		t.Errorf("Path() = %q", m.Path())
	}
	if len(slots) != 1 || slots[0].Token == nil {
		t.Fatalf("want one slot with a token, got %+v", slots)
	}
	t.Logf("slot %d %q token %+v", slots[0].ID, slots[0].Description, *slots[0].Token)

	certs, err := m.FindObjects(slots[0].ID,
		p11.CKO_CERTIFICATE,
		[]uint{p11.CKA_VALUE, p11.CKA_LABEL, p11.CKA_TRUSTED, p11.CKA_X_DISTRUSTED, p11.CKA_CERTIFICATE_CATEGORY, p11.CKA_NSS_SERVER_DISTRUST_AFTER, 0x7FFF0001})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, o := range certs {
		if bytes.Equal(o.Attrs[p11.CKA_VALUE], ca.Raw) {
			found = true
			if v := o.Attrs[p11.CKA_TRUSTED]; !bytes.Equal(v, []byte{1}) {
				t.Errorf("CKA_TRUSTED = %x, want 01", v)
			}
			if _, ok := o.Attrs[0x7FFF0001]; ok {
				t.Error("invalid attribute type present in Attrs")
			}
			t.Logf("label %q category %d distrusted %x", o.Attrs[p11.CKA_LABEL], ulong(o.Attrs[p11.CKA_CERTIFICATE_CATEGORY]), o.Attrs[p11.CKA_X_DISTRUSTED])
		}
	}
	if !found {
		t.Fatalf("anchor not among %d certificate objects", len(certs))
	}

	trust, err := m.FindObjects(slots[0].ID,
		p11.CKO_NSS_TRUST,
		[]uint{p11.CKA_CERT_SHA1_HASH, p11.CKA_TRUST_SERVER_AUTH, p11.CKA_TRUST_CLIENT_AUTH, p11.CKA_TRUST_EMAIL_PROTECTION, p11.CKA_TRUST_CODE_SIGNING, p11.CKA_ISSUER, p11.CKA_SERIAL_NUMBER})
	if err != nil {
		t.Fatal(err)
	}
	if len(trust) == 0 {
		t.Fatal("no CKO_NSS_TRUST objects")
	}
	if got := ulong(trust[0].Attrs[p11.CKA_TRUST_SERVER_AUTH]); got != p11.CKT_NSS_TRUSTED_DELEGATOR {
		t.Errorf("CKA_TRUST_SERVER_AUTH = %#x, want CKT_NSS_TRUSTED_DELEGATOR", got)
	}

	// Same path, other arguments, while live: a clear error.
	if _, err := LoadModule(trustModulePath, "paths=/nonexistent"); !errors.Is(err, ErrModuleInUse) {
		t.Fatalf("second instance with other args: err = %v, want ErrModuleInUse", err)
	}
	// Same arguments: shared instance.
	m2, err := LoadModule(trustModulePath, "paths="+dir)
	if err != nil {
		t.Fatal(err)
	}
	if m2.inst != m.inst {
		t.Error("same path and args did not share the instance")
	}
	m2.Close()
	m.Close()
	m.Close() // idempotent
	if _, err := m.Slots(true); !errors.Is(err, ErrClosed) {
		t.Errorf("Slots after Close: %v", err)
	}

	// After every handle closed, other arguments work.
	dir2 := testfs.TempDir(t)
	m3, slots := loadSlots(t, trustModulePath, "paths="+dir2)
	certs, err = m3.FindObjects(slots[0].ID, p11.CKO_CERTIFICATE, []uint{p11.CKA_VALUE})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range certs {
		if bytes.Equal(o.Attrs[p11.CKA_VALUE], ca.Raw) {
			t.Error("reloaded module with empty paths still serves the old anchor")
		}
	}
}

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
	m, slots := loadSlots(t, softoknPath, "configdir='sql:"+dir+"' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly")
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

func TestLoadModuleMissing(t *testing.T) {
	_, err := LoadModule(filepath.Join(testfs.TempDir(t), "libnothing.so"), "")
	if !errors.Is(err, ErrModuleNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// TestLoadModuleAlreadyInitialized: another library in the process
// initialized the module; LoadModule accepts it and never finalizes it.
func TestLoadModuleAlreadyInitialized(t *testing.T) {
	sharedHSM(t) // SoftHSM refuses a second C_Initialize
	other, err := p11.New(softhsmModule)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Initialize(""); err != nil {
		t.Fatal(err)
	}
	defer func() {
		other.Finalize()
		other.Destroy()
	}()
	m, err := LoadModule(softhsmModule, "")
	if err != nil {
		t.Fatalf("LoadModule on an initialized module: %v", err)
	}
	if m.inst.owned {
		t.Error("instance claims ownership of another library's initialization")
	}
	if _, err := m.Slots(false); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if _, err := other.GetSlotList(false); err != nil {
		t.Fatalf("Close finalized a module it did not initialize: %v", err)
	}
}
