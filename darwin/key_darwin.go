package darwin

import (
	"crypto/x509"
	"errors"
	"fmt"
	"sync"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// keyHandle owns a SecKeyRef (released by close).
type keyHandle struct {
	key sec.Ref
}

// algorithms caches SecKeyAlgorithm constants by name (dlsym once each).
var algorithms sync.Map // string → sec.Ref

// algorithmRef returns the SecKeyAlgorithm constant with that name.
func algorithmRef(name string) (sec.Ref, error) {
	if r, ok := algorithms.Load(name); ok {
		return r.(sec.Ref), nil
	}
	r, err := sec.SecurityConstant(name)
	if err != nil || r == 0 {
		return 0, fmt.Errorf("%w: %s is not available on this macOS", ErrUnsupported, name)
	}
	algorithms.Store(name, r)
	return r, nil
}

// supports asks SecKeyIsAlgorithmSupported about a SecKeyAlgorithm name.
func (h *keyHandle) supports(algorithm string) bool {
	alg, err := algorithmRef(algorithm)
	return err == nil && sec.SecKeyIsAlgorithmSupported(h.key, alg)
}

// sign runs SecKeyCreateSignature over a digest.
func (h *keyHandle) sign(algorithm string, digest []byte) ([]byte, error) {
	alg, err := algorithmRef(algorithm)
	if err != nil {
		return nil, err
	}
	data := sec.CFDataCreate(digest)
	defer sec.CFRelease(data)
	sig, cfErr := sec.SecKeyCreateSignature(h.key, alg, data)
	if sig == 0 {
		return nil, cfErrorErr("SecKeyCreateSignature", cfErr)
	}
	defer sec.CFRelease(sig)
	return sec.CFDataBytes(sig), nil
}

func (h *keyHandle) close() {
	sec.CFRelease(h.key)
	h.key = 0
}

// openIdentity finds the identities the URI may name, selects one and
// returns its private key and certificate chain.
func openIdentity(u *KeyURI) (*keyHandle, []*x509.Certificate, error) {
	if err := available(); err != nil {
		return nil, nil, err
	}
	var rel releaser
	defer rel.release()
	ids, infos, err := queryIdentities(u, &rel)
	if err != nil {
		return nil, nil, err
	}
	i, err := selectIdentity(u, infos)
	if err != nil {
		return nil, nil, err
	}
	key, st := sec.SecIdentityCopyPrivateKey(ids[i])
	if err := statusErr("SecIdentityCopyPrivateKey", st); err != nil {
		return nil, nil, err
	}
	chain := identityChain(infos[i].Cert)
	return &keyHandle{key: key}, chain, nil
}

// queryIdentities asks the keychains the URI selects (the default search
// list, or u.Keychain) for every identity, with the attributes a mackms:
// URI can match on. The references stay valid until rel is released.
func queryIdentities(u *KeyURI, rel *releaser) ([]sec.Ref, []identityInfo, error) {
	query := rel.add(sec.CFDictionaryCreateMutable())
	sec.CFDictionarySetValue(query, sec.KSecClass, sec.KSecClassIdentity)
	sec.CFDictionarySetValue(query, sec.KSecReturnRef, sec.KCFBooleanTrue)
	sec.CFDictionarySetValue(query, sec.KSecReturnAttributes, sec.KCFBooleanTrue)
	sec.CFDictionarySetValue(query, sec.KSecMatchLimit, sec.KSecMatchLimitAll)
	if u.Keychain != "" {
		kc, err := openKeychain(u.Keychain)
		if err != nil {
			return nil, nil, err
		}
		rel.add(kc)
		list := rel.add(sec.CFArrayCreateMutable())
		sec.CFArrayAppendValue(list, kc)
		sec.CFDictionarySetValue(query, sec.KSecMatchSearchList, list)
	}
	if u.SecureEnclaveSet && u.SecureEnclave && sec.KSecUseDataProtectionKeychain != 0 {
		sec.CFDictionarySetValue(query, sec.KSecUseDataProtectionKeychain, sec.KCFBooleanTrue)
	}
	result, st := sec.SecItemCopyMatching(query)
	if st == -25300 { // errSecItemNotFound
		return nil, nil, fmt.Errorf("%w: the searched keychains hold no identities (certificate with private key)", ErrNotFound)
	}
	if err := statusErr("SecItemCopyMatching", st); err != nil {
		return nil, nil, err
	}
	rel.add(result)
	if sec.CFGetTypeID(result) != sec.CFArrayGetTypeID() {
		one := rel.add(sec.CFArrayCreateMutable())
		sec.CFArrayAppendValue(one, result)
		result = one
	}
	ids, infos := identityInfos(result, rel)
	return ids, infos, nil
}

// ListIdentities lists the identities (certificates whose private key is in
// a keychain, the Secure Enclave or a smart card) of the default keychain
// search list, or of the keychain file at keychain when it is not empty.
// Each carries the mackms: URI that opens it.
func ListIdentities(keychain string) ([]Identity, error) {
	if err := available(); err != nil {
		return nil, err
	}
	var rel releaser
	defer rel.release()
	_, infos, err := queryIdentities(&KeyURI{Keychain: keychain}, &rel)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return identitiesFromInfos(infos, keychain), nil
}

// identityInfos reads each result dictionary (kSecValueRef plus the
// attributes) into an identityInfo; identities whose certificate cannot
// be read are skipped.
func identityInfos(result sec.Ref, rel *releaser) ([]sec.Ref, []identityInfo) {
	var ids []sec.Ref
	var infos []identityInfo
	for i := 0; i < sec.CFArrayGetCount(result); i++ {
		d := sec.CFArrayGetValueAtIndex(result, i)
		id := d
		if sec.CFGetTypeID(d) == sec.CFDictionaryGetTypeID() {
			id = sec.CFDictionaryGetValue(d, sec.KSecValueRef)
		} else {
			d = 0 // a bare identity: no attributes
		}
		if id == 0 {
			continue
		}
		c, st := sec.SecIdentityCopyCertificate(id)
		if st != 0 {
			continue
		}
		cert, err := x509.ParseCertificate(certDER(c))
		sec.CFRelease(c)
		if err != nil {
			continue
		}
		info := identityInfo{Cert: cert, CertLabel: stringValue(d, sec.KSecAttrLabel)}
		if k, st := sec.SecIdentityCopyPrivateKey(id); st == 0 {
			attrs := rel.add(sec.SecKeyCopyAttributes(k))
			info.KeyLabel = stringValue(attrs, sec.KSecAttrLabel)
			info.KeyHash = dataValue(attrs, sec.KSecAttrApplicationLabel)
			info.KeyTag = dataValue(attrs, sec.KSecAttrApplicationTag)
			info.TokenID = stringValue(attrs, sec.KSecAttrTokenID)
			sec.CFRelease(k)
		}
		ids = append(ids, id)
		infos = append(infos, info)
	}
	return ids, infos
}

// identityChain builds the chain to send for an identity's certificate
// with a basic X.509 evaluation (keychains only, no network); on failure
// the certificate alone is returned.
func identityChain(leaf *x509.Certificate) []*x509.Certificate {
	p := verifyPlan{Certs: [][]byte{leaf.Raw}, Policy: policyBasic}
	r, err := evaluate(&p)
	if err != nil || len(r.Chain) == 0 {
		return []*x509.Certificate{leaf}
	}
	built, err := parseAll(r.Chain)
	if err != nil || len(built) == 0 || !built[0].Equal(leaf) {
		return []*x509.Certificate{leaf}
	}
	return chainFromTrust(built)
}

// openKeychain opens a keychain file (Create rule).
func openKeychain(path string) (sec.Ref, error) {
	kc, st := sec.SecKeychainOpen(path)
	if err := statusErr("SecKeychainOpen", st); err != nil {
		return 0, fmt.Errorf("keychain %s: %w", path, err)
	}
	return kc, nil
}
