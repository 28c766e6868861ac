package native

// SchemeSupport says whether this binary, on this OS, can load keys,
// certificates or trust stores named by a URI scheme, and if not, why.
type SchemeSupport struct {
	Scheme    string // "file", "pkcs11", "capi", "mackms", or "keychain" (the password source)
	Available bool
	Reason    string // why not, or a note on what it needs at run time
}

// Schemes reports the URI schemes of the vocabulary (see LoadIdentity) and
// the keychain: password source, for feature detection and `nativetls doctor`.
func Schemes() []SchemeSupport {
	return []SchemeSupport{
		{Scheme: "file", Available: true},
		{Scheme: "pkcs11", Available: pkcs11Available, Reason: pkcs11Note},
		{Scheme: "capi", Available: capiAvailable, Reason: capiNote},
		{Scheme: "mackms", Available: mackmsAvailable, Reason: mackmsNote},
		{Scheme: "keychain", Available: secretStoreAvailable, Reason: secretStoreNote},
	}
}
