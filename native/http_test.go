package native

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/internal/testproxy"
	"github.com/nativetls/nativetls/trust"
)

// startHTTPS serves "ok" over TLS with HTTP/2 and HTTP/1.1 on 127.0.0.1
// with the chain leaf+inter, and returns the port.
func startHTTPS(t *testing.T, leaf, inter *testpki.Cert) string {
	t.Helper()
	cfg := trust.DefaultConfiguration().WithCertificateChain(leaf.Key, leaf.Cert, inter.Cert).
		WithInnerProtocols(trust.H2, trust.HTTP1_1)
	sctx, err := NewServerContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{TLSConfig: sctx.TLSConfig(), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok "+r.Proto)
	}), ErrorLog: log.New(io.Discard, "", 0)}
	go srv.ServeTLS(l, "", "")
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// viaProxy returns tr sending every request through proxy p.
func viaProxy(t *testing.T, tr *http.Transport, p *testproxy.Proxy) *http.Client {
	u, err := url.Parse(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	tr.Proxy = http.ProxyURL(u)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func get(c *http.Client, u string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func clientCtx(t *testing.T, cfg trust.Configuration) *ClientContext {
	t.Helper()
	c, err := NewClientContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHTTPTransportThroughProxy: a server trusted only by the context's
// store is reached through a CONNECT proxy, over HTTP/2; pins and the
// callback run on the proxied connection.
func TestHTTPTransportThroughProxy(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	port := startHTTPS(t, p.leaf, p.inter)
	proxy := testproxy.Start(t)
	target := "https://www.example.test:" + port + "/"

	calls := 0
	cfg := p.clientConfig().WithVerifyCallback(func(trust.VerifyInfo) error { calls++; return nil })
	c := viaProxy(t, clientCtx(t, cfg).HTTPTransport(), proxy)
	body, err := get(c, target)
	if err != nil || body != "ok HTTP/2.0" {
		t.Fatalf("GET through the proxy: %q, %v; want \"ok HTTP/2.0\"", body, err)
	}
	if proxy.Tunnels() != 1 || calls != 1 {
		t.Fatalf("%d tunnels, %d callback calls; want 1 and 1", proxy.Tunnels(), calls)
	}

	// A pin that does not match refuses the proxied connection.
	other := testpki.Root("Other Root", testpki.Options{})
	c = viaProxy(t, clientCtx(t, p.clientConfig().WithPins(trust.PinOf(other.Cert))).HTTPTransport(), proxy)
	if _, err := get(c, target); err == nil {
		t.Fatal("a non-matching pin was not enforced through the proxy")
	}
	// A callback's refusal stands through the proxy.
	errNo := errors.New("callback says no")
	c = viaProxy(t, clientCtx(t, p.clientConfig().WithVerifyCallback(func(trust.VerifyInfo) error { return errNo })).HTTPTransport(), proxy)
	if _, err := get(c, target); !errors.Is(err, errNo) {
		t.Fatalf("callback refusal through the proxy: %v", err)
	}
	// The hostname is checked through the proxy.
	c = viaProxy(t, clientCtx(t, p.clientConfig()).HTTPTransport(), proxy)
	if _, err := get(c, "https://wrong.example.test:"+port+"/"); err == nil {
		t.Fatal("wrong hostname accepted through the proxy")
	} else {
		wantReason(t, err, trust.ReasonHostnameMismatch)
	}
	// An IP address cannot be checked through a proxy: refused, clearly.
	if _, err := get(c, "https://127.0.0.1:"+port+"/"); !errors.Is(err, ErrProxiedIPAddress) {
		t.Fatalf("IP address through the proxy: %v, want ErrProxiedIPAddress", err)
	}
	if proxy.Tunnels() < 5 {
		t.Fatalf("only %d tunnels: requests bypassed the proxy", proxy.Tunnels())
	}
}

// TestHTTPTransportDirectIPAndH2: direct requests to an IP address are
// checked against the certificate's IP addresses and use HTTP/2.
func TestHTTPTransportDirectIPAndH2(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	port := startHTTPS(t, p.leaf, p.inter)
	c := clientCtx(t, p.clientConfig()).HTTPClient()
	t.Cleanup(c.CloseIdleConnections)
	body, err := get(c, "https://127.0.0.1:"+port+"/")
	if err != nil || body != "ok HTTP/2.0" {
		t.Fatalf("GET https://127.0.0.1: %q, %v", body, err)
	}
	dnsOnly := p.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	port2 := startHTTPS(t, dnsOnly, p.inter)
	_, err = get(c, "https://127.0.0.1:"+port2+"/")
	wantReason(t, err, trust.ReasonHostnameMismatch)
	// A configuration naming only HTTP/1.1 keeps it.
	c1 := clientCtx(t, p.clientConfig().WithInnerProtocols(trust.HTTP1_1)).HTTPClient()
	t.Cleanup(c1.CloseIdleConnections)
	if body, err := get(c1, "https://127.0.0.1:"+port+"/"); err != nil || body != "ok HTTP/1.1" {
		t.Fatalf("HTTP/1.1-only configuration: %q, %v", body, err)
	}
}

// TestHTTPTransportIgnoresSystemRootsThroughProxy: a server the system
// trusts (SSL_CERT_FILE, in a child process) but the context's store does
// not is refused through the proxy. A plain transport, and the old pattern
// of DialTLSContext alone, accept it: that is the bypass of issue 13 item 7.
func TestHTTPTransportIgnoresSystemRootsThroughProxy(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("Go's system roots honour SSL_CERT_FILE only on Unix other than macOS; the test needs a server the system trusts")
	}
	if os.Getenv("NATIVETLS_TEST_SYSTEM_ROOT") == "" {
		sys := newPKI(t, testpki.Options{})
		dir := tempDir(t)
		rootFile := filepath.Join(dir, "system.pem")
		if err := os.WriteFile(rootFile, sys.root.PEM(), 0o644); err != nil {
			t.Fatal(err)
		}
		chain := filepath.Join(dir, "chain.pem")
		os.WriteFile(chain, append(testpki.ChainPEM(sys.leaf, sys.inter), sys.leaf.KeyPEM()...), 0o600)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPTransportIgnoresSystemRootsThroughProxy$", "-test.v")
		cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+rootFile, "SSL_CERT_DIR="+dir, "NATIVETLS_TEST_SYSTEM_ROOT="+chain)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	id, err := LoadIdentity(os.Getenv("NATIVETLS_TEST_SYSTEM_ROOT"))
	if err != nil {
		t.Fatal(err)
	}
	leaf, inter := &testpki.Cert{Cert: id.Certificates[0], Key: id.PrivateKey}, &testpki.Cert{Cert: id.Certificates[1]}
	port := startHTTPS(t, leaf, inter)
	proxy := testproxy.Start(t)
	target := "https://www.example.test:" + port + "/"

	// Control: Go's default verification (the system roots) trusts it.
	if _, err := get(viaProxy(t, &http.Transport{}, proxy), target); err != nil {
		t.Fatalf("control: the system roots do not trust the server: %v", err)
	}
	ours := testpki.Root("Our Root", testpki.Options{}) // the context trusts only this CA
	cctx := clientCtx(t, trust.DefaultConfiguration().WithTrustStore(trust.FromCertificates("ours", ours.Cert)))
	old := &http.Transport{DialTLSContext: cctx.DialTLSContext, ForceAttemptHTTP2: true}
	if _, err := get(viaProxy(t, old, proxy), target); err != nil {
		t.Logf("note: DialTLSContext alone refused too: %v", err)
	} else {
		t.Log("DialTLSContext alone with a proxy accepted the system-trusted server (the bypass HTTPTransport closes)")
	}
	_, err = get(viaProxy(t, cctx.HTTPTransport(), proxy), target)
	wantReason(t, err, trust.ReasonUnknownAuthority)
	var tlsErr *tls.CertificateVerificationError
	if errors.As(err, &tlsErr) {
		t.Fatalf("crypto/tls verified by itself: %v", err)
	}
}
