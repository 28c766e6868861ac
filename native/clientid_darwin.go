package native

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

// mackmsClientIdentities lists the identities (certificate with private
// key) of the keychain a mackms: URI names (mackms: alone: the default
// search list; mackms:keychain=PATH: that keychain); each key is opened
// when chosen.
func mackmsClientIdentities(spec string, load []LoadOption) ([]trust.ClientIdentity, error) {
	u, err := darwin.ParseKeyURI(spec)
	if err != nil {
		return nil, err
	}
	ids, err := darwin.ListIdentities(u.Keychain)
	if err != nil {
		return nil, err
	}
	out := make([]trust.ClientIdentity, 0, len(ids))
	for _, id := range ids {
		keyURI := id.URI
		out = append(out, trust.ClientIdentity{Chain: []*x509.Certificate{id.Certificate}, Source: keyURI,
			OpenKey: openKeyLater(keyURI, load)})
	}
	return out, nil
}
