package native

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// rotation is a CA and a directory holding the server's cert.pem and
// key.pem, which a test replaces.
type rotation struct {
	ca        *testpki.Cert
	dir       string
	certPath  string
	keyPath   string
	clientCfg trust.Configuration
}

// serve watches r's files with opts, serves the watched identity on a
// loopback port until the test ends and returns its address and a client
// context that trusts r's CA.
func (r *rotation) serve(t *testing.T, opts WatchOptions) (string, *ClientContext) {
	t.Helper()
	w, err := WatchIdentity(r.certPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	cc, err := NewClientContext(r.clientCfg)
	if err != nil {
		t.Fatal(err)
	}
	return serveIdentity(t, w), cc
}

func newRotation(t *testing.T) *rotation {
	t.Helper()
	ca := testpki.Root("Rotation CA", testpki.Options{})
	dir := tempDir(t)
	r := &rotation{ca: ca, dir: dir, certPath: filepath.Join(dir, "cert.pem"), keyPath: filepath.Join(dir, "key.pem"),
		clientCfg: trust.DefaultConfiguration().WithTrustStore(trust.FromCertificates("rotation CA", ca.Cert))}
	return r
}

func (r *rotation) issue() *testpki.Cert {
	return r.ca.Leaf(testpki.Options{DNSNames: []string{"rot.example.test"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}})
}

// writeAtomic replaces path by renaming a finished temporary file over it.
func writeAtomic(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmp.Write(data); err != nil {
		t.Fatal(err)
	}
	tmp.Close()
	// Windows refuses to rename over a file another handle has open (the
	// watcher reads it now and then): retry briefly, as a deploy tool would.
	for range 100 {
		if err = os.Rename(tmp.Name(), path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal(err)
}

func (r *rotation) put(t *testing.T, c *testpki.Cert) {
	writeAtomic(t, r.certPath, c.PEM())
	writeAtomic(t, r.keyPath, c.KeyPEM())
}

// serve starts a server on 127.0.0.1 whose identity comes from w.
func serveIdentity(t *testing.T, w trust.IdentitySource) string {
	t.Helper()
	srv, err := NewServerContext(trust.DefaultConfiguration().WithIdentitySource(w))
	if err != nil {
		t.Fatal(err)
	}
	return serveConns(t, srv, func(c *Conn) {
		c.Handshake()
		c.Write([]byte("x"))
	}).String()
}

// presentedSerial makes one verified handshake and returns the leaf's
// serial number.
func presentedSerial(ctx context.Context, cc *ClientContext, addr string) (string, error) {
	c, err := cc.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.Handshake(); err != nil {
		return "", err
	}
	return c.ConnectionState().PeerCertificates[0].SerialNumber.String(), nil
}

// waitForSerial waits for the server to present serial want: within the
// given time on a quiet machine; a loaded one (race detector, busy CI) gets
// five times as long, logged, so scheduling noise does not fail the test.
func waitForSerial(t *testing.T, cc *ClientContext, addr, want string, within time.Duration) {
	t.Helper()
	start := time.Now()
	defer func() {
		if d := time.Since(start); d > within {
			t.Logf("serial %s seen after %v, over the %v a quiet machine gives", want, d.Round(time.Millisecond), within)
		}
	}()
	within *= 5
	deadline := time.Now().Add(within)
	var got string
	for time.Now().Before(deadline) {
		var err error
		if got, err = presentedSerial(context.Background(), cc, addr); err != nil {
			t.Fatalf("handshake: %v", err)
		}
		if got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server still presents serial %s, want %s after %v", got, want, within)
}

// TestWatchIdentityRotationUnderLoad replaces certificate and key by atomic
// rename 20 times while clients handshake continuously: no handshake fails
// (a mismatched pair would fail the client's CertificateVerify check), and
// each new serial is served within 2 s.
func TestWatchIdentityRotationUnderLoad(t *testing.T) {
	r := newRotation(t)
	first := r.issue()
	r.put(t, first)
	var errs []error
	var mu sync.Mutex
	addr, cc := r.serve(t, WatchOptions{Key: r.keyPath, Interval: 100 * time.Millisecond,
		OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	ctx, stop := context.WithCancel(context.Background())
	var handshakes, failures atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := presentedSerial(ctx, cc, addr); err != nil && ctx.Err() == nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
				}
				handshakes.Add(1)
			}
		}()
	}
	for range 20 {
		next := r.issue()
		r.put(t, next)
		waitForSerial(t, cc, addr, next.Cert.SerialNumber.String(), 2*time.Second)
	}
	stop()
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d handshakes failed during rotation; first: %v", n, handshakes.Load(), firstFailure.Load())
	}
	t.Logf("%d handshakes during 20 rotations, none failed; %d transient errors reported", handshakes.Load(), len(errs))
}

// TestWatchIdentityMismatchKeepsOld: a new certificate without its key (or
// with another key) is never served; the error goes to OnError; once the
// key arrives the new pair is served.
func TestWatchIdentityMismatchKeepsOld(t *testing.T) {
	r := newRotation(t)
	first := r.issue()
	r.put(t, first)
	reported := make(chan error, 8)
	addr, cc := r.serve(t, WatchOptions{Key: r.keyPath, Interval: 50 * time.Millisecond,
		OnError: func(err error) { reported <- err }})
	next := r.issue()
	writeAtomic(t, r.certPath, next.PEM()) // the key is still the old one
	select {
	case err := <-reported:
		if !strings.Contains(err.Error(), "does not match") {
			t.Fatalf("reported %v, want a key mismatch", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no error reported for a certificate without its key")
	}
	if got, err := presentedSerial(context.Background(), cc, addr); err != nil || got != first.Cert.SerialNumber.String() {
		t.Fatalf("during the mismatch: serial %s, %v; want the old %s", got, err, first.Cert.SerialNumber)
	}
	writeAtomic(t, r.keyPath, next.KeyPEM())
	waitForSerial(t, cc, addr, next.Cert.SerialNumber.String(), 2*time.Second)
}

// TestWatchIdentityInPlaceWrite: files rewritten in place (truncate and
// write, as editors and cp do) are picked up too.
func TestWatchIdentityInPlaceWrite(t *testing.T) {
	r := newRotation(t)
	r.put(t, r.issue())
	addr, cc := r.serve(t, WatchOptions{Key: r.keyPath, Interval: 50 * time.Millisecond})
	next := r.issue()
	if err := os.WriteFile(r.keyPath, next.KeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.certPath, next.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	waitForSerial(t, cc, addr, next.Cert.SerialNumber.String(), 2*time.Second)
}

// TestWatchIdentityRefusals: an expired certificate and one the Verify
// check refuses stay out of service; Reload reports why.
func TestWatchIdentityRefusals(t *testing.T) {
	r := newRotation(t)
	first := r.issue()
	r.put(t, first)
	refuse := errors.New("not from our CA")
	var strictCA atomic.Bool
	w, err := WatchIdentity(r.certPath, WatchOptions{Key: r.keyPath, Interval: time.Hour,
		Verify: func(ch trust.CertificateChain) error {
			if strictCA.Load() {
				return refuse
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	gen := w.Generation()
	expired := r.ca.Leaf(testpki.Options{DNSNames: []string{"rot.example.test"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	r.put(t, expired)
	if err := w.Reload(); err == nil || !strings.Contains(err.Error(), "not serving it") {
		t.Fatalf("Reload of an expired certificate: %v", err)
	}
	strictCA.Store(true)
	r.put(t, r.issue())
	if err := w.Reload(); !errors.Is(err, refuse) {
		t.Fatalf("Reload refused by Verify: %v, want %v", err, refuse)
	}
	ch, _ := w.Identity()
	if w.Generation() != gen || ch.Certificates[0].SerialNumber.Cmp(first.Cert.SerialNumber) != 0 {
		t.Fatalf("a refused identity went into service (generation %d → %d)", gen, w.Generation())
	}
	strictCA.Store(false)
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	if w.Generation() == gen {
		t.Fatal("an accepted reload did not change the generation")
	}
}

// TestWatchIdentityFirstLoadFails: nothing to serve is an error at once,
// naming the file.
func TestWatchIdentityFirstLoadFails(t *testing.T) {
	missing := filepath.Join(tempDir(t), "absent.pem")
	_, err := WatchIdentity(missing, WatchOptions{})
	if err == nil || !strings.Contains(err.Error(), "absent.pem") {
		t.Fatalf("err = %v, want one naming absent.pem", err)
	}
}

// TestIdentitySourceWithStaticFallback: an RSA chain configured directly
// still serves a client that cannot use the source's ECDSA chain.
func TestIdentitySourceWithStaticFallback(t *testing.T) {
	r := newRotation(t)
	r.put(t, r.issue())
	w, err := WatchIdentity(r.certPath, WatchOptions{Key: r.keyPath, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rsaLeaf := r.ca.Leaf(testpki.Options{KeyType: testpki.RSA2048, DNSNames: []string{"rot.example.test"}})
	cfg := trust.DefaultConfiguration().WithIdentitySource(w).WithCertificateChain(rsaLeaf.Key, rsaLeaf.Cert)
	if !cfg.Equal(cfg) || cfg.Equal(cfg.WithIdentitySource(nil)) {
		t.Fatal("Equal ignores the identity source")
	}
	srv, err := NewServerContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tc := srv.TLSConfig()
	hello := &tls12RSAOnlyHello
	c, err := tc.GetCertificate(hello)
	if err != nil || c != nil {
		t.Fatalf("RSA-only client: GetCertificate = %v, %v; want nil to fall back to the RSA chain", c, err)
	}
}

// tls12RSAOnlyHello is a client that can only verify RSA signatures.
var tls12RSAOnlyHello = tls.ClientHelloInfo{
	CipherSuites:      []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
	SupportedVersions: []uint16{tls.VersionTLS12},
	SignatureSchemes:  []tls.SignatureScheme{tls.PSSWithSHA256, tls.PKCS1WithSHA256},
	SupportedCurves:   []tls.CurveID{tls.X25519},
	SupportedPoints:   []uint8{0},
}
