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
)

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
	EKUs            []x509.ExtKeyUsage // nil: serverAuth+clientAuth for leaves
	MaxPathLen      int                // for CAs: -1 means unset
	AIA             []string           // caIssuers URLs
	OCSP            []string           // OCSP server URLs
	ExtraExtensions []pkix.Extension
}

var serial atomic.Int64

func newKey(t KeyType) crypto.Signer {
	var k crypto.Signer
	var err error
	switch t {
	case RSA2048:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
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

// Root makes a self-signed CA.
func Root(cn string, o Options) *Cert {
	key := newKey(o.KeyType)
	nb, na := o.window()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtraExtensions:       o.ExtraExtensions,
	}
	return sign(tmpl, key, nil)
}

// Intermediate makes a CA certificate issued by parent.
func (parent *Cert) Intermediate(cn string, o Options) *Cert {
	key := newKey(o.KeyType)
	nb, na := o.window()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"nativetls test"}},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		IssuingCertificateURL: o.AIA,
		OCSPServer:            o.OCSP,
		ExtraExtensions:       o.ExtraExtensions,
	}
	return sign(tmpl, key, parent)
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
	if o.KeyType == RSA2048 {
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
	return sign(tmpl, key, parent)
}

func sign(tmpl *x509.Certificate, key crypto.Signer, parent *Cert) *Cert {
	issuer, signer := tmpl, key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		panic(fmt.Sprintf("testpki: %v", err))
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &Cert{Cert: c, Key: key}
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
