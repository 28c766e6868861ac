package pkcs11

import (
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
	"github.com/nativetls/nativetls/internal/testfs"
)

const (
	softhsmModule = "/usr/lib/softhsm/libsofthsm2.so"
	testPIN       = "1234"
	testSOPIN     = "5678"
)

// hsm is a SoftHSM2 configuration in a temp directory. SoftHSM reads
// SOFTHSM2_CONF at C_Initialize and modules are cached per process, so a
// test selects an hsm (t.Setenv) only while the module is not loaded:
// every test closes all its keys, which finalizes the module.
type hsm struct {
	dir, conf string
}

func needSoftHSM(t testing.TB) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("SoftHSM2 tests run on Linux; Windows uses the test module (NATIVETLS_P11_TEST_MODULE)")
	}
	for _, p := range []string{softhsmModule, "/usr/bin/softhsm2-util", "/usr/bin/pkcs11-tool"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s missing; install with: apt-get install -y softhsm2 opensc", p)
		}
	}
}

func makeHSM(t testing.TB, dir string) *hsm {
	t.Helper()
	h := &hsm{dir: dir, conf: filepath.Join(dir, "softhsm2.conf")}
	if err := os.MkdirAll(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", filepath.Join(dir, "tokens"))
	if err := os.WriteFile(h.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

// use points SOFTHSM2_CONF at this hsm for the test (module must be unloaded).
func (h *hsm) use(t testing.TB) {
	t.Helper()
	modules.Lock()
	n := len(modules.byKey)
	modules.Unlock()
	if n != 0 {
		t.Fatalf("a PKCS#11 module is still loaded by an earlier test; close every Key")
	}
	t.Setenv("SOFTHSM2_CONF", h.conf)
}

// newHSM returns a fresh SoftHSM configuration for this test only.
func newHSM(t *testing.T) *hsm {
	needSoftHSM(t)
	h := makeHSM(t, testfs.TempDir(t))
	h.use(t)
	return h
}

func (h *hsm) run(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+h.conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func (h *hsm) initToken(t testing.TB, label string) {
	h.run(t, "softhsm2-util", "--init-token", "--free", "--label", label, "--pin", testPIN, "--so-pin", testSOPIN)
}

// keygen makes a key pair on the token: keyType as pkcs11-tool takes it
// (rsa:2048, EC:prime256v1, EC:secp384r1, EC:secp521r1, EC:edwards25519).
func (h *hsm) keygen(t testing.TB, token, keyType, label, id string, extra ...string) {
	args := []string{"--module", softhsmModule, "--token-label", token, "--login", "--pin", testPIN,
		"--keypairgen", "--key-type", keyType, "--label", label, "--id", id, "--usage-sign"}
	if keyType[:3] == "rsa" {
		args = append(args, "--usage-decrypt")
	}
	h.run(t, "pkcs11-tool", append(args, extra...)...)
}

// keyURI names a key on this hsm with module-path and pin-value.
func keyURI(token, label string) string {
	return fmt.Sprintf("pkcs11:token=%s;object=%s?module-path=%s&pin-value=%s", token, label, softhsmModule, testPIN)
}

// importCert stores a certificate object on the key's token with the
// given label and id, through the key's own module instance.
func importCert(t testing.TB, k *Key, c *x509.Certificate, label string, id []byte) {
	t.Helper()
	ctx := k.t.ctx
	sh, err := ctx.OpenSession(k.t.slotID(), p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.CloseSession(sh)
	_, err = ctx.CreateObject(sh, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_CERTIFICATE),
		p11.NewAttribute(p11.CKA_CERTIFICATE_TYPE, p11.CKC_X_509),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, id),
		p11.NewAttribute(p11.CKA_SUBJECT, c.RawSubject),
		p11.NewAttribute(p11.CKA_ISSUER, c.RawIssuer),
		p11.NewAttribute(p11.CKA_VALUE, c.Raw),
	})
	if err != nil {
		t.Fatalf("import certificate %s: %v", label, err)
	}
}

// The shared fixture: one SoftHSM directory per test binary with the
// token "algos" holding one key per algorithm, certificates for the
// server keys, and a CA chain. It is built once, lazily.
var shared struct {
	once sync.Once
	h    *hsm
	err  string
	root *x509.Certificate
}

type algoKey struct {
	label, keyType, id string
}

var algoKeys = []algoKey{
	{"rsa2048", "rsa:2048", "01"},
	{"rsa3072", "rsa:3072", "02"},
	{"p256", "EC:prime256v1", "03"},
	{"p384", "EC:secp384r1", "04"},
	{"p521", "EC:secp521r1", "06"},
	{"ed25519", "EC:edwards25519", "05"},
}

// sharedHSM returns the shared fixture, selected for this test.
func sharedHSM(t testing.TB) *hsm {
	needSoftHSM(t)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "nativetls-pkcs11-")
		if err != nil {
			shared.err = err.Error()
			return
		}
		h := makeHSM(t, dir)
		h.initToken(t, "algos")
		for _, k := range algoKeys {
			h.keygen(t, "algos", k.keyType, k.label, k.id)
		}
		shared.h = h
		h.use(t)
		root, rootKey := newTestCA(t, "nativetls test root")
		inter, interKey := newTestCA(t, "nativetls test intermediate")
		inter = makeCert(t, "nativetls test intermediate", inter.PublicKey, root, rootKey, true)
		shared.root = root
		for _, label := range []string{"rsa2048", "p256", "p384", "ed25519", "rsa3072", "p521"} {
			k, err := OpenKey(keyURI("algos", label), nil)
			if err != nil {
				t.Fatalf("open %s: %v", label, err)
			}
			leaf := makeCert(t, "server-"+label, k.Public(), inter, interKey, false, "server.test")
			importCert(t, k, leaf, label, k.id)
			if label == "rsa2048" {
				importCert(t, k, inter, "intermediate", []byte("ca1"))
				importCert(t, k, root, "root", []byte("ca0"))
			}
			k.Close()
		}
	})
	if shared.h == nil {
		t.Fatalf("shared SoftHSM fixture failed: %s", shared.err)
	}
	shared.h.use(t)
	return shared.h
}

// cleanups run after every test of the package.
var cleanups []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	if shared.h != nil {
		os.RemoveAll(shared.h.dir)
	}
	os.Exit(code)
}
