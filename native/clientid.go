package native

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// ClientIdentitySet is a trust.ClientIdentitySource over paths and URIs,
// for clients that choose their certificate at handshake time
// (trust.Configuration.WithClientIdentities):
//
//   - a file or a directory (not recursive; at most 256 files and 64 MiB,
//     a larger one is refused) of PEM, DER or PKCS#12: each
//     certificate whose key is in one of the files is an identity, the
//     other certificates complete the chains;
//   - a pkcs11: URI naming a token (or part of one): each non-CA certificate
//     is an identity with the key of the same CKA_ID, the CA certificates
//     complete the chains;
//   - capi: (Windows: capi:store=My) and mackms: (macOS: the keychain).
//
// Keys of tokens and OS stores are opened (and a PIN asked for) only for the
// identity chosen. The list is read once per context.
type ClientIdentitySet struct {
	specs []string
	load  []LoadOption
}

var _ trust.ClientIdentitySource = (*ClientIdentitySet)(nil)

// ClientIdentities returns the identity source for specs (each a path or
// URI; see ClientIdentitySet). Load options supply passwords and PINs. A
// spec with a scheme this build cannot serve is an error now.
func ClientIdentities(specs []string, opts ...LoadOption) (*ClientIdentitySet, error) {
	if len(specs) == 0 {
		return nil, errors.New("native: no client identity source given: name a file, directory, pkcs11: token, capi: store or mackms: keychain")
	}
	for _, s := range specs {
		scheme, _ := schemeOf(s)
		switch scheme {
		case "file", "pkcs11", "capi", "mackms":
		default:
			return nil, newLoadError(s, scheme, "client identities", unknownScheme(scheme))
		}
	}
	return &ClientIdentitySet{specs: append([]string(nil), specs...), load: append([]LoadOption(nil), opts...)}, nil
}

// ClientIdentities lists every identity of every spec, in order. Entries
// that cannot be used (a file neither certificate nor key, a token
// certificate without a key) are listed too, with Unusable set.
func (s *ClientIdentitySet) ClientIdentities() ([]trust.ClientIdentity, error) {
	var all []trust.ClientIdentity
	var errs []error
	for _, spec := range s.specs {
		ids, err := s.list(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, ids...)
	}
	if len(all) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, err := range errs {
		all = append(all, trust.ClientIdentity{Source: "(source)", Unusable: err})
	}
	return all, nil
}

func (s *ClientIdentitySet) list(spec string) ([]trust.ClientIdentity, error) {
	scheme, rest := schemeOf(spec)
	var ids []trust.ClientIdentity
	var err error
	switch scheme {
	case "file":
		ids, err = s.listFiles(rest)
	case "pkcs11":
		ids, err = s.listToken(spec)
	default: // capi:, mackms: (ClientIdentities let no other through)
		ids, err = lookupScheme(scheme, rest).clientIdentities(spec, s.load)
	}
	if err != nil {
		return nil, newLoadError(spec, scheme, "client identities", err)
	}
	return ids, nil
}

// listFiles reads a file or the regular files of a directory and pairs
// each key with the certificate it belongs to.
func (s *ClientIdentitySet) listFiles(path string) ([]trust.ClientIdentity, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		if files, err = regularFiles(path); err != nil {
			return nil, err
		}
	}
	c := newLoadConfig(s.load)
	var certs []*x509.Certificate
	var keys []crypto.Signer
	var keySrc []string
	var unusable []trust.ClientIdentity
	for _, f := range files {
		kind := lookupScheme("file", f) // PEM/DER, or PKCS#12 by extension
		fc, certErr := kind.certificates(f, c)
		certs = append(certs, fc...)
		k, keyErr := kind.key(f, c)
		if keyErr == nil {
			keys, keySrc = append(keys, k), append(keySrc, f)
		}
		if certErr != nil && keyErr != nil {
			unusable = append(unusable, trust.ClientIdentity{Source: f, Unusable: fmt.Errorf("neither certificate nor key: %v", certErr)})
		}
	}
	return append(pairKeys(certs, keys, keySrc), unusable...), nil
}

// A directory of client identities is read whole, every file parsed and
// every certificate kept: bound it, so that a directory that is not what
// the configuration meant (a home directory, /etc, a dump) is refused with
// a message instead of eating memory.
const (
	maxIdentityFiles = 256      // regular files in one directory source
	maxIdentityBytes = 64 << 20 // their total size
)

func regularFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	var total int64
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if len(out) == maxIdentityFiles {
			return nil, fmt.Errorf("native: the client identity directory %s holds more than %d files; keep only client certificates, their keys and CA certificates there", dir, maxIdentityFiles)
		}
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
		if total > maxIdentityBytes {
			return nil, fmt.Errorf("native: the files of the client identity directory %s add up to more than %d MiB; keep only client certificates, their keys and CA certificates there", dir, maxIdentityBytes>>20)
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

// pairKeys makes an identity of each certificate whose key is among keys;
// every other certificate joins each identity's chain as a CA candidate.
func pairKeys(certs []*x509.Certificate, keys []crypto.Signer, keySrc []string) []trust.ClientIdentity {
	var ids []trust.ClientIdentity
	var cas []*x509.Certificate
	used := map[*x509.Certificate]bool{}
	for i, k := range keys {
		for _, c := range certs {
			if !used[c] && publicKeysMatch(c, k.Public()) && !c.IsCA {
				used[c] = true
				key := k
				ids = append(ids, trust.ClientIdentity{Chain: []*x509.Certificate{c}, Source: keySrc[i],
					OpenKey: func() (crypto.Signer, error) { return key, nil }})
			}
		}
	}
	for _, c := range certs {
		if !used[c] {
			cas = append(cas, c)
		}
	}
	for i := range ids {
		ids[i].Chain = append(ids[i].Chain, cas...)
	}
	return ids
}

// listToken lists a token's certificates: each that is not a CA is an
// identity whose key has the same CKA_ID.
func (s *ClientIdentitySet) listToken(spec string) ([]trust.ClientIdentity, error) {
	certs, ids, err := tokenCertificates(spec, newLoadConfig(s.load))
	if err != nil {
		return nil, err
	}
	return leafIdentities(certs, func(i int, id *trust.ClientIdentity) {
		keyURI := pkcs11ObjectURI(spec, ids[i], "private")
		id.Source = RedactURI(keyURI)
		if len(ids[i]) == 0 {
			id.Unusable = errors.New("the certificate has no CKA_ID, so its key cannot be found")
		} else {
			id.OpenKey = openKeyLater(keyURI, s.load)
		}
	}), nil
}

// leafIdentities returns an identity for every certificate of certs that is
// not a CA, its chain completed by all the CA certificates of certs; fill
// sets the rest of certs[i]'s identity (its source and key).
func leafIdentities(certs []*x509.Certificate, fill func(i int, id *trust.ClientIdentity)) []trust.ClientIdentity {
	var cas []*x509.Certificate
	for _, c := range certs {
		if c.IsCA {
			cas = append(cas, c)
		}
	}
	var out []trust.ClientIdentity
	for i, c := range certs {
		if !c.IsCA {
			id := trust.ClientIdentity{Chain: append([]*x509.Certificate{c}, cas...)}
			fill(i, &id)
			out = append(out, id)
		}
	}
	return out
}

// openKeyLater returns the OpenKey of an identity whose key keyURI names:
// the key is loaded only when the identity is chosen.
func openKeyLater(keyURI string, load []LoadOption) func() (crypto.Signer, error) {
	return func() (crypto.Signer, error) { return LoadPrivateKey(keyURI, load...) }
}

// pkcs11ObjectURI rewrites a token URI to name the object with CKA_ID id
// and the given type, keeping the token, module and PIN attributes.
func pkcs11ObjectURI(spec string, id []byte, typ string) string {
	base := tokenOnly("pkcs11:" + spec[len("pkcs11:"):]) // the scheme in any case
	path, query, hasQuery := strings.Cut(base, "?")
	if !strings.HasSuffix(path, ":") {
		path += ";"
	}
	if id != nil {
		path += "id="
		for _, x := range id {
			path += fmt.Sprintf("%%%02x", x)
		}
		path += ";"
	}
	path += "type=" + typ
	if hasQuery {
		path += "?" + query
	}
	return path
}
