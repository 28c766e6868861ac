//go:build unix

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
)

// rotationPKI issues server certificates for "rot.test" under one root,
// valid from testpki.Clock for ten years (the server checks validity at
// the real time), each with a new serial.
type rotationPKI struct {
	root   *testpki.Cert
	pool   *x509.CertPool
	serial atomic.Int64
}

func newRotationPKI() *rotationPKI {
	r := &rotationPKI{root: testpki.Root("Rotation Root", testpki.Options{NotBefore: testpki.Clock.Add(-48 * time.Hour), NotAfter: testpki.Clock.Add(20 * 365 * 24 * time.Hour)})}
	r.pool = x509.NewCertPool()
	r.pool.AddCert(r.root.Cert)
	r.serial.Store(1000)
	return r
}

// issue makes a leaf for key (a new P-256 key when nil).
func (r *rotationPKI) issue(t *testing.T, key *testpki.Cert) *testpki.Cert {
	t.Helper()
	if key == nil {
		key = r.root.Leaf(testpki.Options{DNSNames: []string{"rot.test"}})
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(r.serial.Add(1)), Subject: pkix.Name{CommonName: "rot.test"},
		DNSNames: []string{"rot.test"}, NotBefore: testpki.Clock.Add(-24 * time.Hour), NotAfter: testpki.Clock.Add(10 * 365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true}
	c, err := testpki.Issue(tmpl, key.Key, r.root)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// presented does one full handshake (no resumption) and returns the
// serial of the leaf the server presented.
func (r *rotationPKI) presented(ctx context.Context, addr string) (string, error) {
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: &tls.Config{RootCAs: r.pool, ServerName: "rot.test"}}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.(*tls.Conn).ConnectionState().PeerCertificates[0].SerialNumber.String(), nil
}

// awaitSerial polls until the server presents want in a handshake that
// started at most within after the change; it returns when that
// handshake started, or fails. (The start, not the end, of the handshake
// counts: on an overloaded machine the handshake itself can take long.)
func (r *rotationPKI) awaitSerial(t *testing.T, addr, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var got string
	var err error
	for attempt := time.Duration(0); attempt <= within; attempt = time.Since(start) {
		if got, err = r.presented(context.Background(), addr); err == nil && got == want {
			return attempt
		}
		time.Sleep(5 * time.Millisecond)
	}
	for time.Since(start) < within+10*time.Second {
		if late, err := r.presented(context.Background(), addr); err == nil && late == want {
			late := time.Since(start)
			if overloaded() {
				t.Logf("serial %s seen only after %v (want %v); not failing: the machine is oversubscribed (%s)", want, late, within, loadAvg())
				return late
			}
			t.Fatalf("serial %s seen only after %v, want within %v (load average %s)", want, late, within, loadAvg())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server presents serial %s (err %v) %v after the change, want %s", got, err, within+10*time.Second, want)
	return 0
}

// loadAvg is the 1-minute load average, as /proc/loadavg gives it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// overloaded reports a machine running more than two runnable tasks per
// CPU (1-minute load average): there the watcher's 1 s poll can be
// scheduled late, so the 2 s bound is logged, not asserted. A change never
// seen still fails.
func overloaded() bool {
	l, err := strconv.ParseFloat(loadAvg(), 64)
	return err == nil && l > 2*float64(runtime.NumCPU())
}

// replaceFiles writes c's certificate and key beside certPath and keyPath
// and renames them into place: the key first, then the certificate.
func replaceFiles(t *testing.T, c *testpki.Cert, certPath, keyPath string) {
	t.Helper()
	for _, f := range []struct {
		path string
		data []byte
	}{{keyPath, c.KeyPEM()}, {certPath, c.PEM()}} {
		tmp := f.path + ".new"
		noErr(t, os.WriteFile(tmp, f.data, 0o600))
		noErr(t, os.Rename(tmp, f.path))
	}
}

// loadGenerator runs workers goroutines of back-to-back full handshakes
// until stop; it counts handshakes and failures.
type loadGenerator struct {
	handshakes, failures atomic.Int64
	firstFailure         atomic.Value
	cancel               context.CancelFunc
	wg                   sync.WaitGroup
}

func startLoad(r *rotationPKI, addr string, workers int) *loadGenerator {
	ctx, cancel := context.WithCancel(context.Background())
	g := &loadGenerator{cancel: cancel}
	for range workers {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			for ctx.Err() == nil {
				_, err := r.presented(ctx, addr)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					g.failures.Add(1)
					g.firstFailure.CompareAndSwap(nil, err.Error())
				}
				g.handshakes.Add(1)
			}
		}()
	}
	return g
}

func (g *loadGenerator) stop() { g.cancel(); g.wg.Wait() }

// TestServeRotationUnderLoad: `nativetls serve --cert --key` while four
// goroutines handshake back to back and the certificate and key (a new
// key each time) are replaced 20 times by atomic rename: no handshake
// fails (a certificate served with the wrong key fails the client's
// CertificateVerify check) and each new serial is presented within 2 s.
func TestServeRotationUnderLoad(t *testing.T) {
	r := newRotationPKI()
	dir := tempDir(t)
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	replaceFiles(t, r.issue(t, nil), certPath, keyPath)
	p := startServeProc(t, baseEnv(), "--cert", certPath, "--key", keyPath)
	addr := p.addr
	defer func() {
		if t.Failed() {
			t.Logf("serve printed:\n%s", p.output())
		}
	}()
	g := startLoad(r, addr, 3)
	start := time.Now()
	var worst time.Duration
	for range 20 {
		next := r.issue(t, nil)
		replaceFiles(t, next, certPath, keyPath)
		d := r.awaitSerial(t, addr, next.Cert.SerialNumber.String(), 2*time.Second)
		t.Logf("serial %s seen after %v", next.Cert.SerialNumber, d.Round(time.Millisecond))
		if d > worst {
			worst = d
		}
	}
	g.stop()
	elapsed := time.Since(start)
	if n := g.failures.Load(); n > 0 {
		t.Fatalf("%d of %d handshakes failed during 20 rotations; first: %v", n, g.handshakes.Load(), g.firstFailure.Load())
	}
	if g.handshakes.Load() == 0 {
		t.Fatal("the load generator made no handshake")
	}
	t.Logf("%d handshakes in %v (%.0f/s) across 20 rotations, none failed; slowest rotation seen after %v",
		g.handshakes.Load(), elapsed.Round(time.Millisecond), float64(g.handshakes.Load())/elapsed.Seconds(), worst.Round(time.Millisecond))
}

// servedProc is a running `nativetls serve` whose output the test reads.
type servedProc struct {
	cmd    *exec.Cmd
	addr   string
	mu     sync.Mutex
	stdout strings.Builder
	stderr strings.Builder
}

func (p *servedProc) Write(b []byte) (int, error) { // stderr
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

// output returns what serve printed so far.
func (p *servedProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String() + p.stderr.String()
}

// startServeProc runs serve (stopped with SIGINT at cleanup) and returns
// once it printed its address; its output keeps being collected.
func startServeProc(t *testing.T, env []string, args ...string) *servedProc {
	t.Helper()
	p := &servedProc{cmd: exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)}
	p.cmd.Env, p.cmd.Stderr = env, p
	out, err := p.cmd.StdoutPipe()
	noErr(t, err)
	noErr(t, p.cmd.Start())
	t.Cleanup(func() { _ = p.cmd.Process.Signal(syscall.SIGINT); _ = p.cmd.Wait() })
	br := bufio.NewReader(out)
	line, err := br.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		t.Fatalf("serve printed %q (%v), want \"listening on ADDR\"; %s", line, err, p.output())
	}
	p.addr = addr
	go func() {
		for {
			l, err := br.ReadString('\n')
			p.mu.Lock()
			p.stdout.WriteString(l)
			p.mu.Unlock()
			if err != nil {
				_, _ = io.Copy(io.Discard, br)
				return
			}
		}
	}()
	return p
}

// TestServeTokenCertificateReplaced: `serve --key pkcs11:…` on a SoftHSM
// token whose certificate object is deleted and written again, re-issued
// for the same key with a new serial: the new serial is presented within
// 3 s, with no restart.
func TestServeTokenCertificateReplaced(t *testing.T) {
	r := newRotationPKI()
	key := r.root.Leaf(testpki.Options{DNSNames: []string{"rot.test"}})
	first := r.issue(t, key)
	h := rotationToken(t, first)
	env := append(h.Env, "TOKEN_PIN="+softhsmtest.PIN)
	p := startServeProc(t, env, "--key", "pkcs11:token=rot;object=server;type=private?module-path="+h.Module, "--password", "env:TOKEN_PIN")
	defer func() {
		if t.Failed() {
			t.Logf("serve printed:\n%s", p.output())
		}
	}()
	r.awaitSerial(t, p.addr, first.Cert.SerialNumber.String(), 2*time.Second)
	for range 2 {
		next := r.issue(t, key)
		h.Tool(t, "rot", "--delete-object", "--type", "cert", "--id", "01")
		h.Tool(t, "rot", "--write-object", h.WriteFile(t, "next.der", next.Cert.Raw), "--type", "cert", "--id", "01", "--label", "server")
		d := r.awaitSerial(t, p.addr, next.Cert.SerialNumber.String(), 3*time.Second)
		t.Logf("token certificate serial %s presented %v after it was written", next.Cert.SerialNumber, d.Round(time.Millisecond))
	}
}

// rotationToken makes a SoftHSM token "rot" holding c's key and
// certificate (id 01, label "server").
func rotationToken(t *testing.T, c *testpki.Cert) *softhsmtest.HSM {
	t.Helper()
	h := softhsmtest.New(t, tempDir(t), baseEnv())
	h.InitToken(t, "rot")
	h.ImportKey(t, "rot", "server", "01", c.KeyPEM())
	h.WriteCert(t, "rot", "server", "01", c.Cert.Raw)
	return h
}

// TestServeSIGHUPReloads: a certificate rewritten in place with the same
// size and modification time (which the once-a-second check cannot tell
// from the old one) is served after SIGHUP. If a check happened to run
// while the file was being written, the change is made again.
func TestServeSIGHUPReloads(t *testing.T) {
	r := newRotationPKI()
	key := r.root.Leaf(testpki.Options{DNSNames: []string{"rot.test"}})
	first := r.issue(t, key)
	dir := tempDir(t)
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	replaceFiles(t, first, certPath, keyPath)
	p := startServeProc(t, baseEnv(), "--cert", certPath, "--key", keyPath)
	defer func() {
		if t.Failed() {
			t.Logf("serve printed:\n%s", p.output())
		}
	}()
	for try := 0; ; try++ {
		next := sameSizeReissue(t, r, key, len(first.PEM()))
		rewriteKeepingStat(t, certPath, next.PEM())
		time.Sleep(2500 * time.Millisecond) // more than two checks
		got, err := r.presented(context.Background(), p.addr)
		noErr(t, err)
		if got == next.Cert.SerialNumber.String() {
			if try == 2 {
				t.Fatal("the periodic check saw each in-place write; cannot isolate SIGHUP")
			}
			t.Logf("a check ran during the write (serial %s already served); again", got)
			first = next
			continue
		}
		noErr(t, p.cmd.Process.Signal(syscall.SIGHUP))
		r.awaitSerial(t, p.addr, next.Cert.SerialNumber.String(), 5*time.Second)
		return
	}
}

// sameSizeReissue issues certificates for key until one's PEM is size
// bytes long (ECDSA signatures vary by a byte or two).
func sameSizeReissue(t *testing.T, r *rotationPKI, key *testpki.Cert, size int) *testpki.Cert {
	t.Helper()
	for range 200 {
		if c := r.issue(t, key); len(c.PEM()) == size {
			return c
		}
	}
	t.Fatalf("no re-issued certificate of %d PEM bytes", size)
	return nil
}

// rewriteKeepingStat writes data into path in place (same inode) and puts
// its modification time back.
func rewriteKeepingStat(t *testing.T, path string, data []byte) {
	t.Helper()
	fi, err := os.Stat(path)
	noErr(t, err)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	noErr(t, err)
	_, err = f.WriteAt(data, 0)
	noErr(t, err)
	noErr(t, f.Close())
	noErr(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
	after, err := os.Stat(path)
	noErr(t, err)
	if !os.SameFile(fi, after) || after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) {
		t.Fatalf("%s: the rewrite changed its identity, size or time", path)
	}
}
