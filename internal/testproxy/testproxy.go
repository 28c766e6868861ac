// Package testproxy is an HTTP CONNECT proxy on 127.0.0.1 for tests: it
// counts the tunnels it opens and sends every tunnel to 127.0.0.1 at the
// requested port, whatever host was asked for, so tests can use DNS names
// without a resolver.
package testproxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy is a running CONNECT proxy.
type Proxy struct {
	l       net.Listener
	tunnels atomic.Int64
	mu      sync.Mutex
	targets []string
}

// Start starts a proxy on 127.0.0.1; it stops when the test ends.
func Start(t testing.TB) *Proxy {
	t.Helper()
	p, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// Listen starts a proxy on 127.0.0.1, for examples; Close stops it.
func Listen() (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{l: l}
	go p.serve()
	return p, nil
}

// Close stops accepting tunnels.
func (p *Proxy) Close() { p.l.Close() }

// URL is the proxy's URL, http://127.0.0.1:PORT.
func (p *Proxy) URL() string { return "http://" + p.l.Addr().String() }

// Tunnels is the number of CONNECT tunnels opened so far.
func (p *Proxy) Tunnels() int { return int(p.tunnels.Load()) }

// Targets lists the host:port of every CONNECT request, in order.
func (p *Proxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

func (p *Proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	if req.Method != http.MethodConnect {
		io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		return
	}
	p.mu.Lock()
	p.targets = append(p.targets, req.Host)
	p.mu.Unlock()
	_, port, err := net.SplitHostPort(req.Host)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		return
	}
	up, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	defer up.Close()
	p.tunnels.Add(1)
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, br); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
}
