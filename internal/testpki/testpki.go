// Package testpki makes throwaway certificate hierarchies for tests, the
// doctor self-test and benchmarks. Nothing it makes should be trusted
// outside the process that made it.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync/atomic"
	"time"
)

// KeyType selects the key algorithm of a generated certificate.
type KeyType int

// Key algorithms.
const (
	ECDSAP256 KeyType = iota
	RSA2048
	// RSA512 is a deliberately weak 512-bit RSA key, for tests that a
	// verifier refuses it. crypto/rsa no longer makes or uses such keys, so
	// the key can only be certified, never sign.
	RSA512
	// RSA1024 is a 1024-bit RSA key (accepted by the default profile,
	// refused by the strict one).
	RSA1024
	ECDSAP384
)

// Clock is the fixed time of tests that use Clock-based windows (see At): a
// certificate made with At(Clock) is valid from a day before Clock for a
// year, whatever the real date.
var Clock = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// At returns Options valid from a day before t for a year.
func At(t time.Time) Options {
	return Options{NotBefore: t.Add(-24 * time.Hour), NotAfter: t.Add(365 * 24 * time.Hour)}
}

// Cert is a generated certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Options tweak a generated certificate. Zero values give a certificate
// valid from an hour ago for a year.
type Options struct {
	KeyType         KeyType
	NotBefore       time.Time
	NotAfter        time.Time
	DNSNames        []string
	IPs             []net.IP
	EKUs            []x509.ExtKeyUsage // nil: serverAuth+clientAuth for leaves, none for CAs
	MaxPathLen      int                // for CAs: -1 means unset
	AIA             []string           // caIssuers URLs
	OCSP            []string           // OCSP server URLs
	ExtraExtensions []pkix.Extension
	// PermittedDNSDomains, for intermediates, become a critical
	// nameConstraints extension permitting only these DNS subtrees.
	PermittedDNSDomains []string
	// CA, for leaves, makes the certificate assert cA=TRUE (as
	// `openssl req -x509` certificates do) with keyCertSign.
	CA bool
}

var serial atomic.Int64

func newKey(t KeyType) crypto.Signer {
	var k crypto.Signer
	var err error
	switch t {
	case RSA2048:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case RSA1024:
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case RSA512:
		k, err = weakRSAKey(512)
	case ECDSAP384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		panic(err)
	}
	return k
}

func (o *Options) window() (time.Time, time.Time) {
	nb, na := o.NotBefore, o.NotAfter
	if nb.IsZero() {
		nb = time.Now().Add(-time.Hour)
	}
	if na.IsZero() {
		na = nb.Add(365 * 24 * time.Hour)
	}
	return nb, na
}

// caTemplate is the template of a CA certificate named cn, valid as o says.
func caTemplate(cn string, o Options) *x509.Certificate {
	nb, na := o.window()
	return &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtraExtensions:       o.ExtraExtensions,
	}
}

// Root makes a self-signed CA.
func Root(cn string, o Options) *Cert {
	return sign(caTemplate(cn, o), newKey(o.KeyType), nil)
}

// Intermediate makes a CA certificate issued by parent.
func (parent *Cert) Intermediate(cn string, o Options) *Cert {
	tmpl := caTemplate(cn, o)
	tmpl.IssuingCertificateURL, tmpl.OCSPServer = o.AIA, o.OCSP
	tmpl.ExtKeyUsage = o.EKUs
	tmpl.PermittedDNSDomains = o.PermittedDNSDomains
	tmpl.PermittedDNSDomainsCritical = len(o.PermittedDNSDomains) > 0
	return sign(tmpl, newKey(o.KeyType), parent)
}

// Leaf makes an end-entity certificate issued by parent. Its common name is
// the first DNS name, or "leaf".
func (parent *Cert) Leaf(o Options) *Cert {
	key := newKey(o.KeyType)
	nb, na := o.window()
	cn := "leaf"
	if len(o.DNSNames) > 0 {
		cn = o.DNSNames[0]
	}
	ekus := o.EKUs
	if ekus == nil {
		ekus = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	ku := x509.KeyUsageDigitalSignature
	if _, isRSA := key.Public().(*rsa.PublicKey); isRSA {
		ku |= x509.KeyUsageKeyEncipherment
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              ku,
		ExtKeyUsage:           ekus,
		DNSNames:              o.DNSNames,
		IPAddresses:           o.IPs,
		BasicConstraintsValid: true,
		IssuingCertificateURL: o.AIA,
		OCSPServer:            o.OCSP,
		ExtraExtensions:       o.ExtraExtensions,
	}
	if o.CA {
		tmpl.IsCA, tmpl.KeyUsage = true, tmpl.KeyUsage|x509.KeyUsageCertSign
	}
	return sign(tmpl, key, parent)
}

// sign is Issue for the constructors, which panic on error.
func sign(tmpl *x509.Certificate, key crypto.Signer, parent *Cert) *Cert {
	c, err := Issue(tmpl, key, parent)
	if err != nil {
		panic(err)
	}
	return c
}

// create signs tmpl for pub with signer, issued by parent (nil: by tmpl
// itself), and parses the result: the one place testpki makes a
// certificate.
func create(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer) (*x509.Certificate, error) {
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// PEM returns the certificate as PEM.
func (c *Cert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns the private key as PKCS#8 PEM.
func (c *Cert) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// ChainPEM concatenates the PEM of certs.
func ChainPEM(certs ...*Cert) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, c.PEM()...)
	}
	return out
}

// Chain returns the x509 certificates of certs.
func Chain(certs ...*Cert) []*x509.Certificate {
	out := make([]*x509.Certificate, len(certs))
	for i, c := range certs {
		out[i] = c.Cert
	}
	return out
}

// weakRSAKey makes an RSA key of the given size (below crypto/rsa's
// minimum) from two random primes. It is only ever certified.
func weakRSAKey(bits int) (*rsa.PrivateKey, error) {
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, err := rand.Prime(rand.Reader, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := rand.Prime(rand.Reader, bits/2)
		if err != nil {
			return nil, err
		}
		n := new(big.Int).Mul(p, q)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if p.Cmp(q) == 0 || n.BitLen() != bits || d == nil {
			continue
		}
		return &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}, nil
	}
}

// CRL returns a CRL issued by ca at thisUpdate, valid for a week, listing
// revoked (with cRLNumber 1, as RFC 5280 5.2.3 requires).
func (ca *Cert) CRL(thisUpdate time.Time, revoked ...*Cert) *x509.RevocationList {
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(1),
		ThisUpdate: thisUpdate,
		NextUpdate: thisUpdate.Add(7 * 24 * time.Hour),
	}
	for _, r := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: r.Cert.SerialNumber, RevocationTime: thisUpdate.Add(-time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca.Cert, ca.Key)
	if err != nil {
		panic(fmt.Sprintf("testpki: CRL: %v", err))
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		panic(err)
	}
	return crl
}

// Issue signs a hand-made template for key's public key with parent's key
// (self-signed when parent is nil), for tests that need fields Root,
// Intermediate and Leaf do not offer. A nil SerialNumber gets the next
// serial; tmpl's validity is used as it is: set it from Clock for a fixed
// clock.
func Issue(tmpl *x509.Certificate, key crypto.Signer, parent *Cert) (*Cert, error) {
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(serial.Add(1))
	}
	var issuer *x509.Certificate
	signer := key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	c, err := create(tmpl, key.Public(), issuer, signer)
	if err != nil {
		return nil, fmt.Errorf("testpki: %q: %w", tmpl.Subject.CommonName, err)
	}
	return &Cert{Cert: c, Key: key}, nil
}

// IssueCRL signs a hand-made CRL template with issuer (whose Cert may be
// a modified copy, e.g. without keyUsage, to test CRL validation).
func IssueCRL(tmpl *x509.RevocationList, issuer *Cert) (*x509.RevocationList, error) {
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer.Cert, issuer.Key)
	if err != nil {
		return nil, fmt.Errorf("testpki: CRL: %w", err)
	}
	return x509.ParseRevocationList(der)
}
