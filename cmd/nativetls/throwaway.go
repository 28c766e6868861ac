package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"time"
)

// throwawayPKI is a CA made for one run of doctor's self-test and a server
// certificate it issued for localhost and the loopback addresses. Keys stay
// in memory and die with the process.
type throwawayPKI struct {
	ca      *x509.Certificate
	leaf    *x509.Certificate
	leafKey *ecdsa.PrivateKey
}

func newThrowawayPKI(at time.Time) (*throwawayPKI, error) {
	nb, na := at.Add(-time.Hour).Truncate(time.Second), at.Add(24*time.Hour).Truncate(time.Second)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "nativetls doctor throwaway CA"},
		NotBefore: nb, NotAfter: na, IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	ca, caKey, err := issue(caT, nil, nil)
	if err != nil {
		return nil, err
	}
	lT := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:   nb, NotAfter: na,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leaf, leafKey, err := issue(lT, ca, caKey)
	if err != nil {
		return nil, err
	}
	return &throwawayPKI{ca: ca, leaf: leaf, leafKey: leafKey}, nil
}

// issue makes a new P-256 key and a certificate for it from tmpl, signed
// by parent's key (self-signed when parent is nil).
func issue(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}
