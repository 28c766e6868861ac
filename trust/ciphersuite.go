package trust

import (
	"crypto/tls"
	"fmt"
	"sync"
)

//go:generate go run ./internal/gencipher

// CipherSuite is a TLS cipher suite, held as its two-byte IANA value
// (PEP 543's CipherSuite IntEnum). The named constants, such as
// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, are the suites PEP 543 lists:
// the TLS 1.2-and-earlier suites without NULL, anonymous, export, PSK, SRP,
// KRB5 or DSS parts, and the five TLS 1.3 suites. Any other value is a valid
// CipherSuite too ("raw values are allowed everywhere"); methods then report
// what they can: String gives "CipherSuite(0xNNNN)", Known reports false and
// the metadata methods return zero values.
//
// Whether a suite can be used is decided by the backend when a context is
// created: a suite that the engine cannot do is an error there, never
// silently dropped. GoSupported tells whether crypto/tls implements a suite.
//
// The table comes from trust/ciphersuites.tsv through `go generate`.
type CipherSuite uint16

// cipherSuiteInfo is one row of the generated cipherSuiteTable.
type cipherSuiteInfo struct {
	id         CipherSuite
	name       string // IANA name
	openssl    string // OpenSSL name, "" if none
	kx         string // key exchange: RSA, DHE, ECDHE, DH, ECDH, any
	auth       string // authentication: RSA, ECDSA, any
	enc        string // bulk cipher family as OpenSSL spells it (AES, AESGCM, ...)
	keyBits    int    // key size of enc
	mac        string // SHA1, SHA256, SHA384 or AEAD
	bits       int    // effective strength (OpenSSL strength_bits)
	version    string // SSLv3, TLSv1, TLSv1.2 or TLSv1.3 (OpenSSL's labels)
	medium     bool   // OpenSSL strength class MEDIUM (else HIGH)
	notDefault bool   // not in OpenSSL 3's DEFAULT list
	nameOnly   bool   // cipher-string aggregates never select it
}

func (c CipherSuite) info() *cipherSuiteInfo {
	i, ok := cipherSuiteIndex[c]
	if !ok {
		return nil
	}
	return &cipherSuiteTable[i]
}

// String returns the IANA name of the suite, such as
// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", or "CipherSuite(0xNNNN)" (four
// upper-case hex digits) for a value outside the table.
func (c CipherSuite) String() string {
	if in := c.info(); in != nil {
		return in.name
	}
	return fmt.Sprintf("CipherSuite(0x%04X)", uint16(c))
}

// Known reports whether the suite is in the table (PEP 543's list).
func (c CipherSuite) Known() bool { return c.info() != nil }

// OpenSSLName returns OpenSSL's name for the suite, such as
// "ECDHE-RSA-AES128-GCM-SHA256"; for TLS 1.3 suites OpenSSL uses the IANA
// name. Static DH and ECDH suites, which OpenSSL dropped in 1.1.0, get their
// OpenSSL 1.0.2 names. It returns "" when OpenSSL has no name for the suite
// (the Camellia-GCM suites, a few static-DH Camellia suites, values outside
// the table).
func (c CipherSuite) OpenSSLName() string {
	if in := c.info(); in != nil {
		return in.openssl
	}
	return ""
}

// IsTLS13 reports whether the suite is one of the TLS 1.3 suites, which
// are used only with TLS 1.3 and never with earlier versions. It reports
// false for values outside the table.
func (c CipherSuite) IsTLS13() bool {
	in := c.info()
	return in != nil && in.version == "TLSv1.3"
}

// IsAEAD reports whether the suite's record protection is an AEAD (AES-GCM,
// AES-CCM, ChaCha20-Poly1305, Camellia-GCM), as opposed to a CBC or stream
// cipher with HMAC. All TLS 1.3 suites are AEAD. It reports false for values
// outside the table.
func (c CipherSuite) IsAEAD() bool {
	in := c.info()
	return in != nil && in.mac == "AEAD"
}

// KeyExchange returns the suite's key exchange: "ECDHE" or "DHE"
// (ephemeral, forward secret), "RSA" (RSA key transport, no forward
// secrecy), "ECDH" or "DH" (static keys in the certificate, no forward
// secrecy), or "any" for TLS 1.3 suites, which leave it to the handshake.
// It returns "" for values outside the table.
func (c CipherSuite) KeyExchange() string {
	if in := c.info(); in != nil {
		return in.kx
	}
	return ""
}

// Authentication returns the key type that authenticates the server:
// "RSA" or "ECDSA" (for static DH/ECDH suites, the algorithm that signed the
// certificate holding the DH key), or "any" for TLS 1.3 suites. It returns ""
// for values outside the table.
func (c CipherSuite) Authentication() string {
	if in := c.info(); in != nil {
		return in.auth
	}
	return ""
}

// Bits returns the effective strength of the suite's bulk cipher in bits as
// OpenSSL counts it (128 for AES-128, 256 for AES-256 and ChaCha20, 112 for
// 3DES), which is the order @STRENGTH sorts by. It returns 0 for values
// outside the table.
func (c CipherSuite) Bits() int {
	if in := c.info(); in != nil {
		return in.bits
	}
	return 0
}

// GoSupported reports whether Go's crypto/tls implements the suite, that is
// whether its value is among the IDs of tls.CipherSuites() or
// tls.InsecureCipherSuites() of the Go release the program was built with.
// This holds for raw values outside the table too. (Implemented is not the
// same as enabled: crypto/tls does not offer the insecure ones by default,
// and it chooses the TLS 1.3 suites itself.)
func (c CipherSuite) GoSupported() bool { return goCipherSuites()[c] }

var goCipherSuites = sync.OnceValue(func() map[CipherSuite]bool {
	m := map[CipherSuite]bool{}
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, s := range list {
			m[CipherSuite(s.ID)] = true
		}
	}
	return m
})

// CipherSuites returns every suite of the table in IANA-value order. The
// slice is a fresh copy that the caller may modify.
func CipherSuites() []CipherSuite {
	out := make([]CipherSuite, len(cipherSuiteTable))
	for i := range cipherSuiteTable {
		out[i] = cipherSuiteTable[i].id
	}
	return out
}

// CipherSuiteByName returns the suite with the given IANA name, such as
// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256". The match is exact and
// case-sensitive, and only suites of the table have names; for OpenSSL
// names use CipherSuiteByOpenSSLName. For every suite c of the table,
// CipherSuiteByName(c.String()) returns c, true.
func CipherSuiteByName(name string) (CipherSuite, bool) {
	c, ok := cipherSuiteByIANAName[name]
	return c, ok
}

// CipherSuiteByOpenSSLName returns the suite with the given OpenSSL name,
// such as "ECDHE-RSA-AES128-GCM-SHA256" (exact, case-sensitive). OpenSSL
// 1.0.2 names of the static DH/ECDH suites are accepted too. It does not
// expand cipher-string aliases such as "HIGH": use ParseOpenSSLCipherString.
func CipherSuiteByOpenSSLName(name string) (CipherSuite, bool) {
	c, ok := cipherSuiteByOpenSSLName[name]
	return c, ok
}
