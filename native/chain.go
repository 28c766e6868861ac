package native

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"
)

// completeChain completes an identity whose certificate or key came from a
// token or OS store (pkcs11:, capi:, mackms:), whichever argument named
// it, with that store's CA certificates: issuer by issuer, each a CA whose
// signature on the previous certificate checks, stopping before a
// self-signed root (peers have their own), never adding a certificate
// that does not chain. When the certificates themselves came from a store,
// the leaf is the one certifying the private key, so a URI naming several
// certificates still yields leaf-first order (see rebuild). Chains from
// files, and OS-built chains that start with the key's certificate, are
// kept as given and only extended.
func completeChain(chain trust.CertificateChain, uri string, c *loadConfig) (trust.CertificateChain, error) {
	if len(chain.Certificates) == 0 || chain.PrivateKey == nil {
		return chain, nil
	}
	specs := []string{uri}
	if c.keyURI != "" {
		specs = append(specs, c.keyURI)
	}
	var pool []*x509.Certificate
	fromStore := false
	for _, s := range specs {
		scheme, rest := schemeOf(s)
		if scheme == "file" {
			continue
		}
		fromStore = true
		certs, err := storeCertificates(scheme, rest, c)
		if err != nil {
			return chain, fmt.Errorf("reading the %s: store's CA certificates to complete the chain of %q: %w", scheme, chain.Certificates[0].Subject, err)
		}
		pool = append(pool, certs...)
	}
	if !fromStore {
		return chain, nil
	}
	certs := chain.Certificates
	if scheme, _ := schemeOf(uri); rebuild(scheme, chain.PrivateKey, certs) {
		if leaf := certifying(chain.PrivateKey, certs); leaf != nil {
			pool = append(append([]*x509.Certificate(nil), certs...), pool...)
			certs = []*x509.Certificate{leaf}
		}
	}
	chain.Certificates = extendChain(certs, pool)
	return chain, nil
}

// rebuild reports whether certificates loaded by URI are to be re-chained
// from the leaf: always for a token (a pkcs11: URI may name any set of
// certificates, in any order), and for an OS store (whose chain the OS
// built, leaf first, checked by its own engine) only when the first
// certificate is not the key's.
func rebuild(scheme string, key crypto.Signer, certs []*x509.Certificate) bool {
	switch scheme {
	case "file":
		return false
	case "pkcs11":
		return true
	}
	return certifying(key, certs[:1]) == nil
}

// storeCertificates returns the certificates of the store a URI names: for
// pkcs11:, every certificate on the token (object, id and type dropped);
// for capi: and mackms:, the identity's chain as the OS built it.
func storeCertificates(scheme, rest string, c *loadConfig) ([]*x509.Certificate, error) {
	if scheme != "pkcs11" {
		s := lookupScheme(scheme, rest)
		if s == nil {
			return nil, unknownScheme(scheme)
		}
		return s.certificates(rest, c)
	}
	certs, err := pkcs11Certificates(tokenOnly(rest), c)
	if errors.Is(err, pkcs11.ErrCertificateNotFound) {
		return nil, nil // a token holding only the key
	}
	return certs, err
}

// tokenOnly removes the object, id and type path attributes of a pkcs11:
// URI, leaving the token (and module, PIN) selection.
func tokenOnly(uri string) string {
	path, query, hasQuery := strings.Cut(strings.TrimPrefix(uri, "pkcs11:"), "?")
	var keep []string
	for _, attr := range strings.Split(path, ";") {
		name, _, _ := strings.Cut(attr, "=")
		switch strings.ToLower(name) {
		case "object", "id", "type", "":
			continue
		}
		keep = append(keep, attr)
	}
	out := "pkcs11:" + strings.Join(keep, ";")
	if hasQuery {
		out += "?" + query
	}
	return out
}

// certifying returns the certificate among certs whose public key is key's.
func certifying(key crypto.Signer, certs []*x509.Certificate) *x509.Certificate {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := key.Public().(equaler)
	if !ok {
		return nil
	}
	for _, c := range certs {
		if pub.Equal(c.PublicKey) {
			return c
		}
	}
	return nil
}

// extendChain appends to chain, from pool, the issuer of its last
// certificate while there is one that is a CA, signed it, is not already
// in the chain and is not a self-signed root. Bounded by the pool's size.
func extendChain(chain, pool []*x509.Certificate) []*x509.Certificate {
	out := append([]*x509.Certificate(nil), chain...)
	for range pool {
		cur := out[len(out)-1]
		if selfIssued(cur) {
			break
		}
		next := issuerIn(cur, pool, out)
		if next == nil || selfIssued(next) {
			break
		}
		out = append(out, next)
	}
	return out
}

// issuerIn returns the CA in pool that issued cur and is not in have.
func issuerIn(cur *x509.Certificate, pool, have []*x509.Certificate) *x509.Certificate {
	for _, c := range pool {
		if !c.IsCA || !bytes.Equal(c.RawSubject, cur.RawIssuer) || containsCert(have, c) {
			continue
		}
		if cur.CheckSignatureFrom(c) == nil {
			return c
		}
	}
	return nil
}

func selfIssued(c *x509.Certificate) bool { return bytes.Equal(c.RawIssuer, c.RawSubject) }

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}
