package native

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// Interop tests run real OpenSSL and GnuTLS processes as peers.

func needTool(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not found: apt-get install -y %s (ci/test.sh installs it)", tool, pkg)
	}
	return p
}

// pkiFiles writes the test PKI to files for external tools.
func pkiFiles(t *testing.T, p *pki) (root, chain, key string) {
	t.Helper()
	dir := tempDir(t)
	root = filepath.Join(dir, "root.pem")
	chain = filepath.Join(dir, "chain.pem")
	key = filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(root, p.root.PEM(), 0o600))
	must(t, os.WriteFile(chain, testpki.ChainPEM(p.leaf, p.inter), 0o600))
	must(t, os.WriteFile(key, p.leaf.KeyPEM(), 0o600))
	return
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs cmd and waits until its output contains ready.
func startServer(t *testing.T, ready string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, name, args...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.Stdin = nil
	must(t, cmd.Start())
	t.Cleanup(func() { cancel(); cmd.Wait(); pw.Close() })
	found := make(chan struct{})
	var out bytes.Buffer
	go func() {
		sc := bufio.NewScanner(pr)
		closed := false
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if !closed && strings.Contains(sc.Text(), ready) {
				close(found)
				closed = true
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(15 * time.Second):
		t.Fatalf("%s did not print %q in 15 s", name, ready)
	}
}

// getVia connects to 127.0.0.1:port with the context, sends an HTTP GET and
// returns the start of the response.
func getVia(t *testing.T, cctx *ClientContext, port int, host string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return "", err
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	c, err := cctx.WrapConn(raw, host)
	if err != nil {
		return "", err
	}
	if err := c.HandshakeContext(ctx); err != nil {
		return "", err
	}
	io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(c, buf, 12)
	return string(buf[:n]), nil
}

// wantHTTP200 fails unless a GET through cctx from the server on port, as
// www.example.test, answers 200.
func wantHTTP200(t *testing.T, cctx *ClientContext, port int, server string) {
	t.Helper()
	resp, err := getVia(t, cctx, port, "www.example.test")
	if err != nil {
		t.Fatalf("client against %s: %v", server, err)
	}
	if !strings.HasPrefix(resp, "HTTP/1.0 200") {
		t.Fatalf("response %q", resp)
	}
}

func TestInteropOpenSSLServer(t *testing.T) {
	openssl := needTool(t, "openssl", "openssl")
	p := newPKI(t, testpki.Options{})
	_, _, key := pkiFiles(t, p)
	dir := tempDir(t)
	leaf, inter := filepath.Join(dir, "leaf.pem"), filepath.Join(dir, "inter.pem")
	must(t, os.WriteFile(leaf, p.leaf.PEM(), 0o600))
	must(t, os.WriteFile(inter, p.inter.PEM(), 0o600))
	port := freePort(t)
	startServer(t, "ACCEPT", openssl, "s_server", "-accept", strconv.Itoa(port), "-cert", leaf, "-cert_chain", inter, "-key", key, "-www", "-alpn", "http/1.1")
	cctx, err := NewClientContext(p.clientConfig().WithInnerProtocols(trust.H2, trust.HTTP1_1))
	must(t, err)
	wantHTTP200(t, cctx, port, "openssl s_server")
	// Wrong name against the same real server fails verification.
	_, err = getVia(t, cctx, port, "evil.example.test")
	wantReason(t, err, trust.ReasonHostnameMismatch)
	// A TLS 1.2-only client with a restricted suite still interoperates.
	c12, err := NewClientContext(p.clientConfig().WithVersions(0, trust.TLSv1_2).WithCiphers(trust.CipherSuite(0xC02B)))
	must(t, err)
	if _, err := getVia(t, c12, port, "www.example.test"); err != nil {
		t.Fatalf("TLS 1.2 against openssl: %v", err)
	}
	// A real server configured without its intermediate gets the
	// missing-intermediate diagnosis (its leaf names its issuer's URL, as
	// leaves under public and enterprise intermediates do; see
	// trust.ReasonMissingIntermediate).
	aia := p.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, AIA: []string{"http://ca.invalid/issuing.der"}})
	aiaLeaf, aiaKey := filepath.Join(dir, "aia-leaf.pem"), filepath.Join(dir, "aia-key.pem")
	must(t, os.WriteFile(aiaLeaf, aia.PEM(), 0o600))
	must(t, os.WriteFile(aiaKey, aia.KeyPEM(), 0o600))
	port2 := freePort(t)
	startServer(t, "ACCEPT", openssl, "s_server", "-accept", strconv.Itoa(port2), "-cert", aiaLeaf, "-key", aiaKey, "-www")
	c13, err := NewClientContext(p.clientConfig().WithFetchIntermediates(false))
	must(t, err)
	_, err = getVia(t, c13, port2, "www.example.test")
	wantReason(t, err, trust.ReasonMissingIntermediate)
}

func TestInteropGnuTLSServer(t *testing.T) {
	gnutls := needTool(t, "gnutls-serv", "gnutls-bin")
	p := newPKI(t, testpki.Options{})
	_, chain, key := pkiFiles(t, p)
	port := freePort(t)
	startServer(t, "listening", gnutls, "--port", strconv.Itoa(port), "--x509certfile", chain, "--x509keyfile", key, "--http")
	cctx, err := NewClientContext(p.clientConfig())
	must(t, err)
	wantHTTP200(t, cctx, port, "gnutls-serv")
	untrusting, err := NewClientContext(trust.DefaultConfiguration().WithTrustStore(trust.FromCertificates("other", testpki.Root("Other", testpki.Options{}).Cert)))
	must(t, err)
	_, err = getVia(t, untrusting, port, "www.example.test")
	wantReason(t, err, trust.ReasonUnknownAuthority)
}

// serveOnce runs our server context on a loopback port, answering each
// connection with a line, and returns the port.
func serveOnce(t *testing.T, sctx *ServerContext) int {
	t.Helper()
	return serveConns(t, sctx, func(c *Conn) {
		if err := c.Handshake(); err != nil {
			return
		}
		io.WriteString(c, "hello from nativetls\n")
	}).(*net.TCPAddr).Port
}

func TestInteropOpenSSLClient(t *testing.T) {
	openssl := needTool(t, "openssl", "openssl")
	p := newPKI(t, testpki.Options{})
	root, _, _ := pkiFiles(t, p)
	sctx, err := NewServerContext(p.serverConfig().WithInnerProtocols(trust.H2))
	must(t, err)
	port := serveOnce(t, sctx)
	for _, v := range []string{"-tls1_2", "-tls1_3"} {
		out, err := exec.Command(openssl, "s_client", "-connect", "127.0.0.1:"+strconv.Itoa(port), v,
			"-servername", "www.example.test", "-verify_hostname", "www.example.test", "-CAfile", root,
			"-verify_return_error", "-alpn", "h2").CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("Verify return code: 0 (ok)")) || !bytes.Contains(out, []byte("ALPN protocol: h2")) {
			t.Fatalf("openssl s_client %s: %v\n%s", v, err, out)
		}
	}
}

func TestInteropGnuTLSClient(t *testing.T) {
	gnutls := needTool(t, "gnutls-cli", "gnutls-bin")
	p := newPKI(t, testpki.Options{})
	root, _, _ := pkiFiles(t, p)
	sctx, err := NewServerContext(p.serverConfig())
	must(t, err)
	port := serveOnce(t, sctx)
	cmd := exec.Command(gnutls, "--x509cafile", root, "--port", strconv.Itoa(port), "--verify-hostname", "www.example.test", "127.0.0.1")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Handshake was completed")) {
		t.Fatalf("gnutls-cli: %v\n%s", err, out)
	}
	// gnutls-cli rejects a name our certificate does not have: our server
	// really presents the configured chain.
	cmd = exec.Command(gnutls, "--x509cafile", root, "--port", strconv.Itoa(port), "--verify-hostname", "evil.example.test", "127.0.0.1")
	cmd.Stdin = strings.NewReader("")
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("gnutls-cli accepted the wrong host:\n%s", out)
	}
}

// TestClientIdentityAgainstOpenSSL: openssl s_server -Verify asks for a
// certificate from CA B; the client picks the B identity from the set.
func TestClientIdentityAgainstOpenSSL(t *testing.T) {
	openssl := needTool(t, "openssl", "openssl")
	p := newClientPKI(t)
	srvPKI := newPKI(t, testpki.Options{})
	dir := tempDir(t)
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		must(t, os.WriteFile(path, data, 0o600))
		return path
	}
	cert := write("srv.pem", srvPKI.leaf.PEM())
	chain := write("srvchain.pem", srvPKI.inter.PEM())
	key := write("srv.key", srvPKI.leaf.KeyPEM())
	cas := write("clientca.pem", p.CAB.PEM())
	port := freePort(t)
	cmd := exec.Command(openssl, "s_server", "-accept", strconv.Itoa(port), "-cert", cert, "-cert_chain", chain, "-key", key,
		"-Verify", "3", "-CAfile", cas, "-verify_return_error", "-rev", "-naccept", "2", "-quiet")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	must(t, cmd.Start())
	defer cmd.Process.Kill()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	waitListening(t, addr)
	src, _ := ClientIdentities([]string{p.dir})
	cc, err := NewClientContext(srvPKI.clientConfig().WithClientIdentities(src))
	must(t, err)
	conn, err := cc.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("handshake with openssl s_server -Verify: %v\n%s", err, out.String())
	}
	defer conn.Close()
	conn.Write([]byte("olleh\n"))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) || !strings.Contains(line, "hello") {
		t.Fatalf("openssl echoed %q, %v (server log: %s)", line, err, out.String())
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !strings.Contains(out.String(), "b.client.test") {
		t.Fatalf("openssl did not verify the B identity; its output: %s", out.String())
	}
}

// waitListening waits until something accepts connections on addr.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}
