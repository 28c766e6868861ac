package profile

import (
	"crypto/x509"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidQualifierCPS    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 1}
	oidQualifierNotice = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 2}
)

// checkCriticalPolicyQualifiers: RFC 5280 4.2.1.4, a certificatePolicies
// extension marked critical may carry only the qualifiers the verifier
// understands (id-qt-cps and id-qt-unotice); Chrome refuses any other, as
// it cannot know what the issuer made its use conditional on. Checked for
// every certificate below the anchor.
func checkCriticalPolicyQualifiers(in *Input) (*x509.Certificate, string) {
	for _, c := range in.nonAnchors() {
		e := FindExt(c, OIDExtCertPolicies)
		if e == nil || !e.Critical {
			continue
		}
		if msg := unknownPolicyQualifier(e.Value); msg != "" {
			return c, msg
		}
	}
	return nil, ""
}

// unknownPolicyQualifier parses a certificatePolicies value:
//
//	certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
//	PolicyInformation ::= SEQUENCE {
//	    policyIdentifier   CertPolicyId,
//	    policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
//	PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OID, qualifier ANY }
//
// and returns what is wrong: a qualifier other than CPS or user notice, or
// an extension that does not parse. "" means it is acceptable.
func unknownPolicyQualifier(der []byte) string {
	in := cryptobyte.String(der)
	var policies cryptobyte.String
	if !in.ReadASN1(&policies, cbasn1.SEQUENCE) || !in.Empty() || policies.Empty() {
		return "its critical certificatePolicies extension cannot be parsed (RFC 5280 4.2.1.4)"
	}
	for !policies.Empty() {
		var info, quals cryptobyte.String
		var id asn1.ObjectIdentifier
		var hasQuals bool
		if !policies.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1ObjectIdentifier(&id) ||
			!info.ReadOptionalASN1(&quals, &hasQuals, cbasn1.SEQUENCE) || !info.Empty() {
			return "its critical certificatePolicies extension cannot be parsed (RFC 5280 4.2.1.4)"
		}
		for !quals.Empty() {
			var q cryptobyte.String
			var qid asn1.ObjectIdentifier
			if !quals.ReadASN1(&q, cbasn1.SEQUENCE) || !q.ReadASN1ObjectIdentifier(&qid) {
				return "its critical certificatePolicies extension cannot be parsed (RFC 5280 4.2.1.4)"
			}
			if !qid.Equal(oidQualifierCPS) && !qid.Equal(oidQualifierNotice) {
				return "its critical certificatePolicies extension carries the policy qualifier " + qid.String() +
					", which this verifier does not understand (RFC 5280 4.2.1.4; only id-qt-cps and id-qt-unotice are)"
			}
		}
	}
	return ""
}
