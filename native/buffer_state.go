package native

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// HandshakeComplete reports whether the handshake finished successfully.
func (b *Buffer) HandshakeComplete() bool { return b.hsDone && b.hsErr == nil }

// ConnectionState returns crypto/tls's view of the connection; it is the
// zero value until the handshake has finished.
func (b *Buffer) ConnectionState() tls.ConnectionState {
	if !b.hsDone {
		return tls.ConnectionState{} // the engine goroutine holds the handshake lock
	}
	return b.conn.ConnectionState()
}

// Cipher returns the negotiated cipher suite (PEP 543 cipher), zero before
// the handshake completes.
func (b *Buffer) Cipher() trust.CipherSuite {
	if !b.HandshakeComplete() {
		return 0
	}
	return trust.CipherSuite(b.conn.ConnectionState().CipherSuite)
}

// NegotiatedProtocol returns the protocol chosen by ALPN (PEP 543
// negotiated_protocol), "" when none was (or before the handshake
// completes).
func (b *Buffer) NegotiatedProtocol() trust.NextProtocol {
	if !b.HandshakeComplete() {
		return ""
	}
	return trust.NextProtocol(b.conn.ConnectionState().NegotiatedProtocol)
}

// NegotiatedVersion returns the TLS version in use (PEP 543
// negotiated_tls_version), zero before the handshake completes.
func (b *Buffer) NegotiatedVersion() trust.Version {
	if !b.HandshakeComplete() {
		return 0
	}
	return trust.Version(b.conn.ConnectionState().Version)
}

// PeerCertificates returns the certificates the peer presented, leaf
// first (nil before the handshake completes, or when the peer sent none).
func (b *Buffer) PeerCertificates() []*x509.Certificate {
	if !b.HandshakeComplete() {
		return nil
	}
	return b.conn.ConnectionState().PeerCertificates
}

// VerifiedChains returns the chains the context's trust store verified for
// the peer, nil if the peer was not verified (validation off, or a server
// that got no client certificate).
func (b *Buffer) VerifiedChains() [][]*x509.Certificate {
	if !b.HandshakeComplete() {
		return nil
	}
	return b.sink.VerifiedChains()
}

// Context returns the context that made the Buffer: a *ClientContext or a
// *ServerContext (PEP 543 context).
func (b *Buffer) Context() TLSContext { return b.ctx }
