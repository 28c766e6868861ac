package trust

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
)

// ClientIdentity is one certificate a client could send, as an identity
// source lists it: the leaf and the CA certificates the source holds, and
// a way to open its key that is called only if this identity is chosen (so
// a token asks for its PIN only then).
type ClientIdentity struct {
	// Chain is the leaf first, then CA certificates the source holds, in
	// any order (selection builds the path).
	Chain []*x509.Certificate
	// Source names where the identity lives, without secrets: a file
	// path, a pkcs11: URI, a capi: or mackms: URI.
	Source string
	// SignatureSchemes are the TLS signature schemes the key can make; nil
	// means every scheme the leaf's key type allows (software keys).
	SignatureSchemes []tls.SignatureScheme
	// OpenKey opens the private key. It is called at most once per context,
	// for the identity finally chosen.
	OpenKey func() (crypto.Signer, error)
	// Unusable, when set, says why the source cannot offer this entry (a
	// file that is neither certificate nor key, a token certificate
	// without a key); selection reports it as skipped.
	Unusable error
}

// ClientIdentitySource lists the identities a client may choose from at
// handshake time (a whole token, an OS certificate store, a directory of
// files). Package native's ClientIdentities builds one from paths and URIs.
type ClientIdentitySource interface {
	// ClientIdentities returns the candidates. It is called once per
	// context, at its first handshake that is asked for a certificate.
	ClientIdentities() ([]ClientIdentity, error)
}

// ClientCertificateRequest is what a server asked for.
type ClientCertificateRequest struct {
	// AcceptableCAs are the DER distinguished names of the CAs the server
	// accepts; empty means any.
	AcceptableCAs [][]byte
	// SignatureSchemes are the schemes the server accepts.
	SignatureSchemes []tls.SignatureScheme
	// Version is the negotiated TLS version.
	Version uint16
}

// SkippedIdentity is an identity that does not fit a request, and why.
type SkippedIdentity struct {
	Identity ClientIdentity
	Reason   string
}

// ClientIdentitySelector chooses among the identities that fit a request
// (ranked best first, see SelectClientIdentity), seeing the request and
// the identities skipped with their reasons. It returns the index into
// candidates of the identity to send, or -1 to send none; an error aborts
// the handshake.
type ClientIdentitySelector func(req ClientCertificateRequest, candidates []ClientIdentity, skipped []SkippedIdentity) (int, error)

// WithClientIdentities returns a copy whose client certificate is chosen at
// each handshake from src, as SelectClientIdentity ranks them, instead of
// the chains of WithCertificateChain. nil removes the source.
func (c Configuration) WithClientIdentities(src ClientIdentitySource) Configuration {
	c.clientIDs = src
	return c
}

// ClientIdentities returns the client identity source (nil for none).
func (c Configuration) ClientIdentities() ClientIdentitySource { return c.clientIDs }

// WithClientIdentitySelector returns a copy whose choice among fitting
// client identities is made by sel (nil: the best-ranked one).
func (c Configuration) WithClientIdentitySelector(sel ClientIdentitySelector) Configuration {
	c.clientSel = sel
	return c
}

// ClientIdentitySelector returns the selection callback (nil for none).
func (c Configuration) ClientIdentitySelector() ClientIdentitySelector { return c.clientSel }

// NoClientIdentityError says that no identity of the source fit what the
// server asked for, so none was sent.
type NoClientIdentityError struct {
	AcceptableCAs []pkix.RDNSequence // the server's list, parsed; empty means any
	Skipped       []SkippedIdentity
	Refused       bool // the selection callback declined to send one
}

func (e *NoClientIdentityError) Error() string {
	var b strings.Builder
	b.WriteString("trust: no client certificate sent: ")
	switch {
	case e.Refused:
		b.WriteString("the selection callback chose none")
	case len(e.Skipped) == 0:
		b.WriteString("the identity source has no identities")
	default:
		b.WriteString("no identity fits the server's request")
	}
	if len(e.AcceptableCAs) > 0 {
		names := make([]string, len(e.AcceptableCAs))
		for i, n := range e.AcceptableCAs {
			names[i] = fmt.Sprintf("%q", n.String())
		}
		fmt.Fprintf(&b, "; the server accepts certificates from %s", strings.Join(names, ", "))
	} else {
		b.WriteString("; the server accepts any CA")
	}
	for _, s := range e.Skipped {
		fmt.Fprintf(&b, "; skipped %s", describeIdentity(s.Identity))
		b.WriteString(": " + s.Reason)
	}
	return b.String()
}

func describeIdentity(id ClientIdentity) string {
	name := "(no certificate)"
	if len(id.Chain) > 0 && id.Chain[0] != nil {
		name = fmt.Sprintf("%q", id.Chain[0].Subject.String())
	}
	if id.Source != "" {
		name += " from " + id.Source
	}
	return name
}
