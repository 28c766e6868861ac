package pkcs11

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// faultServer is a TLS server on loopback whose key lives on the HSM.
type faultServer struct {
	addr  string
	roots *x509.CertPool
}

func startFaultServer(t *testing.T, k *Key) *faultServer {
	t.Helper()
	ca, caKey := newTestCA(t, "fault ca")
	leaf := makeCert(t, "fault server", k.Public(), ca, caKey, false, "server.test")
	importCert(t, k, leaf, "srv", k.id)
	tc, err := k.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &faultServer{addr: serveHello(t, tc), roots: roots}
}

// handshake connects once; it fails the test if the attempt hangs.
func (s *faultServer) handshake(t *testing.T, version uint16) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- dialHello(s.addr, s.roots, version) }()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("handshake hung")
		return nil
	}
}

// secondHandle is another binding handle on the same (already
// initialized) SoftHSM library, like a second application component.
func secondHandle(t *testing.T) *p11.Ctx {
	ctx, err := p11.New(softhsmModule)
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.Initialize(""); err != nil && ckrCode(err) != ckrCryptokiAlreadyInit {
		t.Fatal(err)
	}
	t.Cleanup(ctx.Destroy) // dlclose only; never C_Finalize the shared instance
	return ctx
}

func TestFaultInjection(t *testing.T) {
	h := newHSM(t)
	h.initToken(t, "fault")
	h.keygen(t, "fault", "EC:prime256v1", "srv", "10")
	k, err := OpenKey(keyURI("fault", "srv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	srv := startFaultServer(t, k)
	ctx2 := secondHandle(t)
	slot := k.t.slotID()

	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		if err := srv.handshake(t, v); err != nil {
			t.Fatalf("baseline handshake: %v", err)
		}
	}

	t.Run("CloseAllSessions", func(t *testing.T) {
		if err := ctx2.CloseAllSessions(slot); err != nil {
			t.Fatal(err)
		}
		// Under load: clients handshake while sessions are closed
		// repeatedly. Operations hit twice in a row may fail (one retry
		// only), but nothing hangs or panics. SoftHSM 2.6 frees sessions
		// that other threads are using inside a call (a use-after-free in
		// the module, which crashes), so the injection waits for calls in
		// flight by taking the module's call lock; pooled sessions still
		// die between the server's operations.
		var wg sync.WaitGroup
		var failed atomic.Int32
		stop := make(chan struct{})
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					if err := srv.handshake(t, tls.VersionTLS13); err != nil {
						failed.Add(1)
					}
				}
			}()
		}
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
					k.t.mod.inst.callMu.Lock()
					ctx2.CloseAllSessions(slot)
					k.t.mod.inst.callMu.Unlock()
					runtime.Gosched()
				}
			}
		}()
		wg.Wait()
		close(stop)
		t.Logf("%d of 40 handshakes failed while sessions were being closed continuously", failed.Load())
		for i := 0; i < 3; i++ {
			if err := srv.handshake(t, tls.VersionTLS13); err != nil {
				t.Fatalf("after C_CloseAllSessions: %v", err)
			}
		}
	})

	t.Run("Logout", func(t *testing.T) {
		sh, err := ctx2.OpenSession(slot, p11.CKF_SERIAL_SESSION)
		if err != nil {
			t.Fatal(err)
		}
		if err := ctx2.Logout(sh); err != nil {
			t.Fatal(err)
		}
		ctx2.CloseSession(sh)
		for i := 0; i < 3; i++ {
			if err := srv.handshake(t, tls.VersionTLS12); err != nil {
				t.Fatalf("after C_Logout: %v", err)
			}
		}
	})

	t.Run("TokenDirRemovedAndRestored", func(t *testing.T) {
		tokens := filepath.Join(h.dir, "tokens")
		if err := os.Rename(tokens, tokens+".away"); err != nil {
			t.Fatal(err)
		}
		// Kill the sessions too, as a removal would.
		ctx2.CloseAllSessions(slot)
		err := srv.handshake(t, tls.VersionTLS13)
		t.Logf("handshake with the token directory gone: %v", err)
		_, err = k.Sign(nil, make([]byte, 32), crypto.SHA256)
		t.Logf("sign with the token directory gone: %v", err)
		if err := os.Rename(tokens+".away", tokens); err != nil {
			t.Fatal(err)
		}
		_, err = k.Sign(nil, make([]byte, 32), crypto.SHA256)
		t.Logf("sign after restore: %v", err)
		for i := 0; i < 3; i++ {
			if err := srv.handshake(t, tls.VersionTLS13); err != nil {
				t.Fatalf("after the token directory came back: %v", err)
			}
		}
	})

	t.Run("PINChangedUnderServer", func(t *testing.T) {
		sh, err := ctx2.OpenSession(slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
		if err != nil {
			t.Fatal(err)
		}
		if err := ctx2.SetPIN(sh, testPIN, "99999"); err != nil {
			t.Fatal(err)
		}
		ctx2.Logout(sh)
		ctx2.CloseSession(sh)
		for i := 0; i < 2; i++ {
			err := srv.handshake(t, tls.VersionTLS13)
			if err == nil {
				t.Fatal("handshake succeeded after the PIN changed and the session was logged out")
			}
		}
		_, err = k.Sign(nil, make([]byte, 32), crypto.SHA256)
		if !errors.Is(err, ErrPINIncorrect) {
			t.Fatalf("Sign after PIN change: %v, want ErrPINIncorrect", err)
		}
		t.Logf("after PIN change: %v", err)
		// Restore the PIN for cleanliness.
		sh, _ = ctx2.OpenSession(slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
		if err := ctx2.Login(sh, p11.CKU_USER, "99999"); err == nil {
			ctx2.SetPIN(sh, "99999", testPIN)
			ctx2.Logout(sh)
		}
		ctx2.CloseSession(sh)
	})
}

func TestAlwaysAuthenticate(t *testing.T) {
	h := newHSM(t)
	h.initToken(t, "aa")
	h.keygen(t, "aa", "EC:prime256v1", "aakey", "20", "--always-auth")
	k, err := OpenKey(keyURI("aa", "aakey"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if !k.alwaysAuth {
		t.Fatal("CKA_ALWAYS_AUTHENTICATE not seen")
	}
	for i := 0; i < 3; i++ {
		if _, err := k.Sign(nil, make([]byte, 32), crypto.SHA256); err != nil {
			t.Fatalf("sign %d with context-specific login: %v", i, err)
		}
	}
}

// TestWrongPIN: one clear error, the PIN source asked once, no retry.
// (It needs its own token: PKCS#11 logins are per application, so a token
// another key already logged in would accept any session.)
func TestWrongPIN(t *testing.T) {
	h := newHSM(t)
	h.initToken(t, "pin")
	h.keygen(t, "pin", "EC:prime256v1", "k", "30")
	var calls atomic.Int32
	k, err := OpenKey("pkcs11:token=pin;object=k?module-path="+softhsmModule, &Options{
		PIN: func(context.Context, string) (string, error) { calls.Add(1); return "0000", nil }})
	if err == nil {
		k.Close()
	}
	if !errors.Is(err, ErrPINIncorrect) {
		t.Fatalf("wrong PIN: %v", err)
	}
	t.Logf("wrong PIN: %v", err)
	if calls.Load() != 1 {
		t.Errorf("PIN callback called %d times; a wrong PIN must not be retried", calls.Load())
	}
	// The right PIN still works: the token was not locked.
	k, err = OpenKey(keyURI("pin", "k"), nil)
	if err != nil {
		t.Fatal(err)
	}
	k.Close()
}
