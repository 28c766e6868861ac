package darwin

import (
	"crypto/x509"
	"sort"
)

// Identity is one keychain identity as ListIdentities reports it.
type Identity struct {
	// Certificate is the identity's certificate.
	Certificate *x509.Certificate
	// Label is the certificate item's label (usually its common name).
	Label string
	// SecureEnclave reports whether the private key is in the Secure Enclave.
	SecureEnclave bool
	// URI is the mackms: URI that opens this identity with OpenKey:
	// it names the key by its hash, which is unique.
	URI string
}

// identitiesFromInfos turns the FFI layer's identity descriptions into
// Identity values with the URI that selects each one, sorted by label.
func identitiesFromInfos(infos []identityInfo, keychain string) []Identity {
	out := make([]Identity, 0, len(infos))
	for _, in := range infos {
		u := KeyURI{Hash: in.hash(), Keychain: keychain}
		se := in.TokenID == seTokenID
		if se {
			u.SecureEnclave, u.SecureEnclaveSet = true, true
		}
		out = append(out, Identity{Certificate: in.Cert, Label: in.label(), SecureEnclave: se, URI: u.String()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
