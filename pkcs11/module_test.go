package pkcs11

import (
	"bytes"
	"errors"
	"github.com/nativetls/nativetls/internal/testfs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

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

func TestTrustModuleFindObjects(t *testing.T) {
	needFile(t, trustModulePath, "apt-get install -y p11-kit-modules")
	dir := testfs.TempDir(t)
	ca, _ := newTestCA(t, "nativetls trust-module anchor")
	writePEM(t, filepath.Join(dir, "anchors", "ca.pem"), ca)

	m, err := LoadModule(trustModulePath, "paths="+dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Path() != trustModulePath {
		t.Errorf("Path() = %q", m.Path())
	}
	slots, err := m.Slots(true)
	if err != nil {
		t.Fatal(err)
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
	m3, err := LoadModule(trustModulePath, "paths="+dir2)
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	slots, err = m3.Slots(true)
	if err != nil {
		t.Fatal(err)
	}
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

func TestLoadModuleMissing(t *testing.T) {
	_, err := LoadModule(filepath.Join(tempDir(t), "libnothing.so"), "")
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
