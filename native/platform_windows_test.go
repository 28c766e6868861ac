//go:build windows

package native

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// These tests run the contexts on the Windows backend for real: the system
// trust store is the CryptoAPI chain engine (package windows). They write
// to the ROOT store — LocalMachine when the process is elevated, CurrentUser
// only under Wine (on real Windows CurrentUser ROOT shows a confirmation
// dialog, which hangs CI) — so they run only in a throwaway environment:
// under Wine with a fresh WINEPREFIX (ci/wine/run-tests.sh) or on a
// disposable Windows machine with NATIVETLS_WINDOWS_STORE_TESTS=1, elevated.

// winPKI's root is in the ROOT store while the tests run. TestMain
// installs it before the first chain is built: Wine's default chain engine
// reads the ROOT store once per process and does not see later additions.
var (
	winPKI        *pki
	winInstallErr error
)

const winRootCN = "nativetls Native Windows Test Root"

func underWine() bool {
	return syswin.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// winScope is where the tests install their root (see above).
var winScope = trust.ScopeUser

func scratchStores() bool {
	elevated := syswin.GetCurrentProcessToken().IsElevated()
	if elevated && (underWine() || os.Getenv("NATIVETLS_WINDOWS_STORE_TESTS") == "1") {
		winScope = trust.ScopeSystem
		return true
	}
	return underWine()
}

func TestMain(m *testing.M) {
	if scratchStores() {
		// RSA: Wine 8 rejects ECDSA signatures with a short r or s (see
		// windows.TestWineShortECDSASignature), which would make these
		// tests fail at random there.
		o := testpki.Options{KeyType: testpki.RSA2048}
		root := testpki.Root(winRootCN, o)
		inter := root.Intermediate("nativetls Native Windows Test Intermediate", o)
		o.DNSNames, o.IPs = []string{"www.example.test"}, []net.IP{net.ParseIP("127.0.0.1")}
		leaf := inter.Leaf(o)
		winPKI = &pki{root: root, inter: inter, leaf: leaf, store: trust.FromCertificates("test roots", root.Cert)}
		_, winInstallErr = windows.Install(root.Cert, trust.InstallOptions{Scope: winScope})
	}
	code := m.Run()
	if winPKI != nil && winInstallErr == nil {
		if _, err := windows.Uninstall(winPKI.root.Cert, trust.InstallOptions{Scope: winScope}); err != nil {
			fmt.Fprintf(os.Stderr, "cleanup: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func requireWinPKI(t *testing.T) *pki {
	t.Helper()
	if !scratchStores() {
		t.Skip("this test writes to the ROOT certificate store: run it with bash ci/wine/run-tests.sh, or set NATIVETLS_WINDOWS_STORE_TESTS=1 in an elevated process on a disposable Windows machine")
	}
	if winInstallErr != nil {
		t.Fatalf("TestMain could not install %q into the ROOT store (%v scope): %v", winRootCN, winScope, winInstallErr)
	}
	return winPKI
}

func TestWindowsIsThePlatformBackend(t *testing.T) {
	if got := Backend().Name; got != "windows" {
		t.Fatalf("Backend().Name = %q, want windows", got)
	}
	s, err := TrustStore("system")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*windows.Store); !ok {
		t.Fatalf("TrustStore(\"system\") is a %T, want a *windows.Store", s)
	}
}

// TestWindowsSystemStoreHandshake: the default configuration (no trust
// store) verifies the server with the CryptoAPI chain engine.
func TestWindowsSystemStoreHandshake(t *testing.T) {
	p := requireWinPKI(t)
	other := newPKI(t, testpki.Options{KeyType: testpki.RSA2048})
	client := trust.DefaultConfiguration()
	for _, tt := range []struct {
		name, serverName string
		server           trust.Configuration
		want             trust.Reason // ReasonUnknown: must pass
	}{
		{"dns", "www.example.test", p.serverConfig(), trust.ReasonUnknown},
		{"ip", "127.0.0.1", p.serverConfig(), trust.ReasonUnknown},
		{"wrong-host", "wrong.example.test", p.serverConfig(), trust.ReasonHostnameMismatch},
		{"wrong-ip", "127.0.0.2", p.serverConfig(), trust.ReasonHostnameMismatch},
		{"untrusted-root", "www.example.test", other.serverConfig(), trust.ReasonUnknownAuthority},
		// A leaf alone whose issuer names no AIA URL is an unknown authority
		// (trust.Verifier decides this for every store).
		{"no-intermediate", "www.example.test", trust.DefaultConfiguration().WithCertificateChain(p.leaf.Key, p.leaf.Cert), trust.ReasonUnknownAuthority},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := handshake(t, client, tt.server, tt.serverName)
			if tt.want == trust.ReasonUnknown {
				if r.clientErr != nil || r.serverErr != nil {
					t.Fatalf("handshake: client %v, server %v", r.clientErr, r.serverErr)
				}
				return
			}
			ve := wantReason(t, r.clientErr, tt.want)
			if ve.Backend != "windows" || ve.PlatformCodeName == "" {
				t.Errorf("decided by %q with platform code %q, want the windows backend and its code: %v", ve.Backend, ve.PlatformCodeName, ve)
			}
			t.Log(ve)
		})
	}
}

// TestWindowsSystemPlusFile: "system+FILE" is the CryptoAPI store plus the
// roots of a file, for both hierarchies.
func TestWindowsSystemPlusFile(t *testing.T) {
	p := requireWinPKI(t)
	other := newPKI(t, testpki.Options{KeyType: testpki.RSA2048})
	f := filepath.Join(tempDir(t), "other-root.pem")
	if err := os.WriteFile(f, other.root.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := TrustStore("system+" + f)
	if err != nil {
		t.Fatal(err)
	}
	client := trust.DefaultConfiguration().WithTrustStore(s)
	for _, srv := range []*pki{p, other} {
		if r := handshake(t, client, srv.serverConfig(), "www.example.test"); r.clientErr != nil || r.serverErr != nil {
			t.Errorf("%s: client %v, server %v", srv.root.Cert.Subject, r.clientErr, r.serverErr)
		}
	}
}

// TestWindowsCAPICertificates loads the installed root by a capi: URI: a
// certificate without a private key.
func TestWindowsCAPICertificates(t *testing.T) {
	p := requireWinPKI(t)
	certs, err := LoadCertificates("capi:store=Root;cn=" + winRootCN)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 1 || !certs[0].Equal(p.root.Cert) {
		t.Fatalf("got %d certificates, want the installed root", len(certs))
	}
	_, err = LoadCertificates("capi:store=Root;cn=nativetls no such certificate")
	if !errors.Is(err, windows.ErrNotFound) {
		t.Errorf("missing certificate: %v, want windows.ErrNotFound", err)
	}
	_, err = LoadIdentity("capi:store=Root;cn=" + winRootCN)
	if !errors.Is(err, windows.ErrKeyNotFound) {
		t.Errorf("identity without a key: %v, want windows.ErrKeyNotFound", err)
	}
}
