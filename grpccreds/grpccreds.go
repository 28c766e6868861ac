// Package grpccreds provides gRPC transport credentials whose TLS
// connections are made and verified by native contexts: the server's
// certificate is checked by the context's trust store (the OS's trust, a
// bundle, an HSM), with its pins, callback, revocation settings and
// hostname check, and servers can require client certificates verified the
// same way. Keys may live in an HSM or OS store.
//
// gRPC requires HTTP/2, so both sides offer and require ALPN "h2" whatever
// inner protocols the configuration names. Targets may be DNS names or IP
// addresses: the host of the target's authority ("10.0.0.1:443",
// "[::1]:443", "api.example.com:443") is checked against the server's
// certificate.
package grpccreds

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/nativetls/nativetls/native"
	"google.golang.org/grpc/credentials"
)

// alpnH2 is the one protocol gRPC speaks over TLS.
const alpnH2 = "h2"

// ErrNoHTTP2 is returned by a handshake whose peer did not agree on ALPN
// "h2", which gRPC requires.
var ErrNoHTTP2 = errors.New("grpccreds: the peer did not negotiate HTTP/2 (ALPN \"h2\"), which gRPC requires: enable gRPC or HTTP/2 on the peer")

type clientCreds struct {
	ctx        *native.ClientContext
	serverName string // OverrideServerName, or "" for the target's host
}

// NewClientCredentials returns gRPC client credentials that make every
// connection with ctx, checking the host of the dialed target (or the name
// given to OverrideServerName) against the server's certificate. The
// context's configuration may name any inner protocols: connections offer
// exactly "h2".
func NewClientCredentials(ctx *native.ClientContext) credentials.TransportCredentials {
	return &clientCreds{ctx: ctx}
}

// hostOf returns the host part of a gRPC authority.
func hostOf(authority string) string {
	if h, _, err := net.SplitHostPort(authority); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(authority, "["), "]")
}

func (c *clientCreds) ClientHandshake(ctx context.Context, authority string, raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	name := c.serverName
	if name == "" {
		name = hostOf(authority)
	}
	tc, err := c.ctx.TLSConfigFor(name)
	if err != nil {
		return nil, nil, err
	}
	tc.NextProtos = []string{alpnH2}
	conn := tls.Client(raw, tc)
	if err := conn.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("grpccreds: TLS handshake with %s: %w", authority, err)
	}
	return finish(conn)
}

func (c *clientCreds) ServerHandshake(net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("grpccreds: client credentials cannot accept connections: use NewServerCredentials")
}

func (c *clientCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "tls", SecurityVersion: "1.2", ServerName: c.serverName}
}

func (c *clientCreds) Clone() credentials.TransportCredentials {
	cp := *c
	return &cp
}

// OverrideServerName sets the name checked against the server's
// certificate instead of the target's host.
func (c *clientCreds) OverrideServerName(name string) error {
	c.serverName = name
	return nil
}

type serverCreds struct{ ctx *native.ServerContext }

// NewServerCredentials returns gRPC server credentials that accept
// connections with ctx: its certificate chains (HSM and OS-store keys
// included), its SNI callback, and, when the configuration asks for client
// certificates, their verification by its trust store. Connections offer
// and require exactly "h2".
func NewServerCredentials(ctx *native.ServerContext) credentials.TransportCredentials {
	return &serverCreds{ctx: ctx}
}

func (s *serverCreds) ServerHandshake(raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	tc := s.ctx.TLSConfig()
	tc.NextProtos = []string{alpnH2}
	if get := tc.GetConfigForClient; get != nil {
		tc.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			next, err := get(hello)
			if next != nil {
				next = next.Clone()
				next.NextProtos = []string{alpnH2}
			}
			return next, err
		}
	}
	conn := tls.Server(raw, tc)
	if err := conn.Handshake(); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("grpccreds: TLS handshake with %s: %w", raw.RemoteAddr(), err)
	}
	return finish(conn)
}

func (s *serverCreds) ClientHandshake(context.Context, string, net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("grpccreds: server credentials cannot dial: use NewClientCredentials")
}

func (s *serverCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "tls", SecurityVersion: "1.2"}
}

func (s *serverCreds) Clone() credentials.TransportCredentials {
	cp := *s
	return &cp
}

func (s *serverCreds) OverrideServerName(string) error { return nil }

// finish checks ALPN and describes the connection to gRPC.
func finish(conn *tls.Conn) (net.Conn, credentials.AuthInfo, error) {
	cs := conn.ConnectionState()
	if cs.NegotiatedProtocol != alpnH2 {
		conn.Close()
		return nil, nil, ErrNoHTTP2
	}
	return conn, credentials.TLSInfo{State: cs, CommonAuthInfo: credentials.CommonAuthInfo{SecurityLevel: credentials.PrivacyAndIntegrity}}, nil
}

var (
	_ credentials.TransportCredentials = (*clientCreds)(nil)
	_ credentials.TransportCredentials = (*serverCreds)(nil)
)
