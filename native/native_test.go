package native

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/trust/insecure"
)

// pki is the hierarchy most tests use: root → intermediate → leaf for
// "www.example.test" and 127.0.0.1.
type pki struct {
	root, inter, leaf *testpki.Cert
	store             trust.TrustStore
}

func newPKI(t testing.TB, o testpki.Options) *pki {
	t.Helper()
	root := testpki.Root("Test Root", testpki.Options{KeyType: o.KeyType})
	inter := root.Intermediate("Test Intermediate", testpki.Options{KeyType: o.KeyType})
	if o.DNSNames == nil {
		o.DNSNames = []string{"www.example.test"}
		o.IPs = []net.IP{net.ParseIP("127.0.0.1")}
	}
	if o.AIA == nil {
		// Like leaves under public and enterprise intermediates, name the
		// issuer's location (a closed local port: nothing is served), so a
		// server that omits the intermediate is diagnosed as
		// missing_intermediate rather than an unknown CA.
		o.AIA = []string{"http://127.0.0.1:9/test-intermediate.crt"}
	}
	leaf := inter.Leaf(o)
	return &pki{root: root, inter: inter, leaf: leaf, store: trust.FromCertificates("test roots", root.Cert)}
}

func (p *pki) serverConfig() trust.Configuration {
	return trust.DefaultConfiguration().WithCertificateChain(p.leaf.Key, p.leaf.Cert, p.inter.Cert)
}

func (p *pki) clientConfig() trust.Configuration {
	return trust.DefaultConfiguration().WithTrustStore(p.store)
}

type result struct {
	client, server       *Conn
	clientErr, serverErr error
}

// handshake runs a client and a server context against each other over
// net.Pipe and returns both sides' handshake errors.
func handshake(t testing.TB, ccfg, scfg trust.Configuration, serverName string) result {
	t.Helper()
	cctx, sctx := newContexts(t, ccfg, scfg)
	return handshakeCtx(t, cctx, sctx, serverName)
}

func handshakeCtx(t testing.TB, cctx *ClientContext, sctx *ServerContext, serverName string) result {
	t.Helper()
	c1, c2 := tcpPair(t)
	var r result
	var err error
	r.client, err = cctx.WrapConn(c1, serverName)
	if err != nil {
		t.Fatalf("WrapConn: %v", err)
	}
	r.server, _ = sctx.WrapConn(c2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.serverErr = r.server.Handshake()
		if r.serverErr != nil {
			c2.Close()
		}
	}()
	r.clientErr = r.client.Handshake()
	if r.clientErr != nil {
		c1.Close()
	}
	wg.Wait()
	return r
}

// tcpPair returns both ends of a loopback TCP connection, closed when the
// test ends. Tests use TCP rather than net.Pipe because the kernel buffers
// each direction, as on a real network: a TLS peer that fails the handshake
// writes an alert while the other side may still be writing its flight, and
// a Stream writes its whole flight before it reads; over net.Pipe, which
// has no buffer, both writes would block forever.
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			ch <- nil
			return
		}
		ch <- c
	}()
	c1, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c2 := <-ch
	if c2 == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c1.Close(); c2.Close() })
	return c1, c2
}

func wantReason(t *testing.T, err error, want trust.Reason) *trust.VerificationError {
	t.Helper()
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *trust.VerificationError", err)
	}
	if ve.Reason != want {
		t.Fatalf("reason = %v, want %v (%v)", ve.Reason, want, err)
	}
	return ve
}

func TestHandshakeOK(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig(), p.serverConfig(), "www.example.test")
	if r.clientErr != nil || r.serverErr != nil {
		t.Fatalf("handshake: client %v, server %v", r.clientErr, r.serverErr)
	}
	chains := r.client.VerifiedChains()
	if len(chains) == 0 || len(chains[0]) != 3 || !chains[0][2].Equal(p.root.Cert) {
		t.Fatalf("verified chains = %v, want leaf→inter→root", chains)
	}
	if v := r.client.ConnectionState().Version; v != tls.VersionTLS13 {
		t.Fatalf("version = %x, want TLS 1.3", v)
	}
}

func TestHandshakeIPAddress(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig(), p.serverConfig(), "127.0.0.1")
	if r.clientErr != nil {
		t.Fatalf("handshake to IP: %v", r.clientErr)
	}
	r = handshake(t, p.clientConfig(), p.serverConfig(), "[127.0.0.2]")
	wantReason(t, r.clientErr, trust.ReasonHostnameMismatch)
}

func TestVersionBounds(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	for _, tc := range []struct {
		name        string
		client, srv [2]trust.Version
		want        uint16
		fail        bool
	}{
		{"default both", [2]trust.Version{}, [2]trust.Version{}, tls.VersionTLS13, false},
		{"client caps 1.2", [2]trust.Version{0, trust.TLSv1_2}, [2]trust.Version{}, tls.VersionTLS12, false},
		{"server caps 1.2", [2]trust.Version{}, [2]trust.Version{0, trust.TLSv1_2}, tls.VersionTLS12, false},
		{"disjoint", [2]trust.Version{trust.TLSv1_3, trust.TLSv1_3}, [2]trust.Version{0, trust.TLSv1_2}, 0, true},
		{"sentinels", [2]trust.Version{trust.MinimumSupported, trust.MaximumSupported}, [2]trust.Version{}, tls.VersionTLS13, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := handshake(t, p.clientConfig().WithVersions(tc.client[0], tc.client[1]),
				p.serverConfig().WithVersions(tc.srv[0], tc.srv[1]), "www.example.test")
			if tc.fail {
				if r.clientErr == nil {
					t.Fatal("handshake succeeded, want a protocol version failure")
				}
				return
			}
			if r.clientErr != nil {
				t.Fatal(r.clientErr)
			}
			if got := r.client.ConnectionState().Version; got != tc.want {
				t.Fatalf("version %x, want %x", got, tc.want)
			}
		})
	}
}

func TestDefaultRefusesTLS11(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	// A client that only speaks TLS 1.1 must fail against the default server.
	r := handshake(t, p.clientConfig().WithVersions(trust.TLSv1, trust.TLSv1_1), p.serverConfig(), "www.example.test")
	if r.clientErr == nil {
		t.Fatal("default server accepted TLS 1.1")
	}
}

func TestALPN(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig().WithInnerProtocols(trust.H2, trust.HTTP1_1),
		p.serverConfig().WithInnerProtocols(trust.HTTP1_1), "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	if got := r.client.ConnectionState().NegotiatedProtocol; got != "http/1.1" {
		t.Fatalf("ALPN = %q", got)
	}
}

func TestCipherRestriction(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	suite := trust.CipherSuite(tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)
	r := handshake(t, p.clientConfig().WithVersions(0, trust.TLSv1_2).WithCiphers(suite),
		p.serverConfig(), "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	if got := r.client.ConnectionState().CipherSuite; got != uint16(suite) {
		t.Fatalf("cipher %s, want %s", tls.CipherSuiteName(got), suite)
	}
	// Disjoint suites fail.
	r = handshake(t, p.clientConfig().WithVersions(0, trust.TLSv1_2).WithCiphers(suite),
		p.serverConfig().WithVersions(0, trust.TLSv1_2).WithCiphers(trust.CipherSuite(tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)), "www.example.test")
	if r.clientErr == nil {
		t.Fatal("disjoint cipher lists negotiated")
	}
}

func TestConfigurationErrorsAtCreation(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	cfg := p.clientConfig()
	for _, tc := range []struct {
		name string
		cfg  trust.Configuration
		want string
	}{
		{"suite crypto/tls lacks", cfg.WithVersions(0, trust.TLSv1_2).WithCiphers(0xC09C /* TLS_RSA_WITH_AES_128_CCM */), "crypto/tls cannot do TLS_RSA_WITH_AES_128_CCM"},
		{"TLS 1.3 subset", cfg.WithCiphers(0x1301, 0xC02B), "cannot restrict TLS 1.3"},
		{"TLS 1.3 CCM", cfg.WithCiphers(0x1304), "crypto/tls cannot do TLS_AES_128_CCM_SHA256"},
		{"no TLS 1.3 suite with 1.3 on", cfg.WithCiphers(0xC02B), "names no TLS 1.3 suite"},
		{"only 1.3 suites with 1.2 on", cfg.WithCiphers(0x1301, 0x1302, 0x1303), "set the lowest version to TLSv1.3"},
		{"bounds exclude all", cfg.WithVersions(trust.TLSv1_3, trust.TLSv1_3).WithCiphers(0xC02B), "allows no suite"},
		{"SSLv3", cfg.WithVersions(trust.SSLv3, 0), "SSLv3 is not supported"},
		{"inverted", cfg.WithVersions(trust.TLSv1_3, trust.TLSv1_2), "above highest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClientContext(tc.cfg)
			var ce *trust.ConfigurationError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *trust.ConfigurationError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	if _, err := NewServerContext(trust.DefaultConfiguration()); err == nil {
		t.Fatal("server without certificate accepted")
	}
	other := testpki.Root("other", testpki.Options{})
	if _, err := NewServerContext(trust.DefaultConfiguration().WithCertificateChain(other.Key, p.leaf.Cert)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}
}

func TestTLS13OnlyWithAllSuites(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig().WithVersions(trust.TLSv1_3, 0).WithCiphers(0x1303, 0x1301, 0x1302), p.serverConfig(), "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
}

func TestVerificationFailures(t *testing.T) {
	now := time.Now()
	base := newPKI(t, testpki.Options{})
	expired := base.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, NotBefore: now.Add(-30 * 24 * time.Hour), NotAfter: now.Add(-3 * 24 * time.Hour)})
	future := base.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, NotBefore: now.Add(48 * time.Hour)})
	clientOnly := base.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	otherRoot := testpki.Root("Other Root", testpki.Options{})
	otherInter := otherRoot.Intermediate("Other Intermediate", testpki.Options{})
	stranger := otherInter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	// A leaf naming its issuer's URL, as leaves under public and
	// enterprise intermediates do: sent alone, an intermediate is missing.
	// (Fetching is off: ".invalid" never resolves anyway.)
	aiaLeaf := base.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, AIA: []string{"http://ca.invalid/issuing.der"}})
	// A leaf straight from an unknown private root, sent alone.
	privateLeaf := otherRoot.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	for _, tc := range []struct {
		name  string
		chain trust.Configuration
		host  string
		want  trust.Reason
		msg   string
	}{
		{"hostname mismatch", base.serverConfig(), "other.example.test", trust.ReasonHostnameMismatch, "certificate is valid for www.example.test, 127.0.0.1, not other.example.test"},
		{"expired", trust.DefaultConfiguration().WithCertificateChain(expired.Key, expired.Cert, base.inter.Cert), "www.example.test", trust.ReasonExpired, `certificate for "www.example.test" expired 3 days ago`},
		{"not yet valid", trust.DefaultConfiguration().WithCertificateChain(future.Key, future.Cert, base.inter.Cert), "www.example.test", trust.ReasonNotYetValid, "is not valid until"},
		{"unknown authority", trust.DefaultConfiguration().WithCertificateChain(stranger.Key, stranger.Cert, otherInter.Cert), "www.example.test", trust.ReasonUnknownAuthority, `issued by "Other Root", which is not a trusted root`},
		{"missing intermediate", trust.DefaultConfiguration().WithCertificateChain(aiaLeaf.Key, aiaLeaf.Cert), "www.example.test", trust.ReasonMissingIntermediate, "sent no intermediate certificates"},
		{"leaf from an unknown root, alone", trust.DefaultConfiguration().WithCertificateChain(privateLeaf.Key, privateLeaf.Cert), "www.example.test", trust.ReasonUnknownAuthority, `issued by "Other Root"`},
		{"wrong EKU", trust.DefaultConfiguration().WithCertificateChain(clientOnly.Key, clientOnly.Cert, base.inter.Cert), "www.example.test", trust.ReasonWrongUsage, "not allowed for this use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := handshake(t, base.clientConfig().WithFetchIntermediates(false), tc.chain, tc.host)
			if r.clientErr == nil {
				t.Fatal("handshake succeeded")
			}
			var te *trust.TLSError
			if !errors.As(r.clientErr, &te) || te.Op != "handshake" {
				t.Errorf("error %v is not a handshake *trust.TLSError", r.clientErr)
			}
			wantReason(t, r.clientErr, tc.want)
			if !strings.Contains(r.clientErr.Error(), tc.msg) {
				t.Errorf("message %q does not contain %q", r.clientErr, tc.msg)
			}
		})
	}
}

func TestNoServerNameRequired(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	cctx, err := NewClientContext(p.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	c1, _ := tcpPair(t)
	if _, err := cctx.WrapConn(c1, ""); !errors.Is(err, ErrNoServerName) {
		t.Fatalf("empty server name: %v", err)
	}
	// Explicitly skipping the hostname check still verifies the chain.
	r := handshake(t, insecure.WithoutHostnameCheck(p.clientConfig()), p.serverConfig(), "")
	if r.clientErr != nil {
		t.Fatalf("no-hostname-check handshake: %v", r.clientErr)
	}
	si := testpki.Root("Stranger", testpki.Options{}).Intermediate("Stranger CA", testpki.Options{})
	stranger := si.Leaf(testpki.Options{DNSNames: []string{"x"}})
	r = handshake(t, insecure.WithoutHostnameCheck(p.clientConfig()), trust.DefaultConfiguration().WithCertificateChain(stranger.Key, stranger.Cert, si.Cert), "")
	wantReason(t, r.clientErr, trust.ReasonUnknownAuthority)
}

func TestValidationOff(t *testing.T) {
	stranger := testpki.Root("Stranger", testpki.Options{}).Leaf(testpki.Options{DNSNames: []string{"x"}})
	r := handshake(t, insecure.WithoutCertificateValidation(trust.DefaultConfiguration()),
		trust.DefaultConfiguration().WithCertificateChain(stranger.Key, stranger.Cert), "anything")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	if r.client.VerifiedChains() != nil {
		t.Fatal("verified chains reported with validation off")
	}
}

func TestSNICallbackSwitchesCertificate(t *testing.T) {
	a := newPKI(t, testpki.Options{DNSNames: []string{"a.example.test"}})
	b := a.inter.Leaf(testpki.Options{DNSNames: []string{"b.example.test"}})
	bcfg := trust.DefaultConfiguration().WithCertificateChain(b.Key, b.Cert, a.inter.Cert)
	calls := 0
	scfg := a.serverConfig().WithSNICallback(func(hello *tls.ClientHelloInfo, cfg trust.Configuration) (trust.Configuration, error) {
		calls++
		if hello.ServerName == "b.example.test" {
			return bcfg, nil
		}
		return cfg, nil
	})
	sctx, err := NewServerContext(scfg)
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(a.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for _, host := range []string{"a.example.test", "b.example.test"} {
			r := handshakeCtx(t, cctx, sctx, host)
			if r.clientErr != nil {
				t.Fatalf("%s: %v", host, r.clientErr)
			}
			if got := r.client.ConnectionState().PeerCertificates[0].DNSNames[0]; got != host {
				t.Fatalf("asked %s, got certificate for %s", host, got)
			}
		}
	}
	if calls != 6 {
		t.Fatalf("callback called %d times, want 6", calls)
	}
	if n := len(sctx.sni.entries); n != 1 {
		t.Fatalf("SNI cache holds %d entries, want 1 (configurations cached by equality)", n)
	}
}

// flipStore accepts until reject is set.
type flipStore struct {
	trust.TrustStore
	mu     sync.Mutex
	reject bool
	calls  int
}

func (f *flipStore) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	f.mu.Lock()
	f.calls++
	reject := f.reject
	f.mu.Unlock()
	if reject {
		return nil, &trust.VerificationError{Reason: trust.ReasonDistrusted, Certificate: chain[0], Detail: "store now rejects"}
	}
	return f.TrustStore.Verify(ctx, chain, opts)
}

func TestResumptionReverifies(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	store := &flipStore{TrustStore: p.store}
	for _, v := range []trust.Version{trust.TLSv1_2, trust.TLSv1_3} {
		t.Run(v.String(), func(t *testing.T) {
			store.mu.Lock()
			store.reject, store.calls = false, 0
			store.mu.Unlock()
			cctx, err := NewClientContext(p.clientConfig().WithTrustStore(store).WithVersions(v, v))
			if err != nil {
				t.Fatal(err)
			}
			sctx, err := NewServerContext(p.serverConfig())
			if err != nil {
				t.Fatal(err)
			}
			r := handshakeCtx(t, cctx, sctx, "www.example.test")
			if r.clientErr != nil {
				t.Fatal(r.clientErr)
			}
			readTicket(t, r)
			r = handshakeCtx(t, cctx, sctx, "www.example.test")
			if r.clientErr != nil {
				t.Fatal(r.clientErr)
			}
			if !r.client.ConnectionState().DidResume {
				t.Fatal("second connection did not resume; the test needs resumption")
			}
			readTicket(t, r)
			store.mu.Lock()
			store.reject = true
			store.mu.Unlock()
			r = handshakeCtx(t, cctx, sctx, "www.example.test")
			wantReason(t, r.clientErr, trust.ReasonDistrusted)
			if store.calls != 3 {
				t.Fatalf("store consulted %d times for 3 handshakes", store.calls)
			}
		})
	}
}

// readTicket lets a TLS 1.3 client receive the server's session ticket,
// which arrives after the handshake.
func readTicket(t *testing.T, r result) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.server.Write([]byte("x"))
	}()
	buf := make([]byte, 1)
	if _, err := r.client.Read(buf); err != nil {
		t.Fatalf("read after handshake: %v", err)
	}
	<-done
}

func TestClientCertificates(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	clientCert := p.inter.Leaf(testpki.Options{DNSNames: []string{"client"}, EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	scfg := p.serverConfig().WithClientAuth(trust.RequireClientCert).WithTrustStore(p.store)
	// Verified client.
	r := handshake(t, p.clientConfig().WithCertificateChain(clientCert.Key, clientCert.Cert, p.inter.Cert), scfg, "www.example.test")
	if r.clientErr != nil || r.serverErr != nil {
		t.Fatalf("client auth: client %v, server %v", r.clientErr, r.serverErr)
	}
	if len(r.server.VerifiedChains()) == 0 {
		t.Fatal("server did not record the client's verified chain")
	}
	// No certificate: required.
	r = handshake(t, p.clientConfig(), scfg, "www.example.test")
	if r.serverErr == nil {
		t.Fatal("server accepted a client without certificate")
	}
	// Untrusted client certificate.
	si := testpki.Root("Stranger", testpki.Options{}).Intermediate("Stranger CA", testpki.Options{})
	stranger := si.Leaf(testpki.Options{DNSNames: []string{"client"}})
	r = handshake(t, p.clientConfig().WithCertificateChain(stranger.Key, stranger.Cert, si.Cert), scfg, "www.example.test")
	wantReason(t, r.serverErr, trust.ReasonUnknownAuthority)
	// A server-only certificate cannot authenticate a client.
	serverOnly := p.inter.Leaf(testpki.Options{DNSNames: []string{"client"}, EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	r = handshake(t, p.clientConfig().WithCertificateChain(serverOnly.Key, serverOnly.Cert, p.inter.Cert), scfg, "www.example.test")
	wantReason(t, r.serverErr, trust.ReasonWrongUsage)
	// Request mode lets a client without certificate in.
	r = handshake(t, p.clientConfig(), p.serverConfig().WithClientAuth(trust.RequestClientCert).WithTrustStore(p.store), "www.example.test")
	if r.serverErr != nil {
		t.Fatalf("request mode: %v", r.serverErr)
	}
}

func TestMultipleChainsEngineChooses(t *testing.T) {
	ec := newPKI(t, testpki.Options{})
	rsaLeaf := ec.inter.Leaf(testpki.Options{KeyType: testpki.RSA2048, DNSNames: []string{"www.example.test"}})
	scfg := ec.serverConfig().WithCertificateChain(rsaLeaf.Key, rsaLeaf.Cert, ec.inter.Cert)
	// A TLS 1.2 client offering only RSA suites gets the RSA chain.
	r := handshake(t, ec.clientConfig().WithVersions(0, trust.TLSv1_2).WithCiphers(trust.CipherSuite(tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)), scfg, "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	if _, ok := r.client.ConnectionState().PeerCertificates[0].PublicKey.(interface{ Size() int }); !ok {
		t.Fatalf("RSA-only client got %T", r.client.ConnectionState().PeerCertificates[0].PublicKey)
	}
}

func TestTLSConfigForHTTP(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	cctx, err := NewClientContext(p.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	tc := cctx.TLSConfig()
	tc.ServerName = "wrong.example.test"
	sctx, _ := NewServerContext(p.serverConfig())
	c1, c2 := tcpPair(t)
	go func() { s, _ := sctx.WrapConn(c2); s.Handshake(); c2.Close() }()
	err = tls.Client(c1, tc).Handshake()
	var ve *trust.VerificationError
	if !errors.As(err, &ve) || ve.Reason != trust.ReasonHostnameMismatch {
		t.Fatalf("TLSConfig with wrong name: %v", err)
	}
}

func TestParseOpenSSLCiphersUsable(t *testing.T) {
	suites, dropped, err := ParseOpenSSLCiphers("ECDHE+AESGCM:DHE+AESGCM:!aNULL")
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) == 0 {
		t.Fatal("DHE suites should be dropped: crypto/tls has none")
	}
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig().WithCiphers(suites...), p.serverConfig().WithVersions(0, trust.TLSv1_2), "www.example.test")
	if r.clientErr != nil {
		t.Fatalf("handshake with converted nginx ciphers: %v", r.clientErr)
	}
	if _, _, err := ParseOpenSSLCiphers("DHE+AESGCM"); err == nil {
		t.Fatal("DHE-only string accepted")
	}
}

// limitedKey is a key whose store caps the TLS version, like an HSM RSA key
// without RSA-PSS (package pkcs11 implements the same method).
type limitedKey struct {
	crypto.Signer
	max uint16
}

func (k limitedKey) MaxTLSVersion(lo, hi uint16) (uint16, error) {
	if lo > k.max {
		return 0, fmt.Errorf("this key cannot do TLS 1.3")
	}
	return min(hi, k.max), nil
}

func TestKeyVersionLimit(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	key := limitedKey{Signer: p.leaf.Key, max: tls.VersionTLS12}
	scfg := trust.DefaultConfiguration().WithCertificateChain(key, p.leaf.Cert, p.inter.Cert)
	r := handshake(t, p.clientConfig(), scfg, "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	if v := r.client.ConnectionState().Version; v != tls.VersionTLS12 {
		t.Fatalf("version %x: the server should fall back to TLS 1.2 for a key that cannot do 1.3", v)
	}
	_, err := NewServerContext(scfg.WithVersions(trust.TLSv1_3, 0))
	var ce *trust.ConfigurationError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "cannot do TLS 1.3") {
		t.Fatalf("TLS 1.3-only server with a TLS 1.2 key: %v", err)
	}
}

func TestDialTLSContextForHTTPOverIP(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	sctx, err := NewServerContext(p.serverConfig().WithInnerProtocols(trust.HTTP1_1))
	if err != nil {
		t.Fatal(err)
	}
	l, err := sctx.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(l)
	defer srv.Close()
	cctx, err := NewClientContext(p.clientConfig().WithInnerProtocols(trust.HTTP1_1))
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DialTLSContext: cctx.DialTLSContext}}
	resp, err := client.Get("https://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatalf("GET over an IP literal: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body %q", body)
	}
	// The IP is really checked: a leaf without 127.0.0.1 is refused.
	dnsOnly := p.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	sctx2, _ := NewServerContext(trust.DefaultConfiguration().WithCertificateChain(dnsOnly.Key, dnsOnly.Cert, p.inter.Cert))
	l2, _ := sctx2.Listen("tcp", "127.0.0.1:0")
	defer l2.Close()
	go (&http.Server{Handler: http.NotFoundHandler()}).Serve(l2)
	_, err = client.Get("https://" + l2.Addr().String() + "/")
	wantReason(t, err, trust.ReasonHostnameMismatch)
}
