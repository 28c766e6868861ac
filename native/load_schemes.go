package native

import (
	"crypto"
	"crypto/x509"
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/trust"
)

// scheme is one row of the vocabulary's table: what each loader does with
// a path or URI of that kind. It is the one place a new kind is added.
type scheme struct {
	name         string
	certificates func(rest string, c *loadConfig) ([]*x509.Certificate, error)
	key          func(rest string, c *loadConfig) (crypto.Signer, error)
	identity     func(rest string, c *loadConfig) (trust.CertificateChain, error)
	// trustStore builds a trust store; nil when the kind names identities,
	// not trust stores.
	trustStore func(spec, rest string) (trust.TrustStore, error)
	// clientIdentities lists the identities of an OS store a URI names
	// (ClientIdentitySet); nil for files and tokens, which it lists itself.
	clientIdentities func(spec string, load []LoadOption) ([]trust.ClientIdentity, error)
	available        bool
	note             string // why not available, or what it needs at run time
	fileKind         bool   // a kind of file (chosen by extension), not a URI scheme
}

// schemes is the table of the vocabulary. Files come in two kinds:
// PKCS#12 bundles (.p12, .pfx) and everything else.
var schemes = []*scheme{
	{name: "file", certificates: fileCertificates, key: fileKey, identity: fileIdentity,
		trustStore: fileTrustStore, available: true},
	{name: "pkcs12", certificates: pkcs12Certificates, key: pkcs12Key, identity: filePKCS12,
		trustStore: fileTrustStore, available: true, fileKind: true},
	{name: "pkcs11", certificates: pkcs11Certificates, key: pkcs11Key, identity: pkcs11Identity,
		trustStore: pkcs11TrustStore, available: pkcs11Available, note: pkcs11Note},
	capiScheme,
	mackmsScheme,
}

// unavailableScheme is the row of a scheme this OS cannot serve: every
// loader says why (unsupportedScheme), and Schemes reports note.
func unavailableScheme(name, why, note string) *scheme {
	fail := func() error { return unsupportedScheme(name, why) }
	return &scheme{name: name, note: note,
		certificates:     func(string, *loadConfig) ([]*x509.Certificate, error) { return nil, fail() },
		key:              func(string, *loadConfig) (crypto.Signer, error) { return nil, fail() },
		identity:         func(string, *loadConfig) (trust.CertificateChain, error) { return trust.CertificateChain{}, fail() },
		clientIdentities: func(string, []LoadOption) ([]trust.ClientIdentity, error) { return nil, fail() },
	}
}

// storeIdentity pairs the key an OS store opened with its certificate
// chain (capi:, mackms:).
func storeIdentity[K interface {
	crypto.Signer
	Chain() []*x509.Certificate
}](k K, err error) (trust.CertificateChain, error) {
	if err != nil {
		return trust.CertificateChain{}, err
	}
	return trust.CertificateChain{Certificates: k.Chain(), PrivateKey: k}, nil
}

// lookupScheme returns the row for a scheme as schemeOf splits it (a file
// path picks its file kind), or nil for an unknown scheme.
func lookupScheme(name, rest string) *scheme {
	if name == "file" && isPKCS12(rest) {
		name = "pkcs12"
	}
	for _, s := range schemes {
		if s.name == name {
			return s
		}
	}
	return nil
}

// unknownScheme is the error for a scheme outside the table.
func unknownScheme(name string) error {
	return errtext.With(ErrUnknownScheme, fmt.Sprintf(": %q", name+":"))
}

// ErrLoaderPanic is wrapped by the error a loader returns when reading its
// input crashed (a bug in a parser, recovered at the package boundary so
// that no input can crash the program).
var ErrLoaderPanic error = errtext.New("native", "the parser crashed on this input (a bug, recovered; please report it): the input is malformed in a way it did not expect")

// load runs one loader for uri through the table, turning every failure,
// a panic included, into a *LoadError that names uri without its secrets.
func load[T any](uri, what string, f func(s *scheme, rest string) (T, error)) (out T, err error) {
	name, rest := schemeOf(uri)
	defer func() {
		if r := recover(); r != nil {
			var zero T
			out, err = zero, newLoadError(uri, name, what, errtext.With(ErrLoaderPanic, " ("+scrub(fmt.Sprint(r), uri)+")"))
		}
	}()
	s := lookupScheme(name, rest)
	if s == nil {
		return out, newLoadError(uri, name, what, unknownScheme(name))
	}
	if out, err = f(s, rest); err != nil {
		return out, newLoadError(uri, name, what, err)
	}
	return out, nil
}

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
	var out []SchemeSupport
	for _, s := range schemes {
		if !s.fileKind {
			out = append(out, SchemeSupport{Scheme: s.name, Available: s.available, Reason: s.note})
		}
	}
	return append(out, SchemeSupport{Scheme: "keychain", Available: secretStoreAvailable, Reason: secretStoreNote})
}
