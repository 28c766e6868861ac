// Package pkcs11 uses keys, certificates and trust objects held in PKCS#11
// modules (HSMs, smart cards, SoftHSM, p11-kit's trust module, NSS
// softokn) from Go.
//
// Keys are named by RFC 7512 pkcs11: URIs and returned as crypto.Signer
// (and crypto.Decrypter for RSA) values that crypto/tls uses directly:
//
//	key, err := pkcs11.OpenKey("pkcs11:token=web;object=server?pin-source=/etc/web.pin", nil)
//	chain, err := key.Chain()
//
// The private key never leaves the token; CKA_EXTRACTABLE is never needed.
// Sessions are pooled per token and recovered after the token closes them,
// logs out, or is removed and reinserted; a wrong PIN is reported once and
// never retried, so the token is never locked by this package.
//
// Module, Slots and FindObjects are the low-level interface used to read
// trust objects (CKO_CERTIFICATE, CKO_NSS_TRUST, CKO_X_*) from trust
// modules; the vendor constants they need are defined here.
//
// The package is built on github.com/miekg/pkcs11 and needs cgo. Without
// cgo it still builds (URI parsing works), and every constructor returns
// ErrNoCgo.
package pkcs11
