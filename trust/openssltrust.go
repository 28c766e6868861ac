package trust

import (
	"encoding/asn1"
	"encoding/pem"
)

var (
	oidAnyEKU     = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
	oidServerAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidClientAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
	oidCodeSign   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}
	oidEmail      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
)

// UsageForOID maps an extended-key-usage OID to a Usage.
func UsageForOID(oid asn1.ObjectIdentifier) (Usage, bool) {
	switch {
	case oid.Equal(oidServerAuth):
		return UsageServerAuth, true
	case oid.Equal(oidClientAuth):
		return UsageClientAuth, true
	case oid.Equal(oidCodeSign):
		return UsageCodeSigning, true
	case oid.Equal(oidEmail):
		return UsageEmail, true
	case oid.Equal(oidAnyEKU):
		return UsageAny, true
	}
	return 0, false
}

// openSSLTrusts indexes the trust attributes of TRUSTED CERTIFICATE blocks by
// certificate DER.
func openSSLTrusts(data []byte) map[string]*openSSLTrust {
	var out map[string]*openSSLTrust
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		if b.Type != "TRUSTED CERTIFICATE" {
			continue
		}
		c, t, err := parseTrustedCertificate(b.Bytes)
		if err != nil {
			continue // reported by the certificate parser
		}
		if out == nil {
			out = map[string]*openSSLTrust{}
		}
		out[string(c.Raw)] = t
	}
}

// applyOpenSSLTrust applies OpenSSL's aux trust semantics: a reject list
// naming a purpose (or anyExtendedKeyUsage) removes it; a trust list
// restricts the anchor to the purposes it names. Rejecting every purpose is
// distrust.
func applyOpenSSLTrust(a *Anchor, t *openSSLTrust) {
	rejected := map[Usage]bool{}
	for _, oid := range t.Reject {
		if u, ok := UsageForOID(oid); ok {
			if u == UsageAny {
				a.Distrusted = true
				return
			}
			rejected[u] = true
		}
	}
	var purposes []Usage
	if len(t.Trust) > 0 {
		for _, oid := range t.Trust {
			if u, ok := UsageForOID(oid); ok && !rejected[u] {
				purposes = append(purposes, u)
			}
		}
		if len(purposes) == 0 {
			a.Distrusted = true
			return
		}
	} else if len(rejected) > 0 {
		for _, u := range []Usage{UsageServerAuth, UsageClientAuth, UsageEmail, UsageCodeSigning} {
			if !rejected[u] {
				purposes = append(purposes, u)
			}
		}
	}
	a.Purposes = purposes
}
