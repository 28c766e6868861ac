package native

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// listStoreIdentities lists the certificates of the capi: store a URI
// names (capi:store=My, capi:store-location=machine;store=My); each that is
// not a CA is an identity whose CNG key is opened by its thumbprint when
// chosen.
func listStoreIdentities(scheme, spec string, load []LoadOption) ([]trust.ClientIdentity, error) {
	if scheme != "capi" {
		return nil, unsupportedScheme(scheme, "macOS keychain URIs")
	}
	u, err := windows.ParseCAPIURI(spec)
	if err != nil {
		return nil, err
	}
	certs, err := windows.FindCertificates(spec)
	if err != nil {
		return nil, err
	}
	var cas []*x509.Certificate
	for _, c := range certs {
		if c.IsCA {
			cas = append(cas, c)
		}
	}
	loc := "user"
	if u.Location == windows.LocalMachine {
		loc = "machine"
	}
	var out []trust.ClientIdentity
	for _, c := range certs {
		if c.IsCA {
			continue
		}
		sum := sha1.Sum(c.Raw)
		keyURI := fmt.Sprintf("capi:store-location=%s;store=%s;sha1=%s", loc, u.Store, strings.ToUpper(hex.EncodeToString(sum[:])))
		out = append(out, trust.ClientIdentity{Chain: append([]*x509.Certificate{c}, cas...), Source: keyURI,
			OpenKey: func() (crypto.Signer, error) { return LoadPrivateKey(keyURI, load...) }})
	}
	return out, nil
}
