package main

// platformIdentities lists keychain identities. The macOS backend's listing is
// not wired into this build yet.
func platformIdentities() []storeKeys {
	return []storeKeys{{Store: "macOS keychain", Skipped: "not available in this build (the darwin backend's identity listing is not wired in yet)"}}
}
