package native

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// capiClientIdentities lists the certificates of the capi: store a URI
// names (capi:store=My, capi:store-location=machine;store=My); each that is
// not a CA is an identity whose CNG key is opened by its thumbprint when
// chosen.
func capiClientIdentities(spec string, load []LoadOption) ([]trust.ClientIdentity, error) {
	loc, store, whole, err := capiStore(spec)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	if whole {
		certs, err = windows.ListStore(loc, store)
	} else {
		certs, err = windows.FindCertificates(spec)
	}
	if err != nil {
		return nil, err
	}
	locName := "user"
	if loc == windows.LocalMachine {
		locName = "machine"
	}
	return leafIdentities(certs, func(i int, id *trust.ClientIdentity) {
		sum := sha1.Sum(certs[i].Raw)
		id.Source = fmt.Sprintf("capi:store-location=%s;store=%s;sha1=%s", locName, store, strings.ToUpper(hex.EncodeToString(sum[:])))
		id.OpenKey = openKeyLater(id.Source, load)
	}), nil
}

// capiStore reads the store a capi: URI names. A URI with only
// store-location= and store= (no certificate selector) names the whole
// store; otherwise ParseCAPIURI's rules apply.
func capiStore(spec string) (loc windows.Location, store string, whole bool, err error) {
	path, _, _ := strings.Cut(spec[len("capi:"):], "?")
	loc, store, whole = windows.CurrentUser, "My", true
	for _, attr := range strings.Split(path, ";") {
		k, v, _ := strings.Cut(attr, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "":
		case "store-location":
			if loc, err = windows.ParseLocation(v); err != nil {
				return 0, "", false, err
			}
		case "store":
			store = v
		default:
			whole = false
		}
	}
	if !whole {
		u, err := windows.ParseCAPIURI(spec)
		if err != nil {
			return 0, "", false, err
		}
		return u.Location, u.Store, false, nil
	}
	return loc, store, true, nil
}
