package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/smallstep/pkcs7"
)

// Certificates are *x509.Certificate values: Go already has the opaque
// certificate type PEP 543 asks backends for, and certificates that live in
// an OS store or on a token are returned as the same type by the platform
// packages.

// CertificateError reports certificate data that could not be parsed.
type CertificateError struct {
	Source string // file path or "buffer"
	Index  int    // 0-based index of the PEM block or DER object, -1 for the whole input
	Err    error
}

func (e *CertificateError) Error() string {
	where := e.Source
	if where == "" {
		where = "buffer"
	}
	if e.Index >= 0 {
		where = fmt.Sprintf("%s (certificate #%d)", where, e.Index+1)
	}
	return fmt.Sprintf("trust: cannot read certificate from %s: %s", where, errtext.Bare("trust", e.Err))
}

// Unwrap returns the parse error.
func (e *CertificateError) Unwrap() error { return e.Err }

// ErrNoCertificates means the input held no certificate at all.
var ErrNoCertificates error = errtext.New("trust", "no certificate found (expected PEM \"CERTIFICATE\" blocks, DER, or a PKCS#7 bundle)")

// ParseCertificates reads every certificate in data: PEM (CERTIFICATE,
// TRUSTED CERTIFICATE without its trust attributes, PKCS7 blocks), a DER
// certificate, or a DER PKCS#7 bundle (.p7b/.p7c). PEM blocks of other types
// (keys, parameters) are ignored; a CERTIFICATE block that does not parse is
// an error naming its index. An input without certificates is an error
// wrapping ErrNoCertificates.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	return parseCertificates(data, "buffer")
}

// LoadCertificates reads every certificate in the file at path (see
// ParseCertificates for the formats). Only a regular file of at most
// safefile.DefaultMax (16 MiB) is read; a device, FIFO or larger file is an
// error wrapping safefile.ErrNotRegular or safefile.ErrTooLarge.
func LoadCertificates(path string) ([]*x509.Certificate, error) {
	data, err := readCertFile(path)
	if err != nil {
		return nil, err
	}
	return parseCertificates(data, path)
}

// readCertFile reads a certificate or bundle file named by a user or a
// configuration, refusing what is not a regular file of sane size.
func readCertFile(path string) ([]byte, error) {
	data, err := safefile.Read(path, 0)
	if err != nil {
		return nil, &CertificateError{Source: path, Index: -1, Err: err}
	}
	return data, nil
}

func parseCertificates(data []byte, source string) (certs []*x509.Certificate, err error) {
	defer func() {
		// The last line: no certificate file, however made, may crash the
		// program.
		if r := recover(); r != nil {
			certs, err = nil, &CertificateError{Source: source, Index: -1, Err: fmt.Errorf("internal error while parsing (%v)", r)}
		}
	}()
	if isPEM(data) {
		return parsePEMCertificates(data, source)
	}
	if len(data) == 0 || data[0] != 0x30 {
		// Not PEM and not a DER SEQUENCE: not certificate data at all
		// (a README in a certificate directory, say).
		return nil, &CertificateError{Source: source, Index: -1, Err: ErrNoCertificates}
	}
	if c, err := x509.ParseCertificate(data); err == nil {
		return []*x509.Certificate{c}, nil
	} else if certs, p7err := parsePKCS7(data); p7err == nil {
		return certs, nil
	} else {
		return nil, &CertificateError{Source: source, Index: -1,
			Err: fmt.Errorf("not PEM, and neither a DER certificate (%v) nor a DER PKCS#7 bundle (%v)", err, p7err)}
	}
}

func isPEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN "))
}

func parsePEMCertificates(data []byte, source string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for i := 0; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE", "X509 CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, &CertificateError{Source: source, Index: i, Err: err}
			}
			certs = append(certs, c)
			i++
		case "TRUSTED CERTIFICATE":
			c, _, err := parseTrustedCertificate(block.Bytes)
			if err != nil {
				return nil, &CertificateError{Source: source, Index: i, Err: err}
			}
			certs = append(certs, c)
			i++
		case "PKCS7", "CERTIFICATE CHAIN":
			p7, err := parsePKCS7(block.Bytes)
			if err != nil {
				return nil, &CertificateError{Source: source, Index: i, Err: err}
			}
			certs = append(certs, p7...)
			i += len(p7)
		}
	}
	if len(certs) == 0 {
		return nil, &CertificateError{Source: source, Index: -1, Err: ErrNoCertificates}
	}
	return certs, nil
}

func parsePKCS7(der []byte) (certs []*x509.Certificate, err error) {
	defer func() {
		// The PKCS#7 parser is third-party code fed untrusted bytes; never
		// let a bug in it take the program down.
		if r := recover(); r != nil {
			certs, err = nil, fmt.Errorf("malformed PKCS#7 data (%v)", r)
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("PKCS#7: %w", err)
	}
	if len(p7.Certificates) == 0 {
		return nil, fmt.Errorf("PKCS#7 bundle holds no certificates")
	}
	return p7.Certificates, nil
}
