package pkcs11

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
)

// The test module (internal/p11raw/testmodule) is a Go c-shared PKCS#11
// library: a Windows DLL built with mingw under Wine
// (ci/wine/build-p11module.sh sets NATIVETLS_P11_TEST_MODULE), or a
// shared object built here on Linux.

var (
	tmNotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tmNow       = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// testModule returns the module path and the test root. The module
// reads its keys from $NATIVETLS_P11TEST_DIR when C_Initialize runs. On
// Windows (the DLL under Wine) the test sets it (the environment is
// process-wide); on Linux a Go shared library sees only the environment
// the process started with, so the test builds the module, writes the
// keys and runs itself again with both variables set: ok is false in the
// parent, which has nothing left to do.
func testModule(t *testing.T) (mod string, root *x509.Certificate, ok bool) {
	t.Helper()
	mod, dir := os.Getenv("NATIVETLS_P11_TEST_MODULE"), os.Getenv("NATIVETLS_P11TEST_DIR")
	if mod != "" && dir != "" {
		return mod, readRoot(t, dir), true
	}
	if mod != "" && runtime.GOOS == "windows" {
		dir, root := writeTestKeys(t)
		t.Setenv("NATIVETLS_P11TEST_DIR", dir)
		return mod, root, true
	}
	if runtime.GOOS != "linux" {
		t.Skip("set NATIVETLS_P11_TEST_MODULE to the test module (bash ci/wine/build-p11module.sh builds the DLL)")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc missing (the test module is cgo): apt-get install -y gcc")
	}
	if _, err := os.Stat("/usr/include/p11-kit-1/p11-kit/pkcs11.h"); err != nil {
		t.Skip("pkcs11.h missing: apt-get install -y libp11-kit-dev")
	}
	mod = buildTestModule(t)
	dir, _ = writeTestKeys(t)
	child := exec.Command(os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.v", "-test.count=1")
	child.Env = append(os.Environ(), "NATIVETLS_P11_TEST_MODULE="+mod, "NATIVETLS_P11TEST_DIR="+dir)
	out, err := child.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s against the test module: %v\n%s", t.Name(), err, out)
	}
	return "", nil, false
}

var testModuleBuild struct {
	sync.Once
	path, out string
}

// buildTestModule builds the test module once per test process (into
// $TMPDIR/nativetls-p11test-*, removed by TestMain).
func buildTestModule(t *testing.T) string {
	b := &testModuleBuild
	b.Do(func() {
		dir, err := os.MkdirTemp("", "nativetls-p11test-")
		if err != nil {
			b.out = err.Error()
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		mod := filepath.Join(dir, "libp11test.so")
		cmd := exec.Command("go", "build", "-tags", "p11testmodule", "-buildmode=c-shared", "-o", mod, "../internal/p11raw/testmodule")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.out = fmt.Sprintf("%v\n%s", err, out)
			return
		}
		b.path = mod
	})
	if b.path == "" {
		t.Fatalf("building the test module: %s", b.out)
	}
	return b.path
}

// writeTestKeys writes a root, and an ECDSA and an RSA leaf with keys, in
// the test module's file names.
func writeTestKeys(t *testing.T) (string, *x509.Certificate) {
	dir := testfs.TempDir(t)
	o := testpki.Options{NotBefore: tmNotBefore, NotAfter: tmNotBefore.AddDate(10, 0, 0)}
	root := testpki.Root("p11 test root", o)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []struct {
		name string
		typ  testpki.KeyType
	}{{"ec", testpki.ECDSAP256}, {"rsa", testpki.RSA2048}} {
		lo := o
		lo.KeyType, lo.DNSNames = k.typ, []string{"server.test"}
		leaf := root.Leaf(lo)
		write(k.name+".pem", leaf.PEM())
		write(k.name+".key", leaf.KeyPEM())
	}
	write("ca.pem", root.PEM())
	return dir, root.Cert
}

func readRoot(t *testing.T, dir string) *x509.Certificate {
	b, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s/ca.pem: no PEM", dir)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// uriPath percent-encodes a file path for a pkcs11: URI attribute
// (Windows paths have '\').
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", `\`, "%5C", " ", "%20").Replace(p)
}

func tmURI(mod, object, pin string) string {
	return "pkcs11:token=wine-test;object=" + object + "?module-path=" + uriPath(mod) + "&pin-value=" + pin
}

// TestTestModuleSignVerify signs with both keys of the test module
// through the cgo-free binding and verifies with the certificates.
func TestTestModuleSignVerify(t *testing.T) {
	mod, root, ok := testModule(t)
	if !ok {
		return
	}
	opts := &Options{AllowedModules: []string{mod}}
	digest := sha256.Sum256([]byte("hello from the test module"))
	for _, name := range []string{"ec", "rsa"} {
		k, err := OpenKey(tmURI(mod, name, "1234"), opts)
		if err != nil {
			t.Fatalf("OpenKey %s: %v", name, err)
		}
		cert, err := k.Certificate()
		if err != nil {
			t.Fatalf("%s: certificate: %v", name, err)
		}
		if err := cert.CheckSignatureFrom(root); err != nil {
			t.Fatalf("%s: certificate not from the root: %v", name, err)
		}
		var sigOpts []crypto.SignerOpts = []crypto.SignerOpts{crypto.SHA256}
		if name == "rsa" {
			sigOpts = append(sigOpts, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
		}
		for _, so := range sigOpts {
			sig, err := k.Sign(nil, digest[:], so)
			if err != nil {
				t.Fatalf("%s %T: sign: %v", name, so, err)
			}
			switch pub := cert.PublicKey.(type) {
			case *ecdsa.PublicKey:
				if !ecdsa.VerifyASN1(pub, digest[:], sig) {
					t.Errorf("ec: signature does not verify")
				}
			case *rsa.PublicKey:
				if pss, ok := so.(*rsa.PSSOptions); ok {
					err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, pss)
				} else {
					err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
				}
				if err != nil {
					t.Errorf("rsa %T: %v", so, err)
				}
			}
		}
		k.Close()
	}
}

// TestTestModuleTLS serves a TLS 1.3 and a TLS 1.2 handshake with each
// token key.
func TestTestModuleTLS(t *testing.T) {
	mod, root, ok := testModule(t)
	if !ok {
		return
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	for _, name := range []string{"ec", "rsa"} {
		tc, err := LoadTLSCertificate(tmURI(mod, name, "1234"), &Options{AllowedModules: []string{mod}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
			if err := tmHandshake(tc, roots, v); err != nil {
				t.Errorf("%s TLS %x: %v", name, v, err)
			}
		}
		tc.PrivateKey.(interface{ Close() error }).Close()
	}
}

func tmHandshake(cert tls.Certificate, roots *x509.CertPool, v uint16) error {
	sc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: v, MaxVersion: v}
	cc := &tls.Config{RootCAs: roots, ServerName: "server.test", MinVersion: v, MaxVersion: v, Time: func() time.Time { return tmNow }}
	c1, c2 := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- tls.Server(c1, sc).Handshake(); c1.Close() }()
	err := tls.Client(c2, cc).Handshake()
	c2.Close()
	return errors.Join(err, <-errc)
}

// TestTestModuleErrors: a wrong PIN is ErrPINIncorrect with the CKR name,
// a missing object ErrKeyNotFound, and the module is refused unless
// allowed.
func TestTestModuleErrors(t *testing.T) {
	mod, _, ok := testModule(t)
	if !ok {
		return
	}
	_, err := OpenKey(tmURI(mod, "ec", "9999"), &Options{AllowedModules: []string{mod}})
	var pe *Error
	if !errors.Is(err, ErrPINIncorrect) || !errors.As(err, &pe) || pe.Code != 0xA0 || !strings.Contains(err.Error(), "CKR_PIN_INCORRECT") {
		t.Errorf("wrong PIN: %v", err)
	}
	if strings.Contains(err.Error(), "9999") {
		t.Errorf("error shows the PIN: %v", err)
	}
	if _, err := OpenKey(tmURI(mod, "nope", "1234"), &Options{AllowedModules: []string{mod}}); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("missing key: %v", err)
	}
	t.Setenv(modulesEnv, "")
	if _, err := OpenKey(tmURI(mod, "ec", "1234"), nil); !errors.Is(err, ErrModuleRefused) {
		t.Errorf("module in a temp dir, not allowed: %v", err)
	}
	t.Setenv(modulesEnv, mod)
	slots, err := Tokens(mod)
	if err != nil || len(slots) != 1 || slots[0].Token.Label != "wine-test" {
		t.Errorf("Tokens with %s set: %v %+v", modulesEnv, err, slots)
	}
}
