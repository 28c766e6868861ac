package trust

import (
	"crypto/tls"
	"fmt"
	"sync"
)

// The table, ciphersuite_table.go, is generated from ciphersuites.tsv.
//
//go:generate go run ./internal/gencipher

// CipherSuite is a TLS cipher suite, held as its two-byte IANA value (PEP
// 543's CipherSuite IntEnum). The named constants are the suites PEP 543
// lists; any other value is valid too, and the methods then return zero
// values (String gives "CipherSuite(0xNNNN)"). A suite the backend's engine
// cannot do is an error when a context is created, never silently dropped.
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

// String returns the IANA name of the suite, or "CipherSuite(0xNNNN)" for a
// value outside the table.
func (c CipherSuite) String() string {
	if in := c.info(); in != nil {
		return in.name
	}
	return fmt.Sprintf("CipherSuite(0x%04X)", uint16(c))
}

// Known reports whether the suite is in the table (PEP 543's list).
func (c CipherSuite) Known() bool { return c.info() != nil }

// OpenSSLName returns OpenSSL's name for the suite ("ECDHE-RSA-AES128-GCM-SHA256";
// OpenSSL 1.0.2's for static DH/ECDH), or "" when OpenSSL has none.
func (c CipherSuite) OpenSSLName() string {
	if in := c.info(); in != nil {
		return in.openssl
	}
	return ""
}

// IsTLS13 reports whether the suite is one of the TLS 1.3 suites.
func (c CipherSuite) IsTLS13() bool {
	in := c.info()
	return in != nil && in.version == "TLSv1.3"
}

// IsAEAD reports whether the suite's record protection is an AEAD (AES-GCM,
// AES-CCM, ChaCha20-Poly1305, Camellia-GCM) rather than a cipher with HMAC.
func (c CipherSuite) IsAEAD() bool {
	in := c.info()
	return in != nil && in.mac == "AEAD"
}

// KeyExchange returns "ECDHE", "DHE", "RSA", "ECDH" or "DH" (static, in the
// certificate), or "any" for TLS 1.3 suites.
func (c CipherSuite) KeyExchange() string {
	if in := c.info(); in != nil {
		return in.kx
	}
	return ""
}

// Authentication returns the server's key type, "RSA" or "ECDSA", or "any"
// for TLS 1.3 suites.
func (c CipherSuite) Authentication() string {
	if in := c.info(); in != nil {
		return in.auth
	}
	return ""
}

// Bits returns the bulk cipher's strength as OpenSSL counts it (112 for
// 3DES), the order @STRENGTH sorts by.
func (c CipherSuite) Bits() int {
	if in := c.info(); in != nil {
		return in.bits
	}
	return 0
}

// GoSupported reports whether this build's crypto/tls implements the suite
// (tls.CipherSuites or tls.InsecureCipherSuites), raw values included.
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

// CipherSuites returns a fresh copy of the table's suites in IANA-value
// order.
func CipherSuites() []CipherSuite {
	out := make([]CipherSuite, len(cipherSuiteTable))
	for i := range cipherSuiteTable {
		out[i] = cipherSuiteTable[i].id
	}
	return out
}

// CipherSuiteByName returns the suite with the given IANA name (exact,
// case-sensitive), the inverse of String.
func CipherSuiteByName(name string) (CipherSuite, bool) {
	c, ok := cipherSuiteByIANAName[name]
	return c, ok
}

// CipherSuiteByOpenSSLName returns the suite with the given OpenSSL name
// (exact, 1.0.2 names included); for aliases such as "HIGH" use
// ParseOpenSSLCipherString.
func CipherSuiteByOpenSSLName(name string) (CipherSuite, bool) {
	c, ok := cipherSuiteByOpenSSLName[name]
	return c, ok
}
