package trust

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"golang.org/x/crypto/ocsp"
)

// FuzzCheckOCSPResponse feeds arbitrary bytes where a server's stapled OCSP
// response goes: the checker must return an error or a response, never
// panic.
func FuzzCheckOCSPResponse(f *testing.F) {
	p := newVTPKI(f, vtChainOpts{})
	f.Add(makeOCSP(f, p, ocspSpec{status: ocsp.Good}))
	f.Add(makeOCSP(f, p, ocspSpec{status: ocsp.Revoked, responder: responderCert(f, p.Inter, true)}))
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, der []byte) {
		resp, err := CheckOCSPResponse(der, p.Leaf.Cert, p.Inter.Cert, vtNow)
		if err == nil && resp == nil {
			t.Fatal("nil response without error")
		}
	})
}

// FuzzMustStaple parses arbitrary TLS feature extension values.
func FuzzMustStaple(f *testing.F) {
	p := newVTPKI(f, vtChainOpts{leaf: mustStapleLeaf})
	f.Add(findExt(p.Leaf.Cert, oidExtTLSFeature).Value)
	f.Fuzz(func(t *testing.T, v []byte) {
		c := *p.Leaf.Cert
		c.Extensions = append(c.Extensions[:0:0], c.Extensions...)
		for i := range c.Extensions {
			if c.Extensions[i].Id.Equal(oidExtTLSFeature) {
				c.Extensions[i].Value = v
			}
		}
		MustStaple(&c)
	})
}

// FuzzExtraConstraints parses arbitrary nameConstraints and subjectAltName
// values with the directoryName / otherName code.
func FuzzExtraConstraints(f *testing.F) {
	f.Add(ncExt([][]byte{dirGN(pkix.Name{Organization: []string{"Acme"}})}, [][]byte{otherNameGN("x")}).Value, nameDER(pkix.Name{CommonName: "a"}))
	f.Fuzz(func(t *testing.T, nc, name []byte) {
		c := &x509.Certificate{Extensions: []pkix.Extension{{Id: oidExtNameConstraints, Value: nc}, {Id: oidExtSubjectAltName, Value: nc}}, RawSubject: name}
		ec, _ := parseExtraConstraints(c)
		sanForms(c)
		for _, b := range append(ec.permittedDN, ec.excludedDN...) {
			nameWithin(name, b)
		}
		checkExtraConstraints([]*x509.Certificate{c, c})
	})
}

// FuzzPolicyQualifiers parses arbitrary certificatePolicies values: the
// parser returns a verdict, never panics, and accepts a value only when it
// is a well-formed list.
func FuzzPolicyQualifiers(f *testing.F) {
	f.Add(policyExt(true, oidQualifierCPS).Value)
	f.Add(policyExt(true, asn1.ObjectIdentifier{1, 2, 3}).Value)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		if unknownPolicyQualifier(der) == "" && len(der) < 4 {
			t.Fatalf("accepted %x, too short to hold a policy", der)
		}
	})
}
