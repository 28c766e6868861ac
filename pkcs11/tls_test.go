package pkcs11

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// handshake runs one TLS handshake over net.Pipe with cert on the server,
// at exactly version, optionally restricting the server's signature
// schemes, and verifies the chain against the shared root.
func handshake(t testing.TB, cert tls.Certificate, version uint16, schemes []tls.SignatureScheme) error {
	if schemes != nil {
		cert.SupportedSignatureAlgorithms = schemes
	}
	roots := x509.NewCertPool()
	if shared.root != nil {
		roots.AddCert(shared.root)
	}
	sc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: version, MaxVersion: version}
	return pipeHandshake(sc, clientConfig(roots, version))
}

// clientConfig trusts roots for "server.test" at testNow; version 0 leaves
// the versions to crypto/tls.
func clientConfig(roots *x509.CertPool, version uint16) *tls.Config {
	return &tls.Config{RootCAs: roots, ServerName: "server.test", MinVersion: version, MaxVersion: version,
		Time: func() time.Time { return testNow }}
}

// pipeHandshake runs one handshake over net.Pipe between a server with sc
// and a client with cc.
func pipeHandshake(sc, cc *tls.Config) error {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	errc := make(chan error, 1)
	go func() { errc <- tls.Server(c1, sc).Handshake(); c1.Close() }()
	err := tls.Client(c2, cc).Handshake()
	c2.Close()
	serr := <-errc
	if err != nil && serr != nil {
		return fmt.Errorf("client: %v; server: %v", err, serr)
	}
	if err != nil {
		return err
	}
	return serr
}

// serveHello runs a TLS server with cert on loopback until the test ends,
// writing "hello" to every client, and returns its address.
func serveHello(t testing.TB, cert tls.Certificate) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				c.Write([]byte("hello"))
			}()
		}
	}()
	return ln.Addr().String()
}

// dialHello connects to a serveHello server at version, trusting roots,
// and reads the greeting.
func dialHello(addr string, roots *x509.CertPool, version uint16) error {
	d := &net.Dialer{Timeout: 30 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, clientConfig(roots, version))
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != "hello" {
		return fmt.Errorf("read %q, want \"hello\"", buf)
	}
	return nil
}

// goCert makes an in-memory key of the same kind with a certificate from
// a throwaway CA, for the same handshake test.
func goCert(t testing.TB, kind string) (tls.Certificate, *x509.Certificate) {
	key := goKey(kind)
	ca, caKey := newTestCA(t, "go test ca")
	leaf := makeCert(t, "server", key.Public(), ca, caKey, false, "server.test")
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}, ca
}

type tlsCase struct {
	name    string
	version uint16
	schemes []tls.SignatureScheme
}

func tlsCases(kind string) []tlsCase {
	switch kind {
	case "rsa":
		return []tlsCase{
			{"TLS13-PSS", tls.VersionTLS13, nil},
			{"TLS12-PSS", tls.VersionTLS12, []tls.SignatureScheme{tls.PSSWithSHA256}},
			{"TLS12-PKCS1", tls.VersionTLS12, []tls.SignatureScheme{tls.PKCS1WithSHA256}},
			{"TLS12-RSA-kex", tls.VersionTLS12, nil},
		}
	}
	return []tlsCase{{"TLS13", tls.VersionTLS13, nil}, {"TLS12", tls.VersionTLS12, nil}}
}

// TestTLSHandshakeGoAndHSM runs the same handshakes with a Go key and the
// HSM key of each type.
func TestTLSHandshakeGoAndHSM(t *testing.T) {
	sharedHSM(t)
	for _, kind := range []struct{ kind, label string }{{"rsa", "rsa2048"}, {"ecdsa", "p256"}, {"ed25519", "ed25519"}} {
		goTC, goCA := goCert(t, kind.kind)
		k := openTestKey(t, keyURI("algos", kind.label))
		hsmTC, err := k.TLSCertificate()
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range tlsCases(kind.kind) {
			t.Run(kind.label+"/"+tc.name, func(t *testing.T) {
				// Go key: trust its own CA by swapping the root for this run.
				saved := shared.root
				shared.root = goCA
				err := handshake(t, goTC, tc.version, tc.schemes)
				shared.root = saved
				if err != nil {
					t.Fatalf("Go key: %v", err)
				}
				if tc.name == "TLS12-RSA-kex" {
					// Force RSA key exchange so Decrypt is used.
					if err := handshakeRSAKex(t, hsmTC); err != nil {
						t.Fatalf("HSM key RSA key exchange: %v", err)
					}
					return
				}
				if err := handshake(t, hsmTC, tc.version, tc.schemes); err != nil {
					t.Fatalf("HSM key: %v", err)
				}
			})
		}
	}
}

// handshakeRSAKex runs a TLS 1.2 handshake with RSA key exchange, so the
// server decrypts with the key.
func handshakeRSAKex(t testing.TB, cert tls.Certificate) error {
	roots := x509.NewCertPool()
	roots.AddCert(shared.root)
	rsaKex := []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}
	sc := &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12, CipherSuites: rsaKex}
	cc := clientConfig(roots, 0)
	cc.MaxVersion, cc.CipherSuites = tls.VersionTLS12, rsaKex
	return pipeHandshake(sc, cc)
}

// TestTLSServerFromURI configures a real TCP TLS server from a URI alone.
func TestTLSServerFromURI(t *testing.T) {
	sharedHSM(t)
	cert, err := LoadTLSCertificate("pkcs11:token=algos;object=p384?module-path="+softhsmModule+"&pin-source="+pinFile(t, testPIN), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cert.PrivateKey.(io.Closer).Close()
	addr := serveHello(t, cert)
	roots := x509.NewCertPool()
	roots.AddCert(shared.root)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		if err := dialHello(addr, roots, v); err != nil {
			t.Fatalf("version %x: %v", v, err)
		}
	}
}
