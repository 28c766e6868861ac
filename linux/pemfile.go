package linux

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/trust"
)

// certCache shares parsed certificates between the sources of one load:
// a Debian /etc/ssl/certs holds every certificate of the bundle a second
// (and, through hash links, third) time, and parsing dominates load time.
type certCache map[string]*x509.Certificate

func (c certCache) parse(der []byte) (*x509.Certificate, error) {
	if x, ok := c[string(der)]; ok {
		return x, nil
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	c[string(der)] = x
	return x, nil
}

var (
	pemBegin        = []byte("-----BEGIN ")
	pemTrustedBlock = []byte("-----BEGIN TRUSTED CERTIFICATE-----")
	pemPKCS7Block   = []byte("-----BEGIN PKCS7-----")
)

// readAnchorFile reads the anchors of one certificate file. Plain PEM files
// (the common case) are parsed here through the cache, skipping (and
// reporting) blocks that do not parse, as Go's AppendCertsFromPEM skips
// them; files with OpenSSL TRUSTED CERTIFICATE or PKCS#7 blocks, and DER
// files, are handed to trust.AnchorsFromFile, which keeps their trust
// attributes. A file that is neither PEM nor DER (a README) wraps
// trust.ErrNoCertificates.
func readAnchorFile(path string, cache certCache) ([]trust.Anchor, error) {
	// Regular files only, at most safefile.DefaultMax: SSL_CERT_FILE=/dev/zero
	// or a FIFO in SSL_CERT_DIR must not hang or exhaust the process.
	data, err := safefile.Read(path, 0)
	if err != nil {
		return nil, &trust.CertificateError{Source: path, Index: -1, Err: err}
	}
	isPEM := bytes.Contains(data, pemBegin)
	if !isPEM && (len(data) == 0 || data[0] != 0x30) {
		return nil, &trust.CertificateError{Source: path, Index: -1, Err: trust.ErrNoCertificates}
	}
	if !isPEM || bytes.Contains(data, pemTrustedBlock) || bytes.Contains(data, pemPKCS7Block) {
		return trust.AnchorsFromFile(path)
	}
	return parsePEMAnchors(path, data, cache)
}

// parsePEMAnchors reads the CERTIFICATE blocks of data through the cache;
// blocks that do not parse are reported and skipped.
func parsePEMAnchors(path string, data []byte, cache certCache) ([]trust.Anchor, error) {
	var anchors []trust.Anchor
	var errs []error
	rest := data
	for i := 0; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := cache.parse(b.Bytes)
		if err != nil {
			errs = append(errs, &trust.CertificateError{Source: path, Index: i, Err: err})
		} else {
			anchors = append(anchors, trust.Anchor{Certificate: c, Source: path})
		}
		i++
	}
	switch {
	case len(errs) > 0:
		return anchors, errors.Join(errs...)
	case len(anchors) == 0:
		return nil, &trust.CertificateError{Source: path, Index: -1, Err: fmt.Errorf("%w", trust.ErrNoCertificates)}
	}
	return anchors, nil
}
