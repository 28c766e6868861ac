package native

import (
	"context"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"
)

// listKeys implements Backend.Keys: the objects of the token opts.URI
// selects, or the tokens of a PKCS#11 module followed by the OS key stores
// osStores lists.
func listKeys(opts trust.KeyListOptions, osStores func() []trust.KeyStore) ([]trust.KeyStore, error) {
	if opts.URI != "" {
		ks, err := tokenObjects(opts.URI, opts.Module, opts.PIN)
		if err != nil {
			return nil, err
		}
		return []trust.KeyStore{ks}, nil
	}
	mod := moduleTokens(opts.Module)
	if opts.Module != "" && mod.Err != nil {
		return nil, mod.Err // the caller named this module: it must open
	}
	stores := []trust.KeyStore{mod}
	if osStores != nil {
		stores = append(stores, osStores()...)
	}
	return stores, nil
}

// moduleName is how a module path is shown.
func moduleName(path string) string {
	if path == "" {
		return "pkcs11 module p11-kit-proxy.so (every module registered with p11-kit)"
	}
	return "pkcs11 module " + path
}

// moduleTokens lists the initialized tokens of a module, each with the
// number of objects visible without a PIN and the private keys hidden.
func moduleTokens(module string) trust.KeyStore {
	ks := trust.KeyStore{Name: moduleName(module), Kind: "pkcs11-module"}
	slots, err := pkcs11.Tokens(module)
	if err != nil {
		ks.Err = err
		return ks
	}
	for _, s := range slots {
		if s.Token == nil || s.Token.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
			continue // empty slot, or a token nobody initialized yet
		}
		ti := trust.TokenInfo{Slot: s.ID, Label: s.Token.Label, Manufacturer: s.Token.Manufacturer,
			Model: s.Token.Model, Serial: s.Token.Serial, URI: pkcs11.TokenURI(s.Token, module).String(), Objects: -1}
		if objs, err := pkcs11.ListObjects(ti.URI, nil); err == nil {
			ti.Objects, ti.HiddenPrivateKeys = len(objs), hiddenPrivateKeys(objs)
		}
		ks.HiddenPrivateKeys += ti.HiddenPrivateKeys
		ks.Tokens = append(ks.Tokens, ti)
	}
	return ks
}

// tokenObjects lists the objects of the token(s) uri selects.
func tokenObjects(uri, module string, pin trust.PasswordFunc) (trust.KeyStore, error) {
	opts := &pkcs11.Options{ModulePath: module}
	if pin != nil {
		opts.PIN = func(context.Context, string) (string, error) {
			b, err := pin()
			return string(b), err
		}
	}
	objs, err := pkcs11.ListObjects(uri, opts)
	if err != nil {
		return trust.KeyStore{}, err
	}
	ks := trust.KeyStore{Name: "pkcs11 token " + redactedURI(uri), Kind: "pkcs11-token"}
	for _, o := range objs {
		ks.Objects = append(ks.Objects, trust.KeyObject{Type: o.Type, Label: o.Label, ID: o.ID, KeyType: o.KeyType, URI: o.URI})
	}
	if u, err := pkcs11.ParseURI(uri); err == nil && pin == nil && (u.Type == "" || u.Type == "private") {
		ks.HiddenPrivateKeys = hiddenPrivateKeys(objs) // a type=cert listing would not show keys anyway
	}
	return ks, nil
}

// redactedURI shows a pkcs11: URI without its PIN.
func redactedURI(uri string) string {
	u, err := pkcs11.ParseURI(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	return u.Redacted()
}

// hiddenPrivateKeys counts the key IDs that a public key or an end-entity
// certificate carries but no visible private key does: on a token listed
// without a login, those private keys exist but are hidden (CKA_PRIVATE).
// CA certificates (a chain stored beside the key) have no key there.
func hiddenPrivateKeys(objs []pkcs11.ObjectInfo) int {
	visible := map[string]bool{}
	for _, o := range objs {
		if o.Type == "private" {
			visible[string(o.ID)] = true
		}
	}
	hidden := map[string]bool{}
	for _, o := range objs {
		if len(o.ID) == 0 || visible[string(o.ID)] || hidden[string(o.ID)] {
			continue
		}
		if o.Type == "public" || o.Type == "cert" && !isCACertificate(o.URI) {
			hidden[string(o.ID)] = true
		}
	}
	return len(hidden)
}

// isCACertificate reports whether the token certificate uri names is a CA
// (false when it cannot be read).
func isCACertificate(uri string) bool {
	certs, err := pkcs11.LoadCertificates(uri, nil)
	return err == nil && len(certs) == 1 && certs[0].IsCA
}
