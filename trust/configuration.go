package trust

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"reflect"
	"slices"
)

// CertificateChain is one certificate chain a peer can present: the leaf
// first, then intermediates, and the private key of the leaf. The key may be
// any crypto.Signer: an in-memory key, an HSM key from package pkcs11, a
// Windows CNG or macOS keychain key.
type CertificateChain struct {
	Certificates []*x509.Certificate
	PrivateKey   crypto.Signer
}

func (c CertificateChain) equal(o CertificateChain) bool {
	if len(c.Certificates) != len(o.Certificates) || c.PrivateKey != o.PrivateKey {
		return false
	}
	for i := range c.Certificates {
		if !c.Certificates[i].Equal(o.Certificates[i]) {
			return false
		}
	}
	return true
}

// ClientAuth says whether a server asks for client certificates.
type ClientAuth int

// Client-certificate modes. The zero value, NoClientCert, asks for none.
const (
	NoClientCert      ClientAuth = iota // do not ask for a client certificate
	RequestClientCert                   // ask; verify it against the trust store if one is sent
	RequireClientCert                   // require one and verify it against the trust store
)

// SNICallback chooses the configuration for one incoming connection from its
// ClientHello (PEP 543 sni_callback): it gets the server's configuration and
// returns the one to use; an error aborts the handshake. Contexts cache by
// equality, so returning one of a few prepared configurations is cheap.
type SNICallback func(hello *tls.ClientHelloInfo, cfg Configuration) (Configuration, error)

// validation is a tri-state: default (on, but subject to the process-wide
// PEP 493 switch), explicitly on, explicitly off.
type validation int8

const (
	validateDefault validation = iota
	validateOn
	validateOff
)

// Configuration is an immutable TLS configuration (PEP 543
// TLSConfiguration). Its With methods return changed copies; the receiver
// is never modified, so a Configuration can be shared freely between
// goroutines. Two configurations can be compared with Equal.
//
// The zero Configuration is the default one: certificate validation on,
// TLS 1.2 to the engine's maximum, the engine's default AEAD cipher suites,
// no ALPN, no certificate, no trust store (backends then use the system
// trust store), and no client certificates asked for. These defaults may be
// raised in minor releases (PEP 466).
type Configuration struct {
	validate     validation
	noHostname   bool
	chains       []CertificateChain
	ciphers      []CipherSuite
	protocols    []NextProtocol
	lowest       Version
	highest      Version
	store        TrustStore
	sni          SNICallback
	clientAuth   ClientAuth
	revocation   Revocation
	onlineOCSP   bool
	disableFetch bool
	strict       bool
	maxDepth     int
	crls         []*x509.RevocationList
	pins         []Pin
	verifyCB     VerifyCallback
	identity     IdentitySource
	clientIDs    ClientIdentitySource
	clientSel    ClientIdentitySelector
}

// DefaultConfiguration returns the default configuration (the zero value).
func DefaultConfiguration() Configuration { return Configuration{} }

// ValidateCertificates reports whether peer certificates are validated.
// It is true unless trust/insecure turned validation off.
func (c Configuration) ValidateCertificates() bool { return c.validate != validateOff }

// ValidationExplicit reports whether the configuration set certificate
// validation explicitly (WithCertificateValidation or the insecure package).
// Only configurations that did not are subject to the process-wide
// NATIVETLS_VERIFY switch (PEP 493).
func (c Configuration) ValidationExplicit() bool { return c.validate != validateDefault }

// CheckHostname reports whether client contexts check the server name. It is
// true unless trust/insecure turned it off.
func (c Configuration) CheckHostname() bool { return !c.noHostname }

// CertificateChains returns the certificate chains (nil for none).
func (c Configuration) CertificateChains() []CertificateChain { return slices.Clone(c.chains) }

// Ciphers returns the cipher suites in priority order; nil means the
// engine's secure defaults.
func (c Configuration) Ciphers() []CipherSuite { return slices.Clone(c.ciphers) }

// InnerProtocols returns the ALPN protocols in preference order.
func (c Configuration) InnerProtocols() []NextProtocol { return slices.Clone(c.protocols) }

// LowestSupportedVersion returns the lowest version; zero means
// DefaultLowestVersion.
func (c Configuration) LowestSupportedVersion() Version { return c.lowest }

// HighestSupportedVersion returns the highest version; zero means
// MaximumSupported.
func (c Configuration) HighestSupportedVersion() Version { return c.highest }

// TrustStore returns the trust store; nil means the backend's system store.
func (c Configuration) TrustStore() TrustStore { return c.store }

// SNICallback returns the server-name callback, or nil.
func (c Configuration) SNICallback() SNICallback { return c.sni }

// ClientAuth returns the server's client-certificate mode.
func (c Configuration) ClientAuth() ClientAuth { return c.clientAuth }

// Revocation returns the revocation policy (zero: soft-fail).
func (c Configuration) Revocation() Revocation { return c.revocation }

// OnlineOCSP reports whether the leaf's OCSP responder may be queried.
func (c Configuration) OnlineOCSP() bool { return c.onlineOCSP }

// FetchIntermediates reports whether missing intermediates may be fetched
// from AIA caIssuers URLs (default true).
func (c Configuration) FetchIntermediates() bool { return !c.disableFetch }

// Strict reports whether the strict verification profile is on.
func (c Configuration) Strict() bool { return c.strict }

// MaxChainDepth returns the maximum number of intermediates, as
// VerifyOptions.MaxDepth reads it (0: no limit; MaxDepthNoIntermediates:
// none).
func (c Configuration) MaxChainDepth() int { return c.maxDepth }

// CRLs returns the explicitly given revocation lists.
func (c Configuration) CRLs() []*x509.RevocationList { return slices.Clone(c.crls) }

// Pins returns the SPKI pins.
func (c Configuration) Pins() []Pin { return slices.Clone(c.pins) }

// VerifyCallback returns the verify callback, or nil.
func (c Configuration) VerifyCallback() VerifyCallback { return c.verifyCB }

// WithCertificateValidation returns a copy that validates certificates and
// says so explicitly, which exempts it from the NATIVETLS_VERIFY switch.
// (Turning validation off is trust/insecure's job.)
func (c Configuration) WithCertificateValidation() Configuration { c.validate = validateOn; return c }

// WithCertificateChain returns a copy presenting chain (leaf first) with
// key. Calling it again adds another chain: a server may hold several (say
// ECDSA and RSA) and the engine picks per client.
func (c Configuration) WithCertificateChain(key crypto.Signer, chain ...*x509.Certificate) Configuration {
	c.chains = append(slices.Clone(c.chains), CertificateChain{Certificates: slices.Clone(chain), PrivateKey: key})
	return c
}

// WithCertificateChains returns a copy whose chains are exactly chains.
func (c Configuration) WithCertificateChains(chains ...CertificateChain) Configuration {
	c.chains = nil
	for _, ch := range chains {
		c.chains = append(c.chains, CertificateChain{Certificates: slices.Clone(ch.Certificates), PrivateKey: ch.PrivateKey})
	}
	return c
}

// WithCiphers returns a copy allowing exactly suites, in priority order.
// Unknown values are kept; a backend rejects suites its engine cannot do
// when a context is created. No suites means the defaults.
func (c Configuration) WithCiphers(suites ...CipherSuite) Configuration {
	c.ciphers = cloneOrNil(suites)
	return c
}

// WithInnerProtocols returns a copy offering protos over ALPN, in
// preference order.
func (c Configuration) WithInnerProtocols(protos ...NextProtocol) Configuration {
	c.protocols = cloneOrNil(protos)
	return c
}

// cloneOrNil returns a copy of s, or nil when s is empty (an empty list
// means the defaults, so it is stored as nil).
func cloneOrNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// WithVersions returns a copy with lowest and highest protocol versions
// (zero keeps the default, the sentinels mean the engine's bounds).
func (c Configuration) WithVersions(lowest, highest Version) Configuration {
	c.lowest, c.highest = lowest, highest
	return c
}

// WithTrustStore returns a copy verifying peers with store (nil: system).
func (c Configuration) WithTrustStore(store TrustStore) Configuration { c.store = store; return c }

// WithSNICallback returns a copy with the server-name callback cb.
func (c Configuration) WithSNICallback(cb SNICallback) Configuration { c.sni = cb; return c }

// WithClientAuth returns a copy with the server's client-certificate mode.
func (c Configuration) WithClientAuth(mode ClientAuth) Configuration { c.clientAuth = mode; return c }

// WithRevocation returns a copy with revocation policy r.
func (c Configuration) WithRevocation(r Revocation) Configuration { c.revocation = r; return c }

// WithOnlineOCSP returns a copy that may (or may not) query the leaf's OCSP
// responder within the verification time budget.
func (c Configuration) WithOnlineOCSP(on bool) Configuration { c.onlineOCSP = on; return c }

// WithFetchIntermediates returns a copy that may (or may not) fetch missing
// intermediates from AIA caIssuers URLs. Default: on.
func (c Configuration) WithFetchIntermediates(on bool) Configuration { c.disableFetch = !on; return c }

// WithStrict returns a copy using (or not) the strict verification profile,
// which adds RFC 5280 / CA/B Forum checks that some deployed certificates fail.
func (c Configuration) WithStrict(on bool) Configuration { c.strict = on; return c }

// WithMaxChainDepth returns a copy allowing at most n intermediates between
// leaf and anchor. 0 means no limit beyond the engine's own;
// MaxDepthNoIntermediates (-1) allows none (the leaf must be issued by an
// anchor).
func (c Configuration) WithMaxChainDepth(n int) Configuration { c.maxDepth = n; return c }

// WithCRLs returns a copy that consults crls for revocation.
func (c Configuration) WithCRLs(crls ...*x509.RevocationList) Configuration {
	c.crls = slices.Clone(crls)
	return c
}

// WithPins returns a copy requiring that a verified chain contain a
// certificate whose public key matches one of pins.
func (c Configuration) WithPins(pins ...Pin) Configuration { c.pins = slices.Clone(pins); return c }

// WithVerifyCallback returns a copy calling cb after every verification.
func (c Configuration) WithVerifyCallback(cb VerifyCallback) Configuration { c.verifyCB = cb; return c }

// VerifyOptions returns the verification options this configuration implies
// for a peer named serverName and the given usage.
func (c Configuration) VerifyOptions(serverName string, usage Usage) VerifyOptions {
	return VerifyOptions{
		ServerName:   serverName,
		Usage:        usage,
		Revocation:   c.revocation,
		OnlineOCSP:   c.onlineOCSP,
		DisableFetch: c.disableFetch,
		Strict:       c.strict,
		MaxDepth:     c.maxDepth,
		CRLs:         slices.Clone(c.crls),
		Pins:         slices.Clone(c.pins),
		Callback:     c.verifyCB,
	}
}

// Equal reports whether c and o configure the same thing. Callbacks are
// equal when they are the same function value; trust stores when they are
// the same store; keys when they are the same key value.
func (c Configuration) Equal(o Configuration) bool {
	if c.validate != o.validate || c.noHostname != o.noHostname || c.lowest != o.lowest ||
		c.highest != o.highest || c.clientAuth != o.clientAuth || c.revocation != o.revocation ||
		c.onlineOCSP != o.onlineOCSP || c.disableFetch != o.disableFetch || c.strict != o.strict ||
		c.maxDepth != o.maxDepth {
		return false
	}
	if !slices.Equal(c.ciphers, o.ciphers) || !slices.Equal(c.protocols, o.protocols) || !slices.Equal(c.pins, o.pins) {
		return false
	}
	if !slices.EqualFunc(c.chains, o.chains, CertificateChain.equal) {
		return false
	}
	if !slices.EqualFunc(c.crls, o.crls, func(a, b *x509.RevocationList) bool { return string(a.Raw) == string(b.Raw) }) {
		return false
	}
	return sameStore(c.store, o.store) && sameFunc(c.sni, o.sni) && sameFunc(c.verifyCB, o.verifyCB) &&
		sameIdentitySource(c.identity, o.identity) && sameClientIDs(c.clientIDs, o.clientIDs) && sameFunc(c.clientSel, o.clientSel)
}

func sameStore(a, b TrustStore) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameComparable(a, b)
}

// sameComparable reports a == b for two non-nil interface values, false
// when their dynamic type is not comparable (instead of panicking).
func sameComparable(a, b any) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || !ta.Comparable() {
		return false
	}
	return a == b
}

func sameFunc[F any](a, b F) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.IsNil() || vb.IsNil() {
		return va.IsNil() && vb.IsNil()
	}
	return va.Pointer() == vb.Pointer()
}
