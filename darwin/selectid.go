package darwin

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// seTokenID is the kSecAttrTokenID of keys held by the Secure Enclave
// (kSecAttrTokenIDSecureEnclave).
const seTokenID = "com.apple.setoken"

// identityInfo describes one keychain identity (a certificate whose private
// key is in a keychain, the Secure Enclave or a smart card) with the
// attributes a mackms: URI can select on. The FFI layer fills it from
// SecIdentityCopyCertificate, the certificate item's attributes and
// SecKeyCopyAttributes of the private key.
type identityInfo struct {
	Cert      *x509.Certificate
	CertLabel string // kSecAttrLabel of the certificate item (usually the common name)
	KeyLabel  string // kSecAttrLabel of the private key
	KeyHash   []byte // kSecAttrApplicationLabel of the private key
	KeyTag    []byte // kSecAttrApplicationTag of the private key
	TokenID   string // kSecAttrTokenID of the private key ("com.apple.setoken": Secure Enclave)
}

// hash returns the key's application label, computed from the
// certificate's public key when the keychain did not report one.
func (id identityInfo) hash() []byte {
	if len(id.KeyHash) > 0 || id.Cert == nil {
		return id.KeyHash
	}
	h, _ := keyHash(id.Cert.PublicKey)
	return h
}

// matches reports whether the identity satisfies every attribute of u
// except the tag, which selectIdentity handles.
func (id identityInfo) matches(u *KeyURI) bool {
	if u.Label != "" && u.Label != id.KeyLabel && u.Label != id.CertLabel &&
		(id.Cert == nil || u.Label != id.Cert.Subject.CommonName) {
		return false
	}
	if len(u.Hash) > 0 && !bytes.Equal(u.Hash, id.hash()) {
		return false
	}
	if u.Serial != nil && (id.Cert == nil || id.Cert.SerialNumber.Cmp(u.Serial) != 0) {
		return false
	}
	if u.SecureEnclaveSet && u.SecureEnclave != (id.TokenID == seTokenID) {
		return false
	}
	return true
}

// selectIdentity picks the one identity u names. With tag= given, the key
// tag must equal it ("tag=" matches any tag). Without tag=, identities whose
// key carries defaultTag are preferred and any tag is accepted when none
// does, as smallstep's mackms retries. No match is ErrNotFound; several are
// ErrAmbiguous with the hash= of each, so the user can pick one.
func selectIdentity(u *KeyURI, cands []identityInfo) (int, error) {
	var all, tagged []int
	for i, id := range cands {
		if !id.matches(u) {
			continue
		}
		switch {
		case u.TagSet && u.Tag != "" && string(id.KeyTag) != u.Tag:
			continue
		case u.TagSet:
			tagged = append(tagged, i)
		case string(id.KeyTag) == defaultTag:
			tagged = append(tagged, i)
		}
		all = append(all, i)
	}
	pick := tagged
	if len(pick) == 0 && !u.TagSet {
		pick = all
	}
	switch len(pick) {
	case 0:
		return -1, fmt.Errorf("%w: no identity (certificate with its private key) matches among the %d in the searched keychains; list them with `security find-identity -v`", ErrNotFound, len(cands))
	case 1:
		return pick[0], nil
	}
	var names []string
	for _, i := range pick {
		names = append(names, fmt.Sprintf("%q hash=%s", cands[i].label(), hex.EncodeToString(cands[i].hash())))
	}
	return -1, fmt.Errorf("%w: %d identities match (%s); add hash= to the URI to choose one", ErrAmbiguous, len(pick), strings.Join(names, ", "))
}

func (id identityInfo) label() string {
	switch {
	case id.CertLabel != "":
		return id.CertLabel
	case id.Cert != nil:
		return certLabel(id.Cert)
	}
	return id.KeyLabel
}

// chainFromTrust turns the chain a basic X.509 SecTrust evaluation built
// for an identity's certificate into the chain a TLS peer is sent: the
// leaf and its intermediates, without a self-signed root at the end.
func chainFromTrust(built []*x509.Certificate) []*x509.Certificate {
	if len(built) > 1 && isSelfIssued(built[len(built)-1]) {
		built = built[:len(built)-1]
	}
	return built
}
