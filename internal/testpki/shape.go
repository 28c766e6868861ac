package testpki

import (
	"crypto/x509"
	"time"
)

// Span returns Options valid from notBefore to notAfter, for tests whose
// certificates must outlive the fixed clock they verify at.
func Span(notBefore, notAfter time.Time) Options {
	return Options{NotBefore: notBefore, NotAfter: notAfter}
}

// FromTemplate signs tmpl, a template the test wrote for fields Root,
// Intermediate and Leaf do not set (a key usage or EKU mix, a missing
// basicConstraints …), for a fresh ECDSA P-256 key, issued by parent (nil:
// self-signed). A nil SerialNumber gets the next serial. tmpl must set
// NotBefore and NotAfter (tests use a fixed clock). It panics on error,
// like the other constructors.
func FromTemplate(tmpl *x509.Certificate, parent *Cert) *Cert {
	return DarwinSign(tmpl, nil, parent)
}
