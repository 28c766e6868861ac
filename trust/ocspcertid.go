package trust

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"golang.org/x/crypto/ocsp"
)

// golang.org/x/crypto/ocsp picks a response's entry by serial number only.
// A serial number is unique per issuer, not globally: an entry with the
// leaf's serial may be about another CA's certificate. checkOCSPCertID
// requires the entry the library picked to name the leaf's issuer (RFC 6960
// §4.1.1 CertID: hashes of the issuer's name and public key).

// The response shapes golang.org/x/crypto/ocsp decodes.
type ocspResponseASN1 struct {
	Status   asn1.Enumerated
	Response struct {
		ResponseType asn1.ObjectIdentifier
		Response     []byte
	} `asn1:"explicit,tag:0,optional"`
}

type ocspBasicResponse struct {
	TBSResponseData struct {
		Raw            asn1.RawContent
		Version        int `asn1:"optional,default:0,explicit,tag:0"`
		RawResponderID asn1.RawValue
		ProducedAt     time.Time `asn1:"generalized"`
		Responses      []ocspSingleResponse
	}
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
	Certificates       []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type ocspSingleResponse struct {
	CertID struct {
		HashAlgorithm pkix.AlgorithmIdentifier
		NameHash      []byte
		IssuerKeyHash []byte
		SerialNumber  *big.Int
	}
	Good    asn1.Flag `asn1:"tag:0,optional"`
	Revoked struct {
		RevocationTime time.Time       `asn1:"generalized"`
		Reason         asn1.Enumerated `asn1:"explicit,tag:0,optional"`
	} `asn1:"tag:1,optional"`
	Unknown          asn1.Flag        `asn1:"tag:2,optional"`
	ThisUpdate       time.Time        `asn1:"generalized"`
	NextUpdate       time.Time        `asn1:"generalized,explicit,tag:0,optional"`
	SingleExtensions []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

var errOCSPOtherIssuer = errors.New("the response is about a certificate of another issuer with the same serial number")

// checkOCSPCertID checks that the entry of der that resp was read from (the
// first one with the leaf's serial) names issuer.
func checkOCSPCertID(der []byte, resp *ocsp.Response, leaf, issuer *x509.Certificate) error {
	var r ocspResponseASN1
	var b ocspBasicResponse
	if _, err := asn1.Unmarshal(der, &r); err != nil {
		return err
	}
	if _, err := asn1.Unmarshal(r.Response.Response, &b); err != nil {
		return err
	}
	reqDER, err := ocsp.CreateRequest(leaf, issuer, &ocsp.RequestOptions{Hash: resp.IssuerHash})
	if err != nil {
		return err
	}
	want, err := ocsp.ParseRequest(reqDER)
	if err != nil {
		return err
	}
	for _, s := range b.TBSResponseData.Responses {
		if s.CertID.SerialNumber == nil || s.CertID.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
			continue
		}
		if !bytes.Equal(s.CertID.NameHash, want.IssuerNameHash) || !bytes.Equal(s.CertID.IssuerKeyHash, want.IssuerKeyHash) {
			return errOCSPOtherIssuer
		}
		return nil
	}
	return errOCSPOtherIssuer
}
