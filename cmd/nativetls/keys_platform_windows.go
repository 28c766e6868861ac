package main

// platformIdentities lists Windows MY identities. The Windows key store is
// not wired into this build yet.
func platformIdentities() []storeKeys {
	return []storeKeys{{Store: "windows MY", Skipped: "not available in this build (the Windows backend's identity listing is not wired in yet)"}}
}
