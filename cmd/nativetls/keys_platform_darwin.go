package main

import "github.com/nativetls/nativetls/darwin"

// platformIdentities lists the identities of the default keychain search
// list, each with the mackms: URI that opens it.
func platformIdentities() []storeKeys {
	sk := storeKeys{Store: "macOS keychain"}
	ids, err := darwin.ListIdentities("")
	if err != nil {
		sk.Skipped = err.Error()
		return []storeKeys{sk}
	}
	for _, id := range ids {
		kind := "identity"
		if id.SecureEnclave {
			kind = "identity (Secure Enclave)"
		}
		sk.Identities = append(sk.Identities, objectJSON{Type: kind, Label: id.Label, URI: id.URI})
	}
	return []storeKeys{sk}
}
