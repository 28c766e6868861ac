package profile

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

func tlv(tag byte, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	if len(body) > 127 {
		panic("tlv: long form not needed by the seeds")
	}
	return append([]byte{tag, byte(len(body))}, body...)
}

// FuzzExtraConstraints parses arbitrary nameConstraints and subjectAltName
// values with the directoryName / otherName code: it must never panic.
func FuzzExtraConstraints(f *testing.F) {
	name, _ := asn1.Marshal(pkix.Name{Organization: []string{"Acme"}}.ToRDNSequence())
	dir := tlv(0xa4, name)
	f.Add(tlv(0x30, tlv(0xa0, tlv(0x30, dir))), name)
	f.Add(tlv(0x30, tlv(0xa1, tlv(0x30, tlv(0xa0, tlv(0x06, []byte{0x2a}))))), []byte{0x30, 0})
	f.Fuzz(func(t *testing.T, nc, name []byte) {
		c := &x509.Certificate{Extensions: []pkix.Extension{{Id: OIDExtNameConstraints, Value: nc}, {Id: OIDExtSubjectAltName, Value: nc}}, RawSubject: name}
		ec, _ := parseExtraConstraints(c)
		sanForms(c)
		for _, b := range append(ec.permittedDN, ec.excludedDN...) {
			nameWithin(name, b)
		}
		CheckExtraConstraints([]*x509.Certificate{c, c})
	})
}

// FuzzPolicyQualifiers parses arbitrary certificatePolicies values: the
// parser returns a verdict, never panics, and accepts a value only when it
// is a well-formed list.
func FuzzPolicyQualifiers(f *testing.F) {
	anyPolicy := tlv(0x06, []byte{0x55, 0x1d, 0x20, 0x00})
	cps := tlv(0x06, []byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01})
	f.Add(tlv(0x30, tlv(0x30, anyPolicy, tlv(0x30, tlv(0x30, cps, tlv(0x16, []byte{'x'}))))))
	f.Add(tlv(0x30, tlv(0x30, anyPolicy, tlv(0x30, tlv(0x30, tlv(0x06, []byte{0x2a}), tlv(0x16, []byte{'x'}))))))
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		if unknownPolicyQualifier(der) == "" && len(der) < 4 {
			t.Fatalf("accepted %x, too short to hold a policy", der)
		}
	})
}

// TestPolicyQualifiers: CPS and user-notice qualifiers pass, others and
// garbage do not.
func TestPolicyQualifiers(t *testing.T) {
	anyPolicy := tlv(0x06, []byte{0x55, 0x1d, 0x20, 0x00})
	cps := tlv(0x06, []byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01})
	if msg := unknownPolicyQualifier(tlv(0x30, tlv(0x30, anyPolicy, tlv(0x30, tlv(0x30, cps, tlv(0x16, []byte{'x'})))))); msg != "" {
		t.Errorf("CPS qualifier refused: %s", msg)
	}
	if msg := unknownPolicyQualifier(tlv(0x30, tlv(0x30, anyPolicy))); msg != "" {
		t.Errorf("policy without qualifiers refused: %s", msg)
	}
	for _, bad := range [][]byte{tlv(0x30, tlv(0x30, anyPolicy, tlv(0x30, tlv(0x30, tlv(0x06, []byte{0x2a}), tlv(0x16, []byte{'x'}))))), {0x30, 0}, {0x31}} {
		if unknownPolicyQualifier(bad) == "" {
			t.Errorf("accepted %x", bad)
		}
	}
}
