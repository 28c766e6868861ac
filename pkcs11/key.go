package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// Key is a private key on a PKCS#11 token. It is a crypto.Signer for RSA
// (PKCS #1 v1.5 and PSS), ECDSA (P-256, P-384, P-521) and Ed25519 keys;
// RSA keys decrypt through Decrypter (Key itself is not a
// crypto.Decrypter: crypto/tls would take any Decrypter for an RSA key).
// The key never leaves the token. A Key is safe for concurrent use; keys
// on one token share its session pool and login; Close releases the key,
// and the last key on a token releases its sessions and module handle.
type Key struct {
	t          *token
	req        *URI // the URI OpenKey was given
	uri        *URI // token and key attributes, no PIN
	label      string
	id         []byte
	keyType    uint
	pub        crypto.PublicKey
	alwaysAuth bool
	schemes    []tls.SignatureScheme
	mechs      map[uint]bool // the token's mechanisms this key may use (CKA_ALLOWED_MECHANISMS)

	mu        sync.RWMutex
	handle    p11.ObjectHandle
	handleGen uint64 // module generation the handle belongs to

	closeOnce sync.Once
	closed    atomic.Bool
}

var (
	_ crypto.Signer    = (*Key)(nil)
	_ crypto.Decrypter = (*RSADecrypter)(nil)
)

// RSADecrypter is an RSA Key seen as a crypto.Decrypter (and
// crypto.Signer). It is a separate type because crypto/tls treats every
// crypto.Decrypter as an RSA key, so *Key itself must not be one.
type RSADecrypter struct{ *Key }

// Decrypter returns the key as a crypto.Decrypter; only RSA keys can
// decrypt (ErrUnsupported otherwise).
func (k *Key) Decrypter() (*RSADecrypter, error) {
	if _, ok := k.pub.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("pkcs11: %s is not an RSA key and cannot decrypt: %w", k, ErrUnsupported)
	}
	return &RSADecrypter{k}, nil
}

// Signer returns what to put in tls.Certificate.PrivateKey: the
// RSADecrypter for RSA keys (so TLS 1.2 RSA key exchange works when
// enabled), the Key itself otherwise.
func (k *Key) Signer() crypto.Signer {
	if d, err := k.Decrypter(); err == nil {
		return d
	}
	return k
}

// OpenKey finds the private key the URI names (by object label and/or id
// on the token the URI's token attributes select) and returns it ready to
// sign. Exactly one private key must match: none is ErrKeyNotFound,
// several is ErrAmbiguous. The PIN comes from pin-value, pin-source or
// opts.PIN; a wrong PIN is ErrPINIncorrect and is not retried.
func OpenKey(uri string, opts *Options) (*Key, error) {
	u, err := parseTypedURI(uri, "private", "a private key")
	if err != nil {
		return nil, err
	}
	t, err := openSharedToken(u, opts)
	if err != nil {
		return nil, err
	}
	k := &Key{t: t, req: u}
	if err := t.do(k.find, nil); err != nil {
		t.close()
		return nil, err
	}
	k.schemes = signatureSchemes(k.pub, k.mechs)
	return k, nil
}

// keyTemplate is the search template for the key the URI names.
func keyTemplate(u *URI, class uint) []*p11.Attribute {
	tmpl := append([]*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, class)}, objectTemplate(u)...)
	return tmpl
}

// find locates the private key and its public half on sh.
func (k *Key) find(sh p11.SessionHandle) error {
	t := k.t
	hs, err := findHandles(t.ctx, sh, keyTemplate(k.req, p11.CKO_PRIVATE_KEY), 2)
	if err != nil {
		return t.err("C_FindObjects", err, k.req.Redacted())
	}
	switch len(hs) {
	case 0:
		return fmt.Errorf("pkcs11: no private key on token %q matches %s (check object= and id=; list keys with ListObjects): %w",
			t.label(), k.req.Redacted(), ErrKeyNotFound)
	case 1:
	default:
		return fmt.Errorf("pkcs11: %s matches more than one private key on token %q; add object= or id=: %w",
			k.req.Redacted(), t.label(), ErrAmbiguous)
	}
	attrs, err := readAttrs(t.ctx, sh, hs[0], []uint{p11.CKA_KEY_TYPE, p11.CKA_LABEL, p11.CKA_ID,
		p11.CKA_ALWAYS_AUTHENTICATE, p11.CKA_MODULUS, p11.CKA_PUBLIC_EXPONENT, p11.CKA_EC_PARAMS, p11.CKA_PUBLIC_KEY_INFO})
	if err != nil {
		return t.err("C_GetAttributeValue", err, k.req.Redacted())
	}
	k.handle, k.handleGen = hs[0], t.mod.inst.gen
	k.label, k.id = string(attrs[p11.CKA_LABEL]), attrs[p11.CKA_ID]
	k.keyType = ulong(attrs[p11.CKA_KEY_TYPE])
	k.alwaysAuth = bytes.Equal(attrs[p11.CKA_ALWAYS_AUTHENTICATE], []byte{1})
	k.uri = k.keyURI()
	k.mechs = allowedMechanisms(t, sh, hs[0])
	pub, err := k.publicKey(sh, attrs)
	if err != nil {
		return err
	}
	k.pub = pub
	return nil
}

// keyURI is the URI of this key: the token's identity plus label and id.
func (k *Key) keyURI() *URI {
	ti := k.t.info
	u := &URI{Token: ti.Label, Manufacturer: ti.Manufacturer, Model: ti.Model, Serial: ti.Serial,
		Object: k.label, ID: k.id, Type: "private", ModulePath: k.t.mod.path}
	return u
}

// publicKey gets the public key from CKA_PUBLIC_KEY_INFO, the matching
// public key object, the matching certificate, or (RSA) the private key's
// own modulus and exponent.
func (k *Key) publicKey(sh p11.SessionHandle, priv map[uint][]byte) (crypto.PublicKey, error) {
	if spki := priv[p11.CKA_PUBLIC_KEY_INFO]; len(spki) > 0 {
		if pub, err := x509.ParsePKIXPublicKey(spki); err == nil {
			return pub, nil
		}
	}
	t := k.t
	match := &URI{Object: k.label, ID: k.id}
	if len(k.id) > 0 {
		match.Object = ""
	}
	var pubs []p11.ObjectHandle
	var err error
	if match.Object != "" || len(match.ID) > 0 {
		pubs, err = findHandles(t.ctx, sh, keyTemplate(match, p11.CKO_PUBLIC_KEY), 1)
	}
	if err == nil && len(pubs) == 1 {
		a, err := readAttrs(t.ctx, sh, pubs[0], []uint{p11.CKA_MODULUS, p11.CKA_PUBLIC_EXPONENT, p11.CKA_EC_PARAMS, p11.CKA_EC_POINT})
		if err == nil {
			if pub, err := pubFromAttrs(k.keyType, a); err == nil {
				return pub, nil
			}
		}
	}
	if c, err := k.certificate(sh); err == nil {
		return c.PublicKey, nil
	}
	if k.keyType == p11.CKK_RSA {
		return rsaPublicKey(priv[p11.CKA_MODULUS], priv[p11.CKA_PUBLIC_EXPONENT])
	}
	return nil, fmt.Errorf("pkcs11: private key %s on token %q has no public key object or certificate with the same CKA_ID; import one: %w",
		k.uri.Redacted(), t.label(), ErrKeyNotFound)
}

func pubFromAttrs(keyType uint, a map[uint][]byte) (crypto.PublicKey, error) {
	switch keyType {
	case p11.CKK_RSA:
		return rsaPublicKey(a[p11.CKA_MODULUS], a[p11.CKA_PUBLIC_EXPONENT])
	case p11.CKK_EC, p11.CKK_EC_EDWARDS:
		return ecPublicKey(a[p11.CKA_EC_PARAMS], a[p11.CKA_EC_POINT])
	}
	return nil, fmt.Errorf("pkcs11: key type %#x is not supported (RSA, EC, EC_EDWARDS): %w", keyType, ErrUnsupported)
}

// refind looks the key handle up again after a recovery (handles of
// private objects may change after a logout or token reinsertion).
func (k *Key) refind(sh p11.SessionHandle) error {
	t := k.t
	hs, err := findHandles(t.ctx, sh, keyTemplate(&URI{Object: k.label, ID: k.id, present: map[string]bool{"object": k.label != "", "id": len(k.id) > 0}}, p11.CKO_PRIVATE_KEY), 2)
	if err != nil {
		return t.err("C_FindObjects", err, k.uri.Redacted())
	}
	if len(hs) != 1 {
		return fmt.Errorf("pkcs11: key %s is gone from token %q after recovery: %w", k.uri.Redacted(), t.label(), ErrKeyNotFound)
	}
	k.mu.Lock()
	k.handle, k.handleGen = hs[0], t.mod.inst.gen
	k.mu.Unlock()
	return nil
}

// objHandle returns the key handle for use on sh, finding it again if
// the module was re-initialized since (old handle numbers may name other
// objects now). The caller holds the module's call lock.
func (k *Key) objHandle(sh p11.SessionHandle) (p11.ObjectHandle, error) {
	k.mu.RLock()
	h, gen := k.handle, k.handleGen
	k.mu.RUnlock()
	if gen == k.t.mod.inst.gen {
		return h, nil
	}
	if err := k.refind(sh); err != nil {
		return 0, err
	}
	return k.objHandle(sh)
}

// sigSize is the length of the raw signature the token returns (one
// C_Sign call with a buffer of that size; 0 asks the module first).
func (k *Key) sigSize() int {
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		return (pub.N.BitLen() + 7) / 8
	case *ecdsa.PublicKey:
		return 2 * ((pub.Curve.Params().BitSize + 7) / 8)
	case ed25519.PublicKey:
		return ed25519.SignatureSize
	}
	return 0
}

// Public returns the public key (*rsa.PublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey).
func (k *Key) Public() crypto.PublicKey { return k.pub }

// URI returns the key's URI: token identity, object label, id and
// module-path; never a PIN.
func (k *Key) URI() string { return k.uri.String() }

// SupportedSignatureSchemes returns the TLS signature schemes this key can
// produce with the mechanisms the token offers (PSS only if the token has
// CKM_RSA_PKCS_PSS). Put them in tls.Certificate.SupportedSignatureAlgorithms
// so crypto/tls never picks a scheme the token cannot do.
func (k *Key) SupportedSignatureSchemes() []tls.SignatureScheme {
	return append([]tls.SignatureScheme(nil), k.schemes...)
}

// MaxTLSVersion returns the highest TLS version in [min, max] (0 means
// TLS 1.2 and TLS 1.3) this key can serve with the token's mechanisms: an
// RSA key on a token without CKM_RSA_PKCS_PSS stops at TLS 1.2. If no
// version in the range works (e.g. min is TLS 1.3) the error says why, so
// a server configuration can fail clearly up front or cap MaxVersion.
func (k *Key) MaxTLSVersion(min, max uint16) (uint16, error) {
	v, err := usableTLSVersions(k.pub, k.schemes, min, max)
	if err != nil {
		return 0, fmt.Errorf("pkcs11: key %s on token %q: %v: %w", k.uri.Redacted(), k.t.label(), err, ErrUnsupported)
	}
	return v, nil
}

// Close releases the key's sessions and module handle, waiting for
// operations in flight. Close is idempotent.
func (k *Key) Close() error {
	err := ErrClosed
	k.closeOnce.Do(func() { k.closed.Store(true); err = k.t.close() })
	if err == ErrClosed {
		return nil
	}
	return err
}

// String names the key by its URI.
func (k *Key) String() string { return "pkcs11 key " + k.uri.Redacted() }

// Sign signs digest (the message itself for Ed25519) with the token key.
// RSA: opts *rsa.PSSOptions selects PSS (salt length equal to the hash for
// PSSSaltLengthEqualsHash and PSSSaltLengthAuto; explicit lengths must fit
// the key), anything else PKCS #1 v1.5 with a DigestInfo. ECDSA: returns an
// ASN.1 signature. Ed25519: opts.HashFunc() must be 0 (pure Ed25519, no
// context).
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		opts = crypto.Hash(0)
	}
	h := opts.HashFunc()
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			return k.signPSS(pub, pss, h, digest)
		}
		in, err := pkcs1Input(h, digest)
		if err != nil {
			return nil, err
		}
		return k.sign(p11.NewMechanism(ckmRSAPKCS, nil), in)
	case *ecdsa.PublicKey:
		if h != 0 && len(digest) != h.Size() {
			return nil, fmt.Errorf("pkcs11: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
		}
		rs, err := k.sign(p11.NewMechanism(ckmECDSA, nil), digest)
		if err != nil {
			return nil, err
		}
		return ecdsaASN1(rs)
	case ed25519.PublicKey:
		if h != 0 {
			return nil, fmt.Errorf("pkcs11: Ed25519ph (hash %v) is not supported; sign the message with crypto.Hash(0): %w", h, ErrUnsupported)
		}
		if eo, ok := opts.(*ed25519.Options); ok && eo.Context != "" {
			return nil, fmt.Errorf("pkcs11: Ed25519ctx is not supported: %w", ErrUnsupported)
		}
		return k.sign(p11.NewMechanism(p11.CKM_EDDSA, nil), digest)
	}
	return nil, fmt.Errorf("pkcs11: %s: unsupported key type %T: %w", k, k.pub, ErrUnsupported)
}

func (k *Key) signPSS(pub *rsa.PublicKey, opts *rsa.PSSOptions, h crypto.Hash, digest []byte) ([]byte, error) {
	hm, ok := hashMechs[h]
	if !ok || h == 0 {
		return nil, fmt.Errorf("pkcs11: RSA-PSS with hash %v is not supported: %w", h, ErrUnsupported)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("pkcs11: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
	}
	salt, err := pssSaltLength(opts, h, pub.N.BitLen())
	if err != nil {
		return nil, err
	}
	if !k.mechs[ckmRSAPKCSPSS] {
		return nil, fmt.Errorf("pkcs11: key %s on token %q may not use CKM_RSA_PKCS_PSS (the token lacks it, or the key's CKA_ALLOWED_MECHANISMS exclude it), so it cannot make RSA-PSS signatures (TLS 1.3 needs them): %w",
			k.uri.Redacted(), k.t.label(), ErrUnsupported)
	}
	return k.sign(p11.NewMechanism(ckmRSAPKCSPSS, p11.NewPSSParams(hm.mech, hm.mgf, uint(salt))), digest)
}

// sign runs C_SignInit (+ context login) and C_Sign on a pooled session.
func (k *Key) sign(mech *p11.Mechanism, in []byte) ([]byte, error) {
	if k.closed.Load() {
		return nil, fmt.Errorf("pkcs11: %s: %w", k, ErrClosed)
	}
	var sig []byte
	err := k.t.do(func(sh p11.SessionHandle) error {
		if err := k.beginOp(sh, mech, false); err != nil {
			return err
		}
		s, err := k.t.ctx.SignSized(sh, in, k.sigSize())
		if err != nil {
			return k.t.err("C_Sign", err, k.uri.Redacted())
		}
		sig = s
		return nil
	}, k.refind)
	return sig, err
}

// beginOp starts a signature (with decrypt, a decryption) with mech on
// the key in session sh, and logs in for the operation when the key has
// CKA_ALWAYS_AUTHENTICATE.
func (k *Key) beginOp(sh p11.SessionHandle, mech *p11.Mechanism, decrypt bool) error {
	h, err := k.objHandle(sh)
	if err != nil {
		return err
	}
	op, init, end := "C_SignInit", k.t.ctx.SignInit, k.t.ctx.Sign
	if decrypt {
		op, init, end = "C_DecryptInit", k.t.ctx.DecryptInit, k.t.ctx.Decrypt
	}
	if err := init(sh, []*p11.Mechanism{mech}, h); err != nil {
		return k.t.err(op, err, k.uri.Redacted())
	}
	if k.alwaysAuth {
		if err := k.t.contextLogin(sh, k.uri.Redacted()); err != nil {
			end(sh, nil) // end the operation; an error is expected
			return err
		}
	}
	return nil
}

// Decrypt decrypts an RSA ciphertext on the token: opts nil or
// *rsa.PKCS1v15DecryptOptions selects PKCS #1 v1.5 (with SessionKeyLen set,
// a decryption failure returns a random key of that length, as
// crypto/rsa does), *rsa.OAEPOptions selects OAEP with MGF1 of the same
// hash.
func (d *RSADecrypter) Decrypt(rnd io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	k := d.Key
	var mech *p11.Mechanism
	sessionKeyLen := 0
	switch o := opts.(type) {
	case nil:
		mech = p11.NewMechanism(ckmRSAPKCS, nil)
	case *rsa.PKCS1v15DecryptOptions:
		mech = p11.NewMechanism(ckmRSAPKCS, nil)
		sessionKeyLen = o.SessionKeyLen
	case *rsa.OAEPOptions:
		hm, ok := hashMechs[o.Hash]
		if !ok || (o.MGFHash != 0 && o.MGFHash != o.Hash) {
			return nil, fmt.Errorf("pkcs11: RSA-OAEP with hash %v / MGF %v is not supported: %w", o.Hash, o.MGFHash, ErrUnsupported)
		}
		mech = p11.NewMechanism(ckmRSAPKCSOAEP, p11.NewOAEPParams(hm.mech, hm.mgf, ckzDataSpec, o.Label))
	default:
		return nil, fmt.Errorf("pkcs11: decrypt options %T are not supported: %w", opts, ErrUnsupported)
	}
	if k.closed.Load() {
		return nil, fmt.Errorf("pkcs11: %s: %w", k, ErrClosed)
	}
	var out []byte
	decryptFailed := false
	err := k.t.do(func(sh p11.SessionHandle) error {
		decryptFailed = false
		if err := k.beginOp(sh, mech, true); err != nil {
			return err
		}
		p, err := k.t.ctx.Decrypt(sh, msg)
		if err != nil {
			decryptFailed = !isSessionDead(ckrCode(err))
			return k.t.err("C_Decrypt", err, k.uri.Redacted())
		}
		out = p
		return nil
	}, k.refind)
	// With SessionKeyLen, any failure of C_Decrypt itself (SoftHSM says
	// CKR_GENERAL_ERROR for bad padding) is hidden, as crypto/rsa does, so
	// the token cannot be used as a padding oracle.
	if sessionKeyLen > 0 && (decryptFailed || (err == nil && len(out) != sessionKeyLen)) {
		key := make([]byte, sessionKeyLen)
		if _, rerr := readRand(rnd, key); rerr != nil {
			return nil, rerr
		}
		return key, nil
	}
	return out, err
}

// allowedMechanisms is the token's mechanism list narrowed by the key's
// CKA_ALLOWED_MECHANISMS, when the token keeps one (a key restricted to
// PKCS#1 v1.5 must not be offered for RSA-PSS, so it cannot serve TLS 1.3).
// A token that does not know the attribute leaves the list as it is.
func allowedMechanisms(t *token, sh p11.SessionHandle, h p11.ObjectHandle) map[uint]bool {
	got, err := t.ctx.GetAttributeValue(sh, h, []*p11.Attribute{{Type: p11.CKA_ALLOWED_MECHANISMS}})
	if err != nil || len(got) != 1 || len(got[0].Value) == 0 {
		return t.mechs
	}
	allowed, ok := p11.ULongs(got[0].Value)
	if !ok {
		return t.mechs
	}
	out := make(map[uint]bool, len(allowed))
	for _, m := range allowed {
		if t.mechs[m] {
			out[m] = true
		}
	}
	return out
}
