package native

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// bufProc is a running openssl command whose output is collected.
type bufProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	cond  *sync.Cond
	out   strings.Builder
	done  bool
}

// bufStartOpenSSL starts openssl with args, skipping the test when it is
// not installed. The process is killed when the test ends.
func bufStartOpenSSL(t *testing.T, args ...string) *bufProc {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not found: apt-get install -y openssl")
	}
	p := &bufProc{cmd: exec.Command(path, args...)}
	p.cond = sync.NewCond(&p.mu)
	p.stdin, err = p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("openssl %s: %v", args[0], err)
	}
	go func() {
		p.cmd.Wait()
		w.Close()
	}()
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.cond.Broadcast()
			p.mu.Unlock()
		}
		p.mu.Lock()
		p.done = true
		p.cond.Broadcast()
		p.mu.Unlock()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("openssl output:\n%s", p.output())
		}
	})
	return p
}

func (p *bufProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output contains s. The deadline only keeps a
// broken peer from hanging the test; it is not a timing assertion.
func (p *bufProc) waitFor(t *testing.T, s string) {
	t.Helper()
	timer := time.AfterFunc(30*time.Second, func() {
		p.mu.Lock()
		p.done = true
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer timer.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for !strings.Contains(p.out.String(), s) {
		if p.done {
			t.Fatalf("openssl output does not contain %q:\n%s", s, p.out.String())
		}
		p.cond.Wait()
	}
}

func (p *bufProc) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatalf("writing to openssl: %v", err)
	}
}

// wantLine reads from s up to a newline and fails unless the line is want.
func wantLine(t *testing.T, s *Stream, want string) {
	t.Helper()
	var line []byte
	b := make([]byte, 1)
	for len(line) == 0 || line[len(line)-1] != '\n' {
		if _, err := s.Read(b); err != nil {
			t.Fatalf("Read after %q: %v", line, err)
		}
		line = append(line, b[0])
	}
	if string(line) != want+"\n" {
		t.Fatalf("read %q, want %q", line, want+"\n")
	}
}

// wantHandshake runs s's handshake with peer and fails unless it
// negotiated proto and ver and verified the peer.
func wantHandshake(t *testing.T, s *Stream, peer string, proto trust.NextProtocol, ver trust.Version) {
	t.Helper()
	if err := s.Handshake(); err != nil {
		t.Fatalf("handshake with %s: %v", peer, err)
	}
	b := s.Buffer()
	if b.NegotiatedProtocol() != proto || b.NegotiatedVersion() != ver || len(b.VerifiedChains()) == 0 {
		t.Fatalf("ALPN %q, version %v, %d verified chains", b.NegotiatedProtocol(), b.NegotiatedVersion(), len(b.VerifiedChains()))
	}
}

// writeLine writes line and a newline to s.
func writeLine(t *testing.T, s *Stream, line string) {
	t.Helper()
	if _, err := s.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
}

func bufFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestBufferStreamAgainstOpenSSLServer runs a client Stream against openssl
// s_server: ALPN, versions, a client certificate, a KeyUpdate the server
// asks for (TLS 1.3), and the server's close_notify.
func TestBufferStreamAgainstOpenSSLServer(t *testing.T) {
	p := bufTestPKI(t)
	for _, ver := range []trust.Version{trust.TLSv1_2, trust.TLSv1_3} {
		for _, ending := range []string{"close_notify", "socket closed"} {
			t.Run(ver.String()+" "+ending, func(t *testing.T) {
				bufOpenSSLServerCase(t, p, ver, ending == "close_notify")
			})
		}
	}
}

func bufOpenSSLServerCase(t *testing.T, p *bufPKI, ver trust.Version, clean bool) {
	root, srvCert, srvKey, _, _ := p.bufPEMFiles(t, tempDir(t))
	port := bufFreePort(t)
	flag := map[trust.Version]string{trust.TLSv1_2: "-tls1_2", trust.TLSv1_3: "-tls1_3"}[ver]
	srv := bufStartOpenSSL(t, "s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-naccept", "1",
		"-cert", srvCert, "-key", srvKey, "-alpn", "http/1.1", flag, "-msg",
		"-Verify", "1", "-CAfile", root, "-verify_return_error")
	srv.waitFor(t, "ACCEPT")
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	cctx, err := NewClientContext(p.bufClientConfig().WithInnerProtocols(trust.H2, trust.HTTP1_1).
		WithCertificateChain(p.client.key, p.client.cert))
	if err != nil {
		t.Fatal(err)
	}
	s, err := cctx.WrapStream(conn, "buf.example.test")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantHandshake(t, s, "openssl s_server", trust.HTTP1_1, ver)
	writeLine(t, s, "hello from go")
	srv.waitFor(t, "hello from go")
	if ver == trust.TLSv1_3 {
		srv.send(t, "K") // KeyUpdate, update_requested
		srv.waitFor(t, "KeyUpdate")
	}
	srv.send(t, "from openssl")
	wantLine(t, s, "from openssl")
	writeLine(t, s, "after the key update")
	srv.waitFor(t, "after the key update")
	if ver == trust.TLSv1_3 {
		// Both directions: openssl's request and the buffer's answer.
		if n := strings.Count(srv.output(), "KeyUpdate"); n < 2 {
			t.Fatalf("saw %d KeyUpdate messages, want openssl's and ours", n)
		}
	}
	want := io.EOF
	if clean {
		// s_server answers close_notify with its own.
		if err := s.CloseWrite(); err != nil {
			t.Fatal(err)
		}
	} else {
		srv.send(t, "Q") // s_server closes the socket before its SSL_shutdown
		want = trust.ErrRaggedEOF
	}
	if _, err := s.Read(make([]byte, 10)); !errors.Is(err, want) {
		t.Fatalf("Read at the end = %v, want %v", err, want)
	}
}

// TestBufferStreamAgainstOpenSSLClient runs a server Stream against openssl
// s_client: ALPN, a client certificate, a KeyUpdate the client asks for
// (TLS 1.3), and the end of the connection with and without close_notify.
func TestBufferStreamAgainstOpenSSLClient(t *testing.T) {
	p := bufTestPKI(t)
	for _, ver := range []trust.Version{trust.TLSv1_2, trust.TLSv1_3} {
		for _, ending := range []string{"close_notify", "killed"} {
			t.Run(ver.String()+" "+ending, func(t *testing.T) {
				root, _, _, cliCert, cliKey := p.bufPEMFiles(t, tempDir(t))
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				flag := map[trust.Version]string{trust.TLSv1_2: "-tls1_2", trust.TLSv1_3: "-tls1_3"}[ver]
				cli := bufStartOpenSSL(t, "s_client", "-connect", l.Addr().String(), "-servername", "buf.example.test",
					"-CAfile", root, "-verify_return_error", "-alpn", "h2", flag, "-msg", "-cert", cliCert, "-key", cliKey)
				conn, err := l.Accept()
				if err != nil {
					t.Fatal(err)
				}
				sctx, err := NewServerContext(p.bufServerConfig().WithInnerProtocols(trust.H2).
					WithClientAuth(trust.RequireClientCert).WithTrustStore(trust.FromCertificates("root", p.root.cert)))
				if err != nil {
					t.Fatal(err)
				}
				s, _ := sctx.WrapStream(conn)
				defer s.Close()
				wantHandshake(t, s, "openssl s_client", trust.H2, ver)
				cli.send(t, "hello from openssl")
				wantLine(t, s, "hello from openssl")
				if ver == trust.TLSv1_3 {
					cli.send(t, "K")
					cli.waitFor(t, "KeyUpdate")
				}
				cli.send(t, "after")
				wantLine(t, s, "after")
				writeLine(t, s, "pong")
				cli.waitFor(t, "pong")
				if ver == trust.TLSv1_3 && strings.Count(cli.output(), "KeyUpdate") < 2 {
					t.Fatal("openssl did not see both KeyUpdate messages")
				}
				want := io.EOF
				if ending == "killed" {
					cli.cmd.Process.Kill()
					want = trust.ErrRaggedEOF
				} else {
					cli.stdin.Close() // s_client sends close_notify and exits
				}
				if _, err := s.Read(make([]byte, 10)); !errors.Is(err, want) {
					t.Fatalf("Read at the end = %v, want %v", err, want)
				}
			})
		}
	}
}
