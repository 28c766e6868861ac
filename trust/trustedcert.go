package trust

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// openSSLTrust holds the trust attributes of an OpenSSL "TRUSTED CERTIFICATE"
// (X509_CERT_AUX): the purposes the certificate is trusted for and those it
// is explicitly rejected for.
type openSSLTrust struct {
	Trust  []asn1.ObjectIdentifier
	Reject []asn1.ObjectIdentifier
	Alias  string
}

// x509CertAux is OpenSSL's X509_CERT_AUX:
//
//	SEQUENCE { trust [SEQUENCE OF OID] OPTIONAL, reject [0] IMPLICIT SEQUENCE OF OID OPTIONAL,
//	           alias UTF8String OPTIONAL, keyid OCTET STRING OPTIONAL, other [1] ... }
type x509CertAux struct {
	Trust  []asn1.ObjectIdentifier `asn1:"optional"`
	Reject []asn1.ObjectIdentifier `asn1:"optional,tag:0"`
	Alias  string                  `asn1:"optional,utf8"`
	KeyID  []byte                  `asn1:"optional"`
	Other  asn1.RawValue           `asn1:"optional,tag:1"`
}

// parseTrustedCertificate parses the DER body of a PEM "TRUSTED CERTIFICATE"
// block: a certificate followed by OpenSSL's trust attributes.
func parseTrustedCertificate(der []byte) (*x509.Certificate, *openSSLTrust, error) {
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return nil, nil, fmt.Errorf("TRUSTED CERTIFICATE: %w", err)
	}
	c, err := x509.ParseCertificate(raw.FullBytes)
	if err != nil {
		return nil, nil, err
	}
	t := &openSSLTrust{}
	if len(rest) == 0 {
		return c, t, nil
	}
	var aux x509CertAux
	if _, err := asn1.Unmarshal(rest, &aux); err != nil {
		return nil, nil, fmt.Errorf("TRUSTED CERTIFICATE trust attributes: %w", err)
	}
	t.Trust, t.Reject, t.Alias = aux.Trust, aux.Reject, aux.Alias
	return c, t, nil
}
