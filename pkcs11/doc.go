// Package pkcs11 uses keys, certificates and trust objects held in PKCS#11
// modules (HSMs, smart cards, SoftHSM, p11-kit's trust module, NSS
// softokn) from Go.
//
// # Keys
//
// Keys are named by RFC 7512 pkcs11: URIs (ParseURI parses them exactly)
// and opened as *Key, a crypto.Signer that crypto/tls uses directly:
//
//	cert, err := pkcs11.LoadTLSCertificate("pkcs11:token=web;object=server?pin-source=/etc/web.pin", nil)
//	srv := &tls.Config{Certificates: []tls.Certificate{cert}}
//
// The module comes from Options.ModulePath, the URI's module-path, its
// module-name (looked up in p11-kit's module configuration), or else
// p11-kit-proxy.so. The private key never leaves the token;
// CKA_EXTRACTABLE is never needed. Signing covers RSA PKCS #1 v1.5
// (DigestInfo + CKM_RSA_PKCS: a crypto.Signer receives a digest, so the
// hash-and-sign CKM_SHA*_RSA_PKCS mechanisms cannot be used), RSA-PSS,
// ECDSA P-256/P-384/P-521 and Ed25519 (CKM_EDDSA). RSA keys also decrypt
// through Key.Decrypter; *Key itself is deliberately not a
// crypto.Decrypter, because crypto/tls treats every Decrypter as an RSA
// key. SupportedSignatureSchemes and MaxTLSVersion say what the token can
// do, so a server never offers a scheme the token lacks.
//
// # Sessions and recovery
//
// Each Key has a bounded pool of sessions (URI max-sessions,
// Options.MaxSessions, or the token's ulMaxSessionCount). A session that
// fails because it was closed, logged out, or its token removed is
// discarded with the idle ones, a new session is opened and logged in,
// the key handle is found again, and the operation is retried once. If the
// module itself is wedged (SoftHSM after its token directory vanished and
// came back), the module is finalized and initialized again, waiting for
// calls in flight. Dead sessions never return to the pool. A wrong PIN is
// reported once (ErrPINIncorrect) and never tried again, so this package
// never locks a token. CKA_ALWAYS_AUTHENTICATE keys get a
// context-specific login for every operation.
//
// # Trust modules
//
// Module (LoadModule, Slots, FindObjects) is the low-level interface used
// to read trust objects (CKO_CERTIFICATE, CKO_NSS_TRUST, CKO_X_*) from
// p11-kit's trust module and NSS softokn. Modules are loaded once per path
// per process and reference-counted, and only when the loading policy
// allows the file (see ModuleRefusedError): registered with p11-kit,
// root-owned in a system library directory, or allowed by the program
// (Options.AllowedModules) or the operator ($NATIVETLS_PKCS11_MODULES).
// Windows has no root-owned library directory this package can check, so
// there a module DLL loads only when listed.
//
// # Errors
//
// PKCS#11 failures are *Error values naming the function, the CKR_* code
// with a sentence, the module, token and object; errors.Is works with the
// exported sentinels (ErrPINIncorrect, ErrKeyNotFound, ErrAmbiguous,
// ErrTokenNotPresent, ErrModuleRefused, ...).
//
// # No cgo
//
// The package needs no cgo: modules are opened with dlopen through
// github.com/ebitengine/purego on Linux, macOS and FreeBSD and with
// LoadLibraryEx on Windows, and called through the CK_FUNCTION_LIST that
// C_GetFunctionList returns (internal/p11raw, which also states the C ABI
// of each platform). CGO_ENABLED=0 and =1 builds behave the same.
package pkcs11
