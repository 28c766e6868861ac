package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// readCerts returns the certificates matching tmpl (class is added).
func readCerts(t *token, sh p11.SessionHandle, tmpl []*p11.Attribute) ([]*x509.Certificate, error) {
	tmpl = append([]*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_CERTIFICATE)}, tmpl...)
	hs, err := findHandles(t.ctx, sh, tmpl, 0)
	if err != nil {
		return nil, t.err("C_FindObjects", err, "certificates")
	}
	var out []*x509.Certificate
	for _, h := range hs {
		a, err := readAttrs(t.ctx, sh, h, []uint{p11.CKA_VALUE, p11.CKA_LABEL})
		if err != nil {
			return nil, t.err("C_GetAttributeValue", err, "certificate")
		}
		if len(a[p11.CKA_VALUE]) == 0 {
			continue
		}
		c, err := x509.ParseCertificate(a[p11.CKA_VALUE])
		if err != nil {
			return nil, fmt.Errorf("pkcs11: certificate %q on token %q does not parse: %v; re-import it as DER", a[p11.CKA_LABEL], t.label(), err)
		}
		out = append(out, c)
	}
	return out, nil
}

// certificate finds the key's certificate: same CKA_ID (or, without an id,
// the same label) and the same public key when that is known.
func (k *Key) certificate(sh p11.SessionHandle) (*x509.Certificate, error) {
	var tmpl []*p11.Attribute
	switch {
	case len(k.id) > 0:
		tmpl = []*p11.Attribute{p11.NewAttribute(p11.CKA_ID, k.id)}
	case k.label != "":
		tmpl = []*p11.Attribute{p11.NewAttribute(p11.CKA_LABEL, k.label)}
	default:
		return nil, fmt.Errorf("pkcs11: key %s has neither CKA_ID nor label to find its certificate: %w", k.uri.Redacted(), ErrCertificateNotFound)
	}
	certs, err := readCerts(k.t, sh, tmpl)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		if k.pub == nil || publicKeyEqual(c.PublicKey, k.pub) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("pkcs11: no certificate with the CKA_ID/label of key %s on token %q; import it with the key's id (pkcs11-tool --write-object cert.der --type cert --id ...): %w",
		k.uri.Redacted(), k.t.label(), ErrCertificateNotFound)
}

func publicKeyEqual(a, b any) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

// Certificate returns the certificate on the token that belongs to the
// key (same CKA_ID, or the same label when the key has no id).
func (k *Key) Certificate() (*x509.Certificate, error) {
	if k.closed.Load() {
		return nil, fmt.Errorf("pkcs11: %s: %w", k, ErrClosed)
	}
	var c *x509.Certificate
	err := k.t.do(func(sh p11.SessionHandle) error {
		var err error
		c, err = k.certificate(sh)
		return err
	}, nil)
	return c, err
}

// Chain returns the key's certificate followed by the CA certificates
// from the token that chain it up (issuer by issuer, signatures checked),
// stopping before a self-signed root. It is what a TLS server sends.
func (k *Key) Chain() ([]*x509.Certificate, error) {
	if k.closed.Load() {
		return nil, fmt.Errorf("pkcs11: %s: %w", k, ErrClosed)
	}
	var chain []*x509.Certificate
	err := k.t.do(func(sh p11.SessionHandle) error {
		leaf, err := k.certificate(sh)
		if err != nil {
			return err
		}
		all, err := readCerts(k.t, sh, nil)
		if err != nil {
			return err
		}
		chain = buildChain(leaf, all)
		return nil
	}, nil)
	return chain, err
}

// buildChain appends issuers from pool to leaf until a self-signed
// certificate or no issuer is found (bounded by the pool size).
func buildChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{leaf}
	cur := leaf
	for range pool {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
		var next *x509.Certificate
		for _, c := range pool {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && !c.Equal(cur) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil || bytes.Equal(next.RawIssuer, next.RawSubject) {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

// TLSCertificate returns a tls.Certificate with the token's chain, this
// key as PrivateKey, the leaf parsed, and SupportedSignatureAlgorithms set
// to what the token can do.
func (k *Key) TLSCertificate() (tls.Certificate, error) {
	chain, err := k.Chain()
	if err != nil {
		return tls.Certificate{}, err
	}
	tc := tls.Certificate{PrivateKey: k.Signer(), Leaf: chain[0], SupportedSignatureAlgorithms: k.SupportedSignatureSchemes()}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc, nil
}

// LoadTLSCertificate opens the key the URI names and returns its
// tls.Certificate, so a URI such as
// "pkcs11:token=web;object=server?pin-source=/etc/web.pin" alone configures
// a TLS server. The PrivateKey is the key's Signer(): close it (it is an
// io.Closer) when the server stops.
func LoadTLSCertificate(uri string, opts *Options) (tls.Certificate, error) {
	k, err := OpenKey(uri, opts)
	if err != nil {
		return tls.Certificate{}, err
	}
	tc, err := k.TLSCertificate()
	if err != nil {
		k.Close()
		return tls.Certificate{}, err
	}
	return tc, nil
}

var (
	_ io.Closer = (*Key)(nil)
	_ io.Closer = (*RSADecrypter)(nil)
)

// LoadCertificates returns the certificates on the token that match the
// URI's object and id (all certificates when neither is given). No login
// is done unless the URI or opts supply a PIN (some tokens hide
// certificates until then).
func LoadCertificates(uri string, opts *Options) ([]*x509.Certificate, error) {
	u, t, err := openTokenForReading(uri, "cert", "certificates", opts)
	if err != nil {
		return nil, err
	}
	defer t.close()
	tmpl := objectTemplate(u)
	var certs []*x509.Certificate
	err = t.do(func(sh p11.SessionHandle) error {
		certs, err = readCerts(t, sh, tmpl)
		return err
	}, nil)
	if err == nil && len(certs) == 0 {
		err = fmt.Errorf("pkcs11: no certificate on token %q matches %s: %w", t.label(), u.Redacted(), ErrCertificateNotFound)
	}
	return certs, err
}

func hasPINSource(u *URI, opts *Options) bool {
	return u.Has("pin-value") || u.PINSource != "" || (opts != nil && opts.PIN != nil)
}
