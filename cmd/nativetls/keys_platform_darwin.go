package main

// platformIdentities: the darwin package opens identities by mackms: URI but
// has no listing API yet, so keychain identities are not listed.
func platformIdentities() []storeKeys {
	return []storeKeys{{Store: "macOS keychain", Skipped: "listing keychain identities is not available in this build (name one with a mackms: URI; `security find-identity -v` lists them)"}}
}
