package native

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// defaultTLS12Suites are the suites used for TLS 1.2 when a configuration
// names none: forward-secret AEAD suites only (the TLS 1.3 suites are always
// AEAD). They may be tightened in minor releases.
var defaultTLS12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// goTLS13Suites are the TLS 1.3 suites crypto/tls implements; it always
// enables all three and orders them itself.
var goTLS13Suites = []trust.CipherSuite{0x1301, 0x1302, 0x1303}

// baseConfig translates the parts of cfg common to clients and servers.
// It returns a *trust.ConfigurationError for anything crypto/tls cannot do.
func baseConfig(backend string, cfg trust.Configuration) (*tls.Config, error) {
	tc := &tls.Config{}
	bad := func(field, format string, args ...any) error {
		return &trust.ConfigurationError{Backend: backend, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	lo, ok := cfg.LowestSupportedVersion().GoVersion(uint16(trust.DefaultLowestVersion))
	if !ok {
		return nil, bad("lowest version", "%s is not supported by crypto/tls (TLS 1.0 to 1.3 are)", cfg.LowestSupportedVersion())
	}
	hi, ok := cfg.HighestSupportedVersion().GoVersion(tls.VersionTLS13)
	if !ok {
		return nil, bad("highest version", "%s is not supported by crypto/tls (TLS 1.0 to 1.3 are)", cfg.HighestSupportedVersion())
	}
	if lo > hi {
		return nil, bad("versions", "lowest version %s is above highest version %s", trust.Version(lo), trust.Version(hi))
	}
	tc.MinVersion, tc.MaxVersion = lo, hi
	suites, err := cipherSuites(cfg.Ciphers(), lo, hi)
	if err != nil {
		return nil, &trust.ConfigurationError{Backend: backend, Field: "ciphers", Msg: err.Error()}
	}
	tc.CipherSuites = suites
	for _, p := range cfg.InnerProtocols() {
		if p == "" || len(p) > 255 {
			return nil, bad("inner protocols", "ALPN protocol %q must be 1 to 255 bytes", string(p))
		}
		tc.NextProtos = append(tc.NextProtos, string(p))
	}
	chainMax := uint16(0)
	for i, ch := range cfg.CertificateChains() {
		c, err := tlsCertificate(ch)
		if err != nil {
			return nil, bad("certificate chain", "chain #%d: %v", i+1, err)
		}
		tc.Certificates = append(tc.Certificates, c)
		v := hi
		if m, ok := ch.PrivateKey.(tlsVersionLimiter); ok {
			if v, err = m.MaxTLSVersion(lo, hi); err != nil {
				return nil, bad("certificate chain", "chain #%d: %v", i+1, err)
			}
		}
		chainMax = max(chainMax, v)
	}
	if chainMax != 0 && chainMax < hi {
		// Every key stops below the configured maximum (an HSM RSA key
		// without RSA-PSS cannot do TLS 1.3): fall back, since lowest
		// still allows the version the keys can do.
		tc.MaxVersion = chainMax
	}
	return tc, nil
}

// tlsVersionLimiter is implemented by keys whose token limits the TLS
// versions they can serve (package pkcs11: an RSA key without RSA-PSS stops
// at TLS 1.2). It returns the highest usable version in [min, max], or an
// error saying why none is.
type tlsVersionLimiter interface {
	MaxTLSVersion(min, max uint16) (uint16, error)
}

// cipherSuites maps the configured suites onto crypto/tls, refusing what it
// cannot honour. nil means the defaults.
func cipherSuites(list []trust.CipherSuite, lo, hi uint16) ([]uint16, error) {
	if len(list) == 0 {
		if lo > tls.VersionTLS12 {
			return nil, nil
		}
		return slices.Clone(defaultTLS12Suites), nil
	}
	var tls12 []uint16
	var tls13 []trust.CipherSuite
	var unsupported []string
	for _, s := range list {
		switch {
		case s.IsTLS13():
			if !slices.Contains(goTLS13Suites, s) {
				unsupported = append(unsupported, s.String())
				continue
			}
			tls13 = append(tls13, s)
		case !s.GoSupported():
			unsupported = append(unsupported, s.String())
		default:
			tls12 = append(tls12, uint16(s))
		}
	}
	if len(unsupported) > 0 {
		return nil, fmt.Errorf("crypto/tls cannot do %s; remove %s from the list", strings.Join(unsupported, ", "), plural(len(unsupported), "it", "them"))
	}
	wants13 := hi >= tls.VersionTLS13
	wants12 := lo <= tls.VersionTLS12
	if wants13 && len(tls13) > 0 && len(tls13) < len(goTLS13Suites) {
		return nil, fmt.Errorf("crypto/tls cannot restrict TLS 1.3 cipher suites (it always uses TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256): list all three or none and set the highest version to TLSv1.2")
	}
	if wants13 && len(tls13) == 0 {
		if !wants12 || len(tls12) == 0 {
			return nil, fmt.Errorf("the list allows no suite for the enabled versions %s to %s", trust.Version(lo), trust.Version(hi))
		}
		return nil, fmt.Errorf("the list names no TLS 1.3 suite but TLS 1.3 is enabled, and crypto/tls always uses its TLS 1.3 suites: add TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256, or set the highest version to TLSv1.2")
	}
	if wants12 && len(tls12) == 0 {
		if !wants13 {
			return nil, fmt.Errorf("the list allows no suite for the enabled versions %s to %s", trust.Version(lo), trust.Version(hi))
		}
		return nil, fmt.Errorf("the list names only TLS 1.3 suites but TLS 1.2 or lower is enabled: set the lowest version to TLSv1.3, or add TLS 1.2 suites")
	}
	return tls12, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// tlsCertificate turns a trust.CertificateChain into a tls.Certificate,
// restricting signature schemes to what the key can do.
func tlsCertificate(ch trust.CertificateChain) (tls.Certificate, error) {
	if len(ch.Certificates) == 0 {
		return tls.Certificate{}, fmt.Errorf("no certificates")
	}
	if ch.PrivateKey == nil {
		return tls.Certificate{}, fmt.Errorf("certificate %q has no private key", ch.Certificates[0].Subject.CommonName)
	}
	if !publicKeysMatch(ch.Certificates[0], ch.PrivateKey.Public()) {
		return tls.Certificate{}, fmt.Errorf("the private key does not match certificate %q (check that key and certificate files belong together)", ch.Certificates[0].Subject.CommonName)
	}
	c := tls.Certificate{PrivateKey: ch.PrivateKey, Leaf: ch.Certificates[0]}
	for _, x := range ch.Certificates {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	if s, ok := ch.PrivateKey.(trust.SignatureSchemer); ok {
		c.SupportedSignatureAlgorithms = s.SupportedSignatureSchemes()
		if len(c.SupportedSignatureAlgorithms) == 0 {
			return tls.Certificate{}, fmt.Errorf("the key of %q supports no TLS signature scheme", ch.Certificates[0].Subject.CommonName)
		}
	}
	return c, nil
}

func publicKeysMatch(c *x509.Certificate, pub any) bool {
	k, ok := pub.(interface{ Equal(x crypto.PublicKey) bool })
	if !ok {
		return true // unknown key type: let the handshake decide
	}
	return k.Equal(c.PublicKey)
}
